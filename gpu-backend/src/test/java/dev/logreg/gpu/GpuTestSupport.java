package dev.logreg.gpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.testing.SimulatedGpu;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared by the GPU tests: whether a device is usable (probed once per JVM), seeded data and comparisons. */
final class GpuTestSupport {
    private GpuTestSupport() {}

    private static final class Probe {
        static final Availability AVAILABILITY = new CudaBackendProvider().probe();
    }

    /** The provider's probe, run once per test JVM. */
    static Availability availability() {
        return Probe.AVAILABILITY;
    }

    /** The reason GPU tests skip, for assumeTrue. */
    static String skipReason() {
        return "no usable CUDA device: " + availability().reason();
    }

    /**
     * Skips the calling test where no device is usable, except under simcuda (the build's simulated driver,
     * {@code kernels/simcuda.sh}): where the build says it made one ({@code -Dlogreg.test.simcuda=PATH} naming an
     * existing file), an unusable backend is a failure, so that a broken simulation cannot pass as skipped tests; so it
     * is in the device run ({@code -Dlogreg.test.requireGpu=true}).
     */
    static void assumeDevice() {
        SimulatedGpu.assertUsableWhereRequired(availability());
        assumeTrue(availability().usable(), skipReason());
    }

    /**
     * Skips the calling test as {@link #assumeDevice} does, else opens a backend on the default device with the default
     * options. Caller closes, with {@link #closeChecked}.
     */
    static CudaBackend openBackend() {
        assumeDevice();
        return new CudaBackend(BackendOptions.DEFAULT);
    }

    /** Closes {@code gpu} where it was opened (null where the test skipped) and checks that nothing is left allocated. */
    static void closeChecked(CudaBackend gpu) {
        if (gpu != null) {
            gpu.close();
            assertEquals(0, gpu.liveAllocations(), "allocations left after close");
        }
    }

    /**
     * Seeded data: features ~ uniform[-1, 1) scaled per column, labels drawn from a logistic model whose logits have
     * magnitude about {@code logitScale}, weights in [0, 3) where asked (some exactly 0).
     */
    static Dataset data(long seed, int rows, int cols, boolean weighted, double logitScale) {
        return data(seed, rows, cols, weighted, logitScale, true);
    }

    /**
     * As {@link #data(long, int, int, boolean, double)}; without {@code gatherColumnSums} the dataset carries no
     * {@link Dataset#columnSums()}, so a bound term computes the column statistics itself (on the device where it can),
     * as it does for selected, reweighted or concatenated data.
     */
    static Dataset data(long seed, int rows, int cols, boolean weighted, double logitScale, boolean gatherColumnSums) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[Math.multiplyExact(rows, cols)];
        float[] y = new float[rows];
        float[] w = weighted ? new float[rows] : null;
        double[] beta = new double[cols];
        for (int j = 0; j < cols; j++) beta[j] = r.nextDouble() * 2 - 1;
        for (int i = 0; i < rows; i++) {
            double z = 0;
            for (int j = 0; j < cols; j++) {
                float v = (float) ((r.nextDouble() * 2 - 1) * (1 + j % 5));
                x[i * cols + j] = v;
                z += beta[j] * v;
            }
            z *= logitScale / Math.sqrt(cols);
            y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
            if (weighted) w[i] = i % 17 == 0 ? 0f : (float) (3 * r.nextDouble());
        }
        return Dataset.wrap(java.nio.FloatBuffer.wrap(x), cols, java.nio.FloatBuffer.wrap(y), w == null ? null : java.nio.FloatBuffer.wrap(w), null, 2,
                gatherColumnSums);
    }

    /** Parameters with logits of magnitude about {@code logitScale} on {@link #data}. */
    static double[] params(long seed, int cols, double logitScale) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] p = new double[cols + 1];
        for (int j = 0; j <= cols; j++) p[j] = (r.nextDouble() * 2 - 1) * logitScale / Math.sqrt(cols) / 3;
        return p;
    }

    /** Reference value and gradient over [from, to), plus the gradient scale (1/M) Σ wᵢ|ℓ'ᵢ|‖(xᵢ, 1)‖. */
    static double[] reference(Dataset d, Loss loss, long from, long to, double[] params, double[] gradOut) {
        try (ReferenceBackend ref = new ReferenceBackend(); DataTerm t = ref.bind(d, loss)) {
            double v = t.valueAndGradient(from, to, params, gradOut);
            int n = d.cols();
            double[] z = new double[(int) (to - from)];
            t.margins(from, to, params, z);
            float[] row = new float[n];
            double s = 0;
            for (long i = from; i < to; i++) {
                d.copyRow(i, row);
                double norm = 1;
                for (float f : row) norm += (double) f * f;
                s += d.weight(i) * Math.abs(loss.derivative(d.label(i), z[(int) (i - from)])) * Math.sqrt(norm);
            }
            return new double[] {v, s / t.weightSum(from, to)};
        }
    }

    /** Asserts |got − want| ≤ tol·|want| (fails on NaN). */
    static void assertRelative(double want, double got, double tol, String what) {
        double err = Math.abs(got - want);
        assertTrue(err <= tol * Math.abs(want), what + ": got " + got + ", want " + want + ", relative error " + err / Math.abs(want) + " > " + tol);
    }

    /** Asserts every |got[j] − want[j]| ≤ tol·scale, naming the first bad index (fails on NaN). */
    static void assertGradient(double[] want, double[] got, double scale, double tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int j = 0; j < want.length; j++) {
            double err = Math.abs(got[j] - want[j]);
            assertTrue(err <= tol * scale, what + ": gradient[" + j + "] got " + got[j] + ", want " + want[j]
                    + ", error / scale = " + err / scale + " > " + tol + " (scale " + scale + ")");
        }
    }
}
