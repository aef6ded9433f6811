package dev.logreg.cpu;


import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * A column-major (CSC) copy of bound sparse rows, made once at bind, for Xᵀr where per-thread gradient partials would
 * not fit ({@link SparseDataTerm}): column j's entries are its (bound row, value) pairs in row order, so
 * (Xᵀr)ⱼ = Σᵢ rᵢ xᵢⱼ is one float64 sum in row order (the reference backend's order), computed by whichever thread
 * owns column j. Threads own disjoint column ranges, so there are no races and no partials, and the bits do not depend
 * on the thread count.
 *
 * <p><b>Memory</b>: 8 bytes a nonzero (a 4-byte row index and a 4-byte value, in direct memory the copy owns,
 * {@link TermMemory}) plus 8 bytes a column (the column starts, on the heap): the nonzeros' own size again. The pass that uses it reads the nonzeros
 * twice (the rows for the residuals, then the columns), and keeps the residuals, 8·K bytes a row.
 *
 * <p>Columns are cut into slabs of at most {@link CsrRows#MAX_CHUNK_NONZEROS} entries (each buffer indexable by
 * {@code int}); it cannot be built (and {@link #build} returns null) where the bound rows exceed an {@code int} or a
 * single column holds more entries than a slab. Read-only once built.
 */
final class ColumnMajor implements AutoCloseable {
    /** Column ranges the transposed product is cut into (balanced by entries; any cut gives the same bits). */
    private static final int UNITS = 64;

    private final int n;
    /** Rows of the copy (a product over all of them needs no search for its first row in each column). */
    private final long boundRows;
    /** Global position of each column's first entry; n + 1 entries. */
    private final long[] colStart;
    /** First column of each slab, and n last. */
    private final int[] slabFirstCol;
    /** Global position of each slab's first entry. */
    private final long[] slabBase;
    private final IntBuffer[] rowIndex;
    private final FloatBuffer[] values;
    /** First column of each work unit (units never cross a slab), and n last. */
    private final int[] unitFirstCol;
    /** The copy's buffers, freed on {@link #close()}. */
    private final TermMemory memory;
    private boolean closed;

    private ColumnMajor(int n, long boundRows, long[] colStart, int[] slabFirstCol, long[] slabBase, IntBuffer[] rowIndex,
                        FloatBuffer[] values, int[] unitFirstCol, TermMemory memory) {
        this.n = n;
        this.boundRows = boundRows;
        this.colStart = colStart;
        this.slabFirstCol = slabFirstCol;
        this.slabBase = slabBase;
        this.rowIndex = rowIndex;
        this.values = values;
        this.unitFirstCol = unitFirstCol;
        this.memory = memory;
    }

    /** Bytes a copy of {@code rows} would take: 8 a nonzero off-heap, 8 a column on the heap. */
    static long bytesFor(CsrRows rows) {
        return 8 * rows.nonzeros + 8L * (rows.cols + 1);
    }

    /**
     * The column-major copy of {@code rows}, or {@code null} where it cannot be held in this layout (more rows than
     * an {@code int}, or one column longer than a slab).
     *
     * @throws IllegalArgumentException where it cannot be allocated (the message gives the bytes)
     */
    static ColumnMajor build(Nd4jBackend backend, CsrRows rows) {
        if (rows.rows > Integer.MAX_VALUE) return null;
        int n = rows.cols;
        long[] colStart = new long[n + 1];
        for (int c = 0; c < rows.chunks(); c++) {
            IntBuffer idx = rows.indices[c];
            long count = rows.firstNonzero[c + 1] - rows.firstNonzero[c];
            for (int q = 0; q < count; q++) colStart[idx.get(q) + 1]++;
        }
        for (int j = 0; j < n; j++) {
            if (colStart[j + 1] > CsrRows.MAX_CHUNK_NONZEROS) return null;
            colStart[j + 1] += colStart[j];
        }
        // Slabs: whole columns, at most MAX_CHUNK_NONZEROS entries each.
        List<Integer> firsts = new ArrayList<>();
        firsts.add(0);
        long slabStart = 0;
        for (int j = 0; j < n; j++) {
            if (colStart[j + 1] - slabStart > CsrRows.MAX_CHUNK_NONZEROS) {
                firsts.add(j);
                slabStart = colStart[j];
            }
        }
        int slabs = firsts.size();
        int[] slabFirstCol = new int[slabs + 1];
        long[] slabBase = new long[slabs];
        for (int s = 0; s < slabs; s++) {
            slabFirstCol[s] = firsts.get(s);
            slabBase[s] = colStart[slabFirstCol[s]];
        }
        slabFirstCol[slabs] = n;
        IntBuffer[] rowIndex = new IntBuffer[slabs];
        FloatBuffer[] values = new FloatBuffer[slabs];
        TermMemory memory = new TermMemory(backend);
        try {
            for (int s = 0; s < slabs; s++) {
                int len = Math.toIntExact(Math.max(1, colStart[slabFirstCol[s + 1]] - slabBase[s]));
                rowIndex[s] = memory.ints(len);
                values[s] = memory.floats(len);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            memory.freeAll();
            throw new IllegalArgumentException("the column-major copy of " + rows.nonzeros + " nonzeros needs " + bytesFor(rows)
                    + " bytes, which could not be allocated: " + e, e);
        }
        // Fill: rows in order, so each column's entries come out in row order. next[j] is column j's next free slot.
        long[] next = colStart.clone();
        int[] slabOf = slabs == 1 ? null : new int[n];
        if (slabOf != null) {
            for (int s = 0; s < slabs; s++) java.util.Arrays.fill(slabOf, slabFirstCol[s], slabFirstCol[s + 1], s);
        }
        for (int c = 0; c < rows.chunks(); c++) {
            LongBuffer off = rows.offsets[c];
            IntBuffer idx = rows.indices[c];
            FloatBuffer val = rows.values[c];
            int chunkRows = (int) (rows.firstRow[c + 1] - rows.firstRow[c]);
            int row = (int) rows.firstRow[c];
            for (int r = 0; r < chunkRows; r++, row++) {
                int end = (int) off.get(r + 1);
                for (int q = (int) off.get(r); q < end; q++) {
                    int j = idx.get(q);
                    int s = slabOf == null ? 0 : slabOf[j];
                    int at = (int) (next[j]++ - slabBase[s]);
                    rowIndex[s].put(at, row);
                    values[s].put(at, val.get(q));
                }
            }
        }
        return new ColumnMajor(n, rows.rows, colStart, slabFirstCol, slabBase, rowIndex, values,
                units(colStart, slabFirstCol, n), memory);
    }

    /** Column ranges of about equal entries (plus one per column), cut again at slab edges. */
    private static int[] units(long[] colStart, int[] slabFirstCol, int n) {
        java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
        for (int first : slabFirstCol) cuts.add(first);  // 0, every slab's first column, n
        long total = colStart[n] + n;
        for (int u = 1; u < UNITS; u++) {
            long target = total * u / UNITS;
            int lo = 0;
            int hi = n;
            while (lo < hi) {  // smallest j with colStart[j] + j >= target
                int mid = (lo + hi) >>> 1;
                if (colStart[mid] + mid >= target) hi = mid; else lo = mid + 1;
            }
            cuts.add(lo);
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * out[c·(n+1) + j] = (Σᵢ r[(i − from)·K + c]·xᵢⱼ) / m for every column j and class c, over bound rows [from, to) in
     * row order; 0 where m is 0. The intercept entries are not written.
     */
    void multiplyTransposed(double[] r, int k, long from, long to, double m, double[] out, ExecutorService pool, int slots,
                            double[][] scratch) {
        boolean all = from == 0 && to == boundRows;
        int lo = (int) from;
        int hi = (int) to;
        int stride = n + 1;
        Workers.forEach(pool, slots, unitFirstCol.length - 1, (unit, slot) -> {
            double[] acc = scratch[slot];
            int first = unitFirstCol[unit];
            int last = unitFirstCol[unit + 1];
            int s = slabIndex(first);
            IntBuffer rows = rowIndex[s];
            FloatBuffer vals = values[s];
            long base = slabBase[s];
            for (int j = first; j < last; j++) {
                int a = (int) (colStart[j] - base);
                int b = (int) (colStart[j + 1] - base);
                if (!all) a = lowerBound(rows, a, b, lo);
                if (k == 1) {
                    double sum = 0;
                    for (int q = a; q < b; q++) {
                        int row = rows.get(q);
                        if (row >= hi) break;
                        sum += r[row - lo] * vals.get(q);
                    }
                    out[j] = m > 0 ? sum / m : 0.0;
                } else {
                    java.util.Arrays.fill(acc, 0, k, 0.0);
                    for (int q = a; q < b; q++) {
                        int row = rows.get(q);
                        if (row >= hi) break;
                        double v = vals.get(q);
                        int o = (row - lo) * k;
                        for (int c = 0; c < k; c++) acc[c] += r[o + c] * v;
                    }
                    for (int c = 0; c < k; c++) out[c * stride + j] = m > 0 ? acc[c] / m : 0.0;
                }
            }
        });
    }

    private int slabIndex(int col) {
        int i = java.util.Arrays.binarySearch(slabFirstCol, col);
        return i >= 0 ? i : -i - 2;
    }

    /** First position in [a, b) whose row is at least {@code row} (rows ascend within a column). */
    private static int lowerBound(IntBuffer rows, int a, int b, int row) {
        while (a < b) {
            int mid = (a + b) >>> 1;
            if (rows.get(mid) < row) a = mid + 1; else b = mid;
        }
        return a;
    }

    /** Frees the off-heap copy. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        memory.freeAll();
    }
}
