package dev.logreg.gpu;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.data.SparseBuilder;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The GPU's sparse (CSR) term ({@link CudaSparseTerm}: sparse.cu's rows pass and Xᵀr over the transposed copy built by
 * sparse_build.cu) against the reference backend, which reads the same CSR rows, on a device or under simcuda; skipped
 * with the probe's reason elsewhere. Sets with an empty row, a row holding every column, a column in nearly every row
 * (it spans several Xᵀr blocks), 2<sup>24</sup> features with a handful of nonzeros, weights (some 0), a permuted bind,
 * row ranges; both binary losses and the multinomial one (K = 3, 10); every result computed twice must be the same bits (simcuda runs a kernel's threads
 * in the other order on its next launch). Tolerances: value 1e-12 relative, gradient 1e-12 of its scale (the largest
 * reference entry, at least the value): float64 on both sides, only the order of the sums differs. Small data:
 * simcuda runs the kernels on the CPU.
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaSparseGpuTest {
    private static final double TOL = 1e-12;
    private CudaBackend gpu;
    private final ReferenceBackend reference = new ReferenceBackend();

    @BeforeAll
    void open() {
        gpu = GpuTestSupport.openBackend();
    }

    @AfterAll
    void close() {
        reference.close();
        GpuTestSupport.closeChecked(gpu);
    }

    /**
     * Seeded CSR rows over {@code cols} features: lengths 0 .. maxLen, columns with power-law frequencies, column 0 in
     * about 90% of rows; row 3 empty and, where {@code fullRow}, row 5 holding every column; weights in [0, 3) (every
     * 13th 0) where asked; 0/1 labels from a logistic model.
     */
    static Dataset sparse(long seed, int rows, int cols, int maxLen, boolean fullRow, boolean weighted) {
        SplittableRandom r = new SplittableRandom(seed);
        SparseBuilder b = Dataset.sparseBuilder(cols);
        int[] idx = new int[Math.max(cols, maxLen + 1)];
        float[] val = new float[idx.length];
        for (int i = 0; i < rows; i++) {
            int count = 0;
            if (fullRow && i == 5) {
                for (int j = 0; j < cols; j++) {
                    idx[count] = j;
                    val[count++] = (float) (r.nextDouble() * 2 - 1);
                }
            } else if (i != 3) {
                java.util.TreeMap<Integer, Float> row = new java.util.TreeMap<>();
                if (r.nextDouble() < 0.9) row.put(0, (float) (r.nextDouble() * 2 - 1));
                int len = r.nextInt(maxLen + 1);
                for (int k = 0; k < len; k++) row.put((int) Math.min(cols - 1, Math.floor(Math.pow(r.nextDouble(), 3) * cols)), (float) (r.nextDouble() * 4 - 2));
                for (var e : row.entrySet()) {
                    idx[count] = e.getKey();
                    val[count++] = e.getValue();
                }
            }
            double z = 0;
            for (int k = 0; k < count; k++) z += (idx[k] % 7 - 3) * 0.3 * val[k];
            float label = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
            if (weighted) b.addRow(idx, val, count, label, i % 13 == 0 ? 0f : (float) (3 * r.nextDouble()));
            else b.addRow(idx, val, count, label);
        }
        return b.build();
    }

    /** 2^24 features, nine rows, four nonzeros (rows 1, 4, 6 and 7), weighted. */
    static Dataset handful() {
        int cols = 1 << 24;
        long[] off = {0, 0, 1, 1, 1, 2, 2, 3, 4, 4};
        int[] idx = {0, 77, 1 << 23, cols - 1};
        float[] val = {1.5f, -2f, 0.25f, 3f};
        float[] y = {1, 0, 1, 1, 0, 0, 1, 0, 1};
        float[] w = {1, 2, 0.5f, 1, 1, 3, 1, 2, 1};
        return Dataset.wrapCsr(off, idx, val, cols, y, w, 2);
    }

    private static double[] params(long seed, int cols, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] p = new double[cols + 1];
        for (int j = 0; j <= cols; j++) p[j] = (r.nextDouble() * 2 - 1) * scale;
        return p;
    }

    private static void assertClose(double want, double got, String what) {
        assertTrue(Math.abs(got - want) <= TOL * Math.max(Math.abs(want), 1e-300), what + ": got " + got + ", want " + want);
    }

    private static void assertVector(double[] want, double[] got, double floor, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double scale = floor;
        for (double g : want) scale = Math.max(scale, Math.abs(g));
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (!(err <= TOL * scale)) fail(what + ": entry " + i + " got " + got[i] + ", want " + want[i] + " (scale " + scale + ")");
        }
    }

    /** Value, gradient, margins and weight sums over all rows and a range, against the reference; reruns bit-identical. */
    private void agree(Dataset d, Loss loss, BindOptions options, String what) {
        int n = d.cols();
        try (DataTerm ref = reference.bind(d, loss, options); DataTerm t = gpu.bind(d, loss, options)) {
            assertTrue(t instanceof CudaSparseTerm, what + ": bound as " + t.getClass().getSimpleName());
            long m = d.rows();
            for (long[] range : new long[][] {{0, m}, {m / 3, m - 1}}) {
                String tag = what + " rows [" + range[0] + ", " + range[1] + ")";
                double[] p = params(range[0] + 17, n, 0.7);
                double[] gWant = new double[n + 1];
                double[] gGot = new double[n + 1];
                double vWant = ref.valueAndGradient(range[0], range[1], p, gWant);
                double vGot = t.valueAndGradient(range[0], range[1], p, gGot);
                assertClose(vWant, vGot, tag + ": value");
                assertVector(gWant, gGot, vWant, tag + ": gradient");
                double[] again = new double[n + 1];
                assertEquals(Double.doubleToRawLongBits(vGot), Double.doubleToRawLongBits(t.valueAndGradient(range[0], range[1], p, again)), tag);
                assertArrayEquals(gGot, again, tag + ": gradient of a second run, bit for bit");
                assertClose(vWant, t.value(range[0], range[1], p), tag + ": value-only pass");
                assertClose(ref.weightSum(range[0], range[1]), t.weightSum(range[0], range[1]), tag + ": weight sum");
                int len = (int) (range[1] - range[0]);
                double[] zWant = new double[len];
                double[] zGot = new double[len];
                ref.margins(range[0], range[1], p, zWant);
                t.margins(range[0], range[1], p, zGot);
                assertVector(zWant, zGot, 1, tag + ": margins");
            }
        }
    }

    @Test
    void smallSetWithAnEmptyRowAndAFullRowAgreesWithTheReference() {
        Dataset d = sparse(1, 300, 50, 12, true, true);
        agree(d, Loss.log(), BindOptions.DEFAULT, "300 x 50 weighted, log loss");
        agree(d, Loss.mse(), BindOptions.DEFAULT, "300 x 50 weighted, squared error");
    }

    @Test
    void aColumnSpanningManyBlocksAndAPermutedBindAgreeWithTheReference() {
        // 2,000 rows with column 0 in about 90% of them: that column spans several X^T blocks of 2,048 items; 3,000
        // columns (12 bits: two radix passes); 40 nonzeros a row at most (8 lanes a row).
        Dataset d = sparse(2, 2000, 3000, 40, true, false);
        agree(d, Loss.log(), BindOptions.DEFAULT, "2000 x 3000");
        agree(d, Loss.log(), BindOptions.permuted(99), "2000 x 3000 permuted");
    }

    @Test
    void longRowsTakeAWarpARowAndAgree() {
        Dataset d = sparse(3, 120, 400, 150, false, true);
        try (CudaSparseTerm t = gpu.bindSparse(d, Loss.log(), BindOptions.DEFAULT)) {
            assertEquals(CudaKernels.SPARSE_ROWS_G32, t.rowsKernel(), "mean row length " + (double) d.nonzeros() / d.rows());
        }
        agree(d, Loss.log(), BindOptions.DEFAULT, "120 x 400, long rows");
    }

    @Test
    void twoToThe24FeaturesWithAHandfulOfNonzerosAgree() {
        // One bind of each (a bind counts the entries of all 2^24 columns: the slowest step under simcuda).
        Dataset d = handful();
        int n = d.cols();
        double[] p = params(5, n, 1);
        try (DataTerm ref = reference.bind(d, Loss.log()); CudaSparseTerm t = gpu.bindSparse(d, Loss.log(), BindOptions.DEFAULT)) {
            assertEquals(4, t.deviceColumns(), "only the columns that occur are on the device");
            for (long[] range : new long[][] {{0, 9}, {2, 8}}) {
                String tag = "9 x 2^24, rows [" + range[0] + ", " + range[1] + ")";
                double[] gWant = new double[n + 1];
                double[] gGot = new double[n + 1];
                double vWant = ref.valueAndGradient(range[0], range[1], p, gWant);
                assertClose(vWant, t.valueAndGradient(range[0], range[1], p, gGot), tag + ": value");
                assertVector(gWant, gGot, vWant, tag + ": gradient");
                for (int j : new int[] {1, 76, 78, (1 << 23) - 1, (1 << 24) - 2}) assertEquals(0.0, gGot[j], tag + ": gradient of absent column " + j);
                double[] zWant = new double[9];
                double[] zGot = new double[9];
                ref.margins(range[0], range[1], p, zWant);
                t.margins(range[0], range[1], p, zGot);
                assertVector(zWant, zGot, 1, tag + ": margins");
            }
        }
    }

    @Test
    void hessianVectorProductsAgreeWithAHostSumAndRepeatBitForBit() {
        Dataset d = sparse(4, 500, 700, 20, true, true);
        Loss loss = Loss.log();
        int n = d.cols();
        try (CudaSparseTerm t = gpu.bindSparse(d, loss, BindOptions.DEFAULT)) {
            assertTrue(t.supportsHessianVector());
            double[] p = params(6, n, 0.8);
            double[] q = params(7, n, 0.8);
            double[] v = params(8, n, 1);
            double[] got = new double[n + 1];
            t.hessianVector(p, v, got);
            assertVector(hostHessianVector(d, loss, p, v), got, 0, "H v at p");
            double[] other = new double[n + 1];
            t.hessianVector(q, v, other);
            assertVector(hostHessianVector(d, loss, q, v), other, 0, "H v at another point (new curvatures)");
            double[] again = new double[n + 1];
            t.hessianVector(p, v, again);
            assertArrayEquals(got, again, "H v at p again, bit for bit");
        }
    }

    /** (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) (x̃ᵢ·v) x̃ᵢ in double on the host. */
    private static double[] hostHessianVector(Dataset d, Loss loss, double[] p, double[] v) {
        int n = d.cols();
        double[] out = new double[n + 1];
        float[] row = new float[n];
        double m = 0;
        for (long i = 0; i < d.rows(); i++) {
            d.copyRow(i, row);
            double z = p[n];
            double u = v[n];
            for (int j = 0; j < n; j++) {
                z += p[j] * row[j];
                u += v[j] * row[j];
            }
            double c = d.weight(i) * loss.secondDerivative(d.label(i), z) * u;
            for (int j = 0; j < n; j++) out[j] += c * row[j];
            out[n] += c;
            m += d.weight(i);
        }
        for (int j = 0; j <= n; j++) out[j] /= m;
        return out;
    }

    @Test
    void denseAndSparseBindsOfTheSameDataAgreeOnTheGpu() {
        Dataset sparse = sparse(9, 400, 60, 15, true, true);
        Dataset dense = sparse.toDense();
        double[] p = params(10, 60, 0.5);
        double[] gs = new double[61];
        double[] gd = new double[61];
        try (DataTerm s = gpu.bind(sparse, Loss.log()); DataTerm t = gpu.bind(dense, Loss.log())) {
            assertFalse(t instanceof CudaSparseTerm);
            assertClose(t.valueAndGradient(p, gd), s.valueAndGradient(p, gs), "value");
            assertVector(gd, gs, 0, "gradient");
        }
    }

    /** Class indices 0 .. k−1 drawn for {@link #sparse}'s rows, weights kept. */
    static Dataset withClasses(Dataset d, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] off = new long[(int) d.rows() + 1];
        int[] idx = new int[(int) d.nonzeros()];
        float[] val = new float[idx.length];
        float[] y = new float[(int) d.rows()];
        float[] w = d.isWeighted() ? new float[y.length] : null;
        float[] row = new float[d.cols()];
        int pos = 0;
        for (int i = 0; i < y.length; i++) {
            d.copyRow(i, row);
            for (int j = 0; j < row.length; j++) {
                if (row[j] == 0f) continue;
                idx[pos] = j;
                val[pos++] = row[j];
            }
            off[i + 1] = pos;
            y[i] = r.nextInt(k);
            if (w != null) w[i] = d.weight(i);
        }
        return Dataset.wrapCsr(off, idx, val, d.cols(), y, w, k);
    }

    @Test
    void theMultinomialLossOnSparseRowsAgreesWithTheReference() {
        for (int k : new int[] {3, 10}) {
            Dataset d = withClasses(sparse(12 + k, 400, 900, 20, true, true), k, k);
            int length = k * (d.cols() + 1);
            try (DataTerm ref = reference.bind(d, Loss.multinomial()); DataTerm t = gpu.bind(d, Loss.multinomial())) {
                assertTrue(t instanceof CudaSparseSoftmaxTerm, "bound as " + t.getClass().getSimpleName());
                assertEquals(ref.shape(), t.shape());
                for (long[] range : new long[][] {{0, 400}, {90, 333}}) {
                    String tag = "K = " + k + ", rows [" + range[0] + ", " + range[1] + ")";
                    SplittableRandom r = new SplittableRandom(k);
                    double[] p = new double[length];
                    for (int i = 0; i < length; i++) p[i] = r.nextDouble() - 0.5;
                    double[] gWant = new double[length];
                    double[] gGot = new double[length];
                    double vWant = ref.valueAndGradient(range[0], range[1], p, gWant);
                    double vGot = t.valueAndGradient(range[0], range[1], p, gGot);
                    assertClose(vWant, vGot, tag + ": value");
                    assertVector(gWant, gGot, vWant, tag + ": gradient");
                    double[] again = new double[length];
                    assertEquals(Double.doubleToRawLongBits(vGot), Double.doubleToRawLongBits(t.valueAndGradient(range[0], range[1], p, again)), tag);
                    assertArrayEquals(gGot, again, tag + ": gradient of a second run, bit for bit");
                    assertClose(vWant, t.value(range[0], range[1], p), tag + ": value-only pass");
                    int len = (int) (range[1] - range[0]) * k;
                    double[] zWant = new double[len];
                    double[] zGot = new double[len];
                    ref.margins(range[0], range[1], p, zWant);
                    t.margins(range[0], range[1], p, zGot);
                    assertVector(zWant, zGot, 1, tag + ": margins");
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> gpu.bindBinary(sparse(1, 10, 5, 2, false, false), Loss.log()));
        assertThrows(IllegalArgumentException.class, () -> gpu.bindSparse(withClasses(sparse(1, 10, 5, 2, false, false), 3, 1), Loss.log(),
                BindOptions.DEFAULT));
        assertTrue(gpu.supportsSparse());
    }

    @Test
    void multinomialInterceptsSummedInTwoStagesOverManyRowsAgree() {
        // 4,099 rows: the intercepts' sums go through chunks of 3 rows' positions (two padding rows of zeros).
        Dataset d = withClasses(sparse(19, 4099, 50, 4, false, true), 3, 7);
        int length = 3 * 51;
        double[] p = params(20, length - 1, 0.8);
        double[] gWant = new double[length];
        double[] gGot = new double[length];
        try (DataTerm ref = reference.bind(d, Loss.multinomial()); DataTerm t = gpu.bind(d, Loss.multinomial())) {
            double vWant = ref.valueAndGradient(p, gWant);
            assertClose(vWant, t.valueAndGradient(p, gGot), "value");
            assertVector(gWant, gGot, vWant, "gradient");
            ref.valueAndGradient(1000, 3001, p, gWant);
            t.valueAndGradient(1000, 3001, p, gGot);
            assertVector(gWant, gGot, vWant, "gradient over rows [1000, 3001)");
        }
    }

    @Test
    void multinomialHessianVectorProductsAgreeWithTheReferenceHessian() {
        // The reference backend's dense multinomial Hessian times v: an independent route to the same product.
        int k = 3;
        Dataset d = withClasses(sparse(16, 150, 40, 10, true, true), k, 6);
        int length = k * 41;
        double[] p = params(17, length - 1, 0.7);
        double[] v = params(18, length - 1, 1);
        double[] h = new double[length * length];
        try (DataTerm ref = reference.bind(d, Loss.multinomial()); DataTerm t = gpu.bind(d, Loss.multinomial())) {
            assertTrue(t.supportsHessianVector());
            ref.hessian(p, h);
            double[] want = new double[length];
            for (int i = 0; i < length; i++) {
                for (int j = 0; j < length; j++) want[i] += h[i * length + j] * v[j];
            }
            double[] got = new double[length];
            t.hessianVector(p, v, got);
            assertVector(want, got, 0, "H v, K = 3");
            double[] again = new double[length];
            t.hessianVector(v, p, again);  // other parameters: new probabilities
            t.hessianVector(p, v, again);
            assertArrayEquals(got, again, "H v at p again, bit for bit");
        }
    }

    @Test
    void oneVsRestOnSparseRowsBindsEachClassAndAgrees() {
        Dataset d = withClasses(sparse(14, 200, 300, 10, false, true), 3, 4);
        double[] p = params(15, 300, 0.6);
        try (dev.logreg.backend.OneVsRestTerms terms = gpu.bindOneVsRest(d, Loss.log(), BindOptions.DEFAULT)) {
            assertEquals(3, terms.classes());
            for (int c = 0; c < 3; c++) {
                double[] gWant = new double[301];
                double[] gGot = new double[301];
                try (DataTerm ref = reference.bind(d.oneVsRest(c), Loss.log())) {
                    double vWant = ref.valueAndGradient(p, gWant);
                    DataTerm t = terms.forClass(c);
                    assertTrue(t instanceof CudaSparseTerm, "class " + c + " bound as " + t.getClass().getSimpleName());
                    assertClose(vWant, t.valueAndGradient(p, gGot), "class " + c + ": value");
                    assertVector(gWant, gGot, vWant, "class " + c + ": gradient");
                }
            }
        }
    }

    @Test
    void closingTheTermsFreesEverything() {
        long before = gpu.liveAllocations();
        DataTerm t = gpu.bind(sparse(11, 50, 30, 5, false, true), Loss.log());
        assertTrue(gpu.liveDeviceAllocations() > before);
        t.hessianVector(params(1, 30, 1), params(2, 30, 1), new double[31]);
        t.margins(0, 50, params(1, 30, 1), new double[50]);
        t.close();
        assertEquals(before, gpu.liveAllocations(), "device allocations after close: " + Arrays.toString(new long[] {gpu.liveDeviceAllocations()}));
        assertThrows(IllegalStateException.class, () -> t.value(params(1, 30, 1)));
    }
}
