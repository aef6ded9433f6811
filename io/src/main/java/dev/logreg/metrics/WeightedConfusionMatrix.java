package dev.logreg.metrics;

/**
 * Sums of sample weights of a binary classification at one threshold (scikit-learn's
 * {@code confusion_matrix(..., sample_weight=w)}); with unit weights, the row counts of {@link ConfusionMatrix}.
 *
 * @param trueNegatives  Σw over rows with label 0, predicted 0
 * @param falsePositives Σw over rows with label 0, predicted 1
 * @param falseNegatives Σw over rows with label 1, predicted 0
 * @param truePositives  Σw over rows with label 1, predicted 1
 */
public record WeightedConfusionMatrix(double trueNegatives, double falsePositives, double falseNegatives, double truePositives) {
    /** All four sums: Σw. */
    public double total() {
        return trueNegatives + falsePositives + falseNegatives + truePositives;
    }
}
