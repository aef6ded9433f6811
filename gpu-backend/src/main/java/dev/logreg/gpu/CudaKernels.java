package dev.logreg.gpu;

import java.util.List;

/**
 * Every kernel entry point of {@code kernels/src/main/cuda/logreg.cu}, by its stable {@code extern "C"} name, in
 * one place; a test checks this list against the {@code .entry} names of the packaged PTX. The launch shapes and
 * formulas are documented at the top of each {@code .cu} file.
 */
public final class CudaKernels {
    private CudaKernels() {}

    /** Loss id passed to the kernels for the log loss (logreg_math.cuh {@code LOGREG_LOSS_LOG}). */
    public static final int LOSS_LOG = 0;
    /** Loss id passed to the kernels for the squared error (logreg_math.cuh {@code LOGREG_LOSS_MSE}). */
    public static final int LOSS_MSE = 1;

    /** Partial-sum slots (common.cuh): Σwℓ, Σw, Σr, then Σ r·x_j at {@code SLOT_GRAD + j}. */
    static final int SLOT_LOSS = 0;
    static final int SLOT_WSUM = 1;
    static final int SLOT_RSUM = 2;
    static final int SLOT_GRAD = 3;
    /** Width of a value-only partial row (slots 0 and 1). */
    static final int VALUE_WIDTH = 2;

