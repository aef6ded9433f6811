package dev.logreg.data;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Datasets made from the row blocks of others ({@link Dataset#concat}, {@link Dataset#withClasses},
 * {@link Dataset#oneVsRest}, {@link Dataset#select}, {@link Dataset#withWeights}), with their argument checks: what
 * stays the same is shared, what changes is copied into fresh direct native-order buffers, so that a backend that
 * reads blocks in place still does. The source rows were validated when they were made; only what is new is checked
 * here.
 */
final class DerivedDatasets {
    private DerivedDatasets() {}

    /** {@link Dataset#concat}. */
    static Dataset concat(List<Dataset> parts) {
        Objects.requireNonNull(parts, "parts");
        if (parts.isEmpty()) throw new IllegalArgumentException("no parts to concatenate, expected at least one dataset");
        Dataset first = parts.get(0);
        if (first == null) throw new IllegalArgumentException("part 0 is null");
        List<String> names = null;
        int namedBy = -1;
        List<RowBlock> blocks = new ArrayList<>();
        long offset = 0;
        for (int k = 0; k < parts.size(); k++) {
            Dataset p = parts.get(k);
            if (p == null) throw new IllegalArgumentException("part " + k + " is null");
            if (p.cols() != first.cols()) {
                throw new IllegalArgumentException("part " + k + " has " + p.cols() + " columns, expected " + first.cols() + " (as part 0)");
            }
            if (p.isSparse() != first.isSparse()) {
                throw new IllegalArgumentException("part " + k + " is " + (p.isSparse() ? "sparse" : "dense") + " but part 0 is "
                        + (first.isSparse() ? "sparse" : "dense") + ": concatenated parts must hold their features the same way");
            }
            if (p.classes() != first.classes()) {
                throw new IllegalArgumentException("part " + k + " has " + p.classes() + " classes, expected " + first.classes() + " (as part 0)");
            }
            if (p.isWeighted() != first.isWeighted()) {
                throw new IllegalArgumentException("part " + k + (p.isWeighted() ? " has sample weights but part 0 does not" : " has no sample weights but part 0 does")
                        + ": concatenated parts must be all weighted or all unweighted");
            }
            if (p.featureNames() != null) {
                if (names == null) {
                    names = p.featureNames();
                    namedBy = k;
                } else if (!names.equals(p.featureNames())) {
                    throw new IllegalArgumentException("part " + k + " names its features " + p.featureNames() + ", expected " + names
                            + " (as part " + namedBy + ")");
                }
            }
            for (RowBlock b : p.blocks()) {
                blocks.add(b.with(offset + b.firstRow(), b.labels(), b.weights()));
            }
            offset += p.rows();
        }
        // One part: the same rows, so its gathered column sums still hold (several: the shift is part 0's first row,
        // which later parts' sums were not taken about).
        return new Dataset(blocks, first.cols(), first.isWeighted(), names, first.classes(),
                parts.size() == 1 ? first.columnSums().orElse(null) : null);
    }

    /** {@link Dataset#withClasses}. */
    static Dataset withClasses(Dataset data, int classes) {
        Validation.checkClasses(classes);
        if (classes == data.classes()) return data;
        for (RowBlock b : data.blocks()) {
            FloatBuffer y = b.labels();
            for (int i = 0; i < b.rows(); i++) Validation.checkLabel(b.firstRow() + i, y.get(i), classes);
        }
        return new Dataset(data.blocks(), data.cols(), data.isWeighted(), data.featureNames(), classes, data.columnSums().orElse(null));
    }

    /** {@link Dataset#oneVsRest}. */
    static Dataset oneVsRest(Dataset data, int positiveClass) {
        int classes = data.classes();
        if (positiveClass < 0 || positiveClass >= classes) {
            throw new IllegalArgumentException("positive class " + positiveClass + " is not a class of these data, expected an integer in [0, " + classes + ")");
        }
        float c = positiveClass;
        List<RowBlock> relabelled = new ArrayList<>(data.blocks().size());
        for (RowBlock b : data.blocks()) {
            FloatBuffer y = b.labels();
            FloatBuffer out = DirectBuffers.forCopy(b.rows());
            for (int i = 0; i < b.rows(); i++) out.put(i, y.get(i) == c ? 1f : 0f);
            relabelled.add(b.with(b.firstRow(), out, b.weights()));
        }
        // The feature sums hold; the label-1 sums were of the old labels.
        return new Dataset(relabelled, data.cols(), data.isWeighted(), data.featureNames(), 2,
                data.columnSums().map(ColumnSums::withoutPositives).orElse(null));
    }

    /** {@link Dataset#select}: the indices checked here, the rows copied by the layout's own code. */
    static Dataset select(Dataset data, int[] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) throw new IllegalArgumentException("no rows selected, expected at least one");
        for (int k = 0; k < rows.length; k++) {
            if (rows[k] < 0 || rows[k] >= data.rows()) {
                throw new IllegalArgumentException("selected row " + rows[k] + " (position " + k + ") is outside [0, " + data.rows() + ")");
            }
        }
        return data.isSparse() ? SparseRows.select(data, rows) : DenseRows.select(data, rows);
    }

    /** {@link Dataset#withWeights}. */
    static Dataset withWeights(Dataset data, float[] weights) {
        Objects.requireNonNull(weights, "weights");
        if (weights.length != data.rows()) {
            throw new IllegalArgumentException("weights hold " + weights.length + " values, expected one per row (" + data.rows() + ")");
        }
        for (int i = 0; i < weights.length; i++) Validation.checkWeight(i, weights[i]);
        List<RowBlock> reweighted = new ArrayList<>(data.blocks().size());
        for (RowBlock b : data.blocks()) {
            FloatBuffer w = DirectBuffers.forCopy(b.rows());
            w.put(0, weights, (int) b.firstRow(), b.rows());
            reweighted.add(b.with(b.firstRow(), b.labels(), w));
        }
        return new Dataset(reweighted, data.cols(), true, data.featureNames(), data.classes());
    }

    /** {@link Dataset#copyLabels()}, or where {@code weights} {@link Dataset#copyWeights()} of weighted rows. */
    static float[] copy(Dataset data, boolean weights) {
        if (data.rows() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("dataset has " + data.rows() + " rows, too many for one array");
        float[] out = new float[(int) data.rows()];
        for (RowBlock b : data.blocks()) (weights ? b.weights() : b.labels()).get(0, out, (int) b.firstRow(), b.rows());
        return out;
    }

    /** {@link Dataset#labelCounts()}. */
    static long[] labelCounts(Dataset data) {
        long[] counts = new long[data.classes()];
        for (RowBlock b : data.blocks()) {
            FloatBuffer y = b.labels();
            for (int i = 0; i < b.rows(); i++) counts[(int) y.get(i)]++;
        }
        return counts;
    }
}
