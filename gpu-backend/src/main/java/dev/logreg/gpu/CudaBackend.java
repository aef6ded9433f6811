package dev.logreg.gpu;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendUnavailableException;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.backend.ParamShape;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import jcuda.Pointer;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.cublasHandle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The GPU backend on the JCuda driver API: the device's primary context ({@code cuDevicePrimaryCtxRetain}), one
 * stream, the kernel module loaded once from the class path ({@code cuModuleLoadDataEx}), and, where JCuBLAS loads
 * and the cuBLAS path is used, one cuBLAS handle. Data are uploaded once per {@link #bind}, and X once for all the classes
 * of a {@link #bindOneVsRest}; per evaluation only θ
 * goes down and n + 3 numbers come back.
 *
 * <p>Numerics: X is held in float32 as given; each row's dot product, the loss, the residual and every sum are
 * float64 ({@link GradientPath#CUBLAS} excepted). Reductions are deterministic: for a given device (its SM count
 * fixes the grid) and row range, the same input gives bit-identical results, run after run.
 *
 * <p>Lifecycle: {@link #close()} closes every bound term, then the cuBLAS handle, the module, the stream and the
 * context, in that (reverse) order; it is idempotent, and any other use after close throws
 * {@link IllegalStateException}. Not thread-safe: use one backend from one thread at a time (the context is made
 * current on the calling thread at each call).
 *
 * <p>Failures: every CUDA failure surfaces as a {@link BackendException} naming the call and its {@code CUresult}.
 * What it leaves depends on the error. One the next call can survive (out of memory, an invalid value: see
 * {@link Cuda#isSticky}) closes the data term it happened in (or undoes the bind), freeing that term's device and pinned
 * memory; the backend stays usable, and a new bind gives the same results as before. A sticky error (a fault in a
 * kernel, a failed launch) poisons the context, so the backend closes itself: every term, the module, the stream and
 * its reference to the context are released (the driver frees what the failed frees left, device and pinned), the
 * exception says so, and any later use throws {@link IllegalStateException} naming the error. On a real GPU a new
 * backend may then need a new process (NVIDIA's documentation says so for these errors). No failure is ever answered
 * by computing elsewhere: the caller decides.
 */
public final class CudaBackend implements Backend {
    /** Launch width of the kernels that take 256 threads. */
    static final int BLOCK = 256;

    private final int deviceIndex;
    private final CudaOptions options;
    private final Allocations allocations = new Allocations();
    private final List<DataTerm> terms = new ArrayList<>();
    /** Open one-vs-rest binds, each owning its shared rows (closed after the terms, which read those rows). */
    private final List<CudaOneVsRestTerms> oneVsRest = new ArrayList<>();
    /** Uploads of X so far (binds and one-vs-rest binds), for tests of the one upload of one-vs-rest. */
    private long featureUploads;
    /** The device as found at construction: name, driver version, SMs, shared memory, compute capability. */
    private final CudaDevice device;
    /** The context, stream, kernel module and cuBLAS handle ({@link CudaContext}). */
    private final CudaContext handles;
    private boolean closed;
    /** The sticky CUDA error that closed this backend (its message), or null. */
    private String stickyFailure;

    /** A backend on device {@code options.deviceIndex()} with {@link CudaOptions#DEFAULT}. Caller closes. */
    public CudaBackend(BackendOptions options) {
        this(options, CudaOptions.DEFAULT);
    }

    /**
     * A backend on device {@code options.deviceIndex()}. Caller closes.
     *
     * @throws BackendUnavailableException where the driver is missing or too old, there is no such device, or the
     *                                     kernels do not load; the reason is one line
     */
    public CudaBackend(BackendOptions options, CudaOptions cudaOptions) {
        Objects.requireNonNull(options, "options");
        this.options = Objects.requireNonNull(cudaOptions, "cudaOptions");
        this.deviceIndex = options.deviceIndex();
        this.device = CudaDevice.open(deviceIndex);
        this.handles = CudaContext.open(device, cudaOptions.image());
    }

    static String versionText(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    /** The first line of a throwable's message (or its class name), at most 300 characters. */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) m = t.getClass().getName();
        m = m.strip();
        int nl = m.indexOf('\n');
        if (nl >= 0) m = m.substring(0, nl).strip();
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    /** Why the cuBLAS path cannot be used in this JVM (one line), or empty where JCuBLAS loaded. */
    public static Optional<String> cublasProblem() {
        return Cublas.problem();
    }

    @Override public String name() { return "gpu"; }

    @Override
    public String description() {
        return "gpu: " + device.name() + " (compute " + device.computeMajor() + "." + device.computeMinor() + ", " + device.multiprocessors()
                + " SMs), driver CUDA " + versionText(device.driverVersion()) + ", float32 data, float64 accumulation, " + options.gradientPath().name().toLowerCase(java.util.Locale.ROOT)
                + " gradient" + (options.prefetchRows() ? ", prefetching kernels" : "");
    }

    /** The options this backend was created with. */
    public CudaOptions options() { return options; }

    /** The device's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    public String deviceName() { return device.name(); }

    /** Number of streaming multiprocessors (it fixes the grids, hence the reduction order). */
    public int multiprocessors() { return device.multiprocessors(); }

    /** {@code cuDriverGetVersion}, e.g. 13000 for CUDA 13.0. */
    public int driverVersion() { return device.driverVersion(); }

    /**
     * {@code [free, total]} device memory in bytes ({@code cuMemGetInfo}); free at most
     * {@link CudaOptions#deviceMemoryLimit()} where that is set, so every bind and workspace check honours the limit.
     */
    public long[] memoryInfo() {
        ensureOpen();
        makeCurrent();
        long[] free = new long[1];
        long[] total = new long[1];
        Cuda.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        long limit = options.deviceMemoryLimit();
        return new long[] {limit > 0 ? Math.min(free[0], limit) : free[0], total[0]};
    }

    /**
     * Refuses a workspace of {@code bytes} that free device memory cannot hold, before it is allocated: the one
     * message every data term gives for its lazily made buffers.
     *
     * @param what the workspace, for the message (for example {@code "margins buffer"})
     */
    void ensureFits(long bytes, String what) {
        long[] mem = memoryInfo();
        if (bytes > mem[0]) {
            throw new IllegalArgumentException(what + " needs " + bytes + " bytes of device memory but only " + mem[0] + " are free (of " + mem[1] + ")");
        }
    }

    /** Binds {@code data} in its own row order (see {@link #bind(Dataset, Loss, BindOptions)}). Caller closes. */
    @Override
    public DataTerm bind(Dataset data, Loss loss) {
        return bind(data, loss, BindOptions.DEFAULT);
    }

    /**
     * Uploads {@code data} (float32, through pinned memory in 32 MiB chunks; rows permuted where {@code bindOptions}
     * asks) and allocates the evaluation workspaces. Caller closes the result (or the backend). A binary loss gives
     * a {@link CudaDataTerm} (as {@link #bindBinary} does); the multinomial loss over K classes a
     * {@link CudaSoftmaxTerm} (softmax.cu).
     *
     * @throws IllegalArgumentException where the data and workspaces need more device memory than is free; checked
     *                                  before any allocation, the message gives the bytes needed and free
     */
    @Override
    public DataTerm bind(Dataset data, Loss loss, BindOptions bindOptions) {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(data, "data");
        if (data.isSparse()) return loss.kind() == Loss.Kind.MULTINOMIAL ? bindSparseSoftmax(data, bindOptions) : bindSparse(data, loss, bindOptions);
        if (loss.kind() != Loss.Kind.MULTINOMIAL) {
            DataTerm streamed = StreamedDataTerm.bindIfTooLarge(this, data, loss, bindOptions);
            return streamed != null ? streamed : bindBinary(data, loss, bindOptions);
        }
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(bindOptions, "options");
        dev.logreg.backend.ParamShape.of(data, loss);  // K-class labels with the multinomial loss, or a clear refusal
        return register(() -> new CudaSoftmaxTerm(this, data, bindOptions), "the bind was undone");
    }

    /**
     * Makes the context current, runs {@code bind} (a term's constructor, which frees what it allocated before it
     * throws) and registers the term, closed with this backend; a CUDA failure becomes {@link #failed}'s exception
     * ({@code undone} says what was undone).
     */
    private <T extends DataTerm> T register(java.util.function.Supplier<T> bind, String undone) {
        makeCurrent();
        T t;
        try {
            t = bind.get();
        } catch (BackendException e) {
            throw failed(e, undone);
        }
        terms.add(t);
        return t;
    }

    /** True: sparse (CSR) data bind as they are, for the binary losses ({@link #bindSparse}) and the multinomial one. */
    @Override
    public boolean supportsSparse() {
        return true;
    }

    /**
     * Binds sparse (CSR) {@code data} for a binary loss (log loss, squared error): the CSR rows and a transposed copy
     * built on the device ({@link CudaSparseTerm}). Caller closes.
     *
     * @throws IllegalArgumentException for dense data, for the multinomial loss (bind it with {@link #bind}), for K-class
     *                                  labels, for a hinge loss, or where the data need more device memory than is free
     *                                  (checked before any allocation)
     */
    public CudaSparseTerm bindSparse(Dataset data, Loss loss, BindOptions bindOptions) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(bindOptions, "options");
        if (!data.isSparse()) throw new IllegalArgumentException("bindSparse takes sparse (CSR) data; bind dense data with bind(data, loss)");
        if (loss.kind() == Loss.Kind.MULTINOMIAL) {
            throw new IllegalArgumentException("bindSparse takes a binary loss (log loss, squared error); bind the multinomial loss with bind(data, loss)");
        }
        dev.logreg.backend.ParamShape.refuseHinge("gpu", loss);
        dev.logreg.backend.ParamShape.of(data, loss);
        return register(() -> new CudaSparseTerm(this, data, loss, bindOptions), "the bind was undone");
    }

    /** Sparse K-class data with the multinomial loss ({@link CudaSparseSoftmaxTerm}). Caller closes. */
    private CudaSparseSoftmaxTerm bindSparseSoftmax(Dataset data, BindOptions bindOptions) {
        ensureOpen();
        Objects.requireNonNull(bindOptions, "options");
        dev.logreg.backend.ParamShape.of(data, Loss.multinomial());  // K-class labels, or a clear refusal
        return register(() -> new CudaSparseSoftmaxTerm(this, data, bindOptions), "the bind was undone");
    }

    /** {@link #bindBinary(Dataset, Loss, BindOptions)} in the data's own row order. Caller closes. */
    public CudaDataTerm bindBinary(Dataset data, Loss loss) {
        return bindBinary(data, loss, BindOptions.DEFAULT);
    }

    /**
     * Binds {@code data} for a binary loss (log loss, squared error), giving the GPU's own term type with its
     * diagnostics (read-only and copy passes, a choice of {@link GradientPath}). Caller closes.
     *
     * @throws IllegalArgumentException for the multinomial loss or K-class labels (use {@link #bind}), or where the
     *                                  data and workspaces need more device memory than is free
     */
    public CudaDataTerm bindBinary(Dataset data, Loss loss, BindOptions bindOptions) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(bindOptions, "options");
        dev.logreg.backend.ParamShape.refuseHinge("gpu", loss);
        if (loss.kind() == Loss.Kind.MULTINOMIAL) {
            throw new IllegalArgumentException("bindBinary takes a binary loss (log loss, squared error); bind the multinomial loss with bind(data, loss)");
        }
        if (data.isSparse()) throw new IllegalArgumentException("bindBinary takes dense data; bind sparse data with bind(data, loss) or bindSparse");
        dev.logreg.backend.ParamShape.of(data, loss);  // two classes, or a message naming K
        return register(() -> new CudaDataTerm(this, data, loss, bindOptions), "the bind was undone");
    }

    /**
     * One-vs-rest on one upload: X and the weights go to the device once, here, and each
     * {@link OneVsRestTerms#forClass} term reads them with its own 0/1 labels (rows floats) and workspaces, giving the
     * same bits as {@link #bindBinary} on {@code data.oneVsRest(c)}; see {@link CudaOneVsRestTerms}. Caller closes the
     * result (or the backend), which frees the class terms and then the shared rows.
     *
     * @throws IllegalArgumentException for the multinomial or a hinge loss, or where X and the weights need more
     *                                  device memory than is free (checked before any allocation)
     */
    @Override
    public OneVsRestTerms bindOneVsRest(Dataset data, Loss loss, BindOptions bindOptions) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(bindOptions, "options");
        if (loss.kind() == Loss.Kind.MULTINOMIAL) {
            throw new IllegalArgumentException("one-vs-rest binds binary problems, but the loss is multinomial: use a binary loss (log)");
        }
        ParamShape.refuseHinge(name(), loss);
        // Sparse rows: one sparse bind a class (SharedRows holds dense X).
        if (data.isSparse()) return Backend.super.bindOneVsRest(data, loss, bindOptions);
        makeCurrent();
        SharedRows rows;
        try {
            rows = new SharedRows(this, data, bindOptions);
        } catch (BackendException e) {
            throw failed(e, "the bind was undone");
        }
        CudaOneVsRestTerms t = new CudaOneVsRestTerms(this, rows, loss);
        oneVsRest.add(t);
        return t;
    }

    /** Binds class {@code positiveClass} against the rest over {@code rows} (for {@link CudaOneVsRestTerms}). */
    CudaDataTerm bindClass(SharedRows rows, Loss loss, int positiveClass) {
        ensureOpen();
        return register(() -> new CudaDataTerm(this, rows, loss, positiveClass), "the bind of class " + positiveClass + " was undone, the shared rows kept");
    }

    void removedOneVsRest(CudaOneVsRestTerms t) {
        oneVsRest.remove(t);
    }

    /** How many times X has been uploaded by this backend (each bind once; a one-vs-rest bind once for all classes). */
    long featureUploads() {
        return featureUploads;
    }

    void featureUploaded() {
        featureUploads++;
    }

    /** Live device and pinned host allocations together (see {@link #liveDeviceAllocations()}, {@link #livePinnedAllocations()}). */
    @Override
    public long liveAllocations() {
        return allocations.live();
    }

    /**
     * Live device allocations ({@code cuMemAlloc}) of this backend's terms: 0 once every term is closed, after a
     * failure that closed them, and after {@link #close()}. For leak tests; may be called after close.
     */
    public long liveDeviceAllocations() {
        return allocations.device();
    }

    /**
     * Live pinned host allocations ({@code cuMemAllocHost}, the staging buffer of an upload, held only while a bind
     * copies): 0 outside a bind. For leak tests; may be called after close.
     */
    public long livePinnedAllocations() {
        return allocations.pinned();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        RuntimeException failure = null;
        makeCurrentQuietly();
        failure = closeNewestFirst(terms, failure);  // each term removes itself
        terms.clear();
        failure = closeNewestFirst(oneVsRest, failure);  // removes itself; its class terms are closed above
        oneVsRest.clear();
        try {
            handles.release(stickyFailure != null);
            if (stickyFailure != null) allocations.releasedWithContext();
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        }
        if (failure != null) throw failure;
    }

    /**
     * Closes {@code items} newest first, adding each failure to {@code failure} (the first one is returned). After a
     * sticky error every free fails and the context's release frees the memory instead: those failures are dropped.
     */
    private RuntimeException closeNewestFirst(List<? extends AutoCloseable> items, RuntimeException failure) {
        for (int i = items.size() - 1; i >= 0; i--) {
            try {
                items.get(i).close();
            } catch (Exception e) {
                if (stickyFailure != null) continue;
                RuntimeException r = e instanceof RuntimeException ? (RuntimeException) e : new BackendException(e.getMessage(), e);
                if (failure == null) failure = r; else failure.addSuppressed(r);
            }
        }
        return failure;
    }

    // ---- package-private services for CudaDataTerm ----

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(stickyFailure == null ? "gpu backend is closed"
                    : "gpu backend was closed after a sticky CUDA error (" + stickyFailure + "); open a new backend");
        }
    }

    /**
     * What to throw after {@code e} ended an operation whose own resources are already freed ({@code undone} says
     * what was done about them): where the error is sticky, this backend closes itself first (see the class comment).
     */
    BackendException failed(BackendException e, String undone) {
        if (!CudaException.isSticky(e)) {
            return new BackendException(e.getMessage() + " (" + undone + ", its device and pinned memory freed; the gpu backend is still usable)", e);
        }
        if (stickyFailure == null) stickyFailure = e.getMessage();
        BackendException wrapped = new BackendException(e.getMessage() + " (a sticky error: the CUDA context is unusable, so the gpu backend"
                + " was closed and all its device and pinned memory released; open a new backend, on a real GPU in a new process)", e);
        try {
            close();
        } catch (RuntimeException suppressed) {
            wrapped.addSuppressed(suppressed);
        }
        return wrapped;
    }

    /** Whether a sticky CUDA error has closed this backend. */
    boolean poisoned() {
        return stickyFailure != null;
    }

    void makeCurrent() {
        handles.makeCurrent();
    }

    /** Makes the context current on this thread where there is one, ignoring failure (for close paths). */
    void makeCurrentQuietly() {
        handles.makeCurrentQuietly();
    }

    /** Registers a term bound outside this class ({@link StreamedDataTerm#bindIfTooLarge}), closed with the backend. */
    void added(DataTerm t) {
        terms.add(t);
    }

    void removed(DataTerm t) {
        terms.remove(t);
    }

    Allocations allocations() { return allocations; }

    CUstream stream() { return handles.stream(); }

    int sharedMemoryOptIn() { return device.sharedMemoryOptIn(); }

    /** Blocks per SM that {@code kernel} can keep resident with {@code threads} threads and {@code smem} dynamic bytes. */
    int occupancy(String kernel, int threads, long smem) {
        return handles.module().occupancy(kernel, threads, smem);
    }

    /** Allows {@code kernel} at least {@code smem} bytes of dynamic shared memory ({@link KernelModule#allowSharedMemory}). */
    void allowSharedMemory(String kernel, int smem) {
        handles.module().allowSharedMemory(kernel, smem);
    }

    /** Launches {@code kernel} on the stream: 1-D grid and block. */
    void launch(String kernel, int grid, int block, int smem, Pointer args) {
        CUstream stream = handles.stream();
        Cuda.check(JCudaDriver.cuLaunchKernel(handles.module().function(kernel), grid, 1, 1, block, 1, 1, smem, stream, args, null),
                "cuLaunchKernel(" + kernel + ", grid " + grid + ", block " + block + ", smem " + smem + ")");
        if (options.synchronizeEachLaunch()) {
            Cuda.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize after " + kernel);
        }
    }

    void synchronize(String after) {
        Cuda.check(JCudaDriver.cuStreamSynchronize(handles.stream()), "cuStreamSynchronize after " + after);
    }

    /** The cuBLAS handle, created on first use on this backend's stream. */
    cublasHandle cublas() {
        return handles.cublas();
    }
}
