package dev.logreg.train;

import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.OptimizationResult;
import dev.logreg.optim.Status;

import java.util.Objects;

/**
 * A trained model and how it was obtained.
 *
 * @param classifier   the model (coefficients on the user's own feature scales): a {@link LogisticModel} for a
 *                     binary fit, a {@link dev.logreg.model.SoftmaxModel} for a multinomial one, a
 *                     {@link dev.logreg.model.OneVsRestModel} for one-vs-rest
 * @param status       why training ended (may be {@link Status#UNBOUNDED_COEFFICIENTS} where the optimizer
 *                     itself converged on separable data without a penalty)
 * @param objective    the objective J of the model, penalty included, evaluated on the training backend (for
 *                     one-vs-rest, the sum of the K binary objectives)
 * @param optimization the optimizer's own account (iterations, evaluations, history, in its coordinates; for
 *                     one-vs-rest, that of the class whose status is reported)
 * @param optimizer    the optimizer used ({@code auto} resolved)
 * @param backend      the backend's description
 * @param options      the options in force
 * @param message      one line for people: what happened and, where training did not converge, what to do
 */
public record TrainingResult(LinearClassifier classifier, Status status, double objective, OptimizationResult optimization,
                             String optimizer, String backend, TrainingOptions options, String message) {
    public TrainingResult {
        Objects.requireNonNull(classifier, "classifier");
    }

    /** A binary fit's result (what this record held before K-class models). */
    public TrainingResult(LogisticModel model, Status status, double objective, OptimizationResult optimization,
                          String optimizer, String backend, TrainingOptions options, String message) {
        this((LinearClassifier) model, status, objective, optimization, optimizer, backend, options, message);
    }

    /**
     * The binary model.
     *
     * @throws IllegalStateException where this is a K-class fit (use {@link #classifier()})
     */
    public LogisticModel model() {
        if (classifier instanceof LogisticModel) return (LogisticModel) classifier;
        throw new IllegalStateException("this fit trained a " + classifier.classes() + "-class " + classifier.getClass().getSimpleName()
                + ", not a binary LogisticModel: use classifier()");
    }

    /** Whether the model is the binary {@link LogisticModel}. */
    public boolean isBinary() {
        return classifier instanceof LogisticModel;
    }
}
