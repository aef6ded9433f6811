package dev.logreg.cpu;

import dev.logreg.backend.ParamShape;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;

/**
 * Hessian-vector products over the dense rows of an {@link Nd4jDataTerm} (the truncated Newton method, {@code tron}),
 * one pass each: per row, one read of x (a tile copy, as {@link FusedKernel}), its logit(s) and x̃·v in the same loop,
 * the curvature, then the row scaled into a float64 accumulator:
 * <ul>
 *   <li>binary losses: (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) (x̃ᵢ·v) x̃ᵢ;</li>
 *   <li>multinomial: slice c is (1/M) Σ wᵢ p_c (u_c − Σ_e p_e u_e) x̃ᵢ, u_c = x̃ᵢ·v_c.</li>
 * </ul>
 * Rows are cut into at most 64 segments by the row count alone, each summed in row order into its own partial, the
 * partials added in segment order: the same bits for every thread count. No curvature is cached: for dense rows
 * the second dot product costs less than the read of the row it shares. Not thread-safe.
 */
final class DenseHessianVector {
    private static final int MAX_SEGMENTS = 64;
    /** Least floats of X per segment (as the value and gradient passes). */
    private static final long MIN_SEGMENT_FLOATS = 1L << 16;

    private final ParamShape shape;
    private final int n;
    private final int k;
    private final boolean log;
    private final long rows;
    private final int chunkRows;
    private final ChunkFloats[] xb;
    private final ChunkFloats[] yb;
    private final ChunkFloats[] wb;
    private final ExecutorService pool;
    private final int slots;
    private final float[][] tiles;
    private final double[][] scratch;
    private final double[][] partial = new double[MAX_SEGMENTS][];

    DenseHessianVector(ParamShape shape, boolean log, long rows, int chunkRows, ChunkFloats[] xb, ChunkFloats[] yb, ChunkFloats[] wb,
                       ExecutorService pool, int slots) {
        this.shape = shape;
        this.n = shape.features();
        this.k = shape.outputs();
        this.log = log;
        this.rows = rows;
        this.chunkRows = chunkRows;
        this.xb = xb;
        this.yb = yb;
        this.wb = wb;
        this.pool = pool;
        this.slots = slots;
        this.tiles = new float[slots][];
        this.scratch = new double[slots][];
    }

    /** H(params)·v over all rows into {@code out}. */
    void compute(double[] params, double[] v, double[] out) {
        int len = shape.length();
        long work = Math.multiplyExact(Math.multiplyExact(rows, (long) n), (long) k);
        int segments = (int) Math.max(1, Math.min(MAX_SEGMENTS, work / MIN_SEGMENT_FLOATS));
        for (int s = 0; s < segments; s++) {
            if (partial[s] == null) partial[s] = Workers.partial(len + 1);
        }
        Workers.forEach(pool, slots, segments, (seg, slot) -> {
            double[] acc = partial[seg];
            Arrays.fill(acc, 0.0);
            if (tiles[slot] == null) tiles[slot] = new float[FusedKernel.tileRows(n) * n];
            if (scratch[slot] == null) scratch[slot] = new double[3 * k];
            long a = rows * seg / segments;
            long b = rows * (seg + 1) / segments;
            for (long r = a; r < b; ) {
                int c = (int) (r / chunkRows);
                long base = (long) c * chunkRows;
                long stop = Math.min(b, base + chunkRows);
                if (k == 1) {
                    binary(c, (int) (r - base), (int) (stop - base), params, v, acc, tiles[slot]);
                } else {
                    softmax(c, (int) (r - base), (int) (stop - base), params, v, acc, tiles[slot], scratch[slot]);
                }
                r = stop;
            }
        });
        double[] total = partial[0];
        for (int s = 1; s < segments; s++) {
            for (int j = 0; j <= len; j++) total[j] += partial[s][j];
        }
        double m = total[len];
        for (int j = 0; j < len; j++) out[j] = m > 0 ? total[j] / m : 0.0;
    }

    /** Rows [lo, hi) of chunk c, binary loss: acc[0, n] += cᵢ(x̃ᵢ·v) x̃ᵢ, acc[n+1] += wᵢ. */
    private void binary(int c, int lo, int hi, double[] theta, double[] v, double[] acc, float[] tile) {
        ChunkFloats x = xb[c];
        ChunkFloats y = yb[c];
        ChunkFloats w = wb[c];
        int tileRows = tile.length / n;
        double sumB = 0;
        double weights = 0;
        for (int r = lo; r < hi; r += tileRows) {
            int rowsInTile = Math.min(tileRows, hi - r);
            x.get(r * n, tile, 0, rowsInTile * n);
            for (int i = 0; i < rowsInTile; i++) {
                int o = i * n;
                double z = 0;
                double u = 0;
                for (int j = 0; j < n; j++) {
                    double xj = tile[o + j];
                    z += theta[j] * xj;
                    u += v[j] * xj;
                }
                int row = r + i;
                double wi = w == null ? 1.0 : w.get(row);
                weights += wi;
                double s = wi * FusedKernel.secondDerivative(log, y.get(row), z + theta[n]) * (u + v[n]);
                if (s == 0.0) continue;
                for (int j = 0; j < n; j++) acc[j] += s * tile[o + j];
                sumB += s;
            }
        }
        acc[n] += sumB;
        acc[n + 1] += weights;
    }

    /** Rows [lo, hi) of chunk c, multinomial loss: slice c of acc += w p_c (u_c − p·u) x̃ᵢ, acc[K(n+1)] += wᵢ. */
    private void softmax(int c, int lo, int hi, double[] params, double[] v, double[] acc, float[] tile, double[] z) {
        ChunkFloats x = xb[c];
        ChunkFloats w = wb[c];
        int tileRows = tile.length / n;
        int stride = n + 1;
        int uo = k;
        int ao = 2 * k;
        double weights = 0;
        for (int r = lo; r < hi; r += tileRows) {
            int rowsInTile = Math.min(tileRows, hi - r);
            x.get(r * n, tile, 0, rowsInTile * n);
            for (int i = 0; i < rowsInTile; i++) {
                int o = i * n;
                int row = r + i;
                double wi = w == null ? 1.0 : w.get(row);
                weights += wi;
                if (wi == 0.0) continue;
                SoftmaxKernel.logits(tile, o, n, k, params, z, 0);
                SoftmaxKernel.logits(tile, o, n, k, v, z, uo);
                SparseSoftmaxKernel.softmax(z, 0, k);
                double mean = 0;
                for (int cl = 0; cl < k; cl++) mean += z[cl] * z[uo + cl];
                for (int cl = 0; cl < k; cl++) z[ao + cl] = wi * z[cl] * (z[uo + cl] - mean);
                for (int cl = 0; cl < k; cl++) {
                    double a = z[ao + cl];
                    if (a == 0.0) continue;
                    int off = cl * stride;
                    for (int j = 0; j < n; j++) acc[off + j] += a * tile[o + j];
                    acc[off + n] += a;
                }
            }
        }
        acc[k * stride] += weights;
    }
}
