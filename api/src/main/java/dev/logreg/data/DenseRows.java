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

    /** {@link Dataset#wrap(FloatBuffer, int, FloatBuffer, FloatBuffer, List, int, boolean)}: one block of {@link #wrapBlocks}. */
    static Dataset wrap(FloatBuffer features, int cols, FloatBuffer labels, FloatBuffer weights, List<String> featureNames, int classes,
                        boolean gatherColumnSums) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        return wrapBlocks(List.of(features), cols, List.of(labels), weights == null ? null : List.of(weights), featureNames, classes,
                gatherColumnSums, null);
    }

    /** {@link Dataset#wrapBlocks}, every block the pages of {@code mapped} where it is not null ({@link Dataset#wrapMapped(List, int, List, int, MappedFile, boolean)}). */
    static Dataset wrapBlocks(List<FloatBuffer> features, int cols, List<FloatBuffer> labels, List<FloatBuffer> weights, List<String> featureNames,
                              int classes, boolean gatherColumnSums, MappedFile mapped) {
        Validation.checkClasses(classes);
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (cols < 1) throw new IllegalArgumentException("cols is " + cols + ", expected at least 1");
        if (features.isEmpty()) throw new IllegalArgumentException("no blocks, expected at least one");
        if (labels.size() != features.size() || (weights != null && weights.size() != features.size())) {
            throw new IllegalArgumentException(features.size() + " feature buffers, " + labels.size() + " label buffers"
                    + (weights == null ? "" : " and " + weights.size() + " weight buffers") + ": expected one of each per block");
        }
        boolean sums = gatherColumnSums && cols <= Validation.MAX_GATHERED_COLS;
        double[] shift = null;
        double[] total = null;
        List<RowBlock> blocks = new ArrayList<>();
        long first = 0;
        for (int k = 0; k < features.size(); k++) {
            FloatBuffer w = weights == null ? null : Objects.requireNonNull(weights.get(k), "weights of block " + k);
            FloatBuffer[] b = views(features.get(k), cols, labels.get(k), w, features.size() == 1 ? "" : "block " + k + ": ");
            int rows = b[1].limit();
            if (rows == 0) continue;
            if (sums && shift == null) {
                shift = ColumnSums.firstRow(b[0], cols);
                total = new double[ColumnSums.length(cols, classes)];
            }
            Validation.checkBlock(first, rows, cols, b[0], b[1], b[2], classes, shift, total, Validation.WAVE_BYTES);
            blocks.add(new RowBlock(first, rows, cols, b[0], b[1], b[2], mapped));
            first += rows;
        }
        return new Dataset(blocks, cols, weights != null, featureNames, classes, shift == null ? null : new ColumnSums(shift, total));
    }

    /**
     * Views from position 0 of one block's features, labels and weights (null where unweighted), their shapes
     * checked: {@code where} prefixes a refusal.
     */
    private static FloatBuffer[] views(FloatBuffer features, int cols, FloatBuffer labels, FloatBuffer weights, String where) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        FloatBuffer f = features.duplicate().position(0);
        FloatBuffer y = labels.duplicate().position(0);
        int rows = y.limit();
        if ((long) rows * cols != f.limit()) {
            throw new IllegalArgumentException(where + "features hold " + f.limit() + " floats, expected rows x cols = "
                    + rows + " x " + cols + " = " + ((long) rows * cols) + " (ragged or mismatched shapes)");
        }
        FloatBuffer w = null;
        if (weights != null) {
            w = weights.duplicate().position(0);
            if (w.limit() != rows) {
                throw new IllegalArgumentException(where + "weights hold " + w.limit() + " values, expected one per row (" + rows + ")");
            }
        }
        return new FloatBuffer[] {f, y, w};
    }

    /** {@link Dataset#wrapMapped}: one block of {@link #wrapBlocks}, the pages of {@code file}. */
    static Dataset wrapMapped(FloatBuffer features, int cols, FloatBuffer labels, int classes, MappedFile file, boolean gatherColumnSums) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        return wrapBlocks(List.of(features), cols, List.of(labels), null, null, classes, gatherColumnSums, file);
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