    /** Fused value + gradient, scalar loads, 2/4/8 columns per lane (n ≤ 64/128/256). */
    public static final String FUSED_S2 = "logreg_fused_s2";
    /** Entry point logreg_fused_s4 (see the group comment above). */
    public static final String FUSED_S4 = "logreg_fused_s4";
    /** Entry point logreg_fused_s8 (see the group comment above). */
    public static final String FUSED_S8 = "logreg_fused_s8";
    /** Fused value + gradient, 16-byte loads (n % 4 == 0), 1/2 float4 per lane (n ≤ 128/256). */
    public static final String FUSED_V1 = "logreg_fused_v1";
    /** Entry point logreg_fused_v2 (see the group comment above). */
    public static final String FUSED_V2 = "logreg_fused_v2";
    /**
     * Fused value + gradient for few columns, G lanes a row (g4s2: 4 lanes, 2 scalar columns each, n ≤ 8; g8s4: 8
     * lanes, 4 each, n ≤ 32; g2v1: 2 lanes, one float4 each, n ≤ 8 with n % 4 == 0; g8v1: 8 lanes, n ≤ 32).
     */
    public static final String FUSED_G4S2 = "logreg_fused_g4s2";
    /** Entry point logreg_fused_g8s4 (see the group comment above). */
    public static final String FUSED_G8S4 = "logreg_fused_g8s4";
    /** Entry point logreg_fused_g2v1 (see the group comment above). */
    public static final String FUSED_G2V1 = "logreg_fused_g2v1";
    /** Entry point logreg_fused_g8v1 (see the group comment above). */
    public static final String FUSED_G8V1 = "logreg_fused_g8v1";
    /**
     * Fused value + gradient for 512 < n ≤ 2,048 (wider rows: bv4, wv4, wv8 below): a block of 256 threads a row, T rows at a time, columns (bs<K>: K
     * scalar columns a thread; bv<K>: K float4 chunks, n % 4 == 0) and accumulators in registers (fused.cu,
     * lr_fused_block). bv1 and bs4: n ≤ 1,024; bv2 and bs8: n ≤ 2,048.
     */
    public static final String FUSED_BV1 = "logreg_fused_bv1";
    /** Entry point logreg_fused_bv2 (see the group comment above). */
    public static final String FUSED_BV2 = "logreg_fused_bv2";
    /** Entry point logreg_fused_bs4 (see the group comment above). */
    public static final String FUSED_BS4 = "logreg_fused_bs4";
    /** Entry point logreg_fused_bs8 (see the group comment above). */
    public static final String FUSED_BS8 = "logreg_fused_bs8";
    /**
     * Fused value + gradient for wide rows, n % 4 == 0 (CudaDataTerm pads): one row at a time, theta through the
     * read-only cache (fused.cu, lr_fused_block). bv4: 2,048 < n ≤ 4,096, 256 threads; wv4: n ≤ 8,192, 512 threads;
     * wv8: n ≤ 16,384, 512 threads, gradient accumulators in shared memory (128 KiB a block).
     */
    public static final String FUSED_BV4 = "logreg_fused_bv4";
    /** Entry point logreg_fused_wv4 (see the group comment above). */
    public static final String FUSED_WV4 = "logreg_fused_wv4";
    /** Entry point logreg_fused_wv8 (see the group comment above). */
    public static final String FUSED_WV8 = "logreg_fused_wv8";
    /** Fused value + gradient for 256 < n ≤ 512 where {@link CudaOptions#mediumRowBlocks} asks: bv1's layout, 128 threads. */
    public static final String FUSED_HV1 = "logreg_fused_hv1";
    /** Value-only twin of {@link #FUSED_HV1}. */
    public static final String VALUE_HV1 = "logreg_value_hv1";
    /** Value-only twins of the wide-row block kernels. */
    public static final String VALUE_BV4 = "logreg_value_bv4";
    /** Entry point logreg_value_wv4 (see the group comment above). */
    public static final String VALUE_WV4 = "logreg_value_wv4";
    /** Entry point logreg_value_wv8 (see the group comment above). */
    public static final String VALUE_WV8 = "logreg_value_wv8";
    /** Value-only twins of the block kernels. */
    public static final String VALUE_BV1 = "logreg_value_bv1";
    /** Entry point logreg_value_bv2 (see the group comment above). */
    public static final String VALUE_BV2 = "logreg_value_bv2";
    /** Entry point logreg_value_bs4 (see the group comment above). */
    public static final String VALUE_BS4 = "logreg_value_bs4";
    /** Entry point logreg_value_bs8 (see the group comment above). */
    public static final String VALUE_BS8 = "logreg_value_bs8";
    /** Fused value + gradient for 256 < n ≤ 512 and n > 16,384: warp per row, accumulators per warp in shared memory. */
    public static final String FUSED_WIDE = "logreg_fused_wide";
    /** Fused value + gradient for n too wide for shared memory: accumulators in global memory, one partial row per warp. */
    public static final String FUSED_WIDE_GLOBAL = "logreg_fused_wide_global";
    /** Value-only passes (line searches), the same layouts. */
    public static final String VALUE_S2 = "logreg_value_s2";
    /** Entry point logreg_value_s4 (see the group comment above). */
    public static final String VALUE_S4 = "logreg_value_s4";
    /** Entry point logreg_value_s8 (see the group comment above). */
    public static final String VALUE_S8 = "logreg_value_s8";
    /** Entry point logreg_value_v1 (see the group comment above). */
    public static final String VALUE_V1 = "logreg_value_v1";
    /** Entry point logreg_value_v2 (see the group comment above). */
    public static final String VALUE_V2 = "logreg_value_v2";
    /** Entry point logreg_value_g4s2 (see the group comment above). */
    public static final String VALUE_G4S2 = "logreg_value_g4s2";
    /** Entry point logreg_value_g8s4 (see the group comment above). */
    public static final String VALUE_G8S4 = "logreg_value_g8s4";
    /** Entry point logreg_value_g2v1 (see the group comment above). */
    public static final String VALUE_G2V1 = "logreg_value_g2v1";
    /** Entry point logreg_value_g8v1 (see the group comment above). */
    public static final String VALUE_G8V1 = "logreg_value_g8v1";
    /** Entry point logreg_value_wide (see the group comment above). */
    public static final String VALUE_WIDE = "logreg_value_wide";
    /** The Hessian, pass 1: c_i = w_i ℓ''(y_i, z_i) per row (hessian.cu). */
    public static final String CURVATURE = "logreg_curvature";
    /** The Hessian, pass 2: per (32 x 32 tile pair, row chunk) partial sums of c_i x̃_ia x̃_ib (hessian.cu). */
    public static final String HESSIAN_TILES = "logreg_hessian_tiles";
    /** Second stage of every deterministic reduction: sums partial rows in order. */
    public static final String REDUCE_PARTIALS = "logreg_reduce_partials";
    /** Batch prediction: the logits z of a row range. */
    public static final String MARGINS = "logreg_margins";
    /** Unfused path, pass 1: z, ℓ, r per row (r written to a buffer). */
    public static final String TP_RESIDUAL = "logreg_tp_residual";
    /** Unfused path, pass 2: Xᵀr by row chunks. */
    public static final String TP_XTR = "logreg_tp_xtr";
    /** cuBLAS path: r from the z that cublasSgemv computed. */
    public static final String BLAS_RESIDUAL = "logreg_blas_residual";
    /** Σw over a row range. */
    public static final String WEIGHT_SUM = "logreg_weight_sum";
    /** Read-only pass over X (the bandwidth ceiling for benchmarks). */
    public static final String READ_SUM = "logreg_read_sum";
    /**
     * The preconditioner's column sums (column_stats.cu), a thread per (row chunk, column), in the host's exact
     * operations and order: the chunks' partial rows of Σw, Σ w·d, Σ w·d², Σ w·v² ({@link DeviceColumnStatistics}).
     */
    public static final String COLUMN_MOMENTS = "logreg_column_moments";
    /** The chunks' column sums added in chunk order, a thread per sum (column_stats.cu). */
    public static final String COLUMN_MOMENTS_SUM = "logreg_column_moments_sum";
    /** Block size of both column-statistics kernels (column_stats.cu {@code LR_MOMENTS_THREADS}). */
    static final int MOMENTS_THREADS = 256;

