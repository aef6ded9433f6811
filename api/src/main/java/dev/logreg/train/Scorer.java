package dev.logreg.train;

/**
 * How {@link CrossValidation} scores a model on the rows it did not train on: a function of the held-out rows'
 * logits, labels and sample weights. The engine needs only this much; the metrics module
 * ({@code dev.logreg.metrics.BinaryMetrics#scorer(String)}, in logreg-io) supplies ROC AUC, accuracy, F1 and the
 * others by name.
 *
 * <p>A scorer of K-class models also implements {@link #scoreClasses} (and says so in {@link #supportsClasses()}):
 * {@link #logLoss()}, {@link #accuracy()} and {@link #macroF1()} score both.
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

    /** Whether {@link #scoreClasses} is implemented (a K-class model can be scored). Default false. */
    default boolean supportsClasses() {
        return false;
    }

    /**
     * The score of held-out rows of a K-class model (multinomial or one-vs-rest, K ≥ 2).
     *
     * @param logProbabilities log pᵢ_c, row-major: {@code classes} per row, the model's normalised probabilities
     *                         (softmax, or one-vs-rest's σ/Σσ)
     * @param labels           the class index 0..K−1 per row
     * @param weights          a weight &ge; 0 per row, or {@code null} where every row counts once
     * @throws UnsupportedOperationException where {@link #supportsClasses()} is false
     */
    default double scoreClasses(double[] logProbabilities, int classes, float[] labels, float[] weights) {
        throw new UnsupportedOperationException("scorer " + name() + " scores binary models only; for K classes use logloss, accuracy or macro-f1");
    }

    /**
     * The weighted mean log loss from the logits, in stable form (glmnet's "deviance" up to a factor of 2, and
     * scikit-learn's {@code neg_log_loss} up to the sign): a proper scoring rule, so the λ it chooses gives the best
     * probabilities rather than the best ranking or the best threshold. Lower is better.
     */
    static Scorer logLoss() {
        return LogLossScorer.INSTANCE;
    }

    /**
     * The weighted fraction of rows whose predicted class is their label (binary: class 1 where z ≥ 0, as
     * {@link dev.logreg.model.LogisticModel#predict} at threshold 0.5; K classes: the most probable class, the lowest
     * index on a tie, as {@link dev.logreg.model.SoftmaxModel#predictClass}). Higher is better.
     */
    static Scorer accuracy() {
        return ClassificationScorer.ACCURACY;
    }

    /**
     * The unweighted mean over classes of each class's F1 = 2TP/(2TP + FP + FN), the counts weighted by the sample
     * weights; a class with 2TP + FP + FN = 0 has F1 0, and the mean runs over the classes that occur in the labels or
     * the predictions (scikit-learn's {@code f1_score(average="macro")} with {@code zero_division=0}). Binary models
     * count both classes, as scikit-learn's macro average does. Higher is better.
     */
    static Scorer macroF1() {
        return ClassificationScorer.MACRO_F1;
    }
}
