package dev.logreg.cpu;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.loss.Loss;

import java.util.Arrays;
import java.util.Objects;

/**
 * Sparse (CSR) rows bound to an {@link Nd4jBackend}: every pass reads each nonzero once ({@link SparseKernel} for
 * the log and MSE losses, {@link SparseSoftmaxKernel} for the multinomial loss), on the backend's threads, float64
 * throughout.
 *
 * <h2>Determinism and Xᵀr</h2>
 * A row range is cut into segments by its shape alone ({@link SparseLayout}); each segment is summed in row order
 * by one thread. Xᵀr is formed in one of two ways, both race-free and both giving the same bits for every thread
 * count:
 * <ul>
 *   <li>per-segment dense gradient partials (8·K·n bytes each, at most 256 MiB of them by default), merged column
 *       range by column range in segment order; a range of one segment accumulates into the caller's gradient;</li>
 *   <li>where partials would not fit (n above about 8·10⁶ for one output), a column-major copy made at bind
 *       ({@link ColumnMajor}: 8 bytes a nonzero more) and the rows' residuals (8·K bytes a row): Xᵀr column-parallel,
 *       each column summed in row order.</li>
 * </ul>
 *
 * <h2>Hessian-vector products</h2>
 * {@link #hessianVector} is one pass: (1/M) Σ cᵢ (x̃ᵢ·v) x̃ᵢ. The rows' curvatures cᵢ = wᵢℓ''(zᵢ) of the last
 * parameters are kept (8 bytes a row; for K classes the softmax probabilities, 8·K bytes a row where that is at most
 * 512 MiB), so that the products of one Newton step after the first read each row once for x̃ᵢ·v only, rather than
 * for x̃ᵢ·θ as well. For the binary losses a value+gradient pass over every row keeps them too (one more
 * exponential a row), so that the truncated Newton method's products at the point it just evaluated all take the
 * cheaper pass.
 *
 * <p>Not thread-safe (as every data term).
 */
final class SparseDataTerm implements DataTerm {
    /** Most bytes of softmax probabilities kept for Hessian-vector products. */
    private static final long PROBABILITY_CACHE_BUDGET = 512L << 20;

    private final Nd4jBackend backend;
    private final SparseBinding binding;
    private final boolean ownsBinding;
    private final CsrRows rows;
    private final boolean log;
    private final boolean softmax;
    private final float positiveClass;
    private final ParamShape shape;
    private final int n;
    private final int k;
    private final int slots;
    private final int maxPartials;
    private final SparseKernel.Tile[] tiles;
    private final double[][] scratch;
    private final double[][] partials = new double[SparseLayout.MAX_SEGMENTS][];
    private final double[][] sums = new double[SparseLayout.MAX_SEGMENTS][];
    private double[] residuals;
    /** cᵢ (binary) or p (softmax) per bound row at {@link #curvatureAt}; null until a product needs it, or where too large. */
    private double[] curvature;
    private double[] curvatureAt;
    /** Feature-major copies of W and V for the softmax kernel (n·K each), reused. */
    private double[] thetaT;
    private double[] vT;
    private boolean closed;

    /**
     * A term over {@code binding}'s rows for {@code loss}.
     *
     * @param ownsBinding   whether closing this term closes the binding (a plain bind) or not (one-vs-rest)
     * @param positiveClass for one-vs-rest over K-class rows, the class whose rows are label 1; −1 otherwise
     */
    SparseDataTerm(Nd4jBackend backend, SparseBinding binding, boolean ownsBinding, Loss loss, ParamShape shape, int positiveClass) {
        this.backend = backend;
        this.binding = binding;
        this.ownsBinding = ownsBinding;
        this.rows = binding.rows;
        this.log = loss.kind() == Loss.Kind.LOG;
        this.softmax = loss.kind() == Loss.Kind.MULTINOMIAL;
        this.positiveClass = positiveClass;
        this.shape = shape;
        this.n = shape.features();
        this.k = shape.outputs();
        this.slots = backend.threads();
        this.maxPartials = SparseLayout.partialsThatFit(binding.partialBudget, n, k);
        this.tiles = new SparseKernel.Tile[slots];
        this.scratch = new double[slots][];
    }

    @Override public long rows() { return rows.rows; }

    @Override public int features() { return n; }

