package dev.logreg.cpu;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;

import java.util.Objects;

/**
 * A dataset bound to an {@link Nd4jBackend}: features, labels and weights in chunks of at most
 * {@link Dataset#DEFAULT_BLOCK_CAPACITY} floats (so each chunk's buffer is indexable by {@code int}), each chunk
 * either a read-only view of the dataset's own direct native-order buffers (no permutation) or an off-heap
 * float32 copy the term owns ({@link DenseChunks}, {@link TermMemory}), plus per-thread scratch. The chunk boundaries are the same either
 * way, so both give the same sums to the last bit. See {@link Nd4jBackend} for the passes, the partition and
 * determinism; bound with the multinomial loss, the term's passes are {@link SoftmaxPass}'s. Not thread-safe.
 */
final class Nd4jDataTerm implements DataTerm {
    /** Most segments a row range is cut into; each is summed by one thread into its own partial. */
    private static final int MAX_SEGMENTS = 64;
    /** Least floats of X per segment (256 KiB), so that small ranges (mini-batches) run on the caller's thread. */
    private static final long MIN_SEGMENT_FLOATS = 1L << 16;

    private final Nd4jBackend backend;
    private final boolean log;
    private final long rows;
    private final int n;
    private final int chunkRows;
    private final boolean weighted;
    private final ChunkFloats[] xb;
    private final ChunkFloats[] yb;
    private final ChunkFloats[] wb;
    /** Chunks read in place from the dataset's buffers rather than copied ({@link DenseChunks#inPlace}). */
    private final int chunksInPlace;
    private final int slots;
    private final float[][] tiles;
    /**
     * Whether this term's fused passes run the SIMD kernels: from the first where {@link Nd4jBackend#vectorizedFor},
     * else from the first after the backend's scalar passes earned them ({@link #simdForPass}). Read and written on
     * the thread that calls the term, between passes.
     */
    private boolean vectorized;
    /** The passes on ND4J gemms: {@link Nd4jBackend.Pass#ND4J_GEMV} and the Hessian of larger data. */
    private final Nd4jGemmPasses gemm;
    private final ParamShape shape;
    /** The multinomial passes, or null for the binary losses. */
    private final SoftmaxPass softmax;
    private final TermMemory memory;
    /** The dataset where some of its rows are a memory-mapped file's pages (checked before each pass), else null. */
    private final Dataset mapped;
    /** Hessian-vector products ({@link DenseHessianVector}), made on first use. */
    private DenseHessianVector hessianVector;
    private boolean closed;

    Nd4jDataTerm(Nd4jBackend backend, Dataset data, Loss loss, BindOptions options) {
        this.backend = backend;
        this.log = loss.kind() == Loss.Kind.LOG;
        // First, before any copy: a binary loss refuses K-class labels here.
        this.shape = ParamShape.of(data, loss);
        this.rows = data.rows();
        this.n = data.cols();
        this.weighted = data.isWeighted();
        this.chunkRows = Math.max(1, backend.chunkFloats() / n);
        this.memory = new TermMemory(backend);
        DenseChunks chunks = new DenseChunks(data, chunkRows, options, memory);
        this.xb = chunks.xb;
        this.yb = chunks.yb;
        this.wb = chunks.wb;
        this.chunksInPlace = chunks.inPlace;
        this.mapped = data.isMapped() ? data : null;
        this.slots = backend.threads();
        this.tiles = new float[slots][];
        this.gemm = new Nd4jGemmPasses(log, n, weighted, chunks, memory, slots);
        this.vectorized = backend.vectorizedFor(rows, n, shape.outputs());
        if (vectorized) backend.simdInUse();
        this.softmax = loss.kind() == Loss.Kind.MULTINOMIAL ? new SoftmaxPass(shape, chunkRows, xb, yb, wb, slots, this::runAll) : null;
    }

    /** Chunks read in place from the dataset's own buffers rather than copied (for tests and the log). */
    int chunksInPlace() { return chunksInPlace; }

    /** Whether this term's fused passes run the SIMD kernels (for tests). */
    boolean vectorized() { return vectorized; }

    @Override public long rows() { return rows; }

    @Override public int features() { return n; }

    @Override public ParamShape shape() { return shape; }

    @Override
    public double weightSum(long from, long to) {
        checkRange(from, to);
        if (!weighted) return to - from;
        double s = 0;
        for (long r = from; r < to; r++) {
            int c = (int) (r / chunkRows);
            s += wb[c].get((int) (r - (long) c * chunkRows));
        }
        return s;
    }

    @Override
    public double valueAndGradient(long from, long to, double[] params, double[] gradientOut) {
        checkRange(from, to);
        checkParams(params);
        shape.check(gradientOut, "gradientOut");
        int len = shape.length();
        double[] acc = pass(from, to, params, true);
        double m = acc[len + 1];
        // A range whose weights are all zero contributes nothing (DataTerm's contract), rather than 0/0.
        for (int j = 0; j < len; j++) gradientOut[j] = m > 0 ? acc[j] / m : 0.0;
        return m > 0 ? acc[len] / m : 0.0;
    }