    /**
     * Multinomial (softmax.cu), small K (K ≤ {@value #SOFTMAX_SMALL_K}, n ≤ {@value #SOFTMAX_SMALL_COLS}): a warp a
     * row, W in shared memory, per-warp gradient accumulators in shared memory; partial rows of width
     * 2 + K(n + 1) (loss, weight, then the gradient in the class-major parameter layout).
     */
    public static final String SOFTMAX_FUSED = "logreg_softmax_fused";
    /** Value-only twin of {@link #SOFTMAX_FUSED} (partial rows of width 2). */
    public static final String SOFTMAX_VALUE = "logreg_softmax_value";
    /** Multinomial, any K: tiles of {@value #SOFTMAX_TILE_ROWS} rows of X in shared memory, 256 threads a block. */
    public static final String SOFTMAX_TILED_FUSED = "logreg_softmax_tiled_fused";
    /** Value-only twin of {@link #SOFTMAX_TILED_FUSED}. */
    public static final String SOFTMAX_TILED_VALUE = "logreg_softmax_tiled_value";
    /** Multinomial batch prediction: the K logits of each row of a range, row-major. */
    public static final String SOFTMAX_MARGINS = "logreg_softmax_margins";

    /** Most classes of the small-K softmax layout (softmax.cu {@code LR_SOFTMAX_SMALL_K}). */
    static final int SOFTMAX_SMALL_K = 16;
    /** Most columns of the small-K softmax layout (softmax.cu {@code LR_SOFTMAX_SMALL_COLS}). */
    static final int SOFTMAX_SMALL_COLS = 256;
    /** Rows of X a tiled softmax block holds in shared memory at a time (softmax.cu {@code LR_SOFTMAX_TILE_ROWS}). */
    static final int SOFTMAX_TILE_ROWS = 8;
    /** Slot of the first gradient sum in a softmax partial row (softmax.cu {@code LR_SOFTMAX_SLOT_GRAD}). */
    static final int SOFTMAX_SLOT_GRAD = 2;

    /**
     * Sparse (CSR) rows pass (sparse.cu): z, the loss, r (or the margins, the curvature, the first half of a
     * Hessian-vector product: {@code mode}) over a row's nonzeros, 8 lanes a row (short rows) or 32.
     */
    public static final String SPARSE_ROWS_G8 = "logreg_sparse_rows_g8";
    /** Entry point logreg_sparse_rows_g32 (see {@link #SPARSE_ROWS_G8}). */
    public static final String SPARSE_ROWS_G32 = "logreg_sparse_rows_g32";
    /** Sparse multinomial rows pass (sparse_softmax.cu): K logits, the softmax and K residuals a row, 8 lanes a row. */
    public static final String SPARSE_SOFTMAX_ROWS_G8 = "logreg_sparse_softmax_rows_g8";
    /** Entry point logreg_sparse_softmax_rows_g32 (see {@link #SPARSE_SOFTMAX_ROWS_G8}). */
    public static final String SPARSE_SOFTMAX_ROWS_G32 = "logreg_sparse_softmax_rows_g32";
    /** Xᵀr over the transposed copy, a merge-path block of {@value #XTR_TILE} items (column ends and entries) each. */
    public static final String SPARSE_XTR_TILES = "logreg_sparse_xtr_tiles";
    /** Xᵀr, second step: the columns that span blocks, their blocks' parts added in block order. */
    public static final String SPARSE_XTR_FIXUP = "logreg_sparse_xtr_fixup";
    /** The column where each Xᵀr block starts (merge-path split), once at bind. */
    public static final String SPARSE_TILE_COLUMNS = "logreg_sparse_tile_columns";
    /** The transposed copy's build (sparse_build.cu): p[k] = value. */
    public static final String FILL_INTS = "logreg_fill_ints";
    /** Entries per column (integer atomics). */
    public static final String SPARSE_COLUMN_COUNTS = "logreg_sparse_column_counts";
    /** Column ids to compact ids (the columns that occur). */
    public static final String SPARSE_REMAP = "logreg_sparse_remap";
    /** The row of every entry. */
    public static final String SPARSE_ROW_IDS = "logreg_sparse_row_ids";
    /** A radix pass's digit counts per tile of {@value #SORT_TILE} entries. */
    public static final String SORT_DIGIT_COUNTS = "logreg_sort_digit_counts";
    /** A radix pass's stable scatter. */
    public static final String SORT_SCATTER = "logreg_sort_scatter";

