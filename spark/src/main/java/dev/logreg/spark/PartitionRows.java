package dev.logreg.spark;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.data.SparseBuilder;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.nio.FloatBuffer;
import java.util.Iterator;

/**
 * A partition's rows (features vector, label, [weight]) as one float32 {@link Dataset}, dense or sparse (CSR).
 *
 * <p><b>Layout.</b> The partition is held dense where most of its vectors are {@link DenseVector}s, and as CSR
 * otherwise (every {@link SparseVector}, and a tie): a column of sparse vectors stays sparse, never widened to rows of
 * every feature, and a column of dense vectors stays dense, as before sparse data were supported. A column that mixes
 * the two (as {@code VectorAssembler} writes it, each row in its smaller form) follows its majority, so that a sparse
 * vector is widened only where the dense ones outnumber it: the dense layout then costs at most twice what the
 * partition's own dense vectors cost. The rows are read once, into the layout of the first vector: a dense partition
 * that meets its first sparse vector becomes CSR there (its rows so far copied once), and a CSR partition whose
 * dense vectors turn out the majority is made dense at the end.
 *
 * <p>Memory: CSR costs 8 bytes a stored entry (index and value) and 8 a row; dense 4 bytes an entry; labels and
 * weights 4 bytes a row each. Not thread-safe (one task's rows).
 */
final class PartitionRows {
    private final int n;
    private final int classes;
    private final boolean weighted;
    private Dataset.Builder dense;
    private SparseBuilder sparse;
    private long denseVectors;
    private long sparseVectors;
    /** Dense mode: one row of features. */
    private float[] row;
    /**
     * Dense mode, weighted rows: the weights so far, beside the dense rows (held unweighted until {@link #build}), so
     * that the rows so far can be read back when the partition turns CSR even where all their weights are 0 (a
     * dataset of such rows alone cannot be built).
     */
    private float[] weights;
    /** CSR mode: one row's nonzeros, grown to the longest row seen (at most n). */
    private int[] idx = new int[16];
    private float[] val = new float[16];

    private PartitionRows(int n, int classes, boolean weighted, boolean startSparse) {
        this.n = n;
        this.classes = classes;
        this.weighted = weighted;
        if (startSparse) {
            sparse = Dataset.sparseBuilder(n).classes(classes);
        } else {
            dense = Dataset.builder(n).classes(classes);
            row = new float[n];
            if (weighted) weights = new float[1024];
        }
    }

    /**
     * Rows (features vector, label double, [weight double]) to a float32 dataset of {@code classes} classes, dense or
     * CSR as the class comment says; null where there are none. Labels were checked on the driver; the dataset's own
     * validation (finite values, equal widths, class indices) reports anything else, naming the row of the partition.
     */
    static Dataset toDataset(Iterator<Row> rows, boolean weighted, int classes) {
        PartitionRows p = null;
        while (rows.hasNext()) {
            Row r = rows.next();
            Vector v = r.getAs(0);
            if (v == null) throw new IllegalArgumentException("a row has a null features vector; drop or impute it first");
            if (p == null) p = new PartitionRows(v.size(), classes, weighted, !(v instanceof DenseVector));
            p.add(v, (float) r.getDouble(1), weighted ? (float) r.getDouble(2) : 1f);
        }
        return p == null ? null : p.build();
    }

    private long rowsSoFar() {
        return dense != null ? dense.rowsSoFar() : sparse.rowsSoFar();
    }

    private void add(Vector v, float label, float weight) {
        if (v.size() != n) {
            throw new IllegalArgumentException("row " + rowsSoFar() + " of a partition has " + v.size() + " features, expected " + n);
        }
        if (v instanceof DenseVector) {
            denseVectors++;
            double[] x = ((DenseVector) v).values();
            if (dense != null) {
                for (int j = 0; j < n; j++) row[j] = (float) x[j];
                if (weighted) {
                    long r = dense.rowsSoFar();
                    if (r == weights.length) weights = java.util.Arrays.copyOf(weights, (int) Math.min(Integer.MAX_VALUE - 8, 2L * r));
                    weights[(int) r] = weight;
                }
                dense.addRow(row, label);
            } else {
                int count = 0;
                ensureRoom(n);
                for (int j = 0; j < n; j++) {
                    if (x[j] != 0) {
                        idx[count] = j;
                        val[count++] = (float) x[j];
                    }
                }
                sparse.addRow(idx, val, count, label, weight, weighted);
            }
        } else {
            sparseVectors++;
            if (dense != null) toSparse();
            SparseVector s = v instanceof SparseVector ? (SparseVector) v : v.toSparse();
            int[] indices = s.indices();
            double[] values = s.values();
            ensureRoom(values.length);
            for (int k = 0; k < values.length; k++) val[k] = (float) values[k];
            // The vector's own index array: the builder checks it (in range, strictly increasing) and copies it.
            sparse.addRow(indices, val, values.length, label, weight, weighted);
        }
    }

    /** Grows the CSR row scratch to {@code count} entries. */
    private void ensureRoom(int count) {
        if (count > val.length) {
            int size = (int) Math.max(count, Math.min(n, 2L * val.length));
            idx = new int[size];
            val = new float[size];
        }
    }

    /** The first sparse vector of a dense partition: its rows so far copied once to CSR, the rest read as CSR. */
    private void toSparse() {
        Dataset sofar = dense.build();
        dense = null;
        row = null;
        float[] w = weights;
        weights = null;
        sparse = Dataset.sparseBuilder(n).classes(classes);
        float[] x = new float[n];
        for (RowBlock b : sofar.blocks()) {
            FloatBuffer y = b.labels();
            for (int r = 0; r < b.rows(); r++) {
                b.copyRow(r, x, 0);
                int count = 0;
                ensureRoom(n);
                for (int j = 0; j < n; j++) {
                    if (x[j] != 0f) {
                        idx[count] = j;
                        val[count++] = x[j];
                    }
                }
                sparse.addRow(idx, val, count, y.get(r), weighted ? w[(int) (b.firstRow() + r)] : 1f, weighted);
            }
        }
    }

    private Dataset build() {
        if (dense != null) {
            Dataset d = dense.build();
            return weighted ? d.withWeights(java.util.Arrays.copyOf(weights, Math.toIntExact(d.rows()))) : d;
        }
        Dataset csr = sparse.build();
        return denseVectors > sparseVectors ? csr.toDense() : csr;
    }
}
