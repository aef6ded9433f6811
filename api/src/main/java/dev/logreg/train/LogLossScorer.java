package dev.logreg.train;

import dev.logreg.loss.Loss;

import java.util.Objects;

/**
 * {@link Scorer#logLoss()}: the weighted mean log loss of the held-out rows; for K classes the multiclass log loss
 * −(1/Σwᵢ) Σ wᵢ log pᵢ_{yᵢ} (scikit-learn's {@code log_loss}, not clipped: a held-out row given probability 0 scores +∞).
 */
final class LogLossScorer implements Scorer {
    static final LogLossScorer INSTANCE = new LogLossScorer();

    private LogLossScorer() {}

    @Override public String name() { return "logloss"; }

    @Override public boolean higherIsBetter() { return false; }

    @Override
    public double score(double[] logits, float[] labels, float[] weights) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        Loss log = Loss.log();
        double sum = 0;
        double weightSum = 0;
        for (int i = 0; i < logits.length; i++) {
            double w = weights == null ? 1 : weights[i];
            sum += w * log.value(labels[i], logits[i]);
            weightSum += w;
        }
        if (!(weightSum > 0)) throw new IllegalArgumentException("no held-out row has a positive weight: the log loss is undefined");
        return sum / weightSum;
    }

    @Override public boolean supportsClasses() { return true; }

    @Override
    public double scoreClasses(double[] logProbabilities, int classes, float[] labels, float[] weights) {
        Objects.requireNonNull(logProbabilities, "logProbabilities");
        Objects.requireNonNull(labels, "labels");
        double sum = 0;
        double weightSum = 0;
        for (int i = 0; i < labels.length; i++) {
            double w = weights == null ? 1 : weights[i];
            if (w == 0) continue;
            sum -= w * logProbabilities[i * classes + (int) labels[i]];
            weightSum += w;
        }
        if (!(weightSum > 0)) throw new IllegalArgumentException("no held-out row has a positive weight: the log loss is undefined");
        return sum / weightSum;
    }

    @Override public String toString() { return name(); }
}
