package dev.logreg;

import dev.logreg.backend.Backend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.TrainingListener;
import dev.logreg.train.BoundData;
import dev.logreg.train.OneVsRest;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.util.Objects;

/**
 * The fits of one {@link LogisticRegression} configuration on an open backend: the rows each trains on (reweighted
 * where classes are balanced), its options (the penalty on the standardization scales where asked), and the trainer
 * each {@link FitStrategy} calls. Immutable and thread-safe, as the configuration is.
 */
final class FitRunner {
    private final TrainingOptions options;
    private final TrainingListener listener;
    private final boolean standardize;
    private final boolean balanceClasses;

    FitRunner(TrainingOptions options, TrainingListener listener, boolean standardize, boolean balanceClasses) {
        this.options = options;
        this.listener = listener;
        this.standardize = standardize;
        this.balanceClasses = balanceClasses;
    }

    /** Trains on an open backend by strategy; {@code note} (may be null) goes before the result's message. */
    TrainingResult fitOn(Backend b, Dataset data, FitStrategy s, String note) {
        TrainingResult r;
        switch (s) {
            case ONE_VS_REST:
                // Balanced weights and a standardized penalty per binary problem, as scikit-learn's one-vs-rest.
                r = OneVsRest.fit(b, data, rows -> {
                    Dataset weighted = rowsFor(rows);
                    return new OneVsRest.Prepared(weighted, optionsFor(weighted).withLoss(Loss.log()));
                }, listener);
                break;
            case MULTINOMIAL: {
                Dataset rows = rowsFor(data);
                r = Trainer.fit(b, rows, optionsFor(rows).withLoss(Loss.multinomial()), (LogisticModel) null, listener);
                break;
            }
            default: {
                Dataset rows = rowsFor(data);
                r = Trainer.fit(b, rows, optionsFor(rows), listener);
            }
        }
        if (note == null) return r;
        return new TrainingResult(r.classifier(), r.status(), r.objective(), r.optimization(), r.optimizer(), r.backend(), r.options(),
                note + (r.message() == null ? "" : "; " + r.message()));
    }

    /** The rows a fit trains on: {@code data}, reweighted where {@link LogisticRegression#balanceClasses()} (no copy of the rows). */
    Dataset rowsFor(Dataset data) {
        Objects.requireNonNull(data, "data");
        return balanceClasses ? dev.logreg.data.ClassWeights.balanced(data) : data;
    }

    /**
     * The options of a fit on {@code data}: with {@link LogisticRegression#standardize()}, the penalty on the data's standardization
     * scales (one pass over the data for the column statistics).
     */
    TrainingOptions optionsFor(Dataset data) {
        return optionsFor(() -> dev.logreg.objective.ColumnStatistics.of(data));
    }

    /** As {@link #optionsFor(Dataset)}, with the statistics the bound data keep (no pass per fit along a path). */
    TrainingOptions optionsFor(BoundData bound) {
        return optionsFor(bound::statistics);
    }

    private TrainingOptions optionsFor(java.util.function.Supplier<dev.logreg.objective.ColumnStatistics> statistics) {
        if (!standardize || options.penalty().kind() == dev.logreg.penalty.Penalty.Kind.NONE) return options;
        double[] scales = statistics.get().standardizationScales(options.fitIntercept());
        return options.withPenalty(options.penalty().onScales(scales));
    }
}
