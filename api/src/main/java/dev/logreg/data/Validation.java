package dev.logreg.data;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

/** The checks every dataset passes once, with messages that name the row and column at fault. */
final class Validation {
    private Validation() {}

    static void checkFeature(long row, int col, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("feature at row " + row + ", column " + col + " is " + v + ", expected a finite number");
        }
    }

    static void checkClasses(int classes) {
        if (classes < 2 || classes > Dataset.MAX_CLASSES) {
            throw new IllegalArgumentException("number of classes is " + classes + ", expected at least 2 and at most " + Dataset.MAX_CLASSES
                    + (classes == 1 ? " (one class leaves nothing to learn)" : ""));
        }
    }

    /** Feature names, one per column and none null, as an unmodifiable copy; {@code null} where none were given. */
    static List<String> featureNames(List<String> featureNames, int cols) {
        if (featureNames == null) return null;
        if (featureNames.size() != cols) {
            throw new IllegalArgumentException(
                    "feature names: " + featureNames.size() + " given, expected " + cols + " (one per column)");
        }
        for (int j = 0; j < cols; j++) {
            if (featureNames.get(j) == null) throw new IllegalArgumentException("feature name of column " + j + " is null");
        }
        return Collections.unmodifiableList(new ArrayList<>(featureNames));
    }

    static void checkLabel(long row, float label, int classes) {
        if (classes == 2) {
            if (label != 0f && label != 1f) {
                throw new IllegalArgumentException("label at row " + row + " is " + label + ", expected 0 or 1");
            }
        } else if (!(label >= 0f && label < classes) || label != (float) Math.rint(label)) {
            throw new IllegalArgumentException("label at row " + row + " is " + label + ", expected a class index: an integer in [0, " + classes + ")");
        }
    }

    static void checkWeight(long row, float weight) {
        if (!(weight >= 0f) || !Float.isFinite(weight)) {
            throw new IllegalArgumentException("sample weight at row " + row + " is " + weight + ", expected a finite number >= 0");
        }
    }

    static void checkBlock(long firstRow, int rows, int cols, FloatBuffer x, FloatBuffer y, FloatBuffer w, int classes) {
        // In parallel over fixed pieces of rows (the common fork-join pool): for a mapped .npy this check is the one
        // pass reading the file costs, page faults included, and one thread took about a pass of the fit's time. The
        // error reported is the first piece's that has one, so the message names the first bad row, as a sequential
        // check would, whatever the threads.
        int pieceRows = Math.max(1, PIECE_ELEMENTS / Math.max(1, cols));
        int pieces = (int) (((long) rows + pieceRows - 1) / pieceRows);
        if (pieces <= 1) {
            checkRows(firstRow, 0, rows, cols, x, y, w, classes);
            return;
        }
        IllegalArgumentException[] failures = new IllegalArgumentException[pieces];
        IntStream.range(0, pieces).parallel().forEach(p -> {
            int from = p * pieceRows;
            try {
                checkRows(firstRow, from, Math.min(rows, from + pieceRows), cols, x, y, w, classes);
            } catch (IllegalArgumentException e) {
                failures[p] = e;
            }
        });
        for (IllegalArgumentException e : failures) {
            if (e != null) throw e;
        }
    }

    /** Elements per piece of the parallel check: 4 MiB of floats. */
    private static final int PIECE_ELEMENTS = 1 << 20;

    /** Rows [from, to) of a block, each through a float array (one bulk copy: per-element buffer reads were slower). */
    private static void checkRows(long firstRow, int from, int to, int cols, FloatBuffer x, FloatBuffer y, FloatBuffer w, int classes) {
        float[] values = new float[cols];
        for (int i = from; i < to; i++) {
            long row = firstRow + i;
            x.get(i * cols, values, 0, cols);
            checkRow(row, values);
            checkLabel(row, y.get(i), classes);
            if (w != null) checkWeight(row, w.get(i));
        }
    }

    /** Every feature of one row finite; its own small method so that the JIT compiles it early and whole. */
    private static void checkRow(long row, float[] values) {
        for (int j = 0; j < values.length; j++) checkFeature(row, j, values[j]);
    }

    /**
     * One CSR row: indices in [0, cols), strictly increasing (sorted and unique), values finite. The messages name the
     * row, the column and the nonzero's position within the row.
     */
    static void checkSparseRow(long row, int[] indices, float[] values, int from, int count, int cols) {
        int previous = -1;
        for (int k = 0; k < count; k++) {
            int c = indices[from + k];
            if (c < 0 || c >= cols) {
                throw new IllegalArgumentException("row " + row + ", nonzero " + k + ": column index " + c + " is outside [0, " + cols + ")");
            }
            if (c <= previous) {
                throw new IllegalArgumentException("row " + row + ", nonzero " + k + ": column index " + c
                        + (c == previous ? " repeats" : " follows " + previous) + " (indices must be sorted and unique within a row)");
            }
            previous = c;
            checkFeature(row, c, values[from + k]);
        }
    }
}
