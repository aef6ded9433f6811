package dev.logreg.cpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dataset bound to an {@link Nd4jBackend}: features, labels and weights in chunks of at most
 * {@link Dataset#DEFAULT_BLOCK_CAPACITY} floats (so each chunk's buffer is indexable by {@code int}), each chunk
 * either a read-only view of the dataset's own direct native-order buffers (no permutation; see {@link #readInPlace})
 * or an ND4J-owned off-heap float32 copy, plus per-thread scratch. The chunk boundaries are the same either way, so
 * both give the same sums to the last bit. See {@link Nd4jBackend} for the passes, the partition and determinism;
 * bound with the multinomial loss, the term's passes are {@link SoftmaxPass}'s. Not thread-safe.
 */
final class Nd4jDataTerm implements DataTerm {
    /** Most segments a row range is cut into; each is summed by one thread into its own partial. */
    private static final int MAX_SEGMENTS = 64;
    /** Least floats of X per segment (256 KiB), so that small ranges (mini-batches) run on the caller's thread. */
    private static final long MIN_SEGMENT_FLOATS = 1L << 16;
    /** Doubles per ND4J row block (1 MiB): the float64 copy of a block stays in the L2/L3 cache between the gemms, and is large enough to amortize the per-op overhead of ND4J. */
    private static final int BLOCK_DOUBLES = 1 << 17;

    private final Nd4jBackend backend;
    private final boolean log;
    private final long rows;
    private final int n;
    private final int chunkRows;
    private final boolean weighted;
    private final INDArray[] x;
    private final INDArray[] y;
    private final INDArray[] w;
    private final FloatBuffer[] xb;
    private final FloatBuffer[] yb;
    private final FloatBuffer[] wb;
    /** Chunks read in place from the dataset's buffers (their x, y, w entries are null). */
    private final int chunksInPlace;
    private final int slots;
    private final float[][] tiles;
    private final Work[] work;
    private final ParamShape shape;
    /** The multinomial passes, or null for the binary losses. */
    private final SoftmaxPass softmax;
    private final List<INDArray> owned = new ArrayList<>();
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
        int chunks = Math.toIntExact((rows + chunkRows - 1) / chunkRows);
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(rows, options.permutationSeed().getAsLong()) : null;
        x = new INDArray[chunks];
        y = new INDArray[chunks];
        w = new INDArray[chunks];
        xb = new FloatBuffer[chunks];
        yb = new FloatBuffer[chunks];
        wb = new FloatBuffer[chunks];
        List<RowBlock> blocks = data.blocks();
        long[] firstRows = new long[blocks.size()];
        for (int i = 0; i < firstRows.length; i++) firstRows[i] = blocks.get(i).firstRow();
        int inPlace = 0;
        try {
            for (int c = 0; c < chunks; c++) {
                long first = (long) c * chunkRows;
                int k = (int) Math.min(chunkRows, rows - first);
                if (perm == null && readInPlace(c, blocks, firstRows, first, k)) {
                    inPlace++;
                    continue;
                }
                x[c] = own(DataType.FLOAT, k, n);
                y[c] = own(DataType.FLOAT, k);
                xb[c] = Nd4jSupport.floats(x[c]);
                yb[c] = Nd4jSupport.floats(y[c]);
                if (weighted) {
                    w[c] = own(DataType.FLOAT, k);
                    wb[c] = Nd4jSupport.floats(w[c]);
                }
                if (perm == null) {
                    copyRange(c, blocks, firstRows, first, k);
                } else {
                    gather(c, blocks, firstRows, perm, first, k);
                }
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            freeAll();
            long bytes = Math.multiplyExact(Math.multiplyExact(rows, (long) n + (weighted ? 2 : 1)), 4L);
            throw new IllegalArgumentException("binding " + rows + " x " + n + " needs " + bytes
                    + " bytes of off-heap memory, which ND4J could not allocate: " + e, e);
        }
        this.chunksInPlace = inPlace;
        this.mapped = data.isMapped() ? data : null;
        this.slots = backend.threads();
        this.tiles = new float[slots][];
        this.work = new Work[slots];
        this.softmax = loss.kind() == Loss.Kind.MULTINOMIAL ? new SoftmaxPass(shape, chunkRows, xb, yb, wb, slots, backend.vectorized(), this::runAll) : null;
    }

    /**
     * Points chunk c (rows [first, first+k)) at the dataset's own buffers where that is safe and as fast as a copy:
     * the rows lie in one block whose features, labels and weights are direct native-order buffers. The dataset is
     * immutable by contract, so reading it in place gives the same numbers as a copy, with no allocation: on a
     * machine where fresh memory costs a page fault per 4 KiB (1.5–3 s for 400 MB on the development VM against
     * 0.03 s for the copy itself), that allocation was nearly all of the bind. Heap arrays are still copied into
     * ND4J memory (the term then owns its data, as {@link Nd4jBackend#liveAllocations()} reports); so are
     * big-endian buffers (the hot loop would swap bytes on every pass) and chunks that straddle blocks.
     */
    private boolean readInPlace(int c, List<RowBlock> blocks, long[] firstRows, long first, int k) {
        RowBlock b = blocks.get(blockIndex(firstRows, first));
        if (first + k > b.firstRow() + b.rows()) return false;
        FloatBuffer f = b.features();
        FloatBuffer l = b.labels();
        FloatBuffer v = weighted ? b.weights() : null;
        if (!nativeDirect(f) || !nativeDirect(l) || (v != null && !nativeDirect(v))) return false;
        int lo = (int) (first - b.firstRow());
        xb[c] = f.slice(Math.multiplyExact(lo, n), Math.multiplyExact(k, n));
        yb[c] = l.slice(lo, k);
        if (v != null) wb[c] = v.slice(lo, k);
        return true;
    }

    private static boolean nativeDirect(FloatBuffer b) {
        return b.isDirect() && b.order() == ByteOrder.nativeOrder();
    }

    /** Copies rows [first, first+k) into chunk c with one bulk copy per block they touch (no permutation). */
    private void copyRange(int c, List<RowBlock> blocks, long[] firstRows, long first, int k) {
        int done = 0;
        for (int bi = blockIndex(firstRows, first); done < k; bi++) {
            RowBlock b = blocks.get(bi);
            int lo = (int) (first + done - b.firstRow());
            int len = Math.min(k - done, b.rows() - lo);
            xb[c].put(done * n, b.features(), lo * n, len * n);
            yb[c].put(done, b.labels(), lo, len);
            if (weighted) wb[c].put(done, b.weights(), lo, len);
            done += len;
        }
    }

    /** Copies rows perm[first .. first+k) into chunk c, one row at a time (the permuted order). */
    private void gather(int c, List<RowBlock> blocks, long[] firstRows, int[] perm, long first, int k) {
        // One read-only view per block, made once: RowBlock hands out a fresh view per call.
        FloatBuffer[] f = new FloatBuffer[blocks.size()];
        FloatBuffer[] l = new FloatBuffer[blocks.size()];
        FloatBuffer[] v = new FloatBuffer[blocks.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = blocks.get(i).features();
            l[i] = blocks.get(i).labels();
            v[i] = blocks.get(i).weights();
        }
        for (int i = 0; i < k; i++) {
            long src = perm[(int) (first + i)];
            int bi = blockIndex(firstRows, src);
            int r = (int) (src - firstRows[bi]);
            xb[c].put(i * n, f[bi], r * n, n);
            yb[c].put(i, l[bi].get(r));
            if (weighted) wb[c].put(i, v[bi].get(r));
        }
    }

    /** Index of the block holding {@code row}: the last block whose first row is at most {@code row}. */
    private static int blockIndex(long[] firstRows, long row) {
        int i = java.util.Arrays.binarySearch(firstRows, row);
        return i >= 0 ? i : -i - 2;
    }

    private INDArray own(DataType type, long... shape) {
        backend.startNd4j();
        INDArray a = Nd4jSupport.call("allocate " + type + java.util.Arrays.toString(shape), () -> Nd4jSupport.allocate(type, shape));
        owned.add(a);
        backend.liveCounter().incrementAndGet();
        return a;
    }

    private void freeAll() {
        for (INDArray a : owned) {
            if (!a.wasClosed()) a.close();
            backend.liveCounter().decrementAndGet();
        }
        owned.clear();
    }

    /** Rows of chunk c. */
    private int chunkLength(int c) {
        return (int) Math.min(chunkRows, rows - (long) c * chunkRows);
    }

    /** Chunks read in place from the dataset's own buffers rather than copied (for tests and the log). */
    int chunksInPlace() { return chunksInPlace; }

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
        double[] acc = softmax != null ? softmax.evaluate(from, to, params, true) : evaluate(from, to, params, true);
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
        double[] acc = softmax != null ? softmax.evaluate(from, to, params, false) : evaluate(from, to, params, false);
        return acc[len + 1] > 0 ? acc[len] / acc[len + 1] : 0.0;
    }

    /** Sums over [from, to) in a partition fixed by the range alone; partials added in segment order. */
    private double[] evaluate(long from, long to, double[] params, boolean gradient) {
        long length = to - from;
        int segments = (int) Math.max(1, Math.min(MAX_SEGMENTS, Math.multiplyExact(length, (long) n) / MIN_SEGMENT_FLOATS));
        double[][] partial = new double[segments][];
        for (int seg = 0; seg < segments; seg++) partial[seg] = Workers.partial(n + 3);
        int workers = Math.min(slots, segments);
        AtomicInteger next = new AtomicInteger();
        Runnable[] loops = new Runnable[workers];
        for (int s = 0; s < workers; s++) {
            int slot = s;
            loops[s] = () -> {
                for (int seg = next.getAndIncrement(); seg < segments; seg = next.getAndIncrement()) {
                    long a = from + length * seg / segments;
                    long b = from + length * (seg + 1) / segments;
                    segment(a, b, params, gradient, partial[seg], slot);
                }
            };
        }
        runAll(loops);
        double[] total = new double[n + 3];
        for (double[] p : partial) {
            for (int j = 0; j < n + 3; j++) total[j] += p[j];
        }
        return total;
    }

    /** Runs loops[1..] on the backend's pool and loops[0] on this thread; rethrows the first failure. */
    void runAll(Runnable[] loops) {
        if (loops.length == 1) {
            loops[0].run();
            return;
        }
        ExecutorService pool = backend.pool();
        List<Future<?>> futures = new ArrayList<>(loops.length - 1);
        for (int i = 1; i < loops.length; i++) futures.add(pool.submit(loops[i]));
        RuntimeException failure = null;
        try {
            loops[0].run();
        } catch (RuntimeException e) {
            failure = e;
        } catch (InternalError e) {
            failure = mappedFault(e);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause instanceof RuntimeException ? (RuntimeException) cause
                            : cause instanceof InternalError ? mappedFault((InternalError) cause)
                            : new BackendException("cpu worker thread failed: " + cause, cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted while waiting for cpu worker threads", e);
            }
        }
        if (failure != null) throw failure;
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
    private void segment(long a, long b, double[] params, boolean gradient, double[] acc, int slot) {
        for (long r = a; r < b; ) {
            int c = (int) (r / chunkRows);
            long base = (long) c * chunkRows;
            long stop = Math.min(b, base + chunkRows);
            int lo = (int) (r - base);
            int hi = (int) (stop - base);
            if (backend.vectorized()) {
                float[] tile = tiles[slot];
                if (tile == null) tile = tiles[slot] = new float[VectorKernel.tileRows(n) * n];
                VectorKernel.accumulate(log, xb[c], yb[c], wb[c], n, lo, hi, params, params[n], gradient, acc, tile);
            } else if (backend.pass() != Nd4jBackend.Pass.ND4J_GEMV) {
                float[] tile = tiles[slot];
                if (tile == null) tile = tiles[slot] = new float[FusedKernel.tileRows(n) * n];
                FusedKernel.accumulate(log ? Loss.Kind.LOG : Loss.Kind.MSE, xb[c], yb[c], wb[c], n, lo, hi, params,
                        params[n], gradient, acc, tile);
            } else {
                gemvPass(c, lo, hi, params, gradient, acc, work(slot));
            }
            r = stop;
        }
    }

    /**
     * The ND4J pass over rows [lo, hi) of chunk c: per block, cast to float64 (the read of X), z = X̃·θ̃ by gemm,
     * r in Java, g += X̃ᵀ·r by gemm on the block still in cache.
     */
    private void gemvPass(int c, int lo, int hi, double[] params, boolean gradient, double[] acc, Work wk) {
        wk.setTheta(params);
        if (gradient) zero(wk.g);
        double value = 0;
        double weights = 0;
        double[] rv = new double[1];
        for (int r = lo; r < hi; r += wk.blockRows) {
            int k = Math.min(wk.blockRows, hi - r);
            INDArray xd = wk.logits(c, r, k);
            INDArray rk = k == wk.blockRows ? wk.r : wk.r.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
            for (int i = 0; i < k; i++) {
                double wi = weighted ? wb[c].get(r + i) : 1.0;
                value += wi * FusedKernel.pointwise(log, yb[c].get(r + i), wk.zb.get(i), gradient, rv);
                weights += wi;
                if (gradient) wk.rb.put(i, wi * rv[0]);
            }
            if (gradient) gemm("gemm g += X^T r", xd, rk, wk.g, true, 1.0);
        }
        if (gradient) {
            for (int j = 0; j <= n; j++) acc[j] += wk.gb.get(j);
        }
        acc[n + 1] += value;
        acc[n + 2] += weights;
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
        AtomicInteger next = new AtomicInteger();
        Runnable[] loops = new Runnable[Math.max(1, Math.min(slots, pieces))];
        for (int s = 0; s < loops.length; s++) {
            loops[s] = () -> {
                float[] row = new float[n];
                for (int p = next.getAndIncrement(); p < pieces; p = next.getAndIncrement()) {
                    long lo = from + (long) p * MARGIN_PIECE_ROWS;
                    marginsOfRows(lo, Math.min(to, lo + MARGIN_PIECE_ROWS), from, params, out, row);
                }
            };
        }
        runAll(loops);  // a mapped file's page gone mid-pass: an error naming the file (runAll), not a crash
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
     * reference backend's bits. Else on ND4J: per block, X̃_bᵀ·(c ∘ X̃_b) by gemm into one float64 (n+1)²
     * accumulator, blocks in row order on the caller's thread (ND4J may use its threads inside a gemm, so results are
     * bit-identical run after run at one thread cap and equal to rounding across caps).
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
        if (SmallDenseHessian.fits(rows, n)) {
            // Small data: plain Java, without starting ND4J for a gemm (the reference backend's bits).
            try {
                SmallDenseHessian.compute(log, n, rows, chunkRows, xb, yb, wb, weighted, params, out);
            } catch (InternalError e) {
                throw mappedFault(e);
            }
            return;
        }
        Work wk = work(0);
        wk.setTheta(params);
        INDArray h = wk.hessianScratch();
        zero(h);
        double m = 0;
        for (int c = 0; c < x.length; c++) {
            int k0 = chunkLength(c);
            for (int r = 0; r < k0; r += wk.blockRows) {
                int k = Math.min(wk.blockRows, k0 - r);
                INDArray xd = wk.logits(c, r, k);
                // S = c ∘ X̃ row by row through the buffers: ND4J's assign and broadcast multiply on views took
                // several times the gemm's own time (2.5-3.5 s against 0.5 s for 1,000,000 x 100).
                DoubleBuffer xdb = wk.xdb;
                DoubleBuffer sb = wk.sb;
                for (int i = 0; i < k; i++) {
                    double wi = weighted ? wb[c].get(r + i) : 1.0;
                    double ci = wi * FusedKernel.secondDerivative(log, yb[c].get(r + i), wk.zb.get(i));
                    m += wi;
                    int o = i * d;
                    for (int j = 0; j < d; j++) sb.put(o + j, ci * xdb.get(o + j));
                }
                INDArray sk = k == wk.blockRows ? wk.s : wk.s.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
                gemm("gemm H += X^T (c X)", xd, sk, h, true, 1.0);
            }
        }
        DoubleBuffer hb = wk.hb;
        for (int j = 0; j < d; j++) {
            for (int k = 0; k <= j; k++) {
                double v = hb.get(j * d + k) / m;
                out[j * d + k] = v;
                out[k * d + j] = v;
            }
        }
    }

    private static void gemm(String op, INDArray a, INDArray b, INDArray c, boolean transposeA, double beta) {
        Nd4jSupport.call(op, () -> Nd4j.gemm(a, b, c, transposeA, false, 1.0, beta));
    }

    private static void zero(INDArray a) {
        Nd4jSupport.call("assign 0", () -> a.assign(0.0));
    }

    private Work work(int slot) {
        Work wk = work[slot];
        if (wk == null) wk = work[slot] = new Work();
        return wk;
    }

    /** ND4J float64 scratch of one worker slot, allocated on first use and kept until the term closes. */
    private final class Work {
        final int blockRows = (int) Math.max(1, Math.min(chunkRows, BLOCK_DOUBLES / (n + 1)));
        /** X̃ of a block: the float64 copy of its rows with a last column of ones. [blockRows, n+1]. */
        final INDArray xd = own(DataType.DOUBLE, blockRows, n + 1);
        final INDArray theta = own(DataType.DOUBLE, n + 1, 1);
        final INDArray z = own(DataType.DOUBLE, blockRows, 1);
        final INDArray r = own(DataType.DOUBLE, blockRows, 1);
        final INDArray g = own(DataType.DOUBLE, n + 1, 1);
        final DoubleBuffer thetab = Nd4jSupport.doubles(theta);
        final DoubleBuffer zb = Nd4jSupport.doubles(z);
        final DoubleBuffer rb = Nd4jSupport.doubles(r);
        final DoubleBuffer gb = Nd4jSupport.doubles(g);
        /** X̃'s buffer, row-major [blockRows, n+1] (ND4J's default 'c' order). */
        final DoubleBuffer xdb = Nd4jSupport.doubles(xd);
        /** One row of a chunk read in place, on its way into X̃. */
        float[] row;
        INDArray s;
        DoubleBuffer sb;
        INDArray h;
        DoubleBuffer hb;

        Work() {
            // logits() writes X̃ through its buffer as row-major; ND4J's default order is 'c', checked once here.
            if (xd.ordering() != 'c') throw new IllegalStateException("ND4J allocated X̃ in order " + xd.ordering() + ", expected 'c'");
            Nd4jSupport.call("assign 1 (intercept column)", () -> xd.get(NDArrayIndex.all(), NDArrayIndex.point(n)).assign(1.0));
        }

        void setTheta(double[] params) {
            for (int j = 0; j <= n; j++) thetab.put(j, params[j]);
        }

        /**
         * Casts rows [lo, lo+k) of chunk c to float64 into X̃ and computes z = X̃·θ̃ into {@link #z}; returns X̃'s
         * [k, n+1] view. The cast is ND4J's where the chunk is an ND4J array, else a Java loop over the dataset's
         * buffer: float→double is exact, so X̃, and every gemm on it, is the same either way.
         */
        INDArray logits(int c, int lo, int k) {
            INDArray xk = k == blockRows ? xd : xd.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
            INDArray zk = k == blockRows ? z : z.get(NDArrayIndex.interval(0, k), NDArrayIndex.all());
            if (row == null) row = new float[n];
            FloatBuffer src = xb[c];
            for (int i = 0; i < k; i++) {
                src.get((lo + i) * n, row, 0, n);
                int o = i * (n + 1);
                for (int j = 0; j < n; j++) xdb.put(o + j, row[j]);
            }
            gemm("gemm z = X theta", xk, theta, zk, false, 0.0);
            return xk;
        }

        INDArray hessianScratch() {
            if (h == null) {
                s = own(DataType.DOUBLE, blockRows, n + 1);
                // Written as row-major [blockRows, n+1] through its buffer, like X̃ (see the constructor's check).
                if (s.ordering() != 'c') throw new IllegalStateException("ND4J allocated S in order " + s.ordering() + ", expected 'c'");
                sb = Nd4jSupport.doubles(s);
                h = own(DataType.DOUBLE, n + 1, n + 1);
                hb = Nd4jSupport.doubles(h);
            }
            return h;
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
        freeAll();
        backend.closed(this);
    }
}
