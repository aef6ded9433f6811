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
import dev.logreg.kernels.KernelResources;
import dev.logreg.loss.Loss;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.runtime.cudaStream_t;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final Map<String, CUfunction> functions = new HashMap<>();
    /** The dynamic shared memory each kernel is allowed so far (past the 48 KiB default); only ever raised. */
    private final Map<String, Integer> sharedMemoryAllowed = new HashMap<>();
    private final CUdevice device = new CUdevice();
    private final String deviceName;
    private final int driverVersion;
    private final int multiprocessors;
    private final int sharedMemoryOptIn;
    private final int computeMajor;
    private final int computeMinor;
    private CUcontext context;
    private CUstream stream;
    private CUmodule module;
    private cublasHandle cublas;
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
        loadDriver();
        int rc = JCudaDriver.cuInit(0);
        if (rc == CUresult.CUDA_ERROR_NO_DEVICE) throw unavailable("no CUDA device (cuInit: " + Cuda.describe(rc) + ")");
        if (rc != CUresult.CUDA_SUCCESS) throw unavailable("cuInit failed: " + Cuda.describe(rc));
        int[] v = new int[1];
        rc = JCudaDriver.cuDriverGetVersion(v);
        if (rc != CUresult.CUDA_SUCCESS) throw unavailable("cuDriverGetVersion failed: " + Cuda.describe(rc));
        this.driverVersion = v[0];
        if (driverVersion < KernelResources.MIN_DRIVER_VERSION) {
            throw unavailable("NVIDIA driver supports CUDA " + versionText(driverVersion) + ", but the kernels (nvcc 13.0 PTX) need CUDA "
                    + versionText(KernelResources.MIN_DRIVER_VERSION) + " (driver r580 or newer)");
        }
        int[] count = new int[1];
        rc = JCudaDriver.cuDeviceGetCount(count);
        if (rc != CUresult.CUDA_SUCCESS) throw unavailable("cuDeviceGetCount failed: " + Cuda.describe(rc));
        if (count[0] == 0) throw unavailable("no CUDA device");
        if (deviceIndex >= count[0]) throw unavailable("no CUDA device " + deviceIndex + " (" + count[0] + " present)");
        try {
            Cuda.check(JCudaDriver.cuDeviceGet(device, deviceIndex), "cuDeviceGet");
            byte[] name = new byte[256];
            Cuda.check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
            int len = 0;
            while (len < name.length && name[len] != 0) len++;
            this.deviceName = new String(name, 0, len, StandardCharsets.US_ASCII);
            this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
            this.sharedMemoryOptIn = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
            this.computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            this.computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        } catch (BackendException e) {
            throw new BackendUnavailableException("gpu", oneLine(e), e);
        }
        if (computeMajor < 8) {
            throw unavailable(deviceName + " has compute capability " + computeMajor + "." + computeMinor + "; the kernels need 8.0 or newer");
        }
        try {
            CUcontext ctx = new CUcontext();
            Cuda.check(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, device), "cuDevicePrimaryCtxRetain");
            context = ctx;
            Cuda.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CUstream s = new CUstream();
            // Flags 0: a blocking stream, ordered with the legacy default stream that the synchronous copies use.
            Cuda.check(JCudaDriver.cuStreamCreate(s, 0), "cuStreamCreate");
            stream = s;
            module = loadModule(cudaOptions.image());
            for (String k : CudaKernels.ALL) {
                CUfunction f = new CUfunction();
                Cuda.check(JCudaDriver.cuModuleGetFunction(f, module, k), "cuModuleGetFunction(" + k + ")");
                functions.put(k, f);
            }
        } catch (RuntimeException e) {
            releaseNative();
            closed = true;
            if (e instanceof BackendUnavailableException) throw e;
            throw new BackendUnavailableException("gpu", oneLine(e), e);
        }
    }

    private static BackendUnavailableException unavailable(String reason) {
        return new BackendUnavailableException("gpu", reason);
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

    /** Loads JCuda's native library, which needs libcuda.so.1; a missing driver becomes a one-line reason. */
    private static void loadDriver() {
        Optional<String> problem = DriverLibrary.problem();
        if (problem.isPresent()) throw unavailable(problem.get());
    }

    private int attribute(int which) {
        int[] v = new int[1];
        Cuda.check(JCudaDriver.cuDeviceGetAttribute(v, which, device), "cuDeviceGetAttribute(" + which + ")");
        return v[0];
    }

    private CUmodule loadModule(CudaOptions.KernelImage image) {
        String resource = image == CudaOptions.KernelImage.PTX ? KernelResources.PTX : KernelResources.FATBIN;
        byte[] bytes;
        try (InputStream in = KernelResources.class.getResourceAsStream(resource)) {
            if (in == null) throw unavailable("kernel image " + resource + " is not on the class path (logreg-kernels jar missing?)");
            byte[] raw = in.readAllBytes();
            // PTX is text that the driver reads up to a NUL; the fatbin is binary with its own length header.
            bytes = image == CudaOptions.KernelImage.PTX ? java.util.Arrays.copyOf(raw, raw.length + 1) : raw;
        } catch (IOException e) {
            throw unavailable("cannot read kernel image " + resource + ": " + e.getMessage());
        }
        CUmodule m = new CUmodule();
        int rc = JCudaDriver.cuModuleLoadDataEx(m, Pointer.to(bytes), 0, new int[0], Pointer.to(new int[0]));
        if (rc == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
            throw unavailable("driver too old for the PTX (cuModuleLoadDataEx: " + Cuda.describe(rc) + "; driver supports CUDA "
                    + versionText(driverVersion) + ", nvcc 13.0 PTX needs CUDA 13.0, driver r580 or newer)");
        }
        if (rc != CUresult.CUDA_SUCCESS) throw unavailable("cannot load kernels " + resource + ": cuModuleLoadDataEx failed: " + Cuda.describe(rc));
        return m;
    }

    /**
     * Releases module, stream and context, whichever exist, in reverse order; collects failures. After a sticky error
     * the handle, module and stream cannot be destroyed one by one (each call returns the error); they go with the
     * context, so only the context's release can fail.
     */
    private void releaseNative() {
        BackendException failure = null;
        boolean poisoned = stickyFailure != null;
        if (cublas != null) {
            int rc = JCublas2.cublasDestroy(cublas);
            if (rc != 0 && !poisoned) failure = addFailure(failure, "cublasDestroy failed: status " + rc);
            cublas = null;
        }
        if (module != null) {
            int rc = JCudaDriver.cuModuleUnload(module);
            if (rc != CUresult.CUDA_SUCCESS && !poisoned) failure = addFailure(failure, "cuModuleUnload failed: " + Cuda.describe(rc));
            module = null;
        }
        if (stream != null) {
            int rc = JCudaDriver.cuStreamDestroy(stream);
            if (rc != CUresult.CUDA_SUCCESS && !poisoned) failure = addFailure(failure, "cuStreamDestroy failed: " + Cuda.describe(rc));
            stream = null;
        }
        if (context != null) {
            int rc = JCudaDriver.cuDevicePrimaryCtxRelease(device);
            if (rc != CUresult.CUDA_SUCCESS) failure = addFailure(failure, "cuDevicePrimaryCtxRelease failed: " + Cuda.describe(rc));
            context = null;
        }
        if (failure != null) throw failure;
    }

    private static BackendException addFailure(BackendException first, String message) {
        BackendException e = new BackendException(message);
        if (first == null) return e;
        first.addSuppressed(e);
        return first;
    }

    /** Why the cuBLAS path cannot be used in this JVM (one line), or empty where JCuBLAS loaded. */
    public static Optional<String> cublasProblem() {
        return Cublas.problem();
    }

    @Override public String name() { return "gpu"; }

    @Override
    public String description() {
        return "gpu: " + deviceName + " (compute " + computeMajor + "." + computeMinor + ", " + multiprocessors + " SMs), driver CUDA "
                + versionText(driverVersion) + ", float32 data, float64 accumulation, " + options.gradientPath().name().toLowerCase(java.util.Locale.ROOT)
                + " gradient" + (options.prefetchRows() ? ", prefetching kernels" : "");
    }

    /** The options this backend was created with. */
    public CudaOptions options() { return options; }

    /** The device's name, e.g. {@code NVIDIA H100 80GB HBM3}. */
    public String deviceName() { return deviceName; }

    /** Number of streaming multiprocessors (it fixes the grids, hence the reduction order). */
    public int multiprocessors() { return multiprocessors; }

    /** {@code cuDriverGetVersion}, e.g. 13000 for CUDA 13.0. */
    public int driverVersion() { return driverVersion; }

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
        makeCurrent();
        CudaSoftmaxTerm t;
        try {
            t = new CudaSoftmaxTerm(this, data, bindOptions);  // frees what it allocated before it throws
        } catch (BackendException e) {
            throw failed(e, "the bind was undone");
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
        makeCurrent();
        CudaSparseTerm t;
        try {
            t = new CudaSparseTerm(this, data, loss, bindOptions);  // frees what it allocated before it throws
        } catch (BackendException e) {
            throw failed(e, "the bind was undone");
        }
        terms.add(t);
        return t;
    }

    /** Sparse K-class data with the multinomial loss ({@link CudaSparseSoftmaxTerm}). Caller closes. */
    private CudaSparseSoftmaxTerm bindSparseSoftmax(Dataset data, BindOptions bindOptions) {
        ensureOpen();
        Objects.requireNonNull(bindOptions, "options");
        dev.logreg.backend.ParamShape.of(data, Loss.multinomial());  // K-class labels, or a clear refusal
        makeCurrent();
        CudaSparseSoftmaxTerm t;
        try {
            t = new CudaSparseSoftmaxTerm(this, data, bindOptions);  // frees what it allocated before it throws
        } catch (BackendException e) {
            throw failed(e, "the bind was undone");
        }
        terms.add(t);
        return t;
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
        makeCurrent();
        CudaDataTerm t;
        try {
            t = new CudaDataTerm(this, data, loss, bindOptions);  // frees what it allocated before it throws
        } catch (BackendException e) {
            throw failed(e, "the bind was undone");
        }
        terms.add(t);
        return t;
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
            rows = new SharedRows(this, data, bindOptions);  // frees what it allocated before it throws
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
        makeCurrent();
        CudaDataTerm t;
        try {
            t = new CudaDataTerm(this, rows, loss, positiveClass);  // frees its own labels and workspaces before it throws
        } catch (BackendException e) {
            throw failed(e, "the bind of class " + positiveClass + " was undone, the shared rows kept");
        }
        terms.add(t);
        return t;
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
        for (int i = terms.size() - 1; i >= 0; i--) {
            try {
                terms.get(i).close();
            } catch (RuntimeException e) {
                // After a sticky error every free fails; the context's release below frees the memory instead.
                if (stickyFailure != null) continue;
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        terms.clear();
        for (int i = oneVsRest.size() - 1; i >= 0; i--) {
            try {
                oneVsRest.get(i).close();  // removes itself; its class terms are closed above
            } catch (RuntimeException e) {
                if (stickyFailure != null) continue;
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        oneVsRest.clear();
        try {
            releaseNative();
            if (stickyFailure != null) allocations.releasedWithContext();
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        }
        if (failure != null) throw failure;
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
        Cuda.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Makes the context current on this thread where there is one, ignoring failure (for close paths). */
    void makeCurrentQuietly() {
        if (context != null) JCudaDriver.cuCtxSetCurrent(context);
    }

    /** Registers a term bound outside this class ({@link StreamedDataTerm#bindIfTooLarge}), closed with the backend. */
    void added(DataTerm t) {
        terms.add(t);
    }

    void removed(DataTerm t) {
        terms.remove(t);
    }

    Allocations allocations() { return allocations; }

    CUstream stream() { return stream; }

    int sharedMemoryOptIn() { return sharedMemoryOptIn; }

    CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) throw new IllegalArgumentException("no kernel named " + name);
        return f;
    }

    /** Blocks per SM that {@code kernel} can keep resident with {@code threads} threads and {@code smem} dynamic bytes. */
    int occupancy(String kernel, int threads, long smem) {
        int[] n = new int[1];
        Cuda.check(JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor(n, function(kernel), threads, smem),
                "cuOccupancyMaxActiveBlocksPerMultiprocessor(" + kernel + ")");
        return Math.max(1, n[0]);
    }

    /**
     * Allows {@code kernel} at least {@code smem} bytes of dynamic shared memory (needed past 48 KiB). The attribute
     * belongs to the function, which every term bound on this backend shares: lowering it for a narrower term would
     * make a wider term's launches fail, so it is only ever raised.
     */
    void allowSharedMemory(String kernel, int smem) {
        Integer allowed = sharedMemoryAllowed.get(kernel);
        if (allowed != null && allowed >= smem) return;
        Cuda.check(JCudaDriver.cuFuncSetAttribute(function(kernel), jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem),
                "cuFuncSetAttribute(" + kernel + ", MAX_DYNAMIC_SHARED_SIZE_BYTES=" + smem + ")");
        sharedMemoryAllowed.put(kernel, smem);
    }

    /** Launches {@code kernel} on the stream: 1-D grid and block. */
    void launch(String kernel, int grid, int block, int smem, Pointer args) {
        Cuda.check(JCudaDriver.cuLaunchKernel(function(kernel), grid, 1, 1, block, 1, 1, smem, stream, args, null),
                "cuLaunchKernel(" + kernel + ", grid " + grid + ", block " + block + ", smem " + smem + ")");
        if (options.synchronizeEachLaunch()) {
            Cuda.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize after " + kernel);
        }
    }

    void synchronize(String after) {
        Cuda.check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize after " + after);
    }

    /** The cuBLAS handle, created on first use on this backend's stream. */
    cublasHandle cublas() {
        Optional<String> problem = Cublas.problem();
        if (problem.isPresent()) throw new BackendException(problem.get());
        if (cublas == null) {
            cublasHandle h = new cublasHandle();
            int rc = JCublas2.cublasCreate(h);
            if (rc != 0) throw new BackendException("cublasCreate failed: status " + rc);
            rc = JCublas2.cublasSetStream(h, new cudaStream_t(stream));
            if (rc != 0) {
                JCublas2.cublasDestroy(h);
                throw new BackendException("cublasSetStream failed: status " + rc);
            }
            cublas = h;
        }
        return cublas;
    }
}
