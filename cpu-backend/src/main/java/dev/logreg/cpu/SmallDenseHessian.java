package dev.logreg.cpu;

import java.util.Arrays;

/**
 * The binary Hessian (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) x̃ᵢ x̃ᵢᵀ (x̃ = x with a last 1 for the intercept) in plain Java, for data
 * small enough that starting ND4J for its gemm costs more than the whole pass: that start (its native library, a
 * self-test, its thread pools) is ~0.7 s of wall and ~1.4 CPU-seconds, and it made {@code logreg train --optimizer
 * newton} or {@code --stats} on the bundled 569 x 30 data take 1.6 s where L-BFGS took 1.0 s.
 *
 * <p>The reference backend's operations in its order: z = Σⱼ θⱼxⱼ in column order, then + b; c = w·ℓ''(y, z);
 * per row, for j then k ≤ j, H[j][k] += (c·x̃ⱼ)·x̃ₖ; rows in order; M = Σ w in row order; then the lower triangle
 * divided by M and mirrored. So where the rows are in the dataset's order, the same bits as
 * {@link dev.logreg.backend.reference.ReferenceBackend}'s Hessian. Stateless.
 */
final class SmallDenseHessian {
    /**
     * Most rows·(n+1)² the Java pass takes: half of it are multiply-adds, ~3·10⁷, some 0.05 s; Newton's method asks
     * once an iteration, so a few calls together stay below ND4J's start.
     */
    static final long MAX_WORK = 1L << 26;

    private SmallDenseHessian() {}

    /** Whether {@code rows} rows of {@code n} features are small enough for {@link #compute}. */
    static boolean fits(long rows, int n) {
        long d = n + 1L;
        return d * d <= MAX_WORK && rows <= MAX_WORK / (d * d);
    }

    /**
     * Writes the Hessian into {@code out} (length (n+1)², row-major, symmetric).
     *
     * @param xb        the term's chunks of rows, row-major, n floats a row, {@code chunkRows} rows each (the last fewer)
     * @param wb        the chunks' weights, read only where {@code weighted}
     */
    static void compute(boolean log, int n, long rows, int chunkRows, ChunkFloats[] xb, ChunkFloats[] yb, ChunkFloats[] wb,
                        boolean weighted, double[] params, double[] out) {
        int d = n + 1;
        Arrays.fill(out, 0.0);
        double[] xt = new double[d];
        xt[n] = 1.0;
        float[] row = new float[n];
        double b = params[n];
        double m = 0;
        for (long r = 0; r < rows; r++) {
            int c = (int) (r / chunkRows);
            int local = (int) (r - (long) c * chunkRows);
            xb[c].get(local * n, row, 0, n);
            double z = 0;
            for (int j = 0; j < n; j++) {
                xt[j] = row[j];
                z += params[j] * row[j];
            }
            double w = weighted ? wb[c].get(local) : 1.0;
            double curvature = w * FusedKernel.secondDerivative(log, yb[c].get(local), z + b);
            for (int j = 0; j < d; j++) {
                double cj = curvature * xt[j];
                int o = j * d;
                for (int k = 0; k <= j; k++) out[o + k] += cj * xt[k];
            }
            m += w;
        }
        for (int j = 0; j < d; j++) {
            for (int k = 0; k <= j; k++) {
                out[j * d + k] /= m;
                out[k * d + j] = out[j * d + k];
            }
        }
    }
}
