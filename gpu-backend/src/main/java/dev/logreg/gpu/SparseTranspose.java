package dev.logreg.gpu;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

import java.util.Deque;

/**
 * Builds, on the device and once per bind, the transposed copy (CSC) of a bound CSR matrix that
 * {@link CudaSparseTerm}'s Xᵀr pass reads (sparse_build.cu):
 * <ol>
 *   <li>entries per column (integer atomics, exact in any order), copied back: the columns that occur get compact
 *       ids 0 .. c−1 in column order, the CSR's column indices are rewritten to them on the device (so that θ and the
 *       gradient on the device, and their copies, hold only columns that occur: 2<sup>24</sup> features with a handful
 *       of nonzeros cost a handful of doubles), and their offsets are prefix sums of the counts;</li>
 *   <li>the row of every entry, then ⌈bits(c − 1) / 8⌉ passes of a stable radix sort by compact column carrying
 *       (row, value): each column's entries end in row order;</li>
 *   <li>the column where each Xᵀr block starts (merge path).</li>
 * </ol>
 * Device memory: the result keeps 8 bytes an entry (row, value), 8 a compact column (offsets) and 4 an Xᵀr block;
 * while it runs it also holds 4 bytes a feature (the counts, freed before the sort) and then up to 16 bytes an entry
 * (the sort's second buffer and its keys) plus 12 bytes per 256 digits of a tile. Deterministic: every result is a
 * function of the input alone (no floating-point arithmetic).
 */
final class SparseTranspose {
    private SparseTranspose() {}

    /**
     * The transposed copy: {@code cols} compact columns (0 where there are no entries: then every buffer is null),
     * {@code columnIds[q]} the feature of compact column q (null where every feature occurs, q itself).
     */
    record Result(int cols, int[] columnIds, DeviceBuffer colOffsets, DeviceBuffer rows, DeviceBuffer values, DeviceBuffer tileColumns,
                  long tiles) {}

    /** Device bytes the build holds at most besides the CSR, the transposed copy and its offsets: see the class comment. */
    static long transientBytes(int features, long nonzeros) {
        long sortTiles = (nonzeros + CudaKernels.SORT_TILE - 1) / CudaKernels.SORT_TILE;
        return Math.max(4L * features, 16 * nonzeros + 12L * CudaKernels.SORT_DIGITS * sortTiles);
    }

