package dev.logreg.kernels;

/**
 * Where the compiled kernels lie on the class path. The module holds no code beyond these names: its product is
 * the resources, built by {@code kernels/build-ptx.sh} from {@code kernels/src/main/cuda} (or the committed copy
 * of that output where no {@code nvcc} is installed).
 *
 * <p>All three are class-path resource names for {@link Class#getResourceAsStream(String)} (leading slash).
 */
public final class KernelResources {
    private KernelResources() {}

    /** PTX for compute capability 8.0 (the portable minimum), NUL-free text; needs a driver for CUDA 13 (r580+). */
    public static final String PTX = "/dev/logreg/kernels/logreg.ptx";

    /** Fatbin with SASS for sm_80 and sm_90 and the compute_80 PTX. */
    public static final String FATBIN = "/dev/logreg/kernels/logreg.fatbin";

    /** {@code manifest.properties}: {@code sources.sha256}, {@code nvcc.version}, the flags and the outputs' hashes. */
    public static final String MANIFEST = "/dev/logreg/kernels/manifest.properties";

    /** The lowest CUDA driver API version ({@code cuDriverGetVersion}) that loads PTX from nvcc 13.0: 13000. */
    public static final int MIN_DRIVER_VERSION = 13000;
}
