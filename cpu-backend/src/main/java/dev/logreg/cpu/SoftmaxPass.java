package dev.logreg.cpu;

import dev.logreg.backend.ParamShape;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The multinomial (softmax) passes of an {@link Nd4jDataTerm} bound with the multinomial loss over K classes, over
 * the term's chunks (the same storage, read in place or copied, as the binary passes):
 * <ul>
 *   <li>value and gradient, and value alone (line searches): {@link SoftmaxKernel}, or {@link SoftmaxVectorKernel}
 *       where the backend runs the SIMD kernels (the JVM has {@code jdk.incubator.vector}), each row read once, on the
 *       backend's threads. A row range is cut into at most 64 segments by its length alone (never by the thread
 *       count), each summed in row order into its own partial; partials are added in segment order, so the bits
 *       are the same for every thread count, run after run.</li>
 *   <li>margins: K logits a row, row-major, each the reference backend's sum (the same bits).</li>
 *   <li>the Hessian (Newton), where K·(n+1) ≤ {@link ParamShape#MAX_HESSIAN_LENGTH}: Σ wᵢ (diag(p) − ppᵀ) ⊗ x̃ᵢx̃ᵢᵀ,
 *       lower triangle, rows in order on the caller's thread (deterministic; m·K²(n+1)²/2 multiply-adds, which
 *       the Newton solve's own (K(n+1))³/3 matches at that bound).</li>
 * </ul>
 * Not thread-safe (the term is not).
 */
final class SoftmaxPass {
    /** Most segments a row range is cut into (as the binary passes). */
    private static final int MAX_SEGMENTS = 64;
    /**
     * Least multiply-adds per segment (2^17, about 30 µs), so that small ranges (mini-batches) run on the caller's
     * thread. Counts n·K per row: the work of a row grows with K where the binary pass's does not.
     */
    private static final long MIN_SEGMENT_WORK = 1L << 17;

    private final ParamShape shape;
    private final int n;
    private final int k;
    private final int chunkRows;
    private final ChunkFloats[] xb;
    private final ChunkFloats[] yb;
    private final ChunkFloats[] wb;
    private final int slots;
    private final Consumer<Runnable[]> runAll;
    private final float[][] tiles;
    private final double[][] logits;
    /** The SIMD kernel's per-slot scratch ({@link SoftmaxVectorKernel}), made on its first pass. */
    private final double[][] wide;
    private final double[][] lanes;
    /** Per-segment partials, allocated on first use and reused (K·(n+1) + 2 doubles each). */
    private final double[][] partial = new double[MAX_SEGMENTS][];

    /**
     * @param runAll runs the loops it is given, the first on the calling thread and the rest on the backend's pool,
     *               and rethrows the first failure
     */
    SoftmaxPass(ParamShape shape, int chunkRows, ChunkFloats[] xb, ChunkFloats[] yb, ChunkFloats[] wb, int slots,
                Consumer<Runnable[]> runAll) {
        this.shape = shape;
        this.n = shape.features();
        this.k = shape.outputs();
        this.chunkRows = chunkRows;
        this.xb = xb;
        this.yb = yb;
        this.wb = wb;
        this.slots = slots;
        this.runAll = runAll;
        this.tiles = new float[slots][];
        this.logits = new double[slots][];
        this.wide = new double[slots][];
        this.lanes = new double[slots][];
    }

    /**
     * Σ wᵢ ℓᵢ, Σ wᵢ and, where asked, the gradient sums over rows [from, to), in one array of K·(n+1) + 2 (the layout
     * of {@link SoftmaxKernel}), by {@link SoftmaxVectorKernel} where {@code simd}, else {@link SoftmaxKernel}; the array
     * is this pass's scratch, valid until the next call.
     */
    double[] evaluate(long from, long to, double[] params, boolean gradient, boolean simd) {
        long length = to - from;
        long work = Math.multiplyExact(Math.multiplyExact(length, (long) n), (long) k);
        int segments = (int) Math.max(1, Math.min(MAX_SEGMENTS, work / MIN_SEGMENT_WORK));
        int len = shape.length() + 2;
        for (int s = 0; s < segments; s++) {
            if (partial[s] == null) partial[s] = Workers.partial(len);
            else Arrays.fill(partial[s], 0.0);
        }
        int workers = Math.min(slots, segments);
        AtomicInteger next = new AtomicInteger();
        Runnable[] loops = new Runnable[workers];
        for (int s = 0; s < workers; s++) {
            int slot = s;
            loops[s] = () -> {
                for (int seg = next.getAndIncrement(); seg < segments; seg = next.getAndIncrement()) {
                    long a = from + length * seg / segments;
                    long b = from + length * (seg + 1) / segments;
                    segment(a, b, params, gradient, simd, partial[seg], slot);
                }
            };
        }
        runAll.accept(loops);
        double[] total = partial[0];
        for (int s = 1; s < segments; s++) {
            double[] p = partial[s];
            for (int j = 0; j < len; j++) total[j] += p[j];
        }
        return total;
    }

    /** Adds rows [a, b) into acc, chunk by chunk. */
    private void segment(long a, long b, double[] params, boolean gradient, boolean simd, double[] acc, int slot) {
        float[] tile = tiles[slot];
        if (tile == null) tile = tiles[slot] = new float[FusedKernel.tileRows(n) * n];
        double[] z = logits[slot];
        if (z == null) z = logits[slot] = new double[SoftmaxKernel.scratchLength(k)];
        if (simd && wide[slot] == null) {
            wide[slot] = new double[tile.length];
            lanes[slot] = new double[SoftmaxVectorKernel.lanesLength()];
        }
        for (long r = a; r < b; ) {
            int c = (int) (r / chunkRows);
            long base = (long) c * chunkRows;
            long stop = Math.min(b, base + chunkRows);
            if (simd) {
                SoftmaxVectorKernel.accumulate(xb[c], yb[c], wb[c], n, k, (int) (r - base), (int) (stop - base), params, gradient,
                        acc, tile, z, wide[slot], lanes[slot]);
            } else {
                SoftmaxKernel.accumulate(xb[c], yb[c], wb[c], n, k, (int) (r - base), (int) (stop - base), params, gradient,
                        acc, tile, z);
            }
            r = stop;
        }
    }

    /** The K logits of each row of [from, to) into {@code out[(i − from)·K + c]}, on the caller's thread. */
    void margins(long from, long to, double[] params, double[] out) {
        float[] row = new float[n];
        for (long r = from; r < to; r++) {
            int c = (int) (r / chunkRows);
            int local = (int) (r - (long) c * chunkRows);
            xb[c].get(local * n, row, 0, n);
            SoftmaxKernel.logits(row, 0, n, k, params, out, Math.toIntExact((r - from) * k));
        }
    }

    /** Whether {@link #hessian} is computed: K·(n+1) ≤ {@link ParamShape#MAX_HESSIAN_LENGTH}. */
    boolean supportsHessian() {
        return shape.hessianFits();
    }

    /**
     * The d×d Hessian (d = K·(n+1)) over all {@code rows}, row-major into {@code out}: block (c, e) is
     * (1/M) Σ wᵢ (p_c[c = e] − p_c p_e) x̃ᵢx̃ᵢᵀ.
     */
    void hessian(long rows, double[] params, double[] out) {
        shape.requireHessianFits();
        int stride = n + 1;
        int dim = shape.length();
        if (out.length != dim * dim) throw new IllegalArgumentException("out has length " + out.length + ", expected " + dim + " x " + dim);
        Arrays.fill(out, 0.0);
        float[] row = new float[n];
        double[] xt = new double[stride];
        double[] p = new double[k];
        double m = 0;
        for (long r = 0; r < rows; r++) {
            int ch = (int) (r / chunkRows);
            int local = (int) (r - (long) ch * chunkRows);
            xb[ch].get(local * n, row, 0, n);
            double w = wb[ch] == null ? 1.0 : wb[ch].get(local);
            m += w;
            if (w == 0.0) continue;
            SoftmaxKernel.logits(row, 0, n, k, params, p, 0);
            softmax(p);
            for (int j = 0; j < n; j++) xt[j] = row[j];
            xt[n] = 1.0;
            // Lower triangle only: block (c, e ≤ c), coefficient w(p_c[c = e] − p_c p_e), times x̃ x̃ᵀ.
            for (int c = 0; c < k; c++) {
                for (int e = 0; e <= c; e++) {
                    double a = w * ((c == e ? p[c] : 0.0) - p[c] * p[e]);
                    if (a == 0.0) continue;
                    for (int j = 0; j < stride; j++) {
                        double aj = a * xt[j];
                        int rowIndex = (c * stride + j) * dim + e * stride;
                        int lMax = c == e ? j : stride - 1;
                        for (int l = 0; l <= lMax; l++) out[rowIndex + l] += aj * xt[l];
                    }
                }
            }
        }
        for (int r = 0; r < dim; r++) {
            for (int c = 0; c <= r; c++) {
                // An all-zero-weight dataset contributes nothing, rather than 0/0.
                double v = m > 0 ? out[r * dim + c] / m : 0.0;
                out[r * dim + c] = v;
                out[c * dim + r] = v;
            }
        }
    }

    /** p = softmax(z) in place, by {@link dev.logreg.loss.MultinomialLoss}'s operations. */
    private void softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) max = Math.max(max, z[c]);
        double s = 0;
        for (int c = 0; c < k; c++) {
            z[c] = Math.exp(z[c] - max);
            s += z[c];
        }
        for (int c = 0; c < k; c++) z[c] /= s;
    }
}
