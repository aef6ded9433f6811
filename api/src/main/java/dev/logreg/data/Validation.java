package dev.logreg.data;

import java.nio.FloatBuffer;

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
        // Each row through a float array (one bulk copy): per-element buffer reads made this check, the one pass a
        // mapped .npy costs to read, several times slower than the copy.
        float[] values = new float[cols];
        for (int i = 0; i < rows; i++) {
            long row = firstRow + i;
            x.get(i * cols, values, 0, cols);
            for (int j = 0; j < cols; j++) checkFeature(row, j, values[j]);
            checkLabel(row, y.get(i), classes);
            if (w != null) checkWeight(row, w.get(i));
        }
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