    @Override public ParamShape shape() { return shape; }

    /** Whether Xᵀr over all rows uses the column-major copy (for tests and the log). */
    boolean columnMajor() { return binding.columns != null; }

    /** Whether the rows are the dataset's own buffers (no copy at bind). */
    boolean inPlace() { return rows.inPlace; }

    @Override
    public double weightSum(long from, long to) {
        checkRange(from, to);
        if (!rows.weighted) return to - from;
        double s = 0;
        for (long r = from; r < to; ) {
            int c = rows.chunkOf(r);
            long base = rows.firstRow[c];
            long stop = Math.min(to, rows.firstRow[c + 1]);
            for (long i = r; i < stop; i++) s += rows.weights[c].get((int) (i - base));
            r = stop;
        }
        return s;
    }

    @Override
    public double valueAndGradient(long from, long to, double[] params, double[] gradientOut) {
        checkRange(from, to);
        shape.check(params, "params");
        shape.check(gradientOut, "gradientOut");
        boolean keep = !softmax && from == 0 && to == rows.rows && curvatureFits();
        if (keep) {
            if (curvature == null) curvature = new double[(int) rows.rows];
            curvatureAt = null;  // overwritten by this pass
        }
        double[] total = run(SparseKernel.Op.GRADIENT, from, to, params, null, gradientOut, null, keep);
        if (keep) curvatureAt = params.clone();
        double m = total[SparseKernel.WEIGHT];
        return m > 0 ? total[SparseKernel.VALUE] / m : 0.0;
    }

    @Override
    public double value(long from, long to, double[] params) {
        checkRange(from, to);
        shape.check(params, "params");
        double[] total = run(SparseKernel.Op.VALUE, from, to, params, null, null, null, false);
        double m = total[SparseKernel.WEIGHT];
        return m > 0 ? total[SparseKernel.VALUE] / m : 0.0;
    }

    @Override
    public void margins(long from, long to, double[] params, double[] out) {
        checkRange(from, to);
        shape.check(params, "params");
        Objects.requireNonNull(out, "out");
        long need = Math.multiplyExact(to - from, (long) k);
        if (out.length < need) throw new IllegalArgumentException("out has length " + out.length + ", expected at least " + need);
        run(SparseKernel.Op.MARGINS, from, to, params, null, null, out, false);
    }

    @Override public boolean supportsHessianVector() { return true; }

    @Override
    public void hessianVector(double[] params, double[] v, double[] out) {
        check();
        shape.check(params, "params");
        shape.check(v, "v");
        shape.check(out, "out");
        boolean cached = curvatureAt != null && Arrays.equals(curvatureAt, params);
        if (!cached) {
            curvatureAt = null;  // stale until this pass completes
            if (curvature == null && curvatureFits()) curvature = new double[(int) (k * rows.rows)];
        }
        run(cached ? SparseKernel.Op.HV_CACHED : SparseKernel.Op.HV_FILL, 0, rows.rows, params, v, out, null, false);
        if (!cached && curvature != null) curvatureAt = params.clone();
    }

    /** Whether the rows' curvatures are kept: K·rows doubles in one array, at most 512 MiB of them for K > 1. */
    private boolean curvatureFits() {
        long need = (long) k * rows.rows;
        return need <= SparseLayout.MAX_ARRAY && (k == 1 || 8 * need <= PROBABILITY_CACHE_BUDGET);
    }

    @Override public boolean supportsHessian() { return shape.hessianFits(); }

    /** The full Hessian where K·(n+1) ≤ {@link ParamShape#MAX_HESSIAN_LENGTH} ({@link SparseHessian}). */
    @Override
    public void hessian(double[] params, double[] out) {
        check();
        shape.check(params, "params");
        shape.requireHessianFits();
        int d = shape.length();
        Objects.requireNonNull(out, "out");
        if (out.length != d * d) throw new IllegalArgumentException("out has length " + out.length + ", expected " + d + " x " + d);
        SparseHessian.compute(rows, log, softmax, positiveClass, shape, params, out);
    }

