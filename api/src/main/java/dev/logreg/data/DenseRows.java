package dev.logreg.data;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The dense side of {@link Dataset}'s factories and copies (wrapping caller buffers, a mapped file's pages or a
 * {@code float[][]}, and copying a selection of rows), as {@link SparseRows} is the sparse side.
 */
final class DenseRows {
    private DenseRows() {}

    /** {@link Dataset#wrap(FloatBuffer, int, FloatBuffer, FloatBuffer, List, int, boolean)}. */
    static Dataset wrap(FloatBuffer features, int cols, FloatBuffer labels, FloatBuffer weights, List<String> featureNames, int classes,
                        boolean gatherColumnSums) {
        Validation.checkClasses(classes);
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (cols < 1) throw new IllegalArgumentException("cols is " + cols + ", expected at least 1");
        FloatBuffer f = features.duplicate().position(0);
        FloatBuffer y = labels.duplicate().position(0);
        int rows = y.limit();
        if ((long) rows * cols != f.limit()) {
            throw new IllegalArgumentException("features hold " + f.limit() + " floats, expected rows x cols = "
                    + rows + " x " + cols + " = " + ((long) rows * cols) + " (ragged or mismatched shapes)");
        }
        FloatBuffer w = null;
        if (weights != null) {
            w = weights.duplicate().position(0);
            if (w.limit() != rows) {
                throw new IllegalArgumentException("weights hold " + w.limit() + " values, expected one per row (" + rows + ")");
            }
        }
        ColumnSums sums = Validation.checkBlock(0, rows, cols, f, y, w, classes, gatherColumnSums);
        return new Dataset(rows == 0 ? List.of() : List.of(new RowBlock(0, rows, cols, f, y, w)), cols, w != null, featureNames, classes, sums);
    }

    /** {@link Dataset#wrapMapped}. */
    static Dataset wrapMapped(FloatBuffer features, int cols, FloatBuffer labels, int classes, MappedFile file, boolean gatherColumnSums) {
        Objects.requireNonNull(file, "file");
        Dataset d = wrap(features, cols, labels, null, null, classes, gatherColumnSums);
        RowBlock b = d.blocks().get(0);
        return new Dataset(List.of(new RowBlock(0, b.rows(), cols, b.features(), b.labels(), null, file)), cols, false, null, classes,
                d.columnSums().orElse(null));
    }

    /** {@link Dataset#fromRows(float[][], float[], float[], int)}. */
    static Dataset fromRows(float[][] rows, float[] labels, float[] weights, int classes) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(labels, "labels");
        if (rows.length == 0) throw new IllegalArgumentException("dataset has zero rows");
        if (labels.length != rows.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + rows.length + " rows");
        }
        if (weights != null && weights.length != rows.length) {
            throw new IllegalArgumentException(weights.length + " weights for " + rows.length + " rows");
        }
        if (rows[0] == null) throw new IllegalArgumentException("row 0 is null");
        Dataset.Builder b = Dataset.builder(rows[0].length).classes(classes);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) throw new IllegalArgumentException("row " + i + " is null");
            if (weights == null) b.addRow(rows[i], labels[i]);
            else b.addRow(rows[i], labels[i], weights[i]);
        }
        return b.build();
    }

    /** Rows {@code rows} (validated by the caller) of dense {@code data}, copied in that order ({@link Dataset#select}). */
    static Dataset select(Dataset data, int[] rows) {
        int cols = data.cols();
        boolean weighted = data.isWeighted();
        List<RowBlock> blocks = data.blocks();
        int perBlock = Math.max(1, Dataset.DEFAULT_BLOCK_CAPACITY / cols);
        List<RowBlock> out = new ArrayList<>();
        // One view per source block, made once: RowBlock hands out a fresh view per call.
        FloatBuffer[] fx = new FloatBuffer[blocks.size()];
        FloatBuffer[] fy = new FloatBuffer[blocks.size()];
        FloatBuffer[] fw = new FloatBuffer[blocks.size()];
        long[] firstRows = new long[blocks.size()];
        for (int b = 0; b < fx.length; b++) {
            RowBlock block = blocks.get(b);
            fx[b] = block.features();
            fy[b] = block.labels();
            fw[b] = block.weights();
            firstRows[b] = block.firstRow();
        }
        for (int start = 0; start < rows.length; start += perBlock) {
            int count = Math.min(perBlock, rows.length - start);
            FloatBuffer x = DirectBuffers.forCopy((long) count * cols);
            FloatBuffer y = DirectBuffers.forCopy(count);
            FloatBuffer w = weighted ? DirectBuffers.forCopy(count) : null;
            for (int i = 0; i < count; i++) {
                long row = rows[start + i];
                int b = java.util.Arrays.binarySearch(firstRows, row);
                if (b < 0) b = -b - 2;
                int r = (int) (row - firstRows[b]);
                x.put(i * cols, fx[b], r * cols, cols);
                y.put(i, fy[b].get(r));
                if (w != null) w.put(i, fw[b].get(r));
            }
            out.add(new RowBlock(start, count, cols, x, y, w));
        }
        return new Dataset(out, cols, weighted, data.featureNames(), data.classes());
    }
}
