package dev.logreg.metrics;

/**
 * Counts of a binary classification at one threshold.
 *
 * @param trueNegatives  label 0, predicted 0
 * @param falsePositives label 0, predicted 1
 * @param falseNegatives label 1, predicted 0
 * @param truePositives  label 1, predicted 1
 */
public record ConfusionMatrix(long trueNegatives, long falsePositives, long falseNegatives, long truePositives) {
    /** All four counts. */
    public long total() {
        return trueNegatives + falsePositives + falseNegatives + truePositives;
    }
}