    /**
     * One pass of {@code op} over bound rows [from, to): returns the summed scalars (value, weight, intercept sums);
     * where {@code gOut} is given, writes (1/M) Σ sᵢ x̃ᵢ into it (the gradient or the Hessian-vector product).
     */
    private double[] run(SparseKernel.Op op, long from, long to, double[] params, double[] v, double[] gOut, double[] rowOut,
                         boolean keepCurvature) {
        boolean scatter = gOut != null;
        long work = SparseLayout.work(rows, from, to);
        // value() cuts its range as valueAndGradient() does, so that both give the same value to the bit.
        boolean planAsGradient = scatter || op == SparseKernel.Op.VALUE;
        boolean columnPlan = binding.columns != null && SparseLayout.useColumnMajor(rows, from, to, k);
        boolean byColumns = scatter && columnPlan;
        int segments = !planAsGradient || columnPlan ? SparseLayout.segments(work, k) : SparseLayout.partialSegments(work, n, k, maxPartials);
        long[] bounds = SparseLayout.bounds(rows, from, to, segments);
        int sumLength = softmax ? SparseSoftmaxKernel.INTERCEPTS + k : SparseKernel.SUMS;
        int partialLength = (int) SparseLayout.partialDoubles(n, k);
        // A binary range of one segment over few nonzeros (a mini-batch of many features) scatters into gOut itself.
        boolean direct = scatter && !byColumns && !softmax && segments == 1
                && rows.nonzerosBefore(to) - rows.nonzerosBefore(from) < 2L * n;
        double[][] targets = null;
        if (scatter && !byColumns) {
            if (direct) {
                targets = new double[][] {gOut};
            } else {
                for (int s = 0; s < segments; s++) {
                    if (partials[s] == null) partials[s] = Workers.partial(partialLength);
                }
                targets = partials;
            }
        }
        boolean interleaved = targets != null && !direct && !softmax;
        // What the even entries of an interleaved partial hold: θ, or v for the Hessian-vector products.
        double[] even = op == SparseKernel.Op.GRADIENT ? params : v;
        double[] perRow = rowOut;
        if (byColumns) {
            int need = Math.toIntExact((to - from) * k);
            if (residuals == null || residuals.length < need) residuals = new double[need];
            perRow = residuals;
        }
        for (int s = 0; s < segments; s++) {
            // Padded (Workers.partial): a few doubles each, written on every row, so unpadded neighbours share a line.
            if (sums[s] == null || sums[s].length != sumLength + Workers.PARTIAL_PADDING) sums[s] = Workers.partial(sumLength);
            else Arrays.fill(sums[s], 0.0);
        }
        Object pass = softmax ? softmaxPass(op, params, v, perRow, from) : binaryPass(op, params, v, perRow, from, keepCurvature);
        double[][] g = targets;
        Workers.forEach(backend.pool(), slots, segments, (seg, slot) -> {
            double[] partial = g == null ? null : g[seg];
            if (interleaved) {
                for (int j = 0; j < n; j++) {
                    partial[2 * j] = even[j];
                    partial[2 * j + 1] = 0.0;
                }
            } else if (partial != null) {
                Arrays.fill(partial, 0, direct ? n : partialLength, 0.0);
            }
            segment(pass, bounds[seg], bounds[seg + 1], interleaved, partial, sums[seg], slot);
        });
        double[] total = new double[sumLength];
        for (int s = 0; s < segments; s++) {
            for (int i = 0; i < sumLength; i++) total[i] += sums[s][i];
        }
        if (!scatter) return total;
        double m = total[SparseKernel.WEIGHT];
        if (byColumns) {
            for (int s = 0; s < slots; s++) {
                if (scratch[s] == null || scratch[s].length < 3 * k) scratch[s] = SparseSoftmaxKernel.scratch(k);
            }
            binding.columns.multiplyTransposed(residuals, k, from, to, m, gOut, backend.pool(), slots, scratch);
        } else {
            merge(targets, segments, interleaved, m, gOut);
        }
        for (int c = 0; c < k; c++) {
            double b = softmax ? total[SparseSoftmaxKernel.INTERCEPTS + c] : total[SparseKernel.INTERCEPT];
            gOut[shape.interceptIndex(c)] = m > 0 ? b / m : 0.0;
        }
        return total;
    }

