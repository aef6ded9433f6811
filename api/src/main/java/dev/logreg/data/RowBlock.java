package dev.logreg.data;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * A contiguous run of rows of a {@link Dataset}: their float32 features, their labels and (optionally) their sample
 * weights. The features are held in one of two layouts, the same for every block of a dataset
 * ({@link Dataset#isSparse()}):
 * <ul>
 *   <li><b>dense</b>: row-major, {@code rows() * cols()} floats ({@link #features()});</li>
 *   <li><b>sparse (CSR)</b>: row r's nonzeros are entries {@code rowOffsets()[r] .. rowOffsets()[r+1]-1} of
 *       {@link #indices()} (column indices, strictly increasing within a row) and {@link #values()} (finite floats);
 *       {@code rowOffsets()} holds {@code rows() + 1} 64-bit offsets into this block's index and value buffers, the
 *       first 0. A column a row does not list is 0.</li>
 * </ul>
 * Every buffer returned is a read-only view positioned at 0; absolute indexing is the intended access. Immutable and
 * thread-safe.
 */
public final class RowBlock {
    private final long firstRow;
    private final int rows;
    private final int cols;
    private final FloatBuffer features;
    private final LongBuffer rowOffsets;
    private final IntBuffer indices;
    private final FloatBuffer values;
    private final FloatBuffer labels;
    private final FloatBuffer weights;
    /** The file whose mapped pages are {@link #features}, or null where the process owns them. */
    private final MappedFile mappedFile;

    /** A dense block. */
    RowBlock(long firstRow, int rows, int cols, FloatBuffer features, FloatBuffer labels, FloatBuffer weights) {
        this(firstRow, rows, cols, features, labels, weights, null);
    }

    /** A dense block whose features are the pages of {@code mappedFile} (null: memory the process owns). */
    RowBlock(long firstRow, int rows, int cols, FloatBuffer features, FloatBuffer labels, FloatBuffer weights, MappedFile mappedFile) {
        this(firstRow, rows, cols, features.asReadOnlyBuffer(), null, null, null, labels, weights, mappedFile);
    }

    /** A sparse (CSR) block; {@code rowOffsets} holds {@code rows + 1} entries, the first 0. */
    RowBlock(long firstRow, int rows, int cols, LongBuffer rowOffsets, IntBuffer indices, FloatBuffer values,
             FloatBuffer labels, FloatBuffer weights) {
        this(firstRow, rows, cols, null, rowOffsets.asReadOnlyBuffer(), indices.asReadOnlyBuffer(), values.asReadOnlyBuffer(), labels, weights, null);
    }

    private RowBlock(long firstRow, int rows, int cols, FloatBuffer features, LongBuffer rowOffsets, IntBuffer indices,
                     FloatBuffer values, FloatBuffer labels, FloatBuffer weights, MappedFile mappedFile) {
        this.firstRow = firstRow;
        this.rows = rows;
        this.cols = cols;
        this.features = features;
        this.rowOffsets = rowOffsets;
        this.indices = indices;
        this.values = values;
        this.labels = labels.asReadOnlyBuffer();
        this.weights = weights == null ? null : weights.asReadOnlyBuffer();
        this.mappedFile = mappedFile;
    }

    /** The same features at another first row, with other labels and weights (shared buffers, no copy). */
    RowBlock with(long firstRow, FloatBuffer labels, FloatBuffer weights) {
        return new RowBlock(firstRow, rows, cols, features, rowOffsets, indices, values, labels, weights, mappedFile);
    }

    /** Index, in the whole dataset, of this block's first row. */
    public long firstRow() { return firstRow; }

    /** Number of rows in this block. */
    public int rows() { return rows; }

    /** Number of features per row. */
    public int cols() { return cols; }

    /**
     * The file whose memory-mapped pages hold this block's features, or {@code null} where they are memory the
     * process owns. A reader of mapped features checks the file first and translates a fault ({@link MappedFile}).
     */
    public MappedFile mappedFile() { return mappedFile; }

    /** Whether the features are held as CSR ({@link #rowOffsets()}, {@link #indices()}, {@link #values()}). */
    public boolean isSparse() { return features == null; }

    /**
     * Row-major features, {@code rows() * cols()} floats; a fresh read-only view (its position is yours).
     *
     * @throws IllegalStateException on a sparse block (read {@link #rowOffsets()}, {@link #indices()} and {@link #values()})
     */
    public FloatBuffer features() {
        if (features == null) {
            throw new IllegalStateException("this row block is sparse (CSR): read rowOffsets(), indices() and values(), not features()");
        }
        return features.duplicate();
    }

    /** CSR row offsets, {@code rows() + 1} entries, the first 0; a fresh read-only view. */
    public LongBuffer rowOffsets() { return sparse().rowOffsets.duplicate(); }

    /** CSR column indices, {@link #nonzeros()} entries, strictly increasing within each row; a fresh read-only view. */
    public IntBuffer indices() { return sparse().indices.duplicate(); }

    /** CSR values, {@link #nonzeros()} finite floats; a fresh read-only view. */
    public FloatBuffer values() { return sparse().values.duplicate(); }

    /** Stored feature values: {@code rows() * cols()} for a dense block, the CSR entry count for a sparse one. */
    public long nonzeros() {
        return features == null ? rowOffsets.get(rows) : (long) rows * cols;
    }

    private RowBlock sparse() {
        if (features != null) throw new IllegalStateException("this row block is dense: read features(), not the CSR arrays");
        return this;
    }

    /** Labels, {@code rows()} floats (0 or 1, or class indices 0..K−1, see {@link Dataset#classes()}); a fresh read-only view. */
    public FloatBuffer labels() { return labels.duplicate(); }

    /** Sample weights, {@code rows()} floats, or {@code null} where the dataset is unweighted (every weight 1). */
    public FloatBuffer weights() { return weights == null ? null : weights.duplicate(); }

    /** Weight of row {@code r} of this block (1 where unweighted). */
    public float weight(int r) { return weights == null ? 1f : weights.get(r); }

    /** Feature {@code col} of row {@code r} of this block (a binary search of the row where sparse). */
    public float feature(int r, int col) {
        if (features != null) return features.get(Math.toIntExact((long) r * cols + col));
        int lo = (int) rowOffsets.get(r);
        int hi = (int) rowOffsets.get(r + 1) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = indices.get(mid);
            if (c < col) lo = mid + 1;
            else if (c > col) hi = mid - 1;
            else return values.get(mid);
        }
        return 0f;
    }

    /**
     * θ·x of row {@code r}, θ being {@code w[offset .. offset + cols() - 1]}: a float64 sum, from 0, of
     * {@code w[offset + j] * x[j]} in column order. A sparse row adds only its nonzeros, in the same order; the products
     * a dense row adds for its zeros are ±0, which leave a double sum unchanged, so both layouts of the same row give
     * the same bits. Reads the block in place (no copy, nothing allocated).
     */
    public double dot(int r, double[] w, int offset) {
        double z = 0;
        if (features != null) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) z += w[offset + j] * features.get(base + j);
        } else {
            int end = (int) rowOffsets.get(r + 1);
            for (int k = (int) rowOffsets.get(r); k < end; k++) z += w[offset + indices.get(k)] * values.get(k);
        }
        return z;
    }

    /**
     * {@code g[offset + j] += a * x[j]} for every feature j of row {@code r} (only the nonzeros where sparse: adding
     * a·0 changes nothing, so both layouts give the same bits). Reads the block in place.
     */
    public void addScaled(int r, double a, double[] g, int offset) {
        if (features != null) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) g[offset + j] += a * features.get(base + j);
        } else {
            int end = (int) rowOffsets.get(r + 1);
            for (int k = (int) rowOffsets.get(r); k < end; k++) g[offset + indices.get(k)] += a * values.get(k);
        }
    }

    /** ‖x‖² of row {@code r}: a float64 sum of squares in column order (nonzeros only where sparse; the same bits). */
    public double squaredNorm(int r) {
        double s = 0;
        if (features != null) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                double v = features.get(base + j);
                s += v * v;
            }
        } else {
            int end = (int) rowOffsets.get(r + 1);
            for (int k = (int) rowOffsets.get(r); k < end; k++) {
                double v = values.get(k);
                s += v * v;
            }
        }
        return s;
    }

    /** Writes row {@code r}'s features into {@code dst[offset .. offset + cols() - 1]} (zeros included where sparse). */
    public void copyRow(int r, float[] dst, int offset) {
        if (features != null) {
            features.get(Math.toIntExact((long) r * cols), dst, offset, cols);
            return;
        }
        java.util.Arrays.fill(dst, offset, offset + cols, 0f);
        int end = (int) rowOffsets.get(r + 1);
        for (int k = (int) rowOffsets.get(r); k < end; k++) dst[offset + indices.get(k)] = values.get(k);
    }
}
