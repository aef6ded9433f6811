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

    /**
     * Checks rows [0, rows) of a block that starts the dataset, and where {@code gatherSums} (at most
     * {@link #MAX_GATHERED_COLS} columns) returns its {@link ColumnSums}, pieces of partial sums held {@code waveBytes}
     * at a time (tests; datasets go through {@link DenseRows#wrapBlocks}).
     */
    static ColumnSums checkBlock(long firstRow, int rows, int cols, FloatBuffer x, FloatBuffer y, FloatBuffer w, int classes, boolean gatherSums,
                                 long waveBytes) {
        boolean sums = gatherSums && rows > 0 && cols <= MAX_GATHERED_COLS;
        double[] shift = sums ? ColumnSums.firstRow(x, cols) : null;
        double[] total = sums ? new double[ColumnSums.length(cols, classes)] : null;
        checkBlock(firstRow, rows, cols, x, y, w, classes, shift, total, waveBytes);
        return sums ? new ColumnSums(shift, total) : null;
    }

    /**
     * Checks rows [0, rows) of a block whose first row is the dataset's row {@code firstRow}; where {@code total} is
     * not null, also adds the block's {@link ColumnSums} chunks into it, in chunk order, taken about {@code shift}
     * (so that blocks checked in row order, from a total of zeros, sum as the statistics pass does over them all).
     */
    static void checkBlock(long firstRow, int rows, int cols, FloatBuffer x, FloatBuffer y, FloatBuffer w, int classes, double[] shift,
                           double[] total, long waveBytes) {
        // In parallel over fixed pieces of rows (the common fork-join pool): for a mapped .npy this check is the one
        // pass reading the file costs, page faults included, and one thread took about a pass of the fit's time. The
        // error reported is the first piece's that has one, so the message names the first bad row, as a sequential
        // check would, whatever the threads. The pieces are the chunks of ColumnSums, whose sums are added in piece
        // order; pieces run in waves so that the partial sums held at once stay within WAVE_BYTES.
        boolean sums = total != null;
        int pieceRows = ColumnSums.chunkRows(cols);
        int pieces = (int) (((long) rows + pieceRows - 1) / pieceRows);
        int wave = sums ? (int) Math.max(1, Math.min(pieces, waveBytes / (8L * total.length))) : Math.max(1, pieces);
        for (int w0 = 0; w0 < pieces; w0 += wave) {
            int first = w0;
            Object[] results = new Object[Math.min(wave, pieces - w0)];   // a piece's sums, or its first error
            IntStream range = IntStream.range(0, results.length);
            (results.length > 1 ? range.parallel() : range).forEach(k -> {
                int from = (first + k) * pieceRows;
                int to = Math.min(rows, from + pieceRows);
                try {
                    if (sums) {
                        results[k] = checkAndSum(firstRow, from, to, cols, x, y, w, classes, shift);
                    } else {
                        checkRows(firstRow, from, to, cols, x, y, w, classes);
                    }
                } catch (IllegalArgumentException e) {
                    results[k] = e;
                }
            });
            for (Object r : results) {
                if (r instanceof IllegalArgumentException) throw (IllegalArgumentException) r;
                if (sums) ColumnSums.add(total, (double[]) r);
            }
        }
    }

    /** Widest rows whose column sums the check gathers (wider ones: the statistics make their own pass). */
    static final int MAX_GATHERED_COLS = 8192;
    /** Most bytes of pieces' partial sums held at once while gathering. */
    static final long WAVE_BYTES = 16L << 20;

    /**
     * Rows [from, to) checked and their {@link ColumnSums#chunk} taken, features read once: the labels and weights
     * are checked first (and the features of rows of weight 0, which the sums skip); the features of the others
     * only through their sums, which are finite unless one of them is not. Where either finds a fault, the rows are
     * checked again one by one, which throws the first fault in row order, as a check alone would.
     */
    private static double[] checkAndSum(long firstRow, int from, int to, int cols, FloatBuffer x, FloatBuffer y, FloatBuffer w,
                                        int classes, double[] shift) {
        float[] values = new float[cols];
        try {
            for (int i = from; i < to; i++) {
                long row = firstRow + i;
                checkLabel(row, y.get(i), classes);
                if (w != null) {
                    float wi = w.get(i);
                    checkWeight(row, wi);
                    if (wi == 0f) {
                        x.get(i * cols, values, 0, cols);
                        checkRow(row, values);
                    }
                }
            }
            // The label-1 sums too where the total was made for them (two classes: labels 0 or 1, checked above).
            double[] sums = ColumnSums.chunk(x, ColumnSums.gathersPositives(classes) ? y : null, w, cols, from, to, shift, values);
            if (ColumnSums.allFinite(sums)) return sums;
        } catch (IllegalArgumentException e) {
            // the rows again, below, for the first fault in row order
        }
        checkRows(firstRow, from, to, cols, x, y, w, classes);
        throw new IllegalStateException("rows " + (firstRow + from) + " to " + (firstRow + to - 1) + ": column sums not finite, yet every value is");
    }

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
