package dev.logreg.data;

import java.nio.FloatBuffer;

/**
 * A contiguous run of rows of a {@link Dataset}: row-major float32 features, their labels and (optionally) their
 * sample weights. Every buffer returned is a read-only view positioned at 0; absolute indexing
 * ({@code features().get(i * cols + j)}) is the intended access. Immutable and thread-safe.
 */
public final class RowBlock {
    private final long firstRow;
    private final int rows;
    private final int cols;
    private final FloatBuffer features;
    private final FloatBuffer labels;
    private final FloatBuffer weights;

    RowBlock(long firstRow, int rows, int cols, FloatBuffer features, FloatBuffer labels, FloatBuffer weights) {
        this.firstRow = firstRow;
        this.rows = rows;
        this.cols = cols;
        this.features = features.asReadOnlyBuffer();
        this.labels = labels.asReadOnlyBuffer();
        this.weights = weights == null ? null : weights.asReadOnlyBuffer();
    }

    /** Index, in the whole dataset, of this block's first row. */
    public long firstRow() { return firstRow; }

    /** Number of rows in this block. */
    public int rows() { return rows; }

    /** Number of features per row. */
    public int cols() { return cols; }

    /** Row-major features, {@code rows() * cols()} floats; a fresh read-only view (its position is yours). */
    public FloatBuffer features() { return features.duplicate(); }

    /** Labels, {@code rows()} floats (0 or 1, or class indices 0..K−1, see {@link Dataset#classes()}); a fresh read-only view. */
    public FloatBuffer labels() { return labels.duplicate(); }

    /** Sample weights, {@code rows()} floats, or {@code null} where the dataset is unweighted (every weight 1). */
    public FloatBuffer weights() { return weights == null ? null : weights.duplicate(); }

    /** Weight of row {@code r} of this block (1 where unweighted). */
    public float weight(int r) { return weights == null ? 1f : weights.get(r); }
}
