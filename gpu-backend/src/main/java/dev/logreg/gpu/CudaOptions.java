package dev.logreg.gpu;

import java.util.Objects;

/**
 * Options of a {@link CudaBackend} beyond the common {@link dev.logreg.backend.BackendOptions}.
 *
 * @param gradientPath     the path {@link CudaDataTerm#valueAndGradient(long, long, double[], double[])} uses
 * @param image            which compiled form of the kernels to load
 * @param synchronizeEachLaunch debug switch: synchronize the stream and check for errors after every kernel launch,
 *                         so that a failing kernel is named (slower; off by default)
 * @param prefetchRows     use the prefetching twins of the register-resident kernels (n ≤ 256): each warp issues
 *                         the loads of its next rows before the arithmetic on the current ones. Same results bit for
 *                         bit. On by default: on an H100 the twins were faster at every width from 8 to 256 (the fused pass at
 *                         n = 128 at 94% of a read-only pass over X against the plain kernels' 82%;
 *                         benchmarks/results/gpu/). Off only to time the plain kernels.
 * @param deviceMemoryLimit the most free device memory, in bytes, the backend counts on ({@link CudaBackend#memoryInfo}
 *                         reports at most this much free); 0 for no limit (the default). Lets tests make data "larger
 *                         than device memory" under simcuda (issue #18: streaming through the device).
 * @param chunkRows        rows of one reduction chunk of the fused pass ({@link FusedPlan#chunkRows}); 0 (the default)
 *                         for about {@value FusedPlan#CHUNK_BYTES} bytes of rows. Both the in-memory and the streamed
 *                         term split a pass into chunks of this many rows and keep one partial slice per chunk, which
 *                         is what makes them bit-identical; also the rows a streamed term copies to the device at once.
 *                         Set small only by tests (many chunks on small data).
 * @param mediumRowBlocks  for 256 < n ≤ 512 columns, the block kernel of 128 threads (fused.cu, hv1: columns and
 *                         accumulators in registers, 8 rows at a time) in place of the warp-per-row path (0.52 of the
 *                         read-only ceiling at n = 300 on an H100). Off by default until the device benchmark
 *                         (GpuWideBenchmark, which times both) shows it faster; results differ in their last bits
 *                         between the two (another summation order), each deterministic.
 */
public record CudaOptions(GradientPath gradientPath, KernelImage image, boolean synchronizeEachLaunch, boolean prefetchRows,
                          long deviceMemoryLimit, long chunkRows, boolean mediumRowBlocks) {
    /**
     * Fused path, fatbin, no per-launch synchronization, prefetching kernels, no device memory limit, automatic chunks,
     * the warp-per-row kernels for 256 < n ≤ 512.
     */
    public static final CudaOptions DEFAULT = new CudaOptions(GradientPath.FUSED, KernelImage.FATBIN, false, true, 0L, 0L, false);

    /** Validates: no component may be null, the limit and the chunk rows not negative. */
    public CudaOptions {
        Objects.requireNonNull(gradientPath, "gradientPath");
        Objects.requireNonNull(image, "image");
        if (deviceMemoryLimit < 0) {
            throw new IllegalArgumentException("deviceMemoryLimit must be 0 (none) or a positive number of bytes, got " + deviceMemoryLimit);
        }
        if (chunkRows < 0) throw new IllegalArgumentException("chunkRows must be 0 (automatic) or a positive number of rows, got " + chunkRows);
    }

    /** The six-component form: the warp-per-row kernels for 256 < n ≤ 512. */
    public CudaOptions(GradientPath gradientPath, KernelImage image, boolean synchronizeEachLaunch, boolean prefetchRows, long deviceMemoryLimit,
                       long chunkRows) {
        this(gradientPath, image, synchronizeEachLaunch, prefetchRows, deviceMemoryLimit, chunkRows, false);
    }

    /** The five-component form: automatic chunks. */
    public CudaOptions(GradientPath gradientPath, KernelImage image, boolean synchronizeEachLaunch, boolean prefetchRows, long deviceMemoryLimit) {
        this(gradientPath, image, synchronizeEachLaunch, prefetchRows, deviceMemoryLimit, 0L, false);
    }

    /** The four-component form of earlier releases: no device memory limit. */
    public CudaOptions(GradientPath gradientPath, KernelImage image, boolean synchronizeEachLaunch, boolean prefetchRows) {
        this(gradientPath, image, synchronizeEachLaunch, prefetchRows, 0L, 0L, false);
    }

    /** The same options with another gradient path. */
    public CudaOptions withGradientPath(GradientPath p) { return new CudaOptions(p, image, synchronizeEachLaunch, prefetchRows, deviceMemoryLimit, chunkRows, mediumRowBlocks); }

    /** The same options with another kernel image. */
    public CudaOptions withImage(KernelImage i) { return new CudaOptions(gradientPath, i, synchronizeEachLaunch, prefetchRows, deviceMemoryLimit, chunkRows, mediumRowBlocks); }

    /** The same options with the debug switch set. */
    public CudaOptions withSynchronizeEachLaunch(boolean s) { return new CudaOptions(gradientPath, image, s, prefetchRows, deviceMemoryLimit, chunkRows, mediumRowBlocks); }

    /** The same options with prefetching set. */
    public CudaOptions withPrefetchRows(boolean p) { return new CudaOptions(gradientPath, image, synchronizeEachLaunch, p, deviceMemoryLimit, chunkRows, mediumRowBlocks); }

    /** The same options with another device memory limit in bytes (0: none). */
    public CudaOptions withDeviceMemoryLimit(long bytes) { return new CudaOptions(gradientPath, image, synchronizeEachLaunch, prefetchRows, bytes, chunkRows, mediumRowBlocks); }

    /** The same options with another reduction chunk in rows (0: automatic). */
    public CudaOptions withChunkRows(long rows) { return new CudaOptions(gradientPath, image, synchronizeEachLaunch, prefetchRows, deviceMemoryLimit, rows, mediumRowBlocks); }

    /** The same options with the 128-thread block kernels for 256 < n ≤ 512 chosen or not. */
    public CudaOptions withMediumRowBlocks(boolean b) {
        return new CudaOptions(gradientPath, image, synchronizeEachLaunch, prefetchRows, deviceMemoryLimit, chunkRows, b);
    }

    /** The compiled form of the kernels to load with {@code cuModuleLoadDataEx}. */
    public enum KernelImage {
        /** SASS for sm_80 and sm_90 plus compute_80 PTX: no JIT on A100/H100/H200. */
        FATBIN,
        /** compute_80 PTX alone, JIT-compiled by the driver (the portable minimum; needs a CUDA 13 driver). */
        PTX
    }
}
