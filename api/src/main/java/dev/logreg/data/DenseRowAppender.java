package dev.logreg.data;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Dataset.Builder} does: checks each dense row as it comes and appends it to direct native-order blocks
 * that start small, double, and are sealed when full (the builder's javadoc says why direct memory, and how much).
 * Not thread-safe.
 */
final class DenseRowAppender {
    /** Rows a block starts with before it doubles. */
    private static final int FIRST_ROWS = 1024;
    /** Most floats one direct buffer can hold: {@code ByteBuffer.allocateDirect} takes an int count of bytes. */
    private static final int MAX_DIRECT_FLOATS = Integer.MAX_VALUE / Float.BYTES;

    private final int cols;
    private int rowsPerBlock;
    private final List<RowBlock> done = new ArrayList<>();
    private long firstRowOfCurrent;
    private FloatBuffer x;
    private FloatBuffer y;
    private FloatBuffer w;
    /** Rows the current block's buffers hold (their capacity in rows). */
    private int capacityRows;
    private int filled;
    private boolean weighted;
    private boolean sawUnweighted;
    private List<String> names;
    private int classes = 2;

    DenseRowAppender(int cols, int blockCapacityFloats) {
        if (cols < 1) throw new IllegalArgumentException("cols is " + cols + ", expected at least 1");
        if (blockCapacityFloats < cols) {
            throw new IllegalArgumentException("block capacity " + blockCapacityFloats + " is smaller than one row of " + cols);
        }
        this.cols = cols;
        this.rowsPerBlock = Math.min(blockCapacityFloats, MAX_DIRECT_FLOATS) / cols;
    }

    /** {@link Dataset.Builder#blockCapacity}. */
    void blockCapacity(int floats) {
        if (filled != 0 || !done.isEmpty() || x != null) throw new IllegalStateException("blockCapacity must be set before the first row");
        if (floats < cols) throw new IllegalArgumentException("block capacity " + floats + " is smaller than one row of " + cols);
        if (floats > MAX_DIRECT_FLOATS) {
            throw new IllegalArgumentException("block capacity " + floats + " floats exceeds the largest direct buffer, "
                    + MAX_DIRECT_FLOATS + " floats (2^31 - 1 bytes)");
        }
        this.rowsPerBlock = floats / cols;
    }

    /** {@link Dataset.Builder#classes}. */
    void classes(int classes) {
        if (filled != 0 || !done.isEmpty() || x != null) throw new IllegalStateException("classes must be set before the first row");
        Validation.checkClasses(classes);
        this.classes = classes;
    }

    void featureNames(List<String> featureNames) {
        this.names = featureNames;
    }

    /** {@link Dataset.Builder#addRow(float[], float)}. */
    void addRow(float[] features, float label) {
        if (weighted) throw new IllegalArgumentException("row " + rowsSoFar() + " has no weight but earlier rows do");
        sawUnweighted = true;
        checkWidth(features);
        append(features, 0, label, 1f);
    }

    /** {@link Dataset.Builder#addRow(float[], float, float)}. */
    void addRow(float[] features, float label, float weight) {
        if (sawUnweighted && !weighted) {
            throw new IllegalArgumentException("row " + rowsSoFar() + " has a weight but earlier rows do not");
        }
        weighted = true;
        checkWidth(features);
        append(features, 0, label, weight);
    }

    private void checkWidth(float[] features) {
        if (features != null && features.length != cols) {
            throw new IllegalArgumentException("row " + rowsSoFar() + " has " + features.length + " features, expected " + cols);
        }
    }

    /** {@link Dataset.Builder#addRow(float[], int, float, float, boolean)}. */
    void addRow(float[] features, int offset, float label, float weight, boolean hasWeight) {
        if (hasWeight) {
            if (sawUnweighted && !weighted) throw new IllegalArgumentException("row " + rowsSoFar() + " has a weight but earlier rows do not");
            weighted = true;
        } else {
            if (weighted) throw new IllegalArgumentException("row " + rowsSoFar() + " has no weight but earlier rows do");
            sawUnweighted = true;
        }
        append(features, offset, label, hasWeight ? weight : 1f);
    }

    long rowsSoFar() { return firstRowOfCurrent + filled; }

    private void append(float[] features, int offset, float label, float weight) {
        Objects.requireNonNull(features, "features");
        long row = rowsSoFar();
        if (offset < 0 || features.length - offset < cols) {
            throw new IllegalArgumentException("row " + row + " has " + Math.max(0, features.length - offset) + " features, expected " + cols);
        }
        for (int j = 0; j < cols; j++) Validation.checkFeature(row, j, features[offset + j]);
        Validation.checkLabel(row, label, classes);
        Validation.checkWeight(row, weight);
        if (x == null) {
            grow(Math.min(rowsPerBlock, FIRST_ROWS));
        } else if (filled == capacityRows) {
            if (filled == rowsPerBlock) {
                flush();
                grow(Math.min(rowsPerBlock, FIRST_ROWS));
            } else {
                grow((int) Math.min(rowsPerBlock, Math.max(FIRST_ROWS, 2L * capacityRows)));
            }
        }
        x.put(filled * cols, features, offset, cols);
        y.put(filled, label);
        // Which kind of row this is was settled before append: weights are kept only for weighted rows.
        if (weighted) w.put(filled, weight);
        filled++;
    }

    /** Moves the current block into buffers of {@code rows} rows (fresh ones where there is none). */
    private void grow(int rows) {
        FloatBuffer nx = DirectBuffers.floats((long) rows * cols, "dataset block");
        FloatBuffer ny = DirectBuffers.floats(rows, "dataset block");
        FloatBuffer nw = weighted ? DirectBuffers.floats(rows, "dataset block") : null;
        if (filled > 0) {
            nx.put(0, x, 0, filled * cols);
            ny.put(0, y, 0, filled);
            if (weighted) nw.put(0, w, 0, filled);
        }
        x = nx;
        y = ny;
        w = nw;
        capacityRows = rows;
    }

    private void flush() {
        if (filled == 0) return;
        // Slices of exactly the filled rows: no copy; the spare capacity stays with the buffer.
        FloatBuffer fx = x.slice(0, filled * cols);
        FloatBuffer fy = y.slice(0, filled);
        FloatBuffer fw = weighted ? w.slice(0, filled) : null;
        done.add(new RowBlock(firstRowOfCurrent, filled, cols, fx, fy, fw));
        firstRowOfCurrent += filled;
        filled = 0;
        capacityRows = 0;
        x = null;
        y = null;
        w = null;
    }

    /** {@link Dataset.Builder#build}. */
    Dataset build() {
        flush();
        return new Dataset(done, cols, weighted, names, classes);
    }
}