    /** Rows [a, b) into one segment's partial (interleaved with θ or v, or not) and sums, chunk by chunk. */
    private void segment(Object pass, long a, long b, boolean interleaved, double[] partial, double[] segmentSums, int slot) {
        for (long r = a; r < b; ) {
            int c = rows.chunkOf(r);
            long base = rows.firstRow[c];
            long stop = Math.min(b, rows.firstRow[c + 1]);
            int lo = (int) (r - base);
            int hi = (int) (stop - base);
            if (softmax) {
                if (scratch[slot] == null) scratch[slot] = SparseSoftmaxKernel.scratch(k);
                SparseSoftmaxKernel.accumulate((SparseSoftmaxKernel.Pass) pass, rows, c, lo, hi, partial, segmentSums, scratch[slot]);
            } else {
                if (tiles[slot] == null) tiles[slot] = new SparseKernel.Tile();
                SparseKernel.accumulate((SparseKernel.Pass) pass, rows, c, lo, hi, interleaved ? partial : null,
                        interleaved ? null : partial, segmentSums, tiles[slot]);
            }
            r = stop;
        }
    }

    /**
     * gOut[c·(n+1) + j] = (Σ_s partial_s[j, c]) / M, partials added in segment order, column range by column range on
     * the backend's threads (each writes its own columns). Partials are [n] (binary, direct), [θ₀ g₀ θ₁ g₁ …]
     * (binary, interleaved) or feature-major [n·K] (multinomial).
     */
    private void merge(double[][] partial, int segments, boolean interleaved, double m, double[] gOut) {
        int stride = n + 1;
        long entries = (long) segments * n * k;
        int units = (int) Math.max(1, Math.min(SparseLayout.MAX_SEGMENTS, entries / SparseLayout.MIN_SEGMENT_WORK));
        Workers.forEach(backend.pool(), slots, units, (unit, slot) -> {
            int first = (int) ((long) n * unit / units);
            int last = (int) ((long) n * (unit + 1) / units);
            for (int j = first; j < last; j++) {
                for (int c = 0; c < k; c++) {
                    int at = interleaved ? 2 * j + 1 : j * k + c;
                    double s = partial[0][at];
                    for (int seg = 1; seg < segments; seg++) s += partial[seg][at];
                    gOut[c * stride + j] = m > 0 ? s / m : 0.0;
                }
            }
        });
    }

    private SparseKernel.Pass binaryPass(SparseKernel.Op op, double[] params, double[] v, double[] rowOut, long rowOutBase, boolean keepCurvature) {
        SparseKernel.Pass p = new SparseKernel.Pass();
        p.op = op;
        p.log = log;
        p.positiveClass = positiveClass;
        p.theta = params;
        p.v = v;
        p.n = n;
        p.curvature = curvature;
        p.keepCurvature = keepCurvature;
        p.rowOut = rowOut;
        p.rowOutBase = rowOutBase;
        return p;
    }

    private SparseSoftmaxKernel.Pass softmaxPass(SparseKernel.Op op, double[] params, double[] v, double[] rowOut, long rowOutBase) {
        SparseSoftmaxKernel.Pass p = new SparseSoftmaxKernel.Pass();
        p.op = op;
        p.n = n;
        p.k = k;
        if (thetaT == null) thetaT = new double[n * k];
        p.intercepts = new double[k];
        if (op != SparseKernel.Op.HV_CACHED) p.thetaT = transpose(params, thetaT, p.intercepts);
        if (v != null) {
            if (vT == null) vT = new double[n * k];
            p.vIntercepts = new double[k];
            p.vT = transpose(v, vT, p.vIntercepts);
        }
        p.probabilities = curvature;
        p.rowOut = rowOut;
        p.rowOutBase = rowOutBase;
        return p;
    }

    /** Class-major {@code src} (K slices of n + 1) into feature-major {@code dst[j·K + c]} and the intercepts. */
    private double[] transpose(double[] src, double[] dst, double[] intercepts) {
        int stride = n + 1;
        for (int c = 0; c < k; c++) {
            int off = c * stride;
            for (int j = 0; j < n; j++) dst[j * k + c] = src[off + j];
            intercepts[c] = src[off + n];
        }
        return dst;
    }

    private void checkRange(long from, long to) {
        check();
        DataTerm.checkRowRange(from, to, rows.rows);
    }

    private void check() {
        if (closed) throw new IllegalStateException("cpu data term is closed");
        backend.ensureOpen();
    }

    /** Frees what this term holds (the bound rows where it owns them). Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (ownsBinding) binding.close();
        backend.closed(this);
    }
}
