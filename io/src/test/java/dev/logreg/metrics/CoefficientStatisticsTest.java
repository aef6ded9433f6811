package dev.logreg.metrics;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CoefficientStatistics} against closed forms: with one binary feature the maximum-likelihood slope is the log
 * odds ratio of the 2x2 table and its standard error is √(1/a + 1/b + 1/c + 1/d) (Woolf), the intercept is the log
 * odds of the x = 0 group with standard error √(1/a + 1/b), and their covariance is −(1/a + 1/b).
 */
class CoefficientStatisticsTest {
    /** Counts of the table: (x = 0, y = 0), (x = 0, y = 1), (x = 1, y = 0), (x = 1, y = 1). */
    private static final int A = 30, B = 10, C = 12, D = 25;
    private static final TrainingOptions OPTIONS = TrainingOptions.DEFAULT.withCriteria(new StoppingCriteria(500, 1e-12, 0.0, null));

    /** The table as rows, each repeated, or as four rows with frequency weights. */
    private static Dataset table(boolean weighted) {
        int[][] cells = {{0, 0, A}, {0, 1, B}, {1, 0, C}, {1, 1, D}};
        if (weighted) {
            float[] x = new float[4];
            float[] y = new float[4];
            float[] w = new float[4];
            for (int k = 0; k < 4; k++) {
                x[k] = cells[k][0];
                y[k] = cells[k][1];
                w[k] = cells[k][2];
            }
            return Dataset.wrap(x, 1, y, w).withFeatureNames(List.of("exposed"));
        }
        int rows = A + B + C + D;
        float[] x = new float[rows];
        float[] y = new float[rows];
        int i = 0;
        for (int[] cell : cells) {
            for (int r = 0; r < cell[2]; r++, i++) {
                x[i] = cell[0];
                y[i] = cell[1];
            }
        }
        return Dataset.wrap(x, 1, y, null).withFeatureNames(List.of("exposed"));
    }

    private static CoefficientStatistics statistics(Dataset data, TrainingOptions options, double confidence) {
        try (ReferenceBackend backend = new ReferenceBackend(); DataTerm term = backend.bind(data, Loss.log())) {
            TrainingResult fit = Trainer.fit(backend, data, options, null);
            return CoefficientStatistics.of(term, fit, confidence);
        }
    }

    @Test
    void aTwoByTwoTableGivesTheLogOddsRatioAndWoolfsStandardError() {
        for (boolean weighted : new boolean[] {false, true}) {
            CoefficientStatistics s = statistics(table(weighted), OPTIONS, 0.95);
            String how = weighted ? "frequency weights" : "repeated rows";
            assertEquals(2, s.coefficients().size());
            CoefficientStatistics.Coefficient slope = s.coefficients().get(0);
            CoefficientStatistics.Coefficient intercept = s.coefficients().get(1);
            assertEquals("exposed", slope.name());
            assertEquals(CoefficientStatistics.INTERCEPT, intercept.name());
            assertEquals(Math.log((double) D * A / (C * B)), slope.estimate(), 1e-9, how);
            assertEquals(Math.log((double) B / A), intercept.estimate(), 1e-9, how);
            double seSlope = Math.sqrt(1.0 / A + 1.0 / B + 1.0 / C + 1.0 / D);
            double seIntercept = Math.sqrt(1.0 / A + 1.0 / B);
            assertEquals(seSlope, slope.standardError(), 1e-8 * seSlope, how);
            assertEquals(seIntercept, intercept.standardError(), 1e-8 * seIntercept, how);
            assertEquals(-(1.0 / A + 1.0 / B), s.covariance()[1], 1e-8, how + ": covariance of slope and intercept");
            assertEquals(slope.estimate() / slope.standardError(), slope.z(), 1e-12);
            // 1.959963984540054 is the 0.975 quantile of the standard normal.
            assertEquals(slope.estimate() - 1.959963984540054 * seSlope, slope.lower(), 1e-8, how);
            assertEquals(slope.estimate() + 1.959963984540054 * seSlope, slope.upper(), 1e-8, how);
        }
    }

