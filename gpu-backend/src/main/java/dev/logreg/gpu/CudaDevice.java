package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendUnavailableException;
import dev.logreg.kernels.KernelResources;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One CUDA device as {@link CudaBackend} finds it before it takes a context: the driver loaded and initialized, its
 * version checked against the kernels', the device's name, SM count, shared memory and compute capability read. Every
 * refusal is a {@link BackendUnavailableException} with a one-line reason. Holds no native resource.
 */
record CudaDevice(CUdevice device, String name, int driverVersion, int multiprocessors, int sharedMemoryOptIn,
                  int computeMajor, int computeMinor) {

    /**
     * Loads the driver and reads device {@code deviceIndex}.
     *
     * @throws BackendUnavailableException where the driver is missing or too old, there is no such device, or its
     *                                     compute capability is below 8.0
     */
    static CudaDevice open(int deviceIndex) {
        loadDriver();
        int rc = JCudaDriver.cuInit(0);
        if (rc == CUresult.CUDA_ERROR_NO_DEVICE) throw unavailable("no CUDA device (cuInit: " + Cuda.describe(rc) + ")");
        if (rc != CUresult.CUDA_SUCCESS) throw unavailable("cuInit failed: " + Cuda.describe(rc));
        int[] v = new int[1];
        rc = JCudaDriver.cuDriverGetVersion(v);
        if (rc != CUresult.CUDA_SUCCESS) throw unavailable("cuDriverGetVersion failed: " + Cuda.describe(rc));
        int driverVersion = v[0];
        if (driverVersion < KernelResources.MIN_DRIVER_VERSION) {
            throw unavailable("NVIDIA driver supports CUDA " + CudaBackend.versionText(driverVersion) + ", but the kernels (nvcc 13.0 PTX) need CUDA "
                    + CudaBackend.versionText(KernelResources.MIN_DRIVER_VERSION) + " (driver r580 or newer)");
        }
        int[] count = new int[1];
        rc = JCudaDriver.cuDeviceGetCount(count);
        if (rc != CUresult.CUDA_SUCCESS) throw unavailable("cuDeviceGetCount failed: " + Cuda.describe(rc));
        if (count[0] == 0) throw unavailable("no CUDA device");
        if (deviceIndex >= count[0]) throw unavailable("no CUDA device " + deviceIndex + " (" + count[0] + " present)");
        CudaDevice d;
        try {
            CUdevice device = new CUdevice();
            Cuda.check(JCudaDriver.cuDeviceGet(device, deviceIndex), "cuDeviceGet");
            byte[] name = new byte[256];
            Cuda.check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
            int len = 0;
            while (len < name.length && name[len] != 0) len++;
            d = new CudaDevice(device, new String(name, 0, len, StandardCharsets.US_ASCII), driverVersion,
                    attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                    attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN),
                    attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                    attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR));
        } catch (BackendException e) {
            throw new BackendUnavailableException("gpu", CudaBackend.oneLine(e), e);
        }
        if (d.computeMajor < 8) {
            throw unavailable(d.name + " has compute capability " + d.computeMajor + "." + d.computeMinor + "; the kernels need 8.0 or newer");
        }
        return d;
    }

    static BackendUnavailableException unavailable(String reason) {
        return new BackendUnavailableException("gpu", reason);
    }

    /** Loads JCuda's native library, which needs libcuda.so.1; a missing driver becomes a one-line reason. */
    private static void loadDriver() {
        Optional<String> problem = DriverLibrary.problem();
        if (problem.isPresent()) throw unavailable(problem.get());
    }

    private static int attribute(CUdevice device, int which) {
        int[] v = new int[1];
        Cuda.check(JCudaDriver.cuDeviceGetAttribute(v, which, device), "cuDeviceGetAttribute(" + which + ")");
        return v[0];
    }
}
