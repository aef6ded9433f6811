package dev.logreg.train;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.optim.Optimizers;
import dev.logreg.optim.TrainingListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One-vs-rest training: K binary fits, class c against the rest ({@link Dataset#oneVsRest}: the features and
 * weights shared, labels 1 for class c), combined into a {@link OneVsRestModel}.
 *
 * <p>The K-class rows are bound once ({@link Backend#bindOneVsRest}) and every class's fit runs on that bind's term
 * for its class, so a backend that shares its rows across classes holds (uploads) X once rather than K times. A
 * class whose rows {@code prepare} changes (balanced class weights, which differ per binary problem) is bound on its
 * own, as is one whose options need another loss or row order than the shared bind. Each fit equals
 * {@link Trainer#fit(Backend, Dataset, TrainingOptions, TrainingListener)} on the class's binary view, to the bit.
 * Stateless.
 */
public final class OneVsRest {
    private OneVsRest() {}

    /**
     * Trains K binary models on {@code backend} (not closed here).
     *
     * @param data    K-class data (K ≥ 2)
     * @param prepare what each class's binary rows become before their fit, and the options of that fit (balanced
     *                class weights and a standardized penalty are per binary problem, as in scikit-learn); return the
     *                rows given, unchanged, for the fit to run on the shared bind
     * @return the K-class model; its objective is the sum of the K binary objectives, and its status the first
     *         class's status that is not a convergence (else class 0's), with that class's optimizer account
     * @throws IllegalArgumentException where a binary fit refuses its data (a class without rows, naming the class)
     */
    public static TrainingResult fit(Backend backend, Dataset data, Function<Dataset, Prepared> prepare, TrainingListener listener) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(prepare, "prepare");
        Backend.checkLayout(backend, data);
        int k = data.classes();
        long[] counts = data.labelCounts();
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("class " + c + " of " + k + " has no training rows: its one-vs-rest model cannot be learned;"
                        + " give rows of every class, or state fewer classes");
            }
        }
        List<LogisticModel> models = new ArrayList<>(k);
        double objective = 0;
        TrainingResult reported = null;
        OneVsRestTerms shared = null;
        Loss sharedLoss = null;
        BindOptions sharedOrder = null;
        try {
            for (int c = 0; c < k; c++) {
                Dataset view = data.oneVsRest(c);
                Prepared p = prepare.apply(view);
                TrainingOptions o = p.options();
                BindOptions order = Trainer.bindOptions(Optimizers.create(o), o);
                TrainingResult r;
                if (p.rows() == view && o.loss().kind() != Loss.Kind.HINGE) {
                    if (shared == null) {
                        shared = backend.bindOneVsRest(data, o.loss(), order);
                        sharedLoss = o.loss();
                        sharedOrder = order;
                    }
                    if (o.loss().kind() == sharedLoss.kind() && order.equals(sharedOrder)) {
                        try (BoundData bound = BoundData.wrap(backend, view, sharedLoss, sharedOrder, shared.forClass(c))) {
                            r = Trainer.fit(bound, o, (LinearClassifier) null, listener);
                        }
                    } else {
                        r = Trainer.fit(backend, p.rows(), o, (LogisticModel) null, listener);
                    }
                } else {
                    r = Trainer.fit(backend, p.rows(), o, (LogisticModel) null, listener);
                }
                models.add(r.model());
                objective += r.objective();
                if (reported == null || (!r.status().isConverged() && reported.status().isConverged())) reported = r;
            }
        } finally {
            if (shared != null) shared.close();
        }
        String message = "one-vs-rest, " + k + " binary fits" + (reported.message() == null ? "" : "; " + reported.message());
        return new TrainingResult(new OneVsRestModel(models), reported.status(), objective, reported.optimization(), reported.optimizer(),
                reported.backend(), reported.options(), message);
    }

    /**
     * The rows and options of one class's binary fit.
     *
     * @param rows    the binary rows (the class's view as given to {@code prepare}, or reweighted where asked)
     * @param options the fit's options (a binary loss)
     */
    public record Prepared(Dataset rows, TrainingOptions options) {
    }
}
