package dev.logreg.data;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Appends sparse rows (CSR), validating each as it comes, into blocks of at most a fixed number of nonzeros
 * ({@link Dataset#sparseBuilder(int)}). Not thread-safe.
 *
 * <p><b>Memory.</b> As {@link Dataset.Builder}: direct, native-order buffers that a backend may read in place, which
 * count against {@code -XX:MaxDirectMemorySize}. A nonzero costs 8 bytes (a 4-byte column index and a 4-byte value),
 * a row 8 bytes of offset plus 4 of label (and 4 of weight where weighted). While a block grows it doubles (briefly
 * holding its old and new buffers), so the last block may keep up to as much again of spare capacity.
 *
 * <p><b>Blocks.</b> A block holds at most {@link Dataset#DEFAULT_BLOCK_CAPACITY} nonzeros (1 GiB of values and 1 GiB
 * of indices) and at most {@link #MAX_ROWS_PER_BLOCK} rows, so that every buffer is indexed by an {@code int} while the
 * dataset as a whole may hold more than 2<sup>31</sup> nonzeros and rows.
 */
public final class SparseBuilder {
    /** Most rows in one block: its 64-bit offsets must fit one direct buffer (2^31 − 1 bytes). */
    public static final int MAX_ROWS_PER_BLOCK = 1 << 27;
    private static final int FIRST_ROWS = 1024;
    private static final int FIRST_NONZEROS = 1 << 14;

    private final int cols;
    private int nonzerosPerBlock = Dataset.DEFAULT_BLOCK_CAPACITY;
    private int rowsPerBlock = MAX_ROWS_PER_BLOCK;
    private final List<RowBlock> done = new ArrayList<>();
    private long firstRowOfCurrent;
    private LongBuffer offsets;
    private IntBuffer idx;
    private FloatBuffer val;
    private FloatBuffer y;
    private FloatBuffer w;
    private int filled;
    private int filledNonzeros;
    private boolean weighted;
    private boolean sawUnweighted;
    private List<String> names;
    private int classes = 2;
    // reserve(): the rows and nonzeros expected in all, so that each block starts at its final size (0: not known).
    private long expectedRows;
    private long expectedNonzeros;
    private long nonzerosBeforeCurrent;

    SparseBuilder(int cols) {
        if (cols < 1) throw new IllegalArgumentException("cols is " + cols + ", expected at least 1");
        this.cols = cols;
    }

    /** Caps each block at {@code nonzeros} nonzeros and {@code rows} rows (tests use small blocks). Set before the first row. */
    public SparseBuilder blockCapacity(int nonzeros, int rows) {
        if (rowsSoFar() != 0) throw new IllegalStateException("blockCapacity must be set before the first row");
        if (nonzeros < 1 || nonzeros > Dataset.DEFAULT_BLOCK_CAPACITY) {
            throw new IllegalArgumentException("block capacity of " + nonzeros + " nonzeros, expected 1 to " + Dataset.DEFAULT_BLOCK_CAPACITY);
        }
        if (rows < 1 || rows > MAX_ROWS_PER_BLOCK) {
            throw new IllegalArgumentException("block capacity of " + rows + " rows, expected 1 to " + MAX_ROWS_PER_BLOCK);
        }
        this.nonzerosPerBlock = nonzeros;
        this.rowsPerBlock = rows;
        return this;
    }

    /** The number of classes K (default 2: labels 0 or 1); set before the first row. */
    public SparseBuilder classes(int classes) {
        if (rowsSoFar() != 0) throw new IllegalStateException("classes must be set before the first row");
        Validation.checkClasses(classes);
        this.classes = classes;
        return this;
    }

    /** Attaches feature names (one per column). */
    public SparseBuilder featureNames(List<String> featureNames) {
        this.names = featureNames;
        return this;
    }

    /**
     * Says how many rows and nonzeros will be appended in all (a hint; more or fewer are fine), so that each block's
     * buffers are allocated once at their final size rather than doubled from small ones (each doubling zeroes and
     * copies direct memory). Call before the first row.
     */
    public SparseBuilder reserve(long rows, long nonzeros) {
        if (rowsSoFar() != 0) throw new IllegalStateException("reserve must be called before the first row");
        if (rows < 0 || nonzeros < 0) throw new IllegalArgumentException("reserve(" + rows + ", " + nonzeros + "): expected counts >= 0");
        this.expectedRows = rows;
        this.expectedNonzeros = nonzeros;
        return this;
    }

    /** Rows appended so far. */
    public long rowsSoFar() { return firstRowOfCurrent + filled; }

    /** Appends a row of unit weight: its nonzeros are {@code indices[0..count-1]} and {@code values[0..count-1]}. */
    public SparseBuilder addRow(int[] indices, float[] values, int count, float label) {
        return addRow(indices, values, count, label, 1f, false);
    }

    /** Appends a weighted row. */
    public SparseBuilder addRow(int[] indices, float[] values, int count, float label, float weight) {
        return addRow(indices, values, count, label, weight, true);
    }

    /**
     * Appends a row whose nonzeros are {@code indices[0..count-1]} (column indices in [0, cols), strictly increasing)
     * and {@code values[0..count-1]} (finite); {@code weight} is used only where {@code hasWeight}. An explicit zero
     * value is kept (it costs a slot but changes nothing).
     *
     * @throws IllegalArgumentException naming the row and column at fault
     */
    public SparseBuilder addRow(int[] indices, float[] values, int count, float label, float weight, boolean hasWeight) {
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(values, "values");
        long row = rowsSoFar();
        if (count < 0 || count > indices.length || count > values.length) {
            throw new IllegalArgumentException("row " + row + " lists " + count + " nonzeros, but " + indices.length + " indices and "
                    + values.length + " values were given");
        }
        if (count > cols) throw new IllegalArgumentException("row " + row + " lists " + count + " nonzeros, more than its " + cols + " columns");
        if (hasWeight) {
            if (sawUnweighted && !weighted) throw new IllegalArgumentException("row " + row + " has a weight but earlier rows do not");
            weighted = true;
        } else {
            if (weighted) throw new IllegalArgumentException("row " + row + " has no weight but earlier rows do");
            sawUnweighted = true;
        }
        Validation.checkSparseRow(row, indices, values, 0, count, cols);
        Validation.checkLabel(row, label, classes);
        Validation.checkWeight(row, hasWeight ? weight : 1f);
        ensureRoom(count);
        idx.put(filledNonzeros, indices, 0, count);
        val.put(filledNonzeros, values, 0, count);
        finishRow(count, label, weight);
        return this;
    }

    /**
     * Appends {@code rows} unweighted rows at once, given in CSR form: row i's nonzeros are entries
     * {@code [i == 0 ? 0 : rowEnds[i - 1], rowEnds[i])} of {@code indices} and {@code values}, its label
     * {@code labels[i]}. The same checks and the same blocks as {@link #addRow(int[], float[], int, float)} row by row,
     * with one bulk copy per block instead of one per row.
     *
     * @throws IllegalArgumentException naming the row and column at fault (the builder is then not to be used)
     */
    public SparseBuilder addRows(int rows, int[] rowEnds, int[] indices, float[] values, float[] labels) {
        Objects.requireNonNull(rowEnds, "rowEnds");
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(labels, "labels");
        if (rows < 0 || rows > rowEnds.length || rows > labels.length) {
            throw new IllegalArgumentException(rows + " rows, but " + rowEnds.length + " row ends and " + labels.length + " labels were given");
        }
        if (rows == 0) return this;
        if (weighted) throw new IllegalArgumentException("row " + rowsSoFar() + " has no weight but earlier rows do");
        int total = rowEnds[rows - 1];
        if (total < 0 || total > indices.length || total > values.length) {
            throw new IllegalArgumentException("rows end at nonzero " + total + ", but " + indices.length + " indices and " + values.length + " values were given");
        }
        sawUnweighted = true;
        long base = rowsSoFar();
        int i = 0;
        while (i < rows) {
            // The run of rows that go into the current block: the blocks addRow would make, row by row.
            int start = i == 0 ? 0 : rowEnds[i - 1];
            int first = i;
            ensureRoom(rowCount(rowEnds, i, base));
            long room = (long) nonzerosPerBlock - filledNonzeros;
            int rowRoom = rowsPerBlock - filled;
            int end = i + 1;
            while (end < rows && end - first < rowRoom) {
                rowCount(rowEnds, end, base);
                if ((long) rowEnds[end] - start > room) break;
                end++;
            }
            int run = end - first;
            int runNonzeros = rowEnds[end - 1] - start;
            for (int r = first, s = start; r < end; s = rowEnds[r++]) {
                int count = rowEnds[r] - s;
                if (count > cols) throw new IllegalArgumentException("row " + (base + r) + " lists " + count + " nonzeros, more than its " + cols + " columns");
                Validation.checkSparseRow(base + r, indices, values, s, count, cols);
                Validation.checkLabel(base + r, labels[r], classes);
            }
            // ensureRoom made room for the run's first row; the others are within the block's caps.
            if ((long) filledNonzeros + runNonzeros > idx.capacity()) {
                growNonzeros((int) Math.min(nonzerosPerBlock, Math.max((long) filledNonzeros + runNonzeros, 2L * idx.capacity())));
            }
            if (filled + run >= offsets.capacity()) growRows((int) Math.min(rowsPerBlock, Math.max(filled + run, 2L * filled)));
            idx.put(filledNonzeros, indices, start, runNonzeros);
            val.put(filledNonzeros, values, start, runNonzeros);
            y.put(filled, labels, first, run);
            long[] ends = new long[Math.min(run, 1 << 16)];
            for (int r = first; r < end; r += ends.length) {
                int n = Math.min(ends.length, end - r);
                for (int k = 0; k < n; k++) ends[k] = (long) filledNonzeros + rowEnds[r + k] - start;
                offsets.put(filled + 1 + r - first, ends, 0, n);
            }
            filledNonzeros += runNonzeros;
            filled += run;
            i = end;
        }
        return this;
    }

    /** Row i's nonzeros in {@link #addRows}' arrays, refused where the row ends decrease. */
    private static int rowCount(int[] rowEnds, int i, long base) {
        int start = i == 0 ? 0 : rowEnds[i - 1];
        int count = rowEnds[i] - start;
        if (count < 0) throw new IllegalArgumentException("row ends decrease at row " + (base + i) + " (" + start + " then " + rowEnds[i] + ")");
        return count;
    }

    /** Declares, before the first row, whether rows carry weights (for the unchecked {@link #copyRowOf}). */
    SparseBuilder weighted(boolean weighted) {
        this.weighted = weighted;
        this.sawUnweighted = !weighted;
        return this;
    }

    /** Appends row {@code r} of a validated sparse block, unchecked (for {@link Dataset#select}). */
    void copyRowOf(RowBlock b, int r) {
        LongBuffer o = b.rowOffsets();
        int from = (int) o.get(r);
        int count = (int) (o.get(r + 1) - from);
        ensureRoom(count);
        idx.put(filledNonzeros, b.indices(), from, count);
        val.put(filledNonzeros, b.values(), from, count);
        finishRow(count, b.labels().get(r), b.weight(r));
    }

    private void finishRow(int count, float label, float weight) {
        filledNonzeros += count;
        offsets.put(filled + 1, filledNonzeros);
        y.put(filled, label);
        if (weighted) w.put(filled, weight);
        filled++;
    }

    /** Makes room in the current block for one more row of {@code count} nonzeros, sealing it first where full. */
    private void ensureRoom(int count) {
        if (offsets != null && (filled == rowsPerBlock || (long) filledNonzeros + count > nonzerosPerBlock)) flush();
        if (count > nonzerosPerBlock) {
            throw new IllegalArgumentException("row " + rowsSoFar() + " has " + count + " nonzeros, more than a block holds (" + nonzerosPerBlock + ")");
        }
        if (offsets == null) {
            long rowsLeft = expectedRows - rowsSoFar();
            long nonzerosLeft = expectedNonzeros - nonzerosBeforeCurrent;
            growRows((int) Math.min(rowsPerBlock, Math.max(FIRST_ROWS, rowsLeft)));
            growNonzeros((int) Math.max(count, Math.min(nonzerosPerBlock, Math.max(FIRST_NONZEROS, nonzerosLeft))));
            offsets.put(0, 0L);
        }
        if (filled + 1 >= offsets.capacity()) growRows((int) Math.min(rowsPerBlock, 2L * filled));
        if ((long) filledNonzeros + count > idx.capacity()) {
            growNonzeros((int) Math.min(nonzerosPerBlock, Math.max((long) filledNonzeros + count, 2L * idx.capacity())));
        }
    }

    private void growRows(int rows) {
        LongBuffer no = direct(8L * (rows + 1), "sparse dataset row offsets").asLongBuffer();
        FloatBuffer ny = direct(4L * rows, "sparse dataset labels").asFloatBuffer();
        FloatBuffer nw = weighted ? direct(4L * rows, "sparse dataset weights").asFloatBuffer() : null;
        if (offsets != null) {
            no.put(0, offsets, 0, filled + 1);
            ny.put(0, y, 0, filled);
            if (weighted && w != null) nw.put(0, w, 0, filled);
        }
        offsets = no;
        y = ny;
        w = nw;
    }

    private void growNonzeros(int nonzeros) {
        IntBuffer ni = direct(4L * nonzeros, "sparse dataset indices").asIntBuffer();
        FloatBuffer nv = direct(4L * nonzeros, "sparse dataset values").asFloatBuffer();
        if (idx != null) {
            ni.put(0, idx, 0, filledNonzeros);
            nv.put(0, val, 0, filledNonzeros);
        }
        idx = ni;
        val = nv;
    }

    private void flush() {
        if (offsets == null) return;
        if (filled > 0) {
            done.add(new RowBlock(firstRowOfCurrent, filled, cols, offsets.slice(0, filled + 1), idx.slice(0, filledNonzeros),
                    val.slice(0, filledNonzeros), y.slice(0, filled), weighted ? w.slice(0, filled) : null));
        }
        firstRowOfCurrent += filled;
        nonzerosBeforeCurrent += filledNonzeros;
        filled = 0;
        filledNonzeros = 0;
        offsets = null;
        idx = null;
        val = null;
        y = null;
        w = null;
    }

    /** The dataset; the builder must not be used afterwards. */
    public Dataset build() {
        flush();
        return new Dataset(done, cols, weighted, names, classes);
    }

    private static ByteBuffer direct(long bytes, String purpose) {
        return Dataset.directBytes(bytes, purpose);
    }
}
