package dev.logreg.train;

/**
 * How {@link CrossValidation} scores a model on the rows it did not train on: a function of the held-out rows'
 * logits, labels and sample weights. The engine needs only this much; the metrics module
 * ({@code dev.logreg.metrics.BinaryMetrics#scorer(String)}, in logreg-io) supplies ROC AUC, accuracy, F1 and the
 * others by name.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface Scorer {
    /** A short name for reports and the model file ({@code logloss}, {@code auc}, ...). */
    String name();

    /** Whether a larger score is a better model (AUC, accuracy) rather than a smaller one (log loss). */
    boolean higherIsBetter();

    /**
     * The score of held-out rows.
     *
     * @param logits  z = θ·x + b per row
     * @param labels  0 or 1 per row
     * @param weights a weight &ge; 0 per row, or {@code null} where every row counts once
     */
    double score(double[] logits, float[] labels, float[] weights);

    /**
     * The weighted mean log loss from the logits, in stable form (glmnet's "deviance" up to a factor of 2, and
     * scikit-learn's {@code neg_log_loss} up to the sign): a proper scoring rule, so the λ it chooses gives the best
     * probabilities rather than the best ranking or the best threshold. Lower is better.
     */
    static Scorer logLoss() {
        return LogLossScorer.INSTANCE;
    }
}
