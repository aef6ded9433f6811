package dev.logreg.gpu;

import java.util.Objects;

/**
 * Options of a {@link CudaBackend} beyond the common {@link dev.logreg.backend.BackendOptions}.
 *
 * @param gradientPath     the path {@link CudaDataTerm#valueAndGradient(long, long, double[], double[])} uses
 * @param image            which compiled form of the kernels to load
 * @param synchronizeEachLaunch debug switch: synchronize the stream and check for errors after every kernel launch,
 *                         so that a failing kernel is named (slower; off by default)
 */
public record CudaOptions(GradientPath gradientPath, KernelImage image, boolean synchronizeEachLaunch) {
    /** Fused path, fatbin, no per-launch synchronization. */
    public static final CudaOptions DEFAULT = new CudaOptions(GradientPath.FUSED, KernelImage.FATBIN, false);

    /** Validates: no component may be null. */
    public CudaOptions {
        Objects.requireNonNull(gradientPath, "gradientPath");
        Objects.requireNonNull(image, "image");
    }

    /** The same options with another gradient path. */
    public CudaOptions withGradientPath(GradientPath p) { return new CudaOptions(p, image, synchronizeEachLaunch); }

    /** The same options with another kernel image. */
    public CudaOptions withImage(KernelImage i) { return new CudaOptions(gradientPath, i, synchronizeEachLaunch); }

    /** The same options with the debug switch set. */
    public CudaOptions withSynchronizeEachLaunch(boolean s) { return new CudaOptions(gradientPath, image, s); }

    /** The compiled form of the kernels to load with {@code cuModuleLoadDataEx}. */
    public enum KernelImage {
        /** SASS for sm_80 and sm_90 plus compute_80 PTX: no JIT on A100/H100/H200. */
        FATBIN,
        /** compute_80 PTX alone, JIT-compiled by the driver (the portable minimum; needs a CUDA 13 driver). */
        PTX
    }
}
