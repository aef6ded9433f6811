package dev.logreg.gpu;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * The launch shape of one fused-pass kernel (fused.cu) for a number of device columns, and the reduction chunks a
 * pass is split into. Shared by {@link CudaDataTerm} (rows resident on the device) and {@link StreamedDataTerm} (rows
 * streamed through it), so that both launch the same kernel on the same rows with the same grid.
 *
 * <p>Chunks: a pass over rows [from, to) is cut into chunks of {@link #chunkRows} rows from {@code from} (the last one
 * shorter); each chunk is one launch whose grid is {@link #grid} of the chunk's length, and it writes its partial rows
 * into its own slice of the partial buffer, chunk after chunk; one final reduction adds all the slices in order. A
 * block's partial therefore covers rows of one chunk only, and the bits of the result depend on the rows, the chunk
 * rows and the device alone, not on where the rows were when the kernel read them. Where the range is one chunk (up
 * to {@value #CHUNK_BYTES} bytes of rows by default) the pass is the single launch it was before chunks.
 *
 * @param kernel       the entry point
 * @param block        threads a block
 * @param smem         dynamic shared memory a block, bytes
 * @param maxGrid      most blocks a launch
 * @param rowsPerBlock rows a block covers in one grid-stride step (sizes the grid for short ranges)
 * @param perWarp      partial rows are per warp (wide global path), not per block
 */
record FusedPlan(String kernel, int block, int smem, int maxGrid, int rowsPerBlock, boolean perWarp) {
    /** Bytes of X a reduction chunk holds by default (256 MiB): few launches a pass, two device buffers when streamed. */
    static final long CHUNK_BYTES = 256L << 20;
    /** A chunk holds at least this many times the bytes of the partial rows a full grid writes (see chunkRows). */
    static final long PARTIAL_SHARE = 32;
    /** Most bytes the per-warp partials of the wide global-accumulator path may take. */
    private static final long WIDE_GLOBAL_PARTIAL_LIMIT = 512L << 20;
    /** Shared memory a block gets without opting in. */
    private static final int DEFAULT_SMEM = 48 * 1024;

    /** Blocks of a launch over {@code range} rows: a function of the range length and the device alone. */
    int grid(long range) {
        return (int) Math.max(1, Math.min(maxGrid, (range + rowsPerBlock - 1) / rowsPerBlock));
    }

    /** Partial rows a launch of {@code grid} blocks writes. */
    long partialRows(int grid) {
        return perWarp ? (long) grid * (block / 32) : grid;
    }

    /**
     * Rows of a reduction chunk: {@code options.chunkRows()} where set, else about {@value #CHUNK_BYTES} bytes of rows of
     * {@code cols} floats, or, where more, {@value #PARTIAL_SHARE} times the bytes of the partial rows a full grid writes
     * (a multiple of 256 rows where that is at least 256). Why: each chunk writes a partial row of n + 3 doubles a block
     * and the final reduction reads them all again; at n = 16,384 (wv8, a block an SM) a 256 MiB chunk is only ~31 rows
     * a block and its partials 1/15 of its bytes, twice; at least 32 times keeps that traffic near 6% (n ≤ 2,048: no
     * change, the default chunk is already larger). The wide global-accumulator path (one
     * partial row of n + 3 doubles a warp, hundreds of MB a launch) is never chunked: {@link Long#MAX_VALUE}.
     */
    long chunkRows(CudaOptions options, int cols) {
        if (perWarp) return Long.MAX_VALUE;
        if (options.chunkRows() > 0) return options.chunkRows();
        long r = Math.max(1, CHUNK_BYTES / (4L * cols));
        long partialBytes = partialRows(maxGrid) * 8L * (cols + 3L);
        r = Math.max(r, PARTIAL_SHARE * partialBytes / (4L * cols));
        return r >= 256 ? r / 256 * 256 : r;
    }

    /** Partial rows a pass over any range within {@code rows} rows needs at most, in chunks of {@code chunkRows}. */
    long maxPartialRows(long rows, long chunkRows) {
        long chunks = rows / chunkRows + (rows % chunkRows == 0 ? 0 : 1);  // no overflow where chunkRows is Long.MAX_VALUE
        return chunks * partialRows(grid(Math.min(rows, chunkRows)));
    }

    /**
     * Launches this kernel over rows [from, to) of the given buffers (X of {@code cols} columns, row i at
     * {@code x + 4 cols i}; labels and weights likewise, {@code w} a null pointer where unweighted), writing its partial
     * rows from {@code partialAt}; returns how many it wrote.
     */
    long launch(CudaBackend backend, CUdeviceptr x, CUdeviceptr y, CUdeviceptr w, long from, long to, int cols,
                CUdeviceptr params, int lossId, CUdeviceptr partialAt) {
        int grid = grid(to - from);
        backend.launch(kernel, grid, block, smem, Pointer.to(Pointer.to(x), Pointer.to(y), Pointer.to(w),
                Pointer.to(new long[] {from}), Pointer.to(new long[] {to}), Pointer.to(new int[] {cols}),
                Pointer.to(params), Pointer.to(new int[] {lossId}), Pointer.to(partialAt)));
        return partialRows(grid);
    }

    /**
     * Chooses the fused kernel for {@code cols} device columns: registers for n ≤ 256 (a warp or part of one a row) and
     * for 512 < n ≤ 16,384 (a block a row; past 8,192 the accumulators in shared memory), warp-per-row shared-memory
     * accumulators otherwise, global ones where those do not fit.
     */
    static FusedPlan gradient(CudaBackend backend, int cols) {
        String k = narrowKernel(backend, cols, true);
        int sms = backend.multiprocessors();
        int width = cols + 3;
        if (k != null) {
            int smem = 8 * width * 8;
            return new FusedPlan(k, CudaBackend.BLOCK, smem, narrowGrid(backend, FusedKernelTable.narrowKernel(cols, true), smem),
                    8 * FusedKernelTable.rowsInFlight(k), false);
        }
        String b = blockKernel(backend, cols, true);
        FusedPlan blockPlan = b == null ? null : blockPlan(backend, b);
        if (blockPlan != null) return blockPlan;
        int perWarp = 8 * width;
        int warps = Math.min(8, backend.sharedMemoryOptIn() / perWarp);
        if (warps >= 1) {
            int smem = warps * perWarp;
            if (smem > DEFAULT_SMEM) backend.allowSharedMemory(CudaKernels.FUSED_WIDE, smem);
            int block = 32 * warps;
            return new FusedPlan(CudaKernels.FUSED_WIDE, block, smem, sms * backend.occupancy(CudaKernels.FUSED_WIDE, block, smem), warps, false);
        }
        int byMemory = (int) Math.max(1, Math.min(Integer.MAX_VALUE, WIDE_GLOBAL_PARTIAL_LIMIT / (8L * 8L * width)));
        int grid = Math.min(byMemory, sms * backend.occupancy(CudaKernels.FUSED_WIDE_GLOBAL, CudaBackend.BLOCK, 0));
        return new FusedPlan(CudaKernels.FUSED_WIDE_GLOBAL, CudaBackend.BLOCK, 0, grid, 8, true);
    }

    /** The value-only kernel for {@code cols} device columns (loss and weight sums alone). */
    static FusedPlan value(CudaBackend backend, int cols) {
        String k = narrowKernel(backend, cols, false);
        int smem = 8 * CudaKernels.VALUE_WIDTH * 8;
        if (k != null) {
            return new FusedPlan(k, CudaBackend.BLOCK, smem, narrowGrid(backend, FusedKernelTable.narrowKernel(cols, false), smem),
                    8 * FusedKernelTable.rowsInFlight(k), false);
        }
        String b = blockKernel(backend, cols, false);
        FusedPlan blockPlan = b == null ? null : blockPlan(backend, b);
        if (blockPlan != null) return blockPlan;
        k = CudaKernels.VALUE_WIDE;
        return new FusedPlan(k, CudaBackend.BLOCK, smem, backend.multiprocessors() * backend.occupancy(k, CudaBackend.BLOCK, smem), 8, false);
    }

    /**
     * A block kernel's plan (fused.cu, lr_fused_block): (warps + 1) T doubles of shared memory, plus the shared
     * gradient accumulators where the kernel has them (wv8: 128 KiB, opted into), T rows a block at a time; null where
     * the device cannot give a block that much shared memory (the caller falls back to the warp-per-row path).
     */
    private static FusedPlan blockPlan(CudaBackend backend, String kernel) {
        int rowsAtATime = FusedKernelTable.blockRows(kernel);
        int threads = FusedKernelTable.blockThreads(kernel);
        int smem = 8 * ((threads / 32 + 1) * rowsAtATime + FusedKernelTable.blockSharedAccumulators(kernel) * threads);
        if (smem > DEFAULT_SMEM) {
            if (smem > backend.sharedMemoryOptIn()) return null;
            backend.allowSharedMemory(kernel, smem);
        }
        int blocks = backend.occupancy(kernel, threads, smem);
        if (blocks < 1) return null;
        return new FusedPlan(kernel, threads, smem, backend.multiprocessors() * blocks, rowsAtATime, false);
    }

    /**
     * The grid of a register-resident kernel and of its prefetching twin: the SM count times the smaller of their
     * occupancies. The twin keeps more rows in flight in registers (on sm_90, 112 against 91 registers a thread
     * for fused_s2: 2 blocks an SM against 2, but 89 against 72 for fused_g4s2: 2 against 3), and a grid sized from each
     * kernel's own occupancy would split the rows differently, so the two would sum in different orders; with one grid,
     * prefetching changes only when rows are loaded, never the result's bits.
     */
    private static int narrowGrid(CudaBackend backend, String plainKernel, int smem) {
        int blocks = Math.min(backend.occupancy(plainKernel, CudaBackend.BLOCK, smem),
                backend.occupancy(plainKernel + CudaKernels.PREFETCH_SUFFIX, CudaBackend.BLOCK, smem));
        return backend.multiprocessors() * blocks;
    }

    /** The block kernel for {@code cols} (the 128-thread one for 256 < n ≤ 512 where the options ask), or null. */
    private static String blockKernel(CudaBackend backend, int cols, boolean gradient) {
        String k = FusedKernelTable.blockKernel(cols, gradient);
        return k == null && backend.options().mediumRowBlocks() ? FusedKernelTable.mediumBlockKernel(cols, gradient) : k;
    }

    /** The register-resident kernel for {@code cols} (its prefetching twin where the options ask), or null where too wide. */
    private static String narrowKernel(CudaBackend backend, int cols, boolean gradient) {
        String k = FusedKernelTable.narrowKernel(cols, gradient);
        return k != null && backend.options().prefetchRows() ? k + CudaKernels.PREFETCH_SUFFIX : k;
    }
}
