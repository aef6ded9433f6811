package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.testing.MulticlassData;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multinomial (softmax) passes of the CPU backend against the reference backend's SoftmaxTerm. */
class Nd4jSoftmaxTermTest {
    /** The same rows on the heap (Dataset.wrap of arrays): a term copies them into ND4J memory. */
    static Dataset onHeap(Dataset d) {
        int n = d.cols();
        int m = Math.toIntExact(d.rows());
        float[] x = new float[m * n];
        float[] y = new float[m];
        float[] w = d.isWeighted() ? new float[m] : null;
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            d.copyRow(i, row);
            System.arraycopy(row, 0, x, i * n, n);
            y[i] = d.label(i);
            if (w != null) w[i] = d.weight(i);
        }
        return Dataset.wrap(x, n, y, w, d.classes());
    }

    static double[] randomParams(ParamShape shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] p = new double[shape.length()];
        for (int i = 0; i < p.length; i++) p[i] = r.nextGaussian() * 0.3;
        return p;
    }

    /**
     * (1/M) Σ wᵢ ‖p(zᵢ) − e_{yᵢ}‖ ‖x̃ᵢ‖ over the reference term's rows [from, to) (rows in its order given by
     * {@code ordered}): the size of the terms the gradient sums, which its rounding error scales with (STYLE §5).
     */
    static double gradientScale(DataTerm reference, Dataset ordered, long from, long to, double[] params) {
        int k = reference.shape().outputs();
        int count = Math.toIntExact(to - from);
        double[] z = new double[count * k];
        reference.margins(from, to, params, z);
        float[] row = new float[ordered.cols()];
        double s = 0;
        double m = 0;
        for (int i = 0; i < count; i++) {
            ordered.copyRow(from + i, row);
            double norm2 = 1;
            for (float v : row) norm2 += (double) v * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) max = Math.max(max, z[i * k + c]);
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.exp(z[i * k + c] - max);
            double r2 = 0;
            int y = (int) ordered.label(from + i);
            for (int c = 0; c < k; c++) {
                double d = Math.exp(z[i * k + c] - max) / sum - (c == y ? 1 : 0);
                r2 += d * d;
            }
            double w = ordered.weight(from + i);
            s += w * Math.sqrt(r2) * Math.sqrt(norm2);
            m += w;
        }
        return s / m;
    }

    private static void assertAgrees(DataTerm reference, DataTerm cpu, Dataset ordered, long from, long to, double[] p, String what) {
        int len = p.length;
        double[] gr = new double[len];
        double[] gc = new double[len];
        double vr = reference.valueAndGradient(from, to, p, gr);
        double vc = cpu.valueAndGradient(from, to, p, gc);
        Fixtures.assertRelative(vr, vc, 1e-12, what + " value");
        Fixtures.assertGradient(gr, gc, gradientScale(reference, ordered, from, to, p), 1e-10, what);
        assertEquals(vc, cpu.value(from, to, p), 0.0, what + ": the value-only pass sums the same numbers in the same order");
    }

    @Test
    void valueGradientAndMarginsAgreeWithTheReferenceInPlaceCopiedPermutedAndAcrossChunks() {
        // (features, classes): the SIMD kernel takes classes four, two and one at a time and columns L at a time
        // (L = 8 with AVX-512), so these cover every remainder of each, and rows narrower than one vector.
        for (int[] shape : new int[][] {{13, 3}, {13, 10}, {5, 4}, {16, 5}, {21, 7}}) {
            int n = shape[0];
            int k = shape[1];
            for (boolean weighted : new boolean[] {false, true}) {
                Dataset direct = MulticlassData.generate(3001, n, k, weighted, 40 + k);
                Dataset heap = onHeap(direct);
                double[] p = randomParams(ParamShape.of(direct, Loss.multinomial()), k);
                // chunkFloats n·200: 16 chunks, so segments straddle chunk boundaries.
                try (ReferenceBackend ref = new ReferenceBackend();
                     Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT.withThreads(2), Nd4jBackend.Pass.FUSED, n * 200)) {
                    DataTerm r = ref.bind(direct, Loss.multinomial());
                    for (Dataset d : new Dataset[] {direct, heap}) {
                        DataTerm c = cpu.bind(d, Loss.multinomial());
                        assertEquals(new ParamShape(k, n), c.shape());
                        String what = "K=" + k + ", n=" + n + (weighted ? " weighted" : "") + (d == heap ? " copied" : " in place");
                        assertAgrees(r, c, direct, 0, direct.rows(), p, what + " all rows");
                        assertAgrees(r, c, direct, 190, 451, p, what + " rows [190, 451)");
                        assertAgrees(r, c, direct, 7, 8, p, what + " one row");
                        double[] zr = new double[50 * k];
                        double[] zc = new double[50 * k];
                        r.margins(180, 230, p, zr);
                        c.margins(180, 230, p, zc);
                        assertArrayEquals(zr, zc, what + ": margins are the reference's sums, bit for bit");
                        c.close();
                    }
                    DataTerm rp = ref.bind(direct, Loss.multinomial(), BindOptions.permuted(5));
                    DataTerm cp = cpu.bind(heap, Loss.multinomial(), BindOptions.permuted(5));
                    int[] perm = dev.logreg.backend.RowPermutation.of(direct.rows(), 5);
                    Dataset ordered = direct.select(perm);
                    assertAgrees(rp, cp, ordered, 0, direct.rows(), p, "K=" + k + " permuted");
                    assertAgrees(rp, cp, ordered, 1000, 1064, p, "K=" + k + " permuted mini-batch");
                }
            }
        }
    }

    @Test
    void sameBitsForEveryThreadCountAndRunAfterRun() {
        Dataset d = MulticlassData.generate(20_000, 10, 6, true, 3);
        double[] p = randomParams(ParamShape.of(d, Loss.multinomial()), 4);
        double[] first = null;
        for (int threads : new int[] {1, 2, 3, 1}) {
            try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT.withThreads(threads))) {
                DataTerm t = cpu.bind(d, Loss.multinomial());
                double[] g = Fixtures.evaluate(t, 0, t.rows(), p);
                double[] again = Fixtures.evaluate(t, 0, t.rows(), p);
                assertArrayEquals(g, again, "two evaluations on " + threads + " threads");
                if (first == null) first = g;
                else assertArrayEquals(first, g, threads + " threads against 1 (segments are fixed by the row range alone)");
            }
        }
    }

    @Test
    void theHessianAgreesWithTheReferenceAndIsRefusedPastTheBound() {
        Dataset d = MulticlassData.generate(700, 5, 4, true, 11);
        double[] p = randomParams(ParamShape.of(d, Loss.multinomial()), 12);
        int dim = p.length;
        try (ReferenceBackend ref = new ReferenceBackend(); Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT)) {
            DataTerm r = ref.bind(d, Loss.multinomial());
            DataTerm c = cpu.bind(onHeap(d), Loss.multinomial());
            assertTrue(c.supportsHessian());
            double[] hr = new double[dim * dim];
            double[] hc = new double[dim * dim];
            r.hessian(p, hr);
            c.hessian(p, hc);
            double scale = 0;
            for (double v : hr) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < hr.length; i++) {
                assertTrue(Math.abs(hr[i] - hc[i]) <= 1e-12 * scale, "H[" + i / dim + "][" + i % dim + "] expected " + hr[i] + ", got " + hc[i]);
                assertEquals(hc[i], hc[(i % dim) * dim + i / dim], 0.0, "symmetric");
            }
            IllegalArgumentException shortOut = assertThrows(IllegalArgumentException.class, () -> c.hessian(p, new double[3]));
            assertTrue(shortOut.getMessage().contains("expected " + dim + " x " + dim), shortOut.getMessage());
        }
        // 20 classes x (102 + 1) = 2,060 parameters: past ParamShape.MAX_HESSIAN_LENGTH.
        Dataset wide = MulticlassData.generate(40, 102, 20, false, 2);
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT)) {
            DataTerm c = cpu.bind(wide, Loss.multinomial());
            assertFalse(c.supportsHessian());
            double[] zero = new double[c.shape().length()];
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> c.hessian(zero, new double[1]));
            assertTrue(e.getMessage().contains("use lbfgs or owlqn"), e.getMessage());
        }
    }

    @Test
    void wrongLengthsAreRefusedNamingTheShapeAndBinaryLossesRefuseKClasses() {
        Dataset d = MulticlassData.generate(50, 4, 3, false, 1);
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT)) {
            DataTerm t = cpu.bind(d, Loss.multinomial());
            IllegalArgumentException params = assertThrows(IllegalArgumentException.class, () -> t.value(new double[5]));
            assertEquals("params has length 5, expected 3 classes x (features + 1) = 15", params.getMessage());
            IllegalArgumentException grad = assertThrows(IllegalArgumentException.class, () -> t.valueAndGradient(new double[15], new double[5]));
            assertTrue(grad.getMessage().startsWith("gradientOut has length 5"), grad.getMessage());
            IllegalArgumentException margins = assertThrows(IllegalArgumentException.class, () -> t.margins(0, 10, new double[15], new double[29]));
            assertTrue(margins.getMessage().contains("expected at least 30"), margins.getMessage());
            long live = cpu.liveAllocations();
            IllegalArgumentException binary = assertThrows(IllegalArgumentException.class, () -> cpu.bind(onHeap(d), Loss.log()));
            assertTrue(binary.getMessage().contains("3 classes"), binary.getMessage());
            assertEquals(live, cpu.liveAllocations(), "a refused bind allocates nothing");
        }
    }
}
