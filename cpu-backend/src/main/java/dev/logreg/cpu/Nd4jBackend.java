package dev.logreg.cpu;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CPU backend: float32 rows read in place or held off-heap, every sum in float64, all cores.
 *
 * <h2>What does the work</h2>
 * {@link #bind} cuts the rows into chunks of at most 2^28 floats and either reads each chunk in place from the
 * dataset (where no permutation is asked and its block holds direct native-order buffers: a {@link Dataset} is
 * immutable, so nothing is copied) or copies it once into direct memory the term owns (float32, row-major,
 * off-heap, freed when the term closes; rows permuted where asked). The value and gradient ({@link DataTerm#valueAndGradient}) take one of three
 * passes over them ({@link Pass}):
 * <ul>
 *   <li>{@link Pass#FUSED} (the default): a fused Java loop over the ND4J buffers: each tile of rows (about 4 KiB)
 *       is copied once from main memory into the L1 cache and its logits, losses and gradient contributions are
 *       computed there in float64, so X is read once per evaluation. SIMD ({@link VectorKernel}, float→double
 *       widening and FMA in 8 lanes with AVX-512) where the JVM has {@code --add-modules jdk.incubator.vector},
 *       else the scalar {@link FusedKernel}; the log says which.</li>
 *   <li>{@link Pass#FUSED_SCALAR}: the scalar fused loop, always.</li>
 *   <li>{@link Pass#ND4J_GEMV}: per block of about 1 MiB of float64, ND4J casts the float block to float64 (the one
 *       read of X from memory), then two BLAS gemv-shaped {@code Nd4j.gemm} calls run on the cached block
 *       (z = X̃_b·θ̃, then g += X̃_bᵀ·r), with r computed in Java between them.</li>
 * </ul>
 * ND4J itself starts on first use ({@link #startNd4j}): a term whose rows are read in place and whose fused pass
 * is all it runs (a plain {@code logreg train}, or one with {@code --cv-folds}) never loads it. Margins are a Java
 * pass too, each the reference backend's sum (the same bits), in parallel over fixed pieces of rows. The Hessian
 * runs on ND4J: per block a float→double cast, a gemm for the logits and X̃_bᵀ·(c ∘ X̃_b) by gemm, accumulated over
 * blocks in row order. Hessian-vector products (the truncated Newton method) are one fused Java pass, binary and
 * multinomial ({@link DenseHessianVector}).
 *
 * <p>The multinomial (softmax) loss over K classes binds K·(n+1) parameters ({@link dev.logreg.backend.ParamShape})
 * and runs {@link SoftmaxPass} whatever the {@link Pass}: a fused Java loop ({@link SoftmaxVectorKernel} with the
 * Vector API where {@link Pass#FUSED} has it, else {@link SoftmaxKernel}) reading
 * each row once for its K logits, softmax, loss and K gradient rows, on the same threads and partition as the binary
 * pass (so the same bits for every thread count); margins (K a row) and the Hessian (where K·(n+1) ≤ 2,048) in
 * plain Java on the caller's thread.
 *
 * <p><b>Measured</b> (development machine: 2 vCPUs of an AMD EPYC Zen 5, AVX-512, a VM shared with other
 * engineers' builds; {@code benchmarks/cpu/run-bandwidth.sh}, raw output with the machine and its load in
 * {@code benchmarks/results/cpu/}). 1,000,000 × 100 float32 (400 MB), value+gradient over all rows, 2 threads,
 * median after warm-up, log and MSE losses. Every run on 2026-11-26 had a load average between 7 and 170 on the
 * two cores, so wall times varied 2–3× from run to run; the benchmark therefore also prints the cores an
 * evaluation actually got, and GB/s per busy core is the steadier figure:
 * <ul>
 *   <li>ND4J_GEMV: 425–940 ms per evaluation, 0.5–0.9 GB/s per busy core (with 128 KiB blocks instead of 1 MiB:
 *       2.2–2.5 s): ND4J's per-op overhead (four ops per block) dominates unless blocks are large, and large
 *       blocks no longer stay in L2.</li>
 *   <li>FUSED_SCALAR: 106–295 ms, 2.6–3.1 GB/s per busy core.</li>
 *   <li>FUSED with the Vector API: 73–234 ms, 3.3–5.0 GB/s per busy core (best log-loss run: 86 ms = 4.65 GB/s,
 *       21% of the 22.4 GB/s streaming read measured in the same run, with one core of two busy on average).</li>
 *   <li>Per row, one thread, CPU time (a contention-robust micro-measurement of the SIMD kernel, n = 100):
 *       ~20 ns copying the row from memory, ~23 ns the dot product, ~22 ns the loss (one {@code exp}, one
 *       {@code log1p}), ~24 ns the gradient update: ~85–90 ns a row, against ~115 ns for the scalar kernel.
 *       Since then (same harness, benchmarks/cpu/README.md): rows four at a time with shared θ loads and one
 *       gradient read-modify-write per four rows, log1p by Goldberg's correction on the {@code Math.log} intrinsic,
 *       and 4 KiB tiles: 50–55 → 35 ns a row in cache, 73–80 → 51–53 ns from memory; the whole 2-thread pass
 *       4.60 / 3.26 → 6.61 GB/s per busy core ({@code run-bandwidth.sh}), 31.9 ms = 12.6 GB/s with both cores busy.
 *       In cache the row now costs ~14 ns dot product, ~17 ns loss, ~9 ns gradient update.</li>
 * </ul>
 * The fused Java loop is therefore the default: it beats the ND4J ops for this pass by 4–7×. What holds it below the
 * streaming bandwidth is arithmetic, not memory: the stream measured 15–59 GB/s on this VM over one day, and at 80%
 * of 27–54 GB/s two cores must each finish a 400-byte row in 15–30 ns, while the exact stable loss alone takes
 * ~17 ns and the row ~35 ns in cache. A shared machine takes the rest. The ND4J pass stays as an independent cross-check (the tests hold all three
 * to the reference backend).
 *
 * <h2>Sparse (CSR) data</h2>
 * Sparse datasets bind as they are ({@link #supportsSparse()}), read in place unless a permutation is asked (then one
 * copy: 8 bytes a nonzero, 12–16 a row), and every pass reads each nonzero once ({@link SparseDataTerm}: the log,
 * MSE and multinomial losses, margins, Hessian-vector products and, where K·(n+1) ≤ 2,048, the Hessian). Xᵀr is formed
 * without races, by per-segment gradient partials (16·n bytes each for the binary losses, 8·K·n for the multinomial;
 * at most 256 MiB of them, {@link #SPARSE_PARTIAL_BUDGET_PROPERTY}) or, where those would not fit, from a column-major
 * copy made at bind (8 bytes a nonzero); {@link SparseLayout} gives the rules. One-vs-rest on sparse data binds the rows
 * once for every class.
 *
 * <h2>Determinism</h2>
 * A row range is cut into at most 64 segments by its length alone (never by the thread count); each segment is
 * summed in row order by one thread into its own partial, and the partials are added in segment order. The same
 * input therefore gives bit-identical output run after run and for every thread cap. (The SIMD and the scalar
 * kernels sum a row's products in different orders, so they agree to rounding, not bit for bit; a backend uses one
 * kernel for its whole life.)
 *
 * <h2>Threads and process-wide state</h2>
 * {@code options.threads()} caps the Java worker threads this backend starts (the caller's thread is one of them)
 * and ND4J's own threads. ND4J keeps its thread settings (its OpenMP pool, its op threads, OpenBLAS's threads) per
 * process, not per object: {@code create} sets them to the cap and {@link #close()} puts back the values it found.
 * Two ND4J backends open at once with different caps therefore share the last cap set; nothing else ND4J-related
 * leaks out of this class.
 *
 * <p>Lifecycle: the caller closes the backend, which closes every bound term. Not thread-safe.
 */
public final class Nd4jBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jBackend.class);

    /**
     * System property: the bytes of per-segment gradient partials a sparse term may hold (default 256 MiB); below
     * 4·8·(n+1) bytes a term over many nonzeros makes a column-major copy instead ({@link SparseLayout}). Read when a
     * backend is created; for benchmarks and for machines short of heap.
     */
    public static final String SPARSE_PARTIAL_BUDGET_PROPERTY = "logreg.cpu.sparsePartialBudget";

    /** Which implementation evaluates the value and gradient (both are tested against the reference backend). */
    public enum Pass {
        /**
         * A fused Java loop over ND4J's buffers, one read of X: the default, by measurement. SIMD
         * ({@link VectorKernel}, {@link SoftmaxVectorKernel}) where the JVM runs with {@code --add-modules
         * jdk.incubator.vector} and the {@link SimdChoice} of the system properties takes the pass (every pass where
         * they are not set), else scalar.
         */
        FUSED,
        /** The fused loop, always scalar (the fallback of {@link #FUSED}; for comparison and tests). */
        FUSED_SCALAR,
        /** ND4J float→double cast of a cached row block, then two BLAS gemv-shaped gemm calls on it. */
        ND4J_GEMV
    }

    private final int threads;
    private final Pass pass;
    private final int chunkFloats;
    /** Bytes of gradient partials a sparse term may hold ({@link #SPARSE_PARTIAL_BUDGET_PROPERTY}). */
    private final long sparsePartialBudget;
    private final boolean vectorized;
    /** Which dense terms run the SIMD kernels where {@link #vectorized}. */
    private final SimdChoice simdChoice;
    /** The fits the caller expects ({@link BackendOptions#expectedFits}), for the {@link SimdChoice}. */
    private final int expectedFits;
    private final ExecutorService pool;
    /** ND4J's thread settings found when it was started here (restored by {@link #close()}), or null: not started. */
    private Nd4jSupport.ThreadSettings previous;
    /** The description, less the SIMD part that {@link #description()} adds. */
    private final String description;
    /** Lanes of the SIMD kernels once a term has run them ({@link #simdInUse}), else 0. */
    private volatile int simdLanes;
    /** Bytes of features (times outputs) read by the scalar fused passes of all terms ({@link #scalarPassDone}). */
    private final AtomicLong scalarWork = new AtomicLong();
    private final List<DataTerm> open = new ArrayList<>();
    /** One-vs-rest bindings of sparse rows (their rows are freed with them). */
    private final List<OneVsRestTerms> shared = new ArrayList<>();
    private final AtomicLong live = new AtomicLong();
    private boolean closed;

    /** A backend with the {@link Pass#FUSED} pass. Caller closes it. */
    public Nd4jBackend(BackendOptions options) {
        this(options, Pass.FUSED);
    }

    /**
     * A backend whose value and gradient use {@code pass}. Caller closes it.
     *
     * @param options {@code threads()}: the most threads used (never more than the available cores), 0 for every
     *                available core
     */
    public Nd4jBackend(BackendOptions options, Pass pass) {
        this(options, pass, Dataset.DEFAULT_BLOCK_CAPACITY);
    }

    /**
     * For tests: {@code chunkFloats} caps the floats of features per ND4J array (normally
     * {@link Dataset#DEFAULT_BLOCK_CAPACITY}), so that small data can span several chunks.
     */
    Nd4jBackend(BackendOptions options, Pass pass, int chunkFloats) {
        this(options, pass, chunkFloats, true);
    }

    /**
     * For tests: {@code capAtCores} false takes {@code options.threads()} as given even above the core count, so that
     * a 2-core machine can show that 3 threads give the same bits as 1 and 2.
     */
    Nd4jBackend(BackendOptions options, Pass pass, int chunkFloats, boolean capAtCores) {
        this(options, pass, chunkFloats, capAtCores, SimdChoice.fromSystemProperties());
    }

    /** For tests: {@code simdChoice} in place of the one the system properties give ({@link SimdChoice}). */
    Nd4jBackend(BackendOptions options, Pass pass, int chunkFloats, boolean capAtCores, SimdChoice simdChoice) {
        Objects.requireNonNull(options, "options");
        this.simdChoice = Objects.requireNonNull(simdChoice, "simdChoice");
        this.expectedFits = options.expectedFits();
        this.pass = Objects.requireNonNull(pass, "pass");
        if (chunkFloats < 1) throw new IllegalArgumentException("chunkFloats is " + chunkFloats + ", expected at least 1");
        this.chunkFloats = chunkFloats;
        this.sparsePartialBudget = Long.getLong(SPARSE_PARTIAL_BUDGET_PROPERTY, SparseLayout.DEFAULT_PARTIAL_BUDGET);
        if (sparsePartialBudget < 0) {
            throw new IllegalArgumentException(SPARSE_PARTIAL_BUDGET_PROPERTY + " is " + sparsePartialBudget + ", expected bytes >= 0");
        }
        this.vectorized = pass == Pass.FUSED && Nd4jSupport.vectorApiAvailable();
        if (pass == Pass.FUSED) {
            if (vectorized) {
                LOG.info("cpu backend: jdk.incubator.vector present, using the SIMD fused kernel{}", simdChoice.describe());
            } else {
                LOG.info("cpu backend: scalar fused kernel; start the JVM with --add-modules jdk.incubator.vector for the SIMD one");
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        // A cap: more threads than cores would only time-slice the same memory-bound pass.
        this.threads = options.threads() == 0 ? cores : capAtCores ? Math.min(options.threads(), cores) : options.threads();
        // ND4J is not started here but on first use (startNd4j): the fused passes over rows read in place never
        // use it, and starting it (its native library, a self-test, its thread pools) costs ~1.4 CPU-seconds, 0.6 s
        // of wall on a quiet machine, of a 4-5 s `logreg train` (benchmarks/results/cpu/end-to-end-profile.md).
        this.description = "cpu: ND4J " + Nd4jSupport.version() + " (nd4j-native, loaded on first use), " + cores + " cores, float32 data, float64 sums, " + threads
                + (threads == 1 ? " thread" : " threads") + ", "
                + (pass == Pass.ND4J_GEMV ? "ND4J gemv pass" : vectorized ? "fused pass (Vector API" : "fused pass (scalar)");
        if (threads > 1) {
            AtomicInteger id = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "logreg-cpu-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.pool = null;
        }
    }

    /** {@code cpu}. */
    @Override public String name() { return "cpu"; }

    /** ND4J version, BLAS vendor, cores, threads and pass, one line. */
    @Override
    public String description() {
        if (!vectorized || pass == Pass.ND4J_GEMV) return description;
        // The lane count only once a term has run the SIMD kernels: asking the Vector API for it initializes its
        // classes, 30-50 ms of a fresh JVM (`train --timings`, backend), which a fit on the scalar kernel never needs.
        int lanes = simdLanes;
        return description + (lanes > 0 ? ", " + lanes + " lanes" : "") + simdChoice.describe() + ")";
    }

    /** Notes that a term runs the SIMD kernels, for the description's lane count. */
    void simdInUse() {
        simdLanes = VectorKernel.lanes();
    }

    /** Whether the backend's scalar passes have earned the SIMD kernels ({@link SimdChoice#earned}). */
    boolean simdEarned() {
        return vectorized && simdChoice.earned(scalarWork.get());
    }

    /** Counts a scalar pass over {@code bytes} of features (times outputs) towards {@link #simdEarned}. */
    void scalarPassDone(long bytes) {
        if (vectorized) scalarWork.addAndGet(bytes);
    }

    /** The thread cap in force: the option, at most the core count (the core count where the option was 0). */
    public int threads() { return threads; }

    /** The value-and-gradient implementation in use. */
    public Pass pass() { return pass; }

    /**
     * Binds {@code data} for {@code loss}. Where no permutation is asked and the dataset's blocks are direct buffers
     * in native byte order (what {@code Dataset.wrap} of {@code ByteBuffer.allocateDirect(..).order(nativeOrder())}
     * views, or the {@code .npy} reader, give), the term reads them in place and allocates nothing for them: the
     * dataset must stay reachable and unchanged while the term is open, as {@link Dataset}'s contract says. Otherwise
     * (heap arrays, big-endian buffers, a permutation) the rows are copied into direct float32 memory the term owns (about
     * 4·rows·(cols+2) bytes off-heap), with one bulk copy per block where the order is kept.
     *
     * <p>Why reading in place matters (measured, {@code benchmarks/cpu/README.md}): copying 400 MB takes 0.03–0.1 s
     * here, but fresh memory costs a page fault per 4 KiB page the first time it is touched, and on the development
     * VM that is 1.5–3 s for 400 MB, the same for ND4J's allocation, {@code ByteBuffer.allocateDirect} or C's
     * {@code malloc}: nearly all of a copying bind. Results are the same to the last bit either way (same chunks,
     * same partition, same sums). Caller closes the result (or this backend).
     *
     * @throws IllegalArgumentException where ND4J cannot allocate the memory (the message gives the bytes needed)
     */
    @Override
    public DataTerm bind(Dataset data, Loss loss, BindOptions options) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(options, "options");
        dev.logreg.backend.ParamShape.refuseHinge("cpu", loss);
        // A binary loss refuses K-class labels before any copy; the multinomial loss binds K outputs (SoftmaxPass).
        dev.logreg.backend.ParamShape.of(data, loss);
        if (data.isSparse()) return bindSparse(data, loss, options, sparsePartialBudget);
        Nd4jDataTerm t = new Nd4jDataTerm(this, data, loss, options);
        open.add(t);
        return t;
    }

    /** Sparse (CSR) data bind as they are, read in place where no permutation is asked ({@link SparseDataTerm}). */
    @Override
    public boolean supportsSparse() {
        return true;
    }

    /**
     * Binds sparse {@code data} with at most {@code partialBudget} bytes of gradient partials per term (tests pass a
     * small budget to take the column-major path on small data; see {@link SparseLayout}).
     */
    DataTerm bindSparse(Dataset data, Loss loss, BindOptions options, long partialBudget) {
        ensureOpen();
        dev.logreg.backend.ParamShape.refuseHinge("cpu", loss);
        dev.logreg.backend.ParamShape shape = dev.logreg.backend.ParamShape.of(data, loss);
        SparseBinding binding = new SparseBinding(this, data, options, shape.outputs(), partialBudget);
        SparseDataTerm t = new SparseDataTerm(this, binding, true, loss, shape, -1);
        open.add(t);
        return t;
    }

    /**
     * Where {@code data} is sparse, binds its rows once ({@link SparseBinding}: in place, or one permuted copy, and the
     * column-major copy where one is made) and hands out each class's term over them, its 0/1 labels derived from the
     * class indices as rows are read: the same bits as {@code bind(data.oneVsRest(c), loss, options)}. Dense data
     * take the default (one bind per class).
     */
    @Override
    public OneVsRestTerms bindOneVsRest(Dataset data, Loss loss, BindOptions options) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(options, "options");
        if (!data.isSparse()) return Backend.super.bindOneVsRest(data, loss, options);
        if (loss.kind() == Loss.Kind.MULTINOMIAL) {
            throw new IllegalArgumentException("one-vs-rest binds binary problems, but the loss is multinomial: use a binary loss (log)");
        }
        dev.logreg.backend.ParamShape.refuseHinge("cpu", loss);
        dev.logreg.backend.ParamShape shape = new dev.logreg.backend.ParamShape(1, data.cols());
        SparseOneVsRest terms = new SparseOneVsRest(this, new SparseBinding(this, data, options, 1, sparsePartialBudget),
                data.classes(), loss, shape);
        shared.add(terms);
        return terms;
    }

    /** Off-heap allocations this backend holds now (copied features, labels, weights and ND4J scratch of every open term). */
    @Override
    public long liveAllocations() {
        return live.get();
    }

    /** Closes every bound term, stops the worker threads and restores ND4J's thread settings. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (OneVsRestTerms t : new ArrayList<>(shared)) t.close();
        for (DataTerm t : new ArrayList<>(open)) t.close();
        if (pool != null) pool.shutdownNow();
        if (previous == null) return;
        try {
            previous.apply();
        } catch (RuntimeException e) {
            // Restoring a setting is best effort: a close must not fail after the memory is freed.
        }
    }

    // --- package-private plumbing for Nd4jDataTerm ---

    void ensureOpen() {
        if (closed) throw new IllegalStateException("cpu backend is closed");
    }

    /**
     * Starts ND4J for this backend, once, before its first ND4J array: loads it and checks it (the self-test), then
     * caps its process-wide threads at this backend's (restored by {@link #close()}). Everything that can fail comes
     * before the thread settings change, so a failed start leaves ND4J as it was.
     *
     * @throws BackendException where ND4J does not load or its self-test fails
     */
    void startNd4j() {
        if (previous != null) return;
        try {
            Nd4jSupport.selfTest();
        } catch (RuntimeException | LinkageError e) {
            throw new BackendException("cpu: ND4J native backend did not load: " + e, e);
        }
        Nd4jSupport.ThreadSettings found = Nd4jSupport.call("read thread settings", Nd4jSupport.ThreadSettings::current);
        Nd4jSupport.call("set thread settings", () -> {
            new Nd4jSupport.ThreadSettings(threads, threads, threads).apply();
            return null;
        });
        previous = found;
    }

    /** Whether this backend has started ND4J ({@link #startNd4j}). */
    boolean nd4jStarted() { return previous != null; }

    ExecutorService pool() { return pool; }

    int chunkFloats() { return chunkFloats; }

    /** Whether the fused pass may run the SIMD kernels (the JVM has {@code jdk.incubator.vector}). */
    boolean vectorized() { return vectorized; }

    /**
     * Whether a dense term of {@code rows} × {@code n} features and {@code outputs} (1 binary, K multinomial) runs the
     * SIMD kernels from its first pass: where {@link #vectorized}, and its size times the fits expected reaches the
     * {@link SimdChoice} or the scalar passes so far have earned them.
     */
    boolean vectorizedFor(long rows, int n, int outputs) {
        return vectorized && (simdChoice.simd(rows, n, outputs, expectedFits) || simdChoice.earned(scalarWork.get()));
    }

    AtomicLong liveCounter() { return live; }

    void closed(DataTerm t) { open.remove(t); }

    /** A term made outside {@link #bind} (one-vs-rest), closed with this backend. */
    void registered(DataTerm t) { open.add(t); }

    void closed(OneVsRestTerms t) { shared.remove(t); }
}