    /**
     * Builds the copy of the CSR ({@code rowOffsets}, {@code indices}: rewritten to compact ids, {@code values}) of
     * {@code rows} rows over {@code features} columns. Every buffer it allocates is pushed onto {@code owned} (the
     * caller frees them on failure); those of the result stay there, the others are freed before it returns.
     */
    static Result build(CudaBackend backend, Deque<AutoCloseable> owned, int features, long rows, long nonzeros, DeviceBuffer rowOffsets,
                        DeviceBuffer indices, DeviceBuffer values) {
        Allocations a = backend.allocations();
        // 1. Counts, compact ids and offsets.
        DeviceBuffer counts = own(owned, DeviceBuffer.allocate(4L * features, a, "column counts"));
        backend.launch(CudaKernels.FILL_INTS, grid(backend, features), CudaBackend.BLOCK, 0, Pointer.to(
                Pointer.to(counts.pointer()), Pointer.to(new long[] {features}), Pointer.to(new int[] {0})));
        if (nonzeros > 0) {
            backend.launch(CudaKernels.SPARSE_COLUMN_COUNTS, grid(backend, nonzeros), CudaBackend.BLOCK, 0, Pointer.to(
                    Pointer.to(indices.pointer()), Pointer.to(new long[] {nonzeros}), Pointer.to(counts.pointer())));
        }
        int[] perColumn = new int[features];
        Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(perColumn), counts.pointer(), 4L * features), "cuMemcpyDtoH(column counts)");
        int cols = 0;
        for (int c : perColumn) if (c > 0) cols++;
        int[] columnIds = cols == features ? null : new int[cols];
        long[] offsets = new long[cols + 1];
        int q = 0;
        for (int j = 0; j < features; j++) {
            int c = perColumn[j];
            perColumn[j] = c > 0 ? q : -1;  // now the compact id of column j
            if (c == 0) continue;
            if (columnIds != null) columnIds[q] = j;
            offsets[q + 1] = offsets[q] + c;
            q++;
        }
        if (columnIds != null && cols > 0) {
            Cuda.check(JCudaDriver.cuMemcpyHtoD(counts.pointer(), Pointer.to(perColumn), 4L * features), "cuMemcpyHtoD(compact column ids)");
            backend.launch(CudaKernels.SPARSE_REMAP, grid(backend, nonzeros), CudaBackend.BLOCK, 0, Pointer.to(
                    Pointer.to(indices.pointer()), Pointer.to(new long[] {nonzeros}), Pointer.to(counts.pointer())));
        }
        release(owned, counts);
        if (cols == 0) return new Result(0, columnIds, null, null, null, null, 0);

        // 2. Rows of the entries, then the radix passes (A and B alternate; the CSR's own arrays are the first input).
        DeviceBuffer rowsB = own(owned, DeviceBuffer.allocate(4 * nonzeros, a, "transposed rows"));
        backend.launch(CudaKernels.SPARSE_ROW_IDS, grid(backend, rows * 32), CudaBackend.BLOCK, 0, Pointer.to(
                Pointer.to(rowOffsets.pointer()), Pointer.to(new long[] {rows}), Pointer.to(rowsB.pointer())));
        int bits = 32 - Integer.numberOfLeadingZeros(cols - 1);
        int passes = (bits + 7) / 8;
        DeviceBuffer valsB = passes == 0 || passes >= 2 ? own(owned, DeviceBuffer.allocate(4 * nonzeros, a, "transposed values")) : null;
        DeviceBuffer finalRows = rowsB;
        DeviceBuffer finalVals = valsB;
        if (passes == 0) {
            // One column: the CSR's order is already the column's row order.
            Cuda.check(JCudaDriver.cuMemcpyDtoDAsync(valsB.pointer(), values.pointer(), 4 * nonzeros, backend.stream()), "cuMemcpyDtoDAsync(values)");
            backend.synchronize("cuMemcpyDtoDAsync(values)");
        } else {
            DeviceBuffer rowsA = own(owned, DeviceBuffer.allocate(4 * nonzeros, a, "transposed rows (second buffer)"));
            DeviceBuffer valsA = own(owned, DeviceBuffer.allocate(4 * nonzeros, a, "transposed values (second buffer)"));
            DeviceBuffer keysA = passes >= 2 ? own(owned, DeviceBuffer.allocate(4 * nonzeros, a, "sort keys")) : null;
            DeviceBuffer keysB = passes >= 3 ? own(owned, DeviceBuffer.allocate(4 * nonzeros, a, "sort keys (second buffer)")) : null;
            long tiles = (nonzeros + CudaKernels.SORT_TILE - 1) / CudaKernels.SORT_TILE;
            int slots = Math.toIntExact(CudaKernels.SORT_DIGITS * tiles);
            DeviceBuffer digitCounts = own(owned, DeviceBuffer.allocate(4L * slots, a, "sort digit counts"));
            DeviceBuffer digitOffsets = own(owned, DeviceBuffer.allocate(8L * slots, a, "sort digit offsets"));
            int[] tileCounts = new int[slots];
            long[] tileOffsets = new long[slots];
            DeviceBuffer keys = indices;
            DeviceBuffer rowsIn = rowsB;
            DeviceBuffer valsIn = values;
            for (int p = 0; p < passes; p++) {
                int shift = 8 * p;
                backend.launch(CudaKernels.SORT_DIGIT_COUNTS, Math.toIntExact(tiles), CudaKernels.SORT_THREADS, 0, Pointer.to(
                        Pointer.to(keys.pointer()), Pointer.to(new long[] {nonzeros}), Pointer.to(new int[] {shift}), Pointer.to(digitCounts.pointer())));
                Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(tileCounts), digitCounts.pointer(), 4L * slots), "cuMemcpyDtoH(sort digit counts)");
                // Digit-major prefix sums: digit d's entries of tile t go after every smaller digit's and tile t−1's.
                long running = 0;
                for (int k = 0; k < slots; k++) {
                    tileOffsets[k] = running;
                    running += tileCounts[k];
                }
                Cuda.check(JCudaDriver.cuMemcpyHtoD(digitOffsets.pointer(), Pointer.to(tileOffsets), 8L * slots), "cuMemcpyHtoD(sort digit offsets)");
                boolean toA = p % 2 == 0;
                DeviceBuffer keysOut = p + 1 == passes ? null : toA ? keysA : keysB;
                DeviceBuffer rowsOut = toA ? rowsA : rowsB;
                DeviceBuffer valsOut = toA ? valsA : valsB;
                backend.launch(CudaKernels.SORT_SCATTER, Math.toIntExact(tiles), CudaKernels.SORT_THREADS, 0, Pointer.to(
                        Pointer.to(keys.pointer()), Pointer.to(rowsIn.pointer()), Pointer.to(valsIn.pointer()), Pointer.to(new long[] {nonzeros}),
                        Pointer.to(new int[] {shift}), Pointer.to(digitOffsets.pointer()),
                        Pointer.to(keysOut == null ? new jcuda.driver.CUdeviceptr() : keysOut.pointer()), Pointer.to(rowsOut.pointer()),
                        Pointer.to(valsOut.pointer())));
                keys = keysOut;
                rowsIn = rowsOut;
                valsIn = valsOut;
            }
            finalRows = rowsIn;
            finalVals = valsIn;
            for (DeviceBuffer b : new DeviceBuffer[] {digitOffsets, digitCounts, keysB, keysA, valsA, rowsA, valsB, rowsB}) {
                if (b != null && b != finalRows && b != finalVals) release(owned, b);
            }
        }

        // 3. Column offsets and the Xᵀr blocks' first columns.
        DeviceBuffer colOffsets = own(owned, DeviceBuffer.allocate(8L * (cols + 1), a, "column offsets"));
        Cuda.check(JCudaDriver.cuMemcpyHtoD(colOffsets.pointer(), Pointer.to(offsets), 8L * (cols + 1)), "cuMemcpyHtoD(column offsets)");
        long tiles = (cols + nonzeros + CudaKernels.XTR_TILE - 1) / CudaKernels.XTR_TILE;
        DeviceBuffer tileColumns = own(owned, DeviceBuffer.allocate(4 * (tiles + 1), a, "X^T r block columns"));
        backend.launch(CudaKernels.SPARSE_TILE_COLUMNS, grid(backend, tiles + 1), CudaBackend.BLOCK, 0, Pointer.to(
                Pointer.to(colOffsets.pointer()), Pointer.to(new int[] {cols}), Pointer.to(new long[] {nonzeros}), Pointer.to(new long[] {tiles}),
                Pointer.to(tileColumns.pointer())));
        return new Result(cols, columnIds, colOffsets, finalRows, finalVals, tileColumns, tiles);
    }

    /** Grid of a grid-stride kernel over {@code work} items: enough blocks of 256 to fill the device, fewer for little work. */
    static int grid(CudaBackend backend, long work) {
        return (int) Math.max(1, Math.min(8L * backend.multiprocessors(), (work + CudaBackend.BLOCK - 1) / CudaBackend.BLOCK));
    }

    private static <T extends AutoCloseable> T own(Deque<AutoCloseable> owned, T resource) {
        owned.push(resource);
        return resource;
    }

    /** Frees a buffer that is no longer needed (and no longer the caller's to free on failure). */
    private static void release(Deque<AutoCloseable> owned, DeviceBuffer buffer) {
        owned.remove(buffer);
        buffer.close();
    }
}
