package dev.logreg.gpu;

/**
 * The fused kernels' entry table on the host: which entry point of fused.cu a row width selects (narrow kernels, a
 * warp or a few lanes a row; block kernels, a block a row) and each entry's launch constants (rows in flight, lanes a
 * row, block rows and threads, shared accumulators). It must match fused.cu's entry tables and the emulator's twin of
 * this choice; {@code CudaDataTermHostTest} checks both. {@link FusedPlan} turns a choice into a launch shape; the
 * padding of X that makes a width select a 16-byte-load kernel is {@link CudaDataTerm#deviceColumns}.
 */
final class FusedKernelTable {
    private FusedKernelTable() {}

    /**
     * The register-resident entry point for {@code n} columns, or null where n > 256 (for tests too).
     * Few columns get a few lanes a row (the g variants), so that a warp works on many rows at once instead of
     * leaving most of its lanes idle.
     */
    static String narrowKernel(int n, boolean gradient) {
        String v;
        if (n % 4 == 0 && n <= 8) v = "g2v1";
        else if (n % 4 == 0 && n <= 32) v = "g8v1";
        else if (n % 4 == 0 && n <= 128) v = "v1";
        else if (n % 4 == 0 && n <= 256) v = "v2";
        else if (n <= 8) v = "g4s2";
        else if (n <= 32) v = "g8s4";
        else if (n <= 64) v = "s2";
        else if (n <= 128) v = "s4";
        else if (n <= 256) v = "s8";
        else return null;
        return (gradient ? "logreg_fused_" : "logreg_value_") + v;
    }

    /**
     * The block entry point for {@code n} columns (512 < n ≤ 2,048: a block of 256 threads a row, columns and
     * accumulators in registers; 2,048 < n ≤ 16,384, n % 4 == 0: bv4, wv4, wv8, see {@link #MAX_BLOCK_COLUMNS}), or
     * null outside that range (for tests too). Must match fused.cu's LR_BLOCK_ENTRY table. Not at 512 columns or fewer: most of a block's threads would own no column there, and
     * on an H100 the warp-per-row path was faster at n = 300 (0.52 of the read-only ceiling against 0.45), the block
     * path at n = 1,000 (0.89 against 0.50) and 2,000 (0.76 against 0.24).
     */
    static String blockKernel(int n, boolean gradient) {
        String v;
        if (n <= 512 || n > MAX_BLOCK_COLUMNS) return null;
        else if (n % 4 == 0 && n <= 1024) v = "bv1";
        else if (n % 4 == 0 && n <= 2048) v = "bv2";
        else if (n <= 1024) v = "bs4";
        else if (n <= 2048) v = "bs8";
        else if (n % 4 != 0) return null;  // never on the device: deviceColumns pads these
        else if (n <= 4096) v = "bv4";
        else if (n <= 8192) v = "wv4";
        else v = "wv8";
        return (gradient ? "logreg_fused_" : "logreg_value_") + v;
    }

    /**
     * Most columns of the block kernels. Past 2,048 (issue #18: the warp-per-row path ran at 0.24 of the read-only
     * ceiling at n = 3,000 on an H100) they read θ through the read-only cache, one row at a time: bv4 (256 threads,
     * n ≤ 4,096), wv4 (512 threads, n ≤ 8,192), wv8 (512 threads, n ≤ 16,384, gradient accumulators in shared memory).
     */
    static final int MAX_BLOCK_COLUMNS = 16384;

    /** The 128-thread block entry point (hv1) for 256 < n ≤ 512, n % 4 == 0, or null (CudaOptions.mediumRowBlocks). */
    static String mediumBlockKernel(int n, boolean gradient) {
        if (n <= 256 || n > 512 || n % 4 != 0) return null;
        return gradient ? CudaKernels.FUSED_HV1 : CudaKernels.VALUE_HV1;
    }

    /** T of fused.cu's LR_BLOCK_ENTRY table: rows a block works on at a time. */
    static int blockRows(String kernel) {
        switch (variant(kernel)) {
            case "bv1":
            case "hv1":
            case "bs4": return 8;
            case "bv2":
            case "bs8": return 2;
            case "bv4":
            case "wv4":
            case "wv8": return 1;
            default: throw new IllegalArgumentException("unknown block kernel " + kernel);
        }
    }

    /** THREADS of fused.cu's LR_BLOCK_ENTRY table: the block size a block kernel must be launched with. */
    static int blockThreads(String kernel) {
        String v = variant(kernel);
        return v.equals("wv4") || v.equals("wv8") ? 512 : v.equals("hv1") ? 128 : 256;
    }

    /**
     * Gradient accumulator columns a thread keeps in shared memory (ACC_SMEM of fused.cu's LR_BLOCK_ENTRY table: C
     * doubles a thread), 0 where they are in registers; value-only kernels have none.
     */
    static int blockSharedAccumulators(String kernel) {
        return kernel.startsWith("logreg_fused_") && variant(kernel).equals("wv8") ? 32 : 0;
    }

    /**
     * Rows a warp of a narrow kernel has in flight: ROWS of fused.cu's entry table times its 32/G groups (the same for
     * a prefetching twin).
     */
    static int rowsInFlight(String kernel) {
        switch (variant(kernel)) {
            case "s2": return 8;
            case "s4":
            case "v1": return 4;
            case "s8":
            case "v2": return 2;
            case "g4s2": return 4 * 8;
            case "g8s4": return 4 * 4;
            case "g2v1": return 2 * 16;
            case "g8v1": return 4 * 4;
            default: throw new IllegalArgumentException("unknown kernel variant " + kernel);
        }
    }

    /** Lanes a row of a narrow kernel: G of fused.cu's entry table (32 but for the g variants). */
    static int lanesPerRow(String kernel) {
        String v = variant(kernel);
        return v.startsWith("g") ? Integer.parseInt(v.substring(1, v.length() - 2)) : 32;
    }

    /** The layout part of an entry point's name: "v1" of logreg_fused_v1 and of its twin logreg_fused_v1_pf. */
    private static String variant(String kernel) {
        String base = kernel.endsWith(CudaKernels.PREFETCH_SUFFIX) ? kernel.substring(0, kernel.length() - CudaKernels.PREFETCH_SUFFIX.length()) : kernel;
        return base.substring(base.lastIndexOf('_') + 1);
    }
}