    /**
     * Several features on scales six decades apart: the covariance equals the inverse of the Fisher information
     * Σ p(1−p) x̃x̃ᵀ formed and inverted here independently (row by row in double, Gauss-Jordan with pivoting).
     */
    @Test
    void theCovarianceIsTheInverseInformationOnBadlyScaledFeatures() {
        Dataset data = dev.logreg.testing.SyntheticData.hard(2_000, 4, 17);
        CoefficientStatistics s = statistics(data, OPTIONS.withOptimizer("newton"), 0.95);
        double[] theta = new double[4];
        for (int j = 0; j < 4; j++) theta[j] = s.coefficients().get(j).estimate();
        double b = s.coefficients().get(4).estimate();
        int d = 5;
        double[][] info = new double[d][d];
        float[] row = new float[4];
        for (long i = 0; i < data.rows(); i++) {
            data.copyRow(i, row);
            double z = b;
            for (int j = 0; j < 4; j++) z += theta[j] * row[j];
            double p = 1 / (1 + Math.exp(-z));
            double[] x = {row[0], row[1], row[2], row[3], 1};
            for (int r = 0; r < d; r++) for (int c = 0; c < d; c++) info[r][c] += p * (1 - p) * x[r] * x[c];
        }
        double[][] inverse = invert(info);
        double[] cov = s.covariance();
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                double expected = inverse[r][c];
                assertEquals(expected, cov[r * d + c], 1e-6 * Math.sqrt(Math.abs(inverse[r][r] * inverse[c][c])), "covariance (" + r + ", " + c + ")");
            }
        }
    }

    private static double[][] invert(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], 0, a[i], 0, n);
            a[i][n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            double p = a[col][col];
            for (int c = 0; c < 2 * n; c++) a[col][c] /= p;
            for (int r = 0; r < n; r++) {
                if (r == col) continue;
                double f = a[r][col];
                for (int c = 0; c < 2 * n; c++) a[r][c] -= f * a[col][c];
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) System.arraycopy(a[i], n, inv[i], 0, n);
        return inv;
    }

    /** The p-value and the interval agree: at level 1 − p the interval's nearer end is exactly 0. */
    @Test
    void atLevelOneMinusPTheIntervalTouchesZero() {
        CoefficientStatistics s = statistics(table(false), OPTIONS, 0.95);
        for (int j = 0; j < 2; j++) {
            CoefficientStatistics.Coefficient c = s.coefficients().get(j);
            assertTrue(c.pValue() > 1e-6 && c.pValue() < 0.5, c.toString());
            CoefficientStatistics.Coefficient at = statistics(table(false), OPTIONS, 1 - c.pValue()).coefficients().get(j);
            double nearer = c.estimate() > 0 ? at.lower() : at.upper();
            assertEquals(0.0, nearer, 1e-9 * Math.abs(c.estimate()), c.name() + " at level " + (1 - c.pValue()));
        }
    }

    @Test
    void whatTheTheoryDoesNotCoverIsRefusedWithTheReason() {
        Dataset data = table(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> statistics(data, OPTIONS.withPenalty(Penalty.l2(1)), 0.95));
        assertTrue(e.getMessage().contains("penalized fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> statistics(data, OPTIONS, 1.0));
        assertTrue(e.getMessage().contains("confidence is 1.0"), e.getMessage());
        Dataset separable = Dataset.wrap(new float[] {-2, -1, 1, 2}, 1, new float[] {0, 0, 1, 1}, null);
        e = assertThrows(IllegalArgumentException.class, () -> statistics(separable, OPTIONS, 0.95));
        assertTrue(e.getMessage().contains("UNBOUNDED_COEFFICIENTS, not at the maximum likelihood (the data are separable"), e.getMessage());
        Dataset twins = Dataset.wrap(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0}, 2, new float[] {0, 1, 1, 0, 1, 0}, null);
        e = assertThrows(IllegalArgumentException.class, () -> statistics(twins, OPTIONS, 0.95));
        assertTrue(e.getMessage().contains("singular"), e.getMessage());
    }
}
