package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendUnavailableException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.runtime.cudaStream_t;

import java.util.Optional;

/**
 * The native handles of one {@link CudaBackend}: the device's primary context ({@code cuDevicePrimaryCtxRetain}), one
 * blocking stream, the kernel module ({@link KernelModule}) and, made on first use, one cuBLAS handle; released in
 * reverse order. The backend decides when (its terms first, and whether a sticky error poisoned the context).
 */
final class CudaContext {
    private final CUdevice device;
    private CUcontext context;
    private CUstream stream;
    private KernelModule module;
    private cublasHandle cublas;

    private CudaContext(CUdevice device) {
        this.device = device;
    }

    /**
     * Retains the primary context of {@code device}, makes it current, creates the stream and loads the kernels;
     * where any step fails, releases what the steps before made.
     *
     * @throws BackendUnavailableException with the failure's first line
     */
    static CudaContext open(CudaDevice device, CudaOptions.KernelImage image) {
        CudaContext c = new CudaContext(device.device());
        try {
            CUcontext ctx = new CUcontext();
            Cuda.check(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, c.device), "cuDevicePrimaryCtxRetain");
            c.context = ctx;
            Cuda.check(JCudaDriver.cuCtxSetCurrent(c.context), "cuCtxSetCurrent");
            CUstream s = new CUstream();
            // Flags 0: a blocking stream, ordered with the legacy default stream that the synchronous copies use.
            Cuda.check(JCudaDriver.cuStreamCreate(s, 0), "cuStreamCreate");
            c.stream = s;
            c.module = KernelModule.load(image, device.driverVersion());
            c.module.lookUpAll();
        } catch (RuntimeException e) {
            c.release(false);
            if (e instanceof BackendUnavailableException) throw e;
            throw new BackendUnavailableException("gpu", CudaBackend.oneLine(e), e);
        }
        return c;
    }

    CUstream stream() { return stream; }

    KernelModule module() { return module; }

    void makeCurrent() {
        Cuda.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Makes the context current on this thread where there is one, ignoring failure (for close paths). */
    void makeCurrentQuietly() {
        if (context != null) JCudaDriver.cuCtxSetCurrent(context);
    }

    /**
     * Releases the cuBLAS handle, module, stream and context, whichever exist, in reverse order; collects failures.
     * Idempotent. After a sticky error ({@code poisoned}) the handle, module and stream cannot be destroyed one by one
     * (each call returns the error); they go with the context, so only the context's release can fail.
     */
    void release(boolean poisoned) {
        BackendException failure = null;
        if (cublas != null) {
            int rc = JCublas2.cublasDestroy(cublas);
            if (rc != 0 && !poisoned) failure = addFailure(failure, "cublasDestroy failed: status " + rc);
            cublas = null;
        }
        if (module != null) {
            int rc = module.unload();
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

    /** The cuBLAS handle, created on first use on the stream. */
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