    @Override
    public double value(long from, long to, double[] params) {
        checkRange(from, to);
        checkParams(params);
        int len = shape.length();
        double[] acc = pass(from, to, params, false);
        return acc[len + 1] > 0 ? acc[len] / acc[len + 1] : 0.0;
    }

    /** One fused pass over [from, to): the multinomial or the binary one, SIMD or scalar ({@link #simdForPass}). */
    private double[] pass(long from, long to, double[] params, boolean gradient) {
        boolean simd = simdForPass();
        double[] acc = softmax != null ? softmax.evaluate(from, to, params, gradient, simd) : evaluate(from, to, params, gradient, simd);
        if (!simd && backend.pass() != Nd4jBackend.Pass.ND4J_GEMV) {
            backend.scalarPassDone(Math.multiplyExact(Math.multiplyExact(to - from, 4L * n), (long) shape.outputs()));
        }
        return acc;
    }

    /** Whether this pass runs the SIMD kernels: once the backend's scalar passes have earned them, from then on. */
    private boolean simdForPass() {
        if (!vectorized && backend.simdEarned()) {
            vectorized = true;
            backend.simdInUse();
        }
        return vectorized;
    }

    /** Sums over [from, to) in a partition fixed by the range alone; partials added in segment order. */
    private double[] evaluate(long from, long to, double[] params, boolean gradient, boolean simd) {
        long length = to - from;
        int segments = (int) Math.max(1, Math.min(MAX_SEGMENTS, Math.multiplyExact(length, (long) n) / MIN_SEGMENT_FLOATS));
        double[][] partial = new double[segments][];
        for (int seg = 0; seg < segments; seg++) partial[seg] = Workers.partial(n + 3);
        Workers.forEach(backend.pool(), slots, segments, (seg, slot) -> {
            long a = from + length * seg / segments;
            long b = from + length * (seg + 1) / segments;
            segment(a, b, params, gradient, simd, partial[seg], slot);
        }, this::mappedFault);
        double[] total = new double[n + 3];
        for (double[] p : partial) {
            for (int j = 0; j < n + 3; j++) total[j] += p[j];
        }
        return total;
    }

    /** Runs loops[1..] on the backend's pool and loops[0] on this thread; rethrows the first failure. */
    void runAll(Runnable[] loops) {
        Workers.runAll(backend.pool(), loops, this::mappedFault);
    }

    /**
     * A fault reading the rows (the JVM's InternalError for a SIGBUS: a mapped file truncated during the pass) as
     * the mapped file's error, naming it; rethrown as it is where no rows are mapped.
     */
    private RuntimeException mappedFault(InternalError e) {
        if (mapped == null) throw e;
        RuntimeException first = null;
        for (RowBlock b : mapped.blocks()) {
            if (b.mappedFile() == null) continue;
            RuntimeException r = b.mappedFile().faulted(e);
            if (r.getCause() != e) return r;  // this file changed: its own message
            if (first == null) first = r;
        }
        return first;
    }

    /** Adds rows [a, b) into acc, chunk by chunk, with this backend's pass. */
    private void segment(long a, long b, double[] params, boolean gradient, boolean simd, double[] acc, int slot) {
        for (long r = a; r < b; ) {
            int c = (int) (r / chunkRows);
            long base = (long) c * chunkRows;
            long stop = Math.min(b, base + chunkRows);
            int lo = (int) (r - base);
            int hi = (int) (stop - base);
            if (simd) {
                float[] tile = tiles[slot];
                if (tile == null || tile.length != VectorKernel.tileRows(n) * n) tile = tiles[slot] = new float[VectorKernel.tileRows(n) * n];
                VectorKernel.accumulate(log, xb[c], yb[c], wb[c], n, lo, hi, params, params[n], gradient, acc, tile);
            } else if (backend.pass() != Nd4jBackend.Pass.ND4J_GEMV) {
                float[] tile = tiles[slot];
                if (tile == null) tile = tiles[slot] = new float[FusedKernel.tileRows(n) * n];
                FusedKernel.accumulate(log ? Loss.Kind.LOG : Loss.Kind.MSE, xb[c], yb[c], wb[c], n, lo, hi, params,
                        params[n], gradient, acc, tile);
            } else {
                gemm.accumulate(c, lo, hi, params, gradient, acc, slot);
            }
            r = stop;
        }
    }

