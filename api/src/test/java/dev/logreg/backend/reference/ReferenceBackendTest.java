package dev.logreg.backend.reference;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceBackendTest {
    private static final int ROWS = 37;
    private static final int COLS = 3;

    /** Random rows with columns of different scales and offsets, labels from a noisy logistic model. */
    static Dataset data(long seed, int rows, boolean weighted) {
        SplittableRandom r = new SplittableRandom(seed);
        Dataset.Builder b = Dataset.builder(COLS);
        float[] x = new float[COLS];
        for (int i = 0; i < rows; i++) {
            x[0] = (float) r.nextGaussian(0, 1);
            x[1] = (float) r.nextGaussian(2, 0.5);
            x[2] = (float) r.nextGaussian(-1, 3);
            double z = 0.8 * x[0] - 0.5 * x[1] + 0.3 * x[2] + 0.2;
            float y = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
            if (weighted) b.addRow(x, y, (float) r.nextDouble(0.1, 2.5));
            else b.addRow(x, y);
        }
        return b.build();
    }

    /** The data term computed here directly from its definition, in double: (1/M) Σ w ℓ and its gradient. */
    private static double direct(Dataset d, Loss.Kind kind, double[] params, double[] gradientOut) {
        double value = 0;
        double m = 0;
        double[] g = new double[COLS + 1];
        for (long i = 0; i < d.rows(); i++) {
            double z = params[COLS];
            for (int j = 0; j < COLS; j++) z += params[j] * d.feature(i, j);
            double p = 1 / (1 + Math.exp(-z));
            double y = d.label(i);
            double w = d.weight(i);
            double l;
            double dl;
            if (kind == Loss.Kind.LOG) {
                l = -(y * Math.log(p) + (1 - y) * Math.log(1 - p)); // accurate for the moderate z used here
                dl = p - y;
            } else {
                l = 0.5 * (p - y) * (p - y);
                dl = (p - y) * p * (1 - p);
            }
            value += w * l;
            for (int j = 0; j < COLS; j++) g[j] += w * dl * d.feature(i, j);
            g[COLS] += w * dl;
            m += w;
        }
        for (int j = 0; j <= COLS; j++) gradientOut[j] = g[j] / m;
        return value / m;
    }

    private static final double[] WITH_INTERCEPT = {0.7, -0.4, 0.25, 0.3};
    private static final double[] WITHOUT_INTERCEPT = {0.7, -0.4, 0.25, 0.0};

    @Test
    void valueAndGradientMatchTheDefinition() {
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset d = data(3, ROWS, weighted);
            for (Loss loss : new Loss[] {Loss.log(), Loss.mse()}) {
                try (ReferenceBackend backend = new ReferenceBackend(); DataTerm t = backend.bind(d, loss)) {
                    for (double[] params : new double[][] {WITH_INTERCEPT, WITHOUT_INTERCEPT}) {
                        String what = loss + ", weighted " + weighted;
                        double[] expected = new double[COLS + 1];
                        double ev = direct(d, loss.kind(), params, expected);
                        double[] g = new double[COLS + 1];
                        double v = t.valueAndGradient(params, g);
                        assertTrue(FiniteDifferences.close(ev, v, 1e-12, 0), what + ": value " + v + ", expected " + ev);
                        assertEquals(v, t.value(params), 0.0, what + ": value() and valueAndGradient() agree exactly");
                        FiniteDifferences.assertClose(expected, g, 1e-12, 1e-15, what + ": gradient");
                        assertEquals(d.weightSum(), t.weightSum(0, ROWS), 0.0);
                    }
                }
            }
        }
    }

    @Test
    void gradientAndHessianMatchFiniteDifferences() {
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset d = data(4, ROWS, weighted);
            for (Loss loss : new Loss[] {Loss.log(), Loss.mse()}) {
                try (ReferenceBackend backend = new ReferenceBackend(); DataTerm t = backend.bind(d, loss)) {
                    assertTrue(t.supportsHessian());
                    for (double[] params : new double[][] {WITH_INTERCEPT, WITHOUT_INTERCEPT}) {
                        String what = loss + ", weighted " + weighted + ", b = " + params[COLS];
                        double[] g = new double[COLS + 1];
                        t.valueAndGradient(params, g);
                        double[] fd = FiniteDifferences.gradient(t::value, params);
                        double scale = FiniteDifferences.maxAbs(g);
                        FiniteDifferences.assertClose(fd, g, 1e-6, 1e-9 * scale, what + ": gradient vs central differences");

                        int dim = COLS + 1;
                        double[] h = new double[dim * dim];
                        t.hessian(params, h);
                        double[] fdh = FiniteDifferences.jacobian(p -> {
                            double[] gp = new double[dim];
                            t.valueAndGradient(p, gp);
                            return gp;
                        }, params, dim);
                        FiniteDifferences.assertClose(fdh, h, 1e-6, 1e-9 * FiniteDifferences.maxAbs(h), what + ": Hessian vs differences of the gradient");
                        for (int i = 0; i < dim; i++) {
                            for (int k = 0; k < dim; k++) assertEquals(h[i * dim + k], h[k * dim + i], 0.0, "symmetric");
                        }
                    }
                }
            }
        }
    }

    @Test
    void rowRangesCombineAsWeightedMeans() {
        Dataset d = data(5, ROWS, true);
        for (BindOptions options : new BindOptions[] {BindOptions.DEFAULT, BindOptions.permuted(99)}) {
            try (ReferenceBackend backend = new ReferenceBackend(); DataTerm t = backend.bind(d, Loss.log(), options)) {
                double[] g = new double[COLS + 1];
                double full = t.valueAndGradient(WITH_INTERCEPT, g);
                long[] cuts = {0, 1, 12, 30, ROWS};
                double sum = 0;
                double[] gsum = new double[COLS + 1];
                double m = 0;
                for (int c = 0; c + 1 < cuts.length; c++) {
                    double[] gp = new double[COLS + 1];
                    double mp = t.weightSum(cuts[c], cuts[c + 1]);
                    sum += mp * t.valueAndGradient(cuts[c], cuts[c + 1], WITH_INTERCEPT, gp);
                    assertEquals(t.value(cuts[c], cuts[c + 1], WITH_INTERCEPT), t.valueAndGradient(cuts[c], cuts[c + 1], WITH_INTERCEPT, gp), 0.0);
                    for (int j = 0; j <= COLS; j++) gsum[j] += mp * gp[j];
                    m += mp;
                }
                assertTrue(FiniteDifferences.close(d.weightSum(), m, 1e-14, 0), "weight sums of the ranges add up: " + m);
                assertTrue(FiniteDifferences.close(full, sum / m, 1e-13, 0), options + ": " + full + " vs " + sum / m);
                for (int j = 0; j <= COLS; j++) gsum[j] /= m;
                FiniteDifferences.assertClose(g, gsum, 1e-12, 1e-15, options + ": gradient from ranges");
            }
        }
    }

    @Test
    void permutedBindHoldsRowsInPermutationOrder() {
        Dataset d = data(6, ROWS, true);
        long seed = 1234;
        int[] perm = RowPermutation.of(ROWS, seed);
        // The same rows, written in permuted order by hand.
        Dataset.Builder b = Dataset.builder(COLS);
        float[] x = new float[COLS];
        for (int r = 0; r < ROWS; r++) {
            d.copyRow(perm[r], x);
            b.addRow(x, d.label(perm[r]), d.weight(perm[r]));
        }
        Dataset shuffled = b.build();
        try (ReferenceBackend backend = new ReferenceBackend();
             DataTerm p = backend.bind(d, Loss.log(), BindOptions.permuted(seed));
             DataTerm s = backend.bind(shuffled, Loss.log());
             DataTerm plain = backend.bind(d, Loss.log())) {
            for (long[] range : new long[][] {{0, ROWS}, {5, 9}, {20, 21}, {10, ROWS}}) {
                double[] gp = new double[COLS + 1];
                double[] gs = new double[COLS + 1];
                assertEquals(s.valueAndGradient(range[0], range[1], WITH_INTERCEPT, gs),
                        p.valueAndGradient(range[0], range[1], WITH_INTERCEPT, gp), 0.0, "range " + range[0] + ".." + range[1]);
                assertArrayEquals(gs, gp, 0.0);
                assertEquals(s.weightSum(range[0], range[1]), p.weightSum(range[0], range[1]), 0.0);
                int len = (int) (range[1] - range[0]);
                double[] mp = new double[len];
                double[] ms = new double[len];
                p.margins(range[0], range[1], WITH_INTERCEPT, mp);
                s.margins(range[0], range[1], WITH_INTERCEPT, ms);
                assertArrayEquals(ms, mp, 0.0);
            }
            // Over all rows the order only changes the rounding of the sums.
            double[] g1 = new double[COLS + 1];
            double[] g2 = new double[COLS + 1];
            assertTrue(FiniteDifferences.close(plain.valueAndGradient(WITH_INTERCEPT, g1), p.valueAndGradient(WITH_INTERCEPT, g2), 1e-13, 0));
            FiniteDifferences.assertClose(g1, g2, 1e-12, 1e-15, "permuted full gradient");
        }
    }

    @Test
    void marginsAreTheLogits() {
        Dataset d = data(7, ROWS, false);
        try (ReferenceBackend backend = new ReferenceBackend(); DataTerm t = backend.bind(d, Loss.log())) {
            double[] out = new double[ROWS + 2];
            out[ROWS - 3] = Double.NaN;
            t.margins(3, ROWS, WITH_INTERCEPT, out);
            for (int i = 3; i < ROWS; i++) {
                double z = WITH_INTERCEPT[COLS];
                for (int j = 0; j < COLS; j++) z += WITH_INTERCEPT[j] * d.feature(i, j);
                assertTrue(FiniteDifferences.close(z, out[i - 3], 1e-14, 1e-15), "row " + i + ": " + out[i - 3] + " vs " + z);
            }
            assertTrue(Double.isNaN(out[ROWS - 3]), "nothing written past to − from");
        }
    }

    @Test
    void liveAllocationsCountOpenTerms() {
        Dataset d = data(8, 5, false);
        ReferenceBackend backend = new ReferenceBackend();
        assertEquals(0, backend.liveAllocations());
        DataTerm a = backend.bind(d, Loss.log());
        DataTerm b = backend.bind(d, Loss.mse(), BindOptions.permuted(1));
        assertEquals(2, backend.liveAllocations());
        a.close();
        a.close();
        assertEquals(1, backend.liveAllocations(), "close is idempotent");
        backend.close();
        assertEquals(0, backend.liveAllocations(), "closing the backend closes its terms");
        assertThrows(IllegalStateException.class, () -> b.value(new double[COLS + 1]));
        b.close();
        backend.close();
    }

    @Test
    void useAfterCloseThrowsIllegalState() {
        Dataset d = data(9, 5, false);
        ReferenceBackend backend = new ReferenceBackend();
        DataTerm t = backend.bind(d, Loss.log());
        DataTerm closedTerm = backend.bind(d, Loss.log());
        closedTerm.close();
        double[] p = new double[COLS + 1];
        double[] g = new double[COLS + 1];
        assertThrows(IllegalStateException.class, () -> closedTerm.valueAndGradient(p, g));
        assertThrows(IllegalStateException.class, () -> closedTerm.hessian(p, new double[16]));
        backend.close();
        assertThrows(IllegalStateException.class, () -> backend.bind(d, Loss.log()));
        assertThrows(IllegalStateException.class, () -> t.valueAndGradient(p, g));
        assertThrows(IllegalStateException.class, () -> t.value(p));
        assertThrows(IllegalStateException.class, () -> t.margins(0, 5, p, new double[5]));
        assertThrows(IllegalStateException.class, () -> t.weightSum(0, 5));
        assertThrows(IllegalStateException.class, () -> t.hessian(p, new double[16]));
    }

    private static void expect(Executable e, String... parts) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        for (String part : parts) assertTrue(x.getMessage().contains(part), "message '" + x.getMessage() + "' lacks '" + part + "'");
    }

    @Test
    void badArgumentsAreIllegalArguments() {
        Dataset d = data(10, 5, false);
        try (ReferenceBackend backend = new ReferenceBackend(); DataTerm t = backend.bind(d, Loss.log())) {
            double[] p = new double[COLS + 1];
            double[] g = new double[COLS + 1];
            expect(() -> t.valueAndGradient(new double[COLS], g), "length " + COLS, "expected features + 1 = 4");
            expect(() -> t.value(new double[COLS + 2]), "length 5");
            expect(() -> t.valueAndGradient(p, new double[COLS]), "gradientOut", "length 3");
            expect(() -> t.valueAndGradient(-1, 3, p, g), "[-1, 3)");
            expect(() -> t.valueAndGradient(0, 6, p, g), "[0, 6)");
            expect(() -> t.value(3, 3, p), "[3, 3)");
            expect(() -> t.weightSum(4, 2), "[4, 2)");
            expect(() -> t.margins(0, 5, p, new double[4]), "length 4");
            expect(() -> t.margins(2, 1, p, new double[4]), "[2, 1)");
            expect(() -> t.hessian(p, new double[15]), "length 15", "16");
            expect(() -> t.hessian(new double[2], new double[16]), "length 2");
        }
    }

    @Test
    void describesItself() {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            assertEquals("reference", backend.name());
            assertTrue(backend.description().contains("float64"), backend.description());
        }
    }
}
