package dev.logreg.data;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Objects;

/** The sparse (CSR) side of {@link Dataset}'s factories and copies, kept apart so that the dense code stays readable. */
final class SparseRows {
    private SparseRows() {}

    static Dataset wrap(long[] rowOffsets, int[] indices, float[] values, int cols, float[] labels, float[] weights, int classes) {
        Objects.requireNonNull(rowOffsets, "rowOffsets");
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(labels, "labels");
        Validation.checkClasses(classes);
        if (cols < 1) throw new IllegalArgumentException("cols is " + cols + ", expected at least 1");
        int rows = labels.length;
        if (rowOffsets.length != rows + 1) {
            throw new IllegalArgumentException("row offsets hold " + rowOffsets.length + " entries, expected one per row plus one (" + (rows + 1) + ")");
        }
        if (indices.length != values.length) {
            throw new IllegalArgumentException(indices.length + " column indices but " + values.length + " values: expected one index per value");
        }
        if (rowOffsets[0] != 0) throw new IllegalArgumentException("row offset 0 is " + rowOffsets[0] + ", expected 0");
        if (rowOffsets[rows] != indices.length) {
            throw new IllegalArgumentException("the last row offset is " + rowOffsets[rows] + ", expected the number of values (" + indices.length + ")");
        }
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("weights hold " + weights.length + " values, expected one per row (" + rows + ")");
        }
        for (int i = 0; i < rows; i++) {
            long from = rowOffsets[i];
            long to = rowOffsets[i + 1];
            if (to < from) {
                throw new IllegalArgumentException("row offsets decrease at row " + i + " (" + from + " then " + to + "): offsets must not decrease");
            }
            Validation.checkSparseRow(i, indices, values, (int) from, (int) (to - from), cols);
            Validation.checkLabel(i, labels[i], classes);
            if (weights != null) Validation.checkWeight(i, weights[i]);
        }
        RowBlock block = new RowBlock(0, rows, cols, LongBuffer.wrap(rowOffsets), IntBuffer.wrap(indices), FloatBuffer.wrap(values),
                FloatBuffer.wrap(labels), weights == null ? null : FloatBuffer.wrap(weights));
        return new Dataset(rows == 0 ? List.of() : List.of(block), cols, weights != null, null, classes);
    }

    static Dataset wrap(LongBuffer rowOffsets, IntBuffer indices, FloatBuffer values, int cols, FloatBuffer labels, int classes) {
        Objects.requireNonNull(rowOffsets, "rowOffsets");
        Objects.requireNonNull(indices, "indices");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(labels, "labels");
        Validation.checkClasses(classes);
        if (cols < 1) throw new IllegalArgumentException("cols is " + cols + ", expected at least 1");
        int rows = labels.limit();
        int nonzeros = indices.limit();
        if (rows > SparseBuilder.MAX_ROWS_PER_BLOCK || nonzeros > Dataset.DEFAULT_BLOCK_CAPACITY) {
            throw new IllegalArgumentException(rows + " rows and " + nonzeros + " nonzeros do not fit one block (at most " + SparseBuilder.MAX_ROWS_PER_BLOCK
                    + " rows and " + Dataset.DEFAULT_BLOCK_CAPACITY + " nonzeros)");
        }
        if (rowOffsets.limit() != rows + 1) {
            throw new IllegalArgumentException("row offsets hold " + rowOffsets.limit() + " entries, expected one per row plus one (" + (rows + 1) + ")");
        }
        if (values.limit() != nonzeros) {
            throw new IllegalArgumentException(nonzeros + " column indices but " + values.limit() + " values: expected one index per value");
        }
        if (rowOffsets.get(0) != 0) throw new IllegalArgumentException("row offset 0 is " + rowOffsets.get(0) + ", expected 0");
        if (rowOffsets.get(rows) != nonzeros) {
            throw new IllegalArgumentException("the last row offset is " + rowOffsets.get(rows) + ", expected the number of values (" + nonzeros + ")");
        }
        // The rows are checked through arrays a window at a time (one bulk copy each): per-element buffer reads are
        // several times slower.
        int[] ci = new int[0];
        float[] cv = new float[0];
        long windowStart = 0;
        long windowEnd = 0;
        for (int i = 0; i < rows; i++) {
            long from = rowOffsets.get(i);
            long to = rowOffsets.get(i + 1);
            if (to < from) {
                throw new IllegalArgumentException("row offsets decrease at row " + i + " (" + from + " then " + to + "): offsets must not decrease");
            }
            if (to > nonzeros) throw new IllegalArgumentException("row offset " + (i + 1) + " is " + to + ", beyond the " + nonzeros + " values");
            if (to > windowEnd) {
                int len = (int) Math.max(to - from, Math.min(1 << 16, nonzeros - from));
                if (ci.length < len) {
                    ci = new int[len];
                    cv = new float[len];
                }
                indices.get((int) from, ci, 0, len);
                values.get((int) from, cv, 0, len);
                windowStart = from;
                windowEnd = from + len;
            }
            Validation.checkSparseRow(i, ci, cv, (int) (from - windowStart), (int) (to - from), cols);
            Validation.checkLabel(i, labels.get(i), classes);
        }
        RowBlock block = new RowBlock(0, rows, cols, rowOffsets.slice(0, rows + 1), indices.slice(0, nonzeros), values.slice(0, nonzeros),
                labels.slice(0, rows), null);
        return new Dataset(rows == 0 ? List.of() : List.of(block), cols, false, null, classes);
    }

    /** Rows {@code rows} (validated by the caller) of sparse {@code data}, copied in that order. */
    static Dataset select(Dataset data, int[] rows) {
        SparseBuilder out = new SparseBuilder(data.cols()).classes(data.classes()).weighted(data.isWeighted());
        if (data.featureNames() != null) out.featureNames(data.featureNames());
        List<RowBlock> blocks = data.blocks();
        long[] firstRows = new long[blocks.size()];
        for (int b = 0; b < firstRows.length; b++) firstRows[b] = blocks.get(b).firstRow();
        for (int row : rows) {
            int b = java.util.Arrays.binarySearch(firstRows, row);
            if (b < 0) b = -b - 2;
            out.copyRowOf(blocks.get(b), (int) (row - firstRows[b]));
        }
        return out.build();
    }

    static Dataset fromDense(Dataset data) {
        int n = data.cols();
        SparseBuilder out = new SparseBuilder(n).classes(data.classes()).weighted(data.isWeighted());
        if (data.featureNames() != null) out.featureNames(data.featureNames());
        int[] idx = new int[n];
        float[] val = new float[n];
        for (RowBlock b : data.blocks()) {
            FloatBuffer x = b.features();
            FloatBuffer y = b.labels();
            for (int r = 0; r < b.rows(); r++) {
                int count = 0;
                int base = r * n;
                for (int j = 0; j < n; j++) {
                    float v = x.get(base + j);
                    if (v != 0f) {
                        idx[count] = j;
                        val[count++] = v;
                    }
                }
                out.addRow(idx, val, count, y.get(r), b.weight(r), data.isWeighted());
            }
        }
        return out.build();
    }

    static Dataset toDense(Dataset data) {
        int n = data.cols();
        Dataset.Builder out = Dataset.builder(n).classes(data.classes());
        if (data.featureNames() != null) out.featureNames(data.featureNames());
        float[] row = new float[n];
        for (RowBlock b : data.blocks()) {
            FloatBuffer y = b.labels();
            for (int r = 0; r < b.rows(); r++) {
                b.copyRow(r, row, 0);
                out.addRow(row, 0, y.get(r), b.weight(r), data.isWeighted());
            }
        }
        return out.build();
    }
}
