package dev.logreg.train;

import dev.logreg.backend.Backend;
import dev.logreg.data.Dataset;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One-vs-rest training: K binary fits, class c against the rest ({@link Dataset#oneVsRest}: the features and
 * weights shared, labels 1 for class c), combined into a {@link OneVsRestModel}. Each fit binds its own binary view
 * of the rows (in place on the reference and CPU backends; a GPU backend uploads the rows once per class). Stateless.
 */
public final class OneVsRest {
    private OneVsRest() {}

    /**
     * Trains K binary models on {@code backend} (not closed here).
     *
     * @param data    K-class data (K ≥ 2)
     * @param prepare what each class's binary rows become before their fit, and the options of that fit (balanced
     *                class weights and a standardized penalty are per binary problem, as in scikit-learn)
     * @return the K-class model; its objective is the sum of the K binary objectives, and its status the first
     *         class's status that is not a convergence (else class 0's), with that class's optimizer account
     * @throws IllegalArgumentException where a binary fit refuses its data (a class without rows, naming the class)
     */
    public static TrainingResult fit(Backend backend, Dataset data, Function<Dataset, Prepared> prepare, dev.logreg.optim.TrainingListener listener) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(prepare, "prepare");
        int k = data.classes();
        long[] counts = data.labelCounts();
        List<LogisticModel> models = new ArrayList<>(k);
        double objective = 0;
        TrainingResult reported = null;
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("class " + c + " of " + k + " has no training rows: its one-vs-rest model cannot be learned;"
                        + " give rows of every class, or state fewer classes");
            }
            Prepared p = prepare.apply(data.oneVsRest(c));
            TrainingResult r = Trainer.fit(backend, p.rows(), p.options(), (LogisticModel) null, listener);
            models.add(r.model());
            objective += r.objective();
            if (reported == null || (!r.status().isConverged() && reported.status().isConverged())) reported = r;
        }
        String message = "one-vs-rest, " + k + " binary fits" + (reported.message() == null ? "" : "; " + reported.message());
        return new TrainingResult(new OneVsRestModel(models), reported.status(), objective, reported.optimization(), reported.optimizer(),
                reported.backend(), reported.options(), message);
    }

    /**
     * The rows and options of one class's binary fit.
     *
     * @param rows    the binary rows (the class's view, reweighted where asked)
     * @param options the fit's options (a binary loss)
     */
    public record Prepared(Dataset rows, TrainingOptions options) {
    }
}
