package dev.logreg.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryMetricsTest {
    private static void close(double expected, double actual, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= 1e-12 * Math.max(1, Math.abs(expected)), what + ": expected " + expected + ", got " + actual);
    }

    private static double sigma(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /**
     * Positives score 2, 0, 0; negatives 1, 0, -1. Pairs (3 x 3): the positive at 2 beats all three; each positive
     * at 0 loses to 1, ties 0 (half) and beats -1: AUC = (3 + 1.5 + 1.5) / 9 = 2/3. Average precision: at score 2,
     * P = 1, R = 1/3; at score 1 no new positive; at 0, P = 3/5, R = 1: AP = 1/3 + (2/3)(3/5) = 11/15.
     * At threshold 0.5 (z >= 0): TP 3, FP 2, TN 1, FN 0.
     */
    @Test
    void handComputedExampleWithTies() {
        double[] z = {2, 1, 0, 0, 0, -1};
        float[] y = {1, 0, 1, 0, 1, 0};
        BinaryMetrics m = BinaryMetrics.compute(z, y, 0.5);
        close(2.0 / 3, m.rocAuc(), "ROC AUC");
        close(11.0 / 15, m.averagePrecision(), "average precision");
        assertEquals(new ConfusionMatrix(1, 2, 0, 3), m.confusion());
        close(4.0 / 6, m.accuracy(), "accuracy");
        close(3.0 / 5, m.precision(), "precision");
        close(1.0, m.recall(), "recall");
        close(0.75, m.f1(), "F1");
        double ll = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(1)) + 3 * Math.log(2) + Math.log1p(Math.exp(-1))) / 6;
        close(ll, m.logLoss(), "log loss");
        double brier = (Math.pow(sigma(2) - 1, 2) + Math.pow(sigma(1), 2) + 3 * 0.25 + Math.pow(sigma(-1), 2)) / 6;
        close(brier, m.brierScore(), "Brier score");
    }

    @Test
    void scorersByNameGiveTheMetricWithItsDirection() {
        double[] z = {2, 1, 0, 0, 0, -1};
        float[] y = {1, 0, 1, 0, 1, 0};
        float[] w = {1, 2, 1, 1, 3, 1};
        BinaryMetrics m = BinaryMetrics.compute(z, y, w, 0.5);
        assertEquals(m.rocAuc(), BinaryMetrics.scorer("auc").score(z, y, w));
        assertEquals(m.accuracy(), BinaryMetrics.scorer("Accuracy").score(z, y, w));
        assertEquals(m.f1(), BinaryMetrics.scorer("f1").score(z, y, w));
        assertEquals(m.averagePrecision(), BinaryMetrics.scorer("average_precision").score(z, y, w));
        assertEquals(m.brierScore(), BinaryMetrics.scorer("brier").score(z, y, w));
        assertEquals(m.logLoss(), BinaryMetrics.scorer("logloss").score(z, y, w), 1e-15, "the api's log loss agrees with the metrics'");
        for (String name : BinaryMetrics.SCORER_NAMES) {
            boolean lowerIsBetter = name.equals("logloss") || name.equals("brier");
            assertEquals(!lowerIsBetter, BinaryMetrics.scorer(name).higherIsBetter(), name);
            assertEquals(name, BinaryMetrics.scorer(name).name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.scorer("roc"));
        assertTrue(e.getMessage().contains("'roc' is not one of logloss, auc"), e.getMessage());
    }

    @Test
    void thresholdMovesTheConfusionMatrix() {
        double[] z = {2, 1, 0, 0, 0, -1};
        float[] y = {1, 0, 1, 0, 1, 0};
        BinaryMetrics m = BinaryMetrics.compute(z, y, sigma(1.5));
        assertEquals(new ConfusionMatrix(3, 0, 2, 1), m.confusion());
        close(1.0, m.precision(), "precision");
        close(1.0 / 3, m.recall(), "recall");
        close(0.5, m.f1(), "F1");
    }

    @Test
    void allTiedScoresGiveChanceAucAndPrevalenceAp() {
        double[] z = {0.3, 0.3, 0.3, 0.3};
        float[] y = {1, 0, 0, 0};
        BinaryMetrics m = BinaryMetrics.compute(z, y, 0.9);
        close(0.5, m.rocAuc(), "ROC AUC");
        close(0.25, m.averagePrecision(), "average precision");
        assertEquals(0.0, m.precision(), "no predicted positives: precision is 0");
        assertEquals(0.0, m.f1());
    }

    @Test
    void perfectAndReversedRankings() {
        float[] y = {0, 0, 1, 1};
        BinaryMetrics perfect = BinaryMetrics.compute(new double[] {-3, -1, 1, 3}, y, 0.5);
        close(1.0, perfect.rocAuc(), "perfect AUC");
        close(1.0, perfect.averagePrecision(), "perfect AP");
        close(1.0, perfect.accuracy(), "perfect accuracy");
        BinaryMetrics reversed = BinaryMetrics.compute(new double[] {3, 1, -1, -3}, y, 0.5);
        close(0.0, reversed.rocAuc(), "reversed AUC");
        // Positives at ranks 3 and 4: AP = (1/2)(1/3) + (1/2)(2/4) = 5/12.
        close(5.0 / 12, reversed.averagePrecision(), "reversed AP");
    }

    @Test
    void logLossStaysFiniteForExtremeLogits() {
        BinaryMetrics m = BinaryMetrics.compute(new double[] {800, -800}, new float[] {0, 1}, 0.5);
        close(800, m.logLoss(), "log loss at |z| = 800");
    }

    @Test
    void oneClassOnlyGivesNaNAucAndNullInTheMap() {
        BinaryMetrics m = BinaryMetrics.compute(new double[] {1, 2}, new float[] {1, 1}, 0.5);
        assertTrue(Double.isNaN(m.rocAuc()));
        assertEquals(null, m.toMap().get("rocAuc"));
        close(1.0, m.averagePrecision(), "AP with positives only");
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.compute(new double[] {1}, new float[] {2}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.compute(new double[] {1, 2}, new float[] {1}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.compute(new double[] {1}, new float[] {1}, 1.5));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.compute(new double[0], new float[0], 0.5));
    }

    @Test
    void curvesOfTheHandExample() {
        double[] z = {2, 1, 0, 0, 0, -1};
        float[] y = {1, 0, 1, 0, 1, 0};
        Curves.Curve roc = Curves.roc(z, y);
        assertArrayEquals(new double[] {0, 0, 1.0 / 3, 2.0 / 3, 1}, roc.x(), 1e-15);
        assertArrayEquals(new double[] {0, 1.0 / 3, 1.0 / 3, 1, 1}, roc.y(), 1e-15);
        Curves.Curve pr = Curves.precisionRecall(z, y);
        assertArrayEquals(new double[] {0, 1.0 / 3, 1.0 / 3, 1, 1}, pr.x(), 1e-15);
        assertArrayEquals(new double[] {1, 1, 0.5, 0.6, 0.5}, pr.y(), 1e-15);
        Curves.Curve cal = Curves.calibration(z, y, 2);
        // Bin [0, 0.5): sigma(-1), label 0. Bin [0.5, 1]: the rest, mean label 3/5.
        assertArrayEquals(new double[] {sigma(-1), (sigma(2) + sigma(1) + 1.5) / 5}, cal.x(), 1e-12);
        assertArrayEquals(new double[] {0, 0.6}, cal.y(), 1e-15);
    }
}