    @Override
    public void margins(long from, long to, double[] params, double[] out) {
        checkRange(from, to);
        checkParams(params);
        Objects.requireNonNull(out, "out");
        long need = Math.multiplyExact(to - from, (long) shape.outputs());
        if (out.length < need) throw new IllegalArgumentException("out has length " + out.length + ", expected at least " + need);
        try {
            if (softmax != null) {
                softmax.margins(from, to, params, out);
            } else {
                marginsOf(from, to, params, out);
            }
        } catch (InternalError e) {
            throw mappedFault(e);
        }
    }

    /**
     * z = θ·x + b of rows [from, to) into {@code out}: each a float64 sum in column order, then b, the reference
     * backend's sum (the same bits), in Java over the rows where they are. Why not ND4J's gemm, as before: it needed
     * a float64 copy of the rows and started ND4J (~1.4 CPU-seconds) in a cross-validation over rows read in place,
     * whose fits never use it. Pieces of {@link #MARGIN_PIECE_ROWS} rows on the backend's threads; each row's sum is
     * its own, so the result does not depend on them.
     */
    private void marginsOf(long from, long to, double[] params, double[] out) {
        int pieces = (int) ((to - from + MARGIN_PIECE_ROWS - 1) / MARGIN_PIECE_ROWS);
        float[][] rowOf = new float[slots][];
        // A mapped file's page gone mid-pass: an error naming the file (mappedFault), not a crash.
        Workers.forEach(backend.pool(), slots, pieces, (p, slot) -> {
            if (rowOf[slot] == null) rowOf[slot] = new float[n];
            long lo = from + (long) p * MARGIN_PIECE_ROWS;
            marginsOfRows(lo, Math.min(to, lo + MARGIN_PIECE_ROWS), from, params, out, rowOf[slot]);
        }, this::mappedFault);
    }

    private void marginsOfRows(long lo, long hi, long from, double[] params, double[] out, float[] row) {
        double b = params[n];
        for (long r = lo; r < hi; r++) {
            int c = (int) (r / chunkRows);
            xb[c].get((int) (r - (long) c * chunkRows) * n, row, 0, n);
            double z = 0;
            for (int j = 0; j < n; j++) z += params[j] * row[j];
            out[(int) (r - from)] = z + b;
        }
    }

    /** Rows per piece of {@link #marginsOf}: enough work per task (~1.6M multiply-adds at 100 features). */
    private static final int MARGIN_PIECE_ROWS = 16_384;

    @Override public boolean supportsHessianVector() { return true; }

    /** One pass over the rows ({@link DenseHessianVector}), on the backend's threads; the same bits for every thread count. */
    @Override
    public void hessianVector(double[] params, double[] v, double[] out) {
        check();
        checkParams(params);
        shape.check(v, "v");
        shape.check(out, "out");
        if (hessianVector == null) {
            hessianVector = new DenseHessianVector(shape, log, rows, chunkRows, xb, yb, wb, backend.pool(), slots);
        }
        try {
            hessianVector.compute(params, v, out);
        } catch (InternalError e) {
            throw mappedFault(e);  // a mapped file's page gone mid-pass: an error naming the file, not a crash
        }
    }

    @Override public boolean supportsHessian() { return softmax == null || softmax.supportsHessian(); }

    /**
     * (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) x̃ᵢ x̃ᵢᵀ over all rows. Small data ({@link SmallDenseHessian#fits}): plain Java, the
     * reference backend's bits, without starting ND4J. Else on ND4J ({@link Nd4jGemmPasses#hessian}): per block,
     * X̃_bᵀ·(c ∘ X̃_b) by gemm into one float64 (n+1)² accumulator, blocks in row order on the caller's thread (ND4J
     * may use its threads inside a gemm, so results are bit-identical run after run at one thread cap and equal to
     * rounding across caps).
     */
    @Override
    public void hessian(double[] params, double[] out) {
        check();
        checkParams(params);
        Objects.requireNonNull(out, "out");
        if (softmax != null) {
            softmax.hessian(rows, params, out);
            return;
        }
        int d = n + 1;
        if (out.length != d * d) throw new IllegalArgumentException("out has length " + out.length + ", expected (features + 1)^2 = " + (d * d));
        if (!SmallDenseHessian.fits(rows, n)) {
            gemm.hessian(params, out);
            return;
        }
        try {
            SmallDenseHessian.compute(log, n, rows, chunkRows, xb, yb, wb, weighted, params, out);
        } catch (InternalError e) {
            throw mappedFault(e);
        }
    }

    private void checkRange(long from, long to) {
        check();
        DataTerm.checkRowRange(from, to, rows);
    }

    private void checkParams(double[] params) {
        shape.check(params, "params");
    }

    private void check() {
        if (closed) throw new IllegalStateException("cpu data term is closed");
        backend.ensureOpen();
        // Before each pass: a mapped file truncated since is refused by name before a page of it is read.
        if (mapped != null) mapped.checkMappedFiles();
    }

    /** Frees every ND4J array of this term. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        memory.freeAll();
        backend.closed(this);
    }
}
