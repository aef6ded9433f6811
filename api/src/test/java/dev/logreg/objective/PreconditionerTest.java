package dev.logreg.objective;

import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreconditionerTest {
    /** Three rows, weights (1, 2, 1), columns (1, 3, 5) | (4, 4, 4) | (0, 0, 0). */
    private static Dataset small() {
        return Dataset.wrap(new float[] {1, 4, 0, 3, 4, 0, 5, 4, 0}, 3, new float[] {0, 1, 1}, new float[] {1, 2, 1});
    }

    @Test
    void columnStatisticsByHand() {
        ColumnStatistics s = ColumnStatistics.of(small());
        // Column 0, m = 4: mean (1 + 6 + 5)/4 = 3; variance (1·4 + 2·0 + 1·4)/4 = 2; rms √((1 + 18 + 25)/4) = √11.
        assertEquals(3.0, s.mean()[0], 1e-15);
        assertEquals(Math.sqrt(2), s.std()[0], 1e-15);
        assertEquals(Math.sqrt(11), s.rms()[0], 1e-15);
        // Column 1 is constant 4: std 0, rms 4. Column 2 is all zero.
        assertArrayEquals(new double[] {3, 4, 0}, s.mean(), 1e-15);
        assertEquals(0.0, s.std()[1], 1e-15);
        assertEquals(4.0, s.rms()[1], 1e-15);
        assertEquals(0.0, s.rms()[2], 0.0);
    }

    @Test
    void columnStatisticsStayAccurateFarFromZero() {
        // Values 10000 + {0.25, 0.5, 0.75, ...}: a one-pass Σx² − (Σx)² would lose the variance to cancellation.
        Dataset.Builder b = Dataset.builder(1);
        for (int i = 0; i < 1000; i++) b.addRow(new float[] {10000f + (i % 4 + 1) * 0.25f}, 0);
        ColumnStatistics s = ColumnStatistics.of(b.build());
        // Values 10000.25..10001 equally often: mean 10000.625, variance of {0.25, 0.5, 0.75, 1} = 0.078125.
        assertEquals(10000.625, s.mean()[0], 1e-9);
        assertEquals(Math.sqrt(0.078125), s.std()[0], 1e-12);
    }

    @Test
    void fromStatisticsScalesAndCenters() {
        ColumnStatistics st = ColumnStatistics.of(small());
        Preconditioner with = Preconditioner.fromStatistics(st, true);
        // Degenerate columns (std 0, or rms 0) keep scale 1 instead of dividing by zero.
        assertArrayEquals(new double[] {Math.sqrt(2), 1, 1}, with.scale(), 1e-15);
        assertArrayEquals(new double[] {3, 4, 0}, with.center(), 1e-15);
        Preconditioner without = Preconditioner.fromStatistics(st, false);
        assertArrayEquals(new double[] {Math.sqrt(11), 4, 1}, without.scale(), 1e-15);
        assertArrayEquals(new double[] {0, 0, 0}, without.center(), 0.0);
        assertEquals(3, with.features());
        // Copies: changing a returned array does not change the preconditioner.
        with.scale()[0] = 99;
        assertEquals(Math.sqrt(2), with.scale()[0], 1e-15);
    }

    @Test
    void statisticsComputedElsewhereAreValidatedAndCopied() {
        ColumnStatistics st = ColumnStatistics.of(small());
        ColumnStatistics same = ColumnStatistics.of(st.mean(), st.std(), st.rms());
        assertArrayEquals(st.mean(), same.mean(), 0.0);
        assertArrayEquals(st.std(), same.std(), 0.0);
        assertArrayEquals(st.rms(), same.rms(), 0.0);
        double[] mean = {1, 2};
        ColumnStatistics copy = ColumnStatistics.of(mean, new double[] {1, 1}, new double[] {1, 2});
        mean[0] = 99;
        assertEquals(1.0, copy.mean()[0], 0.0, "the arrays are copied");
        assertThrows(IllegalArgumentException.class, () -> ColumnStatistics.of(new double[2], new double[1], new double[2]));
        assertThrows(IllegalArgumentException.class, () -> ColumnStatistics.of(new double[] {Double.NaN}, new double[1], new double[1]));
        assertThrows(IllegalArgumentException.class, () -> ColumnStatistics.of(new double[1], new double[] {-1}, new double[1]));
        assertThrows(IllegalArgumentException.class, () -> ColumnStatistics.of(new double[1], new double[1], new double[] {Double.POSITIVE_INFINITY}));
    }

    @Test
    void anL2PenaltyBalancesTheScalesByItsCurvature() {
        ColumnStatistics st = ColumnStatistics.of(small());
        // aⱼ = √(sⱼ² + c₂/κ), κ = 1/4: with c₂ = 0.5 the added term is 2 (std² = 2, 0, 0 for the three columns).
        Preconditioner p = Preconditioner.fromStatistics(st, true, 0.5);
        assertArrayEquals(new double[] {Math.sqrt(2 + 2), Math.sqrt(2), Math.sqrt(2)}, p.scale(), 1e-15);
        assertArrayEquals(new double[] {3, 4, 0}, p.center(), 1e-15);
        assertArrayEquals(Preconditioner.fromStatistics(st, true).scale(), Preconditioner.fromStatistics(st, true, 0.0).scale(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> Preconditioner.fromStatistics(st, true, -1.0));
        assertThrows(IllegalArgumentException.class, () -> Preconditioner.fromStatistics(st, true, Double.NaN));
    }

    private static Preconditioner random(SplittableRandom r, int n) {
        Dataset.Builder b = Dataset.builder(n);
        float[] x = new float[n];
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < n; j++) x[j] = (float) r.nextGaussian(10 * j - 7, 1 + j);
            b.addRow(x, i % 2);
        }
        return Preconditioner.fromStatistics(ColumnStatistics.of(b.build()), true);
    }

    @Test
    void toModelAndFromModelRoundTrip() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 4;
        Preconditioner p = random(r, n);
        for (boolean intercept : new boolean[] {true, false}) {
            double[] u = new double[intercept ? n + 1 : n];
            for (int i = 0; i < u.length; i++) u[i] = r.nextGaussian();
            double[] model = new double[n + 1];
            p.toModel(u, intercept, model);
            double[] back = new double[u.length];
            p.fromModel(model, intercept, back);
            FiniteDifferences.assertClose(u, back, 1e-14, 1e-14, "intercept " + intercept);
            double[] s = p.scale();
            double[] mu = p.center();
            double shift = 0;
            for (int j = 0; j < n; j++) {
                assertEquals(u[j] / s[j], model[j], 1e-15 * Math.abs(model[j]));
                shift += mu[j] * model[j];
            }
            assertTrue(FiniteDifferences.close(intercept ? u[n] - shift : 0.0, model[n], 1e-14, 1e-14), "b = " + model[n]);
        }
        Preconditioner id = Preconditioner.identity(3);
        double[] model = new double[4];
        id.toModel(new double[] {1, 2, 3, 4}, true, model);
        assertArrayEquals(new double[] {1, 2, 3, 4}, model, 0.0);
    }

    /** A smooth function of (θ, b) with a known gradient and Hessian: f = ½ pᵀ Q p + cᵀ p. */
    @Test
    void chainRuleMatchesTheJacobianOfTheMap() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 3;
        int big = n + 1;
        Preconditioner p = random(r, n);
        double[] q = new double[big * big];
        for (int i = 0; i < big; i++) {
            for (int k = 0; k <= i; k++) {
                q[i * big + k] = q[k * big + i] = r.nextGaussian() + (i == k ? 5 : 0);
            }
        }
        double[] c = new double[big];
        for (int i = 0; i < big; i++) c[i] = r.nextGaussian();
        for (boolean intercept : new boolean[] {true, false}) {
            int d = intercept ? big : n;
            java.util.function.Function<double[], double[]> gradientInU = u -> {
                double[] m = new double[big];
                p.toModel(u, intercept, m);
                double[] g = new double[big];
                for (int i = 0; i < big; i++) {
                    g[i] = c[i];
                    for (int k = 0; k < big; k++) g[i] += q[i * big + k] * m[k];
                }
                double[] gu = new double[d];
                p.gradientToU(g, intercept, gu);
                return gu;
            };
            double[] u = new double[d];
            for (int i = 0; i < d; i++) u[i] = r.nextGaussian();
            double[] fd = FiniteDifferences.gradient(v -> {
                double[] m = new double[big];
                p.toModel(v, intercept, m);
                double f = 0;
                for (int i = 0; i < big; i++) {
                    f += c[i] * m[i];
                    for (int k = 0; k < big; k++) f += 0.5 * m[i] * q[i * big + k] * m[k];
                }
                return f;
            }, u);
            double[] g = gradientInU.apply(u);
            FiniteDifferences.assertClose(fd, g, 1e-6, 1e-9 * FiniteDifferences.maxAbs(g), "gradientToU, intercept " + intercept);
            double[] h = new double[d * d];
            p.hessianToU(q, intercept, h);
            double[] fdh = FiniteDifferences.jacobian(gradientInU, u, d);
            FiniteDifferences.assertClose(fdh, h, 1e-6, 1e-9 * FiniteDifferences.maxAbs(h), "hessianToU, intercept " + intercept);
        }
    }
}