    /** Modes of the sparse rows pass (sparse.cu {@code LR_SPARSE_*}). */
    static final int SPARSE_VALUE = 0;
    static final int SPARSE_GRADIENT = 1;
    static final int SPARSE_MARGINS = 2;
    static final int SPARSE_CURVATURE = 3;
    static final int SPARSE_HESSIAN_VECTOR = 4;
    /** Width of the sparse rows pass's partial rows (sparse.cu {@code LR_SPARSE_WIDTH}): loss, weight, residual sums. */
    static final int SPARSE_WIDTH = 3;
    /** Merge-path items a block of {@link #SPARSE_XTR_TILES} takes (sparse.cu {@code LR_XTR_TILE}), and its threads. */
    static final int XTR_TILE = 2048;
    static final int XTR_THREADS = 256;
    /** Entries a block of a radix pass takes (sparse_build.cu {@code LR_SORT_TILE}), its threads, and the digits. */
    static final int SORT_TILE = 16384;
    static final int SORT_THREADS = 256;
    static final int SORT_DIGITS = 256;

    /** Block size of {@link #REDUCE_PARTIALS} (reduce.cu {@code LR_REDUCE_THREADS}). */
    static final int REDUCE_THREADS = 256;

    /**
     * Grid of {@link #REDUCE_PARTIALS} for partial rows of {@code width} doubles: one block per
     * {@code min(width, 32)} columns (reduce.cu {@code lr_reduce_columns}; the kernel derives its layout from the same
     * rule, so the two must change together).
     */
    static int reduceGrid(int width) {
        if (width < 1) throw new IllegalArgumentException("width is " + width + ", expected at least 1");
        int columns = Math.min(width, 32);
        return (width + columns - 1) / columns;
    }

    /**
     * Suffix of the prefetching twin of each narrow entry point ({@code logreg_fused_v1_pf}, ...): it loads a warp's
     * next rows before the arithmetic on the current ones; bit-identical results (fused.cu).
     */
    public static final String PREFETCH_SUFFIX = "_pf";

    /** The narrow (register-resident) entry points, fused and value-only, without their prefetching twins. */
    static final List<String> NARROW = List.of(FUSED_S2, FUSED_S4, FUSED_S8, FUSED_V1, FUSED_V2,
            FUSED_G4S2, FUSED_G8S4, FUSED_G2V1, FUSED_G8V1,
            VALUE_S2, VALUE_S4, VALUE_S8, VALUE_V1, VALUE_V2,
            VALUE_G4S2, VALUE_G8S4, VALUE_G2V1, VALUE_G8V1);

    /** The block entry points (512 < n ≤ 16,384; hv1 256 < n ≤ 512), fused and value-only; they have no prefetching twins. */
    static final List<String> BLOCK = List.of(FUSED_BV1, FUSED_BV2, FUSED_BS4, FUSED_BS8, FUSED_BV4, FUSED_WV4, FUSED_WV8, FUSED_HV1,
            VALUE_BV1, VALUE_BV2, VALUE_BS4, VALUE_BS8, VALUE_BV4, VALUE_WV4, VALUE_WV8, VALUE_HV1);

    /** Every entry point, each exactly once: the narrow ones, their prefetching twins, the block ones, and the rest. */
    public static final List<String> ALL = java.util.stream.Stream.of(
            NARROW.stream(),
            NARROW.stream().map(k -> k + PREFETCH_SUFFIX),
            BLOCK.stream(),
            java.util.stream.Stream.of(FUSED_WIDE, FUSED_WIDE_GLOBAL, VALUE_WIDE,
                    REDUCE_PARTIALS, MARGINS, TP_RESIDUAL, TP_XTR, BLAS_RESIDUAL, WEIGHT_SUM, READ_SUM, CURVATURE, HESSIAN_TILES,
                    COLUMN_MOMENTS, COLUMN_MOMENTS_SUM,
                    SOFTMAX_FUSED, SOFTMAX_VALUE, SOFTMAX_TILED_FUSED, SOFTMAX_TILED_VALUE, SOFTMAX_MARGINS,
                    SPARSE_ROWS_G8, SPARSE_ROWS_G32, SPARSE_SOFTMAX_ROWS_G8, SPARSE_SOFTMAX_ROWS_G32, SPARSE_XTR_TILES, SPARSE_XTR_FIXUP, SPARSE_TILE_COLUMNS,
                    FILL_INTS, SPARSE_COLUMN_COUNTS, SPARSE_REMAP, SPARSE_ROW_IDS, SORT_DIGIT_COUNTS, SORT_SCATTER))
            .flatMap(x -> x).toList();
}
