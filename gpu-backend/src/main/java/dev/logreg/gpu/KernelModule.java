package dev.logreg.gpu;

import dev.logreg.kernels.KernelResources;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernels' module of one {@link CudaBackend}, loaded once from the class path ({@code cuModuleLoadDataEx}), with
 * every entry point of {@link CudaKernels#ALL} looked up and the dynamic shared memory each is allowed. Needs the
 * backend's context current; the backend unloads it before it releases the context.
 */
final class KernelModule {
    private final CUmodule module;
    private final Map<String, CUfunction> functions = new HashMap<>();
    /** The dynamic shared memory each kernel is allowed so far (past the 48 KiB default); only ever raised. */
    private final Map<String, Integer> sharedMemoryAllowed = new HashMap<>();

    private KernelModule(CUmodule module) {
        this.module = module;
    }

    /**
     * Loads {@code image}; {@link #lookUpAll} then finds the entry points (the caller holds the module first, so that
     * a failed lookup still unloads it).
     *
     * @throws dev.logreg.backend.BackendUnavailableException where the image is missing or the driver refuses it
     */
    static KernelModule load(CudaOptions.KernelImage image, int driverVersion) {
        return new KernelModule(loadImage(image, driverVersion));
    }

    /** Looks up every entry point of {@link CudaKernels#ALL}. */
    void lookUpAll() {
        for (String k : CudaKernels.ALL) {
            CUfunction f = new CUfunction();
            Cuda.check(JCudaDriver.cuModuleGetFunction(f, module, k), "cuModuleGetFunction(" + k + ")");
            functions.put(k, f);
        }
    }

    private static CUmodule loadImage(CudaOptions.KernelImage image, int driverVersion) {
        String resource = image == CudaOptions.KernelImage.PTX ? KernelResources.PTX : KernelResources.FATBIN;
        byte[] bytes;
        try (InputStream in = KernelResources.class.getResourceAsStream(resource)) {
            if (in == null) throw CudaDevice.unavailable("kernel image " + resource + " is not on the class path (logreg-kernels jar missing?)");
            byte[] raw = in.readAllBytes();
            // PTX is text that the driver reads up to a NUL; the fatbin is binary with its own length header.
            bytes = image == CudaOptions.KernelImage.PTX ? java.util.Arrays.copyOf(raw, raw.length + 1) : raw;
        } catch (IOException e) {
            throw CudaDevice.unavailable("cannot read kernel image " + resource + ": " + e.getMessage());
        }
        CUmodule m = new CUmodule();
        int rc = JCudaDriver.cuModuleLoadDataEx(m, Pointer.to(bytes), 0, new int[0], Pointer.to(new int[0]));
        if (rc == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
            throw CudaDevice.unavailable("driver too old for the PTX (cuModuleLoadDataEx: " + Cuda.describe(rc) + "; driver supports CUDA "
                    + CudaBackend.versionText(driverVersion) + ", nvcc 13.0 PTX needs CUDA 13.0, driver r580 or newer)");
        }
        if (rc != CUresult.CUDA_SUCCESS) throw CudaDevice.unavailable("cannot load kernels " + resource + ": cuModuleLoadDataEx failed: " + Cuda.describe(rc));
        return m;
    }

    /** {@code cuModuleUnload}'s result code. */
    int unload() {
        return JCudaDriver.cuModuleUnload(module);
    }

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
     * belongs to the function, which every term bound on the backend shares: lowering it for a narrower term would
     * make a wider term's launches fail, so it is only ever raised.
     */
    void allowSharedMemory(String kernel, int smem) {
        Integer allowed = sharedMemoryAllowed.get(kernel);
        if (allowed != null && allowed >= smem) return;
        Cuda.check(JCudaDriver.cuFuncSetAttribute(function(kernel), jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem),
                "cuFuncSetAttribute(" + kernel + ", MAX_DYNAMIC_SHARED_SIZE_BYTES=" + smem + ")");
        sharedMemoryAllowed.put(kernel, smem);
    }
}
