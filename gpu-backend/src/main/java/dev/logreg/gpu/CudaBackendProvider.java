package dev.logreg.gpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;
import dev.logreg.backend.BackendUnavailableException;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

import java.util.SplittableRandom;

/**
 * Registers {@link CudaBackend} as {@code gpu} (priority 300, preferred in {@code auto} mode). {@link #probe()} says
 * usable only where JCuda's native library and {@code libcuda.so.1} load, {@code cuInit} succeeds, a device exists,
 * the driver supports CUDA 13, the kernels load, and a self-test (value and gradient of a seeded 64 x 8 problem
 * against {@link ReferenceBackend}) agrees; otherwise it says why in one line. It never throws.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** Seed of the self-test data. */
    static final long SELF_TEST_SEED = 0x5EEDL;

    @Override public String name() { return "gpu"; }

    @Override public int priority() { return 300; }

    @Override
    public Availability probe() {
        try (CudaBackend b = new CudaBackend(BackendOptions.DEFAULT)) {
            String mismatch = selfTest(b);
            if (mismatch != null) return Availability.unusable("self-test mismatch: " + mismatch);
            return Availability.usable(b.description());
        } catch (BackendUnavailableException e) {
            return Availability.unusable(e.reason());
        } catch (Throwable t) {  // never throw: a native failure of any kind is a reason, not a crash
            return Availability.unusable(CudaBackend.oneLine(t));
        }
    }

    @Override
    public Backend create(BackendOptions options) {
        return new CudaBackend(options);
    }

    /** The self-test's data: 64 x 8, features in [-2, 2), labels drawn from a fixed logistic model. */
    static Dataset selfTestData() {
        SplittableRandom r = new SplittableRandom(SELF_TEST_SEED);
        int m = 64;
        int n = 8;
        float[] x = new float[m * n];
        float[] y = new float[m];
        for (int i = 0; i < m; i++) {
            double z = 0.25;
            for (int j = 0; j < n; j++) {
                x[i * n + j] = (float) (4 * r.nextDouble() - 2);
                z += (j % 2 == 0 ? 0.5 : -0.3) * x[i * n + j];
            }
            y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
        }
        return Dataset.wrap(x, n, y, null);
    }

    /** Null where the GPU agrees with the reference on the self-test; otherwise the first disagreement. */
    static String selfTest(CudaBackend gpu) {
        Dataset d = selfTestData();
        int n = d.cols();
        double[] params = new double[n + 1];
        SplittableRandom r = new SplittableRandom(SELF_TEST_SEED + 1);
        for (int j = 0; j <= n; j++) params[j] = r.nextDouble() - 0.5;
        double[] gRef = new double[n + 1];
        double[] gGpu = new double[n + 1];
        double vRef;
        double scale;
        try (ReferenceBackend ref = new ReferenceBackend(); DataTerm t = ref.bind(d, Loss.log())) {
            vRef = t.valueAndGradient(params, gRef);
            // Gradient scale (1/M) Σ w|r|‖x‖ (STYLE §5), so agreement near a zero gradient is still judged fairly.
            double[] z = new double[(int) d.rows()];
            t.margins(0, d.rows(), params, z);
            double s = 0;
            float[] row = new float[n];
            for (int i = 0; i < z.length; i++) {
                d.copyRow(i, row);
                double norm = 1;  // the intercept's "feature"
                for (float v : row) norm += (double) v * v;
                s += Math.abs(Loss.log().derivative(d.label(i), z[i])) * Math.sqrt(norm);
            }
            scale = s / d.rows();
        }
        double vGpu;
        try (DataTerm t = gpu.bind(d, Loss.log())) {
            vGpu = t.valueAndGradient(params, gGpu);
            double vOnly = t.value(params);
            if (!(Math.abs(vOnly - vRef) <= 1e-6 * Math.abs(vRef))) return "value-only pass " + vOnly + " vs reference " + vRef;
        }
        if (!(Math.abs(vGpu - vRef) <= 1e-6 * Math.abs(vRef))) return "value " + vGpu + " vs reference " + vRef;
        for (int j = 0; j <= n; j++) {
            if (!(Math.abs(gGpu[j] - gRef[j]) <= 1e-6 * scale)) return "gradient[" + j + "] " + gGpu[j] + " vs reference " + gRef[j];
        }
        return null;
    }
}
