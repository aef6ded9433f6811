package dev.logreg.spark;

import dev.logreg.data.Dataset;
import dev.logreg.objective.ColumnStatistics;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without a Spark session (Rows and vectors are plain objects): a partition's vectors to a dense or CSR dataset
 * ({@link PartitionRows}), the column moments of either layout and their merge ({@link ColumnMoments}), and the
 * model's scores of sparse vectors.
 */
class PartitionRowsTest {
    private static final Dataset SPARSE = SparkTestData.sparseSet(300, 1000, 2, true, 20261210L);

    /** Row i of {@code data} as (features, label, weight), the features sparse where {@code sparseRow} says. */
    private static List<Row> rows(Dataset data, LongPredicate sparseRow) {
        List<Row> out = new ArrayList<>();
        int n = data.cols();
        float[] x = new float[n];
        for (long i = 0; i < data.rows(); i++) {
            data.copyRow(i, x);
            double[] d = new double[n];
            for (int j = 0; j < n; j++) d[j] = x[j];
            Vector v = sparseRow.test(i) ? Vectors.dense(d).toSparse() : Vectors.dense(d);
            out.add(RowFactory.create(v, (double) data.label(i), (double) data.weight(i)));
        }
        return out;
    }

    private static void assertSameRows(Dataset expected, Dataset actual) {
        assertEquals(expected.rows(), actual.rows(), "rows");
        assertEquals(expected.cols(), actual.cols(), "cols");
        float[] a = new float[expected.cols()];
        float[] b = new float[expected.cols()];
        for (long i = 0; i < expected.rows(); i++) {
            expected.copyRow(i, a);
            actual.copyRow(i, b);
            assertArrayEquals(a, b, "features of row " + i);
            assertEquals(expected.label(i), actual.label(i), "label of row " + i);
            assertEquals(expected.weight(i), actual.weight(i), "weight of row " + i);
        }
    }

    @Test
    void sparseVectorsBecomeCsrOfTheirStoredEntries() {
        Dataset d = PartitionRows.toDataset(rows(SPARSE, i -> true).iterator(), true, 2);
        assertTrue(d.isSparse(), "a partition of SparseVectors is held as CSR");
        assertEquals(SPARSE.nonzeros(), d.nonzeros(), "stored entries: the vectors' own, nothing widened");
        assertSameRows(SPARSE, d);
        assertTrue(!PartitionRows.toDataset(rows(SPARSE, i -> false).iterator(), true, 2).isSparse(), "DenseVectors stay dense");
    }

    /** Mixed partitions follow the majority of their vectors, whichever comes first; a tie is CSR. */
    @Test
    void aMixedPartitionTakesTheLayoutOfMostOfItsVectors() {
        Dataset fewSparse = PartitionRows.toDataset(rows(SPARSE, i -> i % 3 == 0).iterator(), true, 2); // row 0 sparse, a third in all
        assertTrue(!fewSparse.isSparse(), "two thirds dense: dense, though the first vector is sparse");
        assertSameRows(SPARSE, fewSparse);
        Dataset mostSparse = PartitionRows.toDataset(rows(SPARSE, i -> i % 3 != 0).iterator(), true, 2); // row 0 dense
        assertTrue(mostSparse.isSparse(), "two thirds sparse: CSR, though the first vector is dense");
        assertSameRows(SPARSE, mostSparse);
        Dataset tie = PartitionRows.toDataset(rows(SPARSE, i -> i % 2 == 1).iterator(), true, 2);
        assertTrue(tie.isSparse(), "as many sparse as dense: CSR");
        assertSameRows(SPARSE, tie);
    }

    @Test
    void badVectorsAreNamedByRow() {
        List<Row> rows = new ArrayList<>(List.of(
                RowFactory.create(Vectors.sparse(5, new int[] {1}, new double[] {2}), 1.0),
                RowFactory.create(Vectors.sparse(5, new int[] {0, 3}, new double[] {1, Double.NaN}), 0.0)));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> PartitionRows.toDataset(rows.iterator(), false, 2));
        assertTrue(nan.getMessage().contains("row 1") && nan.getMessage().contains("NaN"), nan.getMessage());
        rows.set(1, RowFactory.create(Vectors.sparse(6, new int[] {0}, new double[] {1}), 0.0));
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> PartitionRows.toDataset(rows.iterator(), false, 2));
        assertTrue(width.getMessage().contains("row 1 of a partition has 6 features, expected 5"), width.getMessage());
    }

    private static void assertClose(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), what + ": " + actual + " vs " + expected);
    }

    /**
     * A CSR partition lists only its stored columns, with the dense copy's moments; partitions of either layout
     * merge into the whole dataset's statistics, rows of weight 0 left out.
     */
    @Test
    void sparseMomentsListStoredColumnsAndMergeToTheWholeDatasets() {
        Dataset dense = SPARSE.toDense();
        ColumnMoments s = ColumnMoments.of(SPARSE);
        ColumnMoments d = ColumnMoments.of(dense);
        assertTrue(s.columns.length < SPARSE.cols(), "some columns are never stored: " + s.columns.length + " of " + SPARSE.cols() + " listed");
        for (int j = 0, k = 0; j < SPARSE.cols(); j++) {
            boolean listed = k < s.columns.length && s.columns[k] == j;
            assertClose(d.mean[j], listed ? s.mean[k] : 0, "mean of column " + j);
            assertClose(d.m2[j], listed ? s.m2[k] : 0, "m2 of column " + j);
            assertClose(d.sq[j], listed ? s.sq[k] : 0, "sq of column " + j);
            if (listed) k++;
        }
        // Three partitions: CSR, dense, CSR.
        List<ColumnMoments> parts = new ArrayList<>();
        double[] weights = new double[3];
        for (int p = 0; p < 3; p++) {
            int from = p * 100;
            int[] rows = java.util.stream.IntStream.range(from, from + 100).toArray();
            Dataset part = p == 1 ? dense.select(rows) : SPARSE.select(rows);
            parts.add(ColumnMoments.of(part));
            weights[p] = part.weightSum();
        }
        ColumnStatistics merged = ColumnMoments.merge(SPARSE.cols(), parts, weights);
        ColumnStatistics whole = ColumnStatistics.of(dense);
        for (int j = 0; j < SPARSE.cols(); j++) {
            assertClose(whole.mean()[j], merged.mean()[j], "merged mean of column " + j);
            assertClose(whole.std()[j], merged.std()[j], "merged std of column " + j);
            assertClose(whole.rms()[j], merged.rms()[j], "merged rms of column " + j);
        }
    }

    /** A SparseVector scores as its dense copy, to the bit, for binary, multinomial and one-vs-rest models. */
    @Test
    void sparseRowsScoreAsTheirDenseCopies() {
        double[][] w = {{0.5, -1.25, 0, 3}, {-2, 0.75, 1.5, 0}, {0.1, 0.2, -0.3, 0.4}};
        double[] b = {0.25, -0.5, 1};
        List<LogregClassificationModel> models = List.of(new LogregClassificationModel(w[0], b[0]),
                new LogregClassificationModel(w, b), LogregClassificationModel.oneVsRest(w, b));
        Vector sparse = Vectors.sparse(4, new int[] {1, 3}, new double[] {-2.5, 0.125});
        Vector empty = Vectors.sparse(4, new int[0], new double[0]);
        for (LogregClassificationModel m : models) {
            for (Vector x : List.of(sparse, empty)) {
                assertArrayEquals(m.rawPrediction(x.toDense()), m.rawPrediction(x), m + " raw prediction of " + x);
                assertArrayEquals(m.probabilities(x.toDense()), m.probabilities(x), m + " probabilities of " + x);
            }
        }
        assertEquals(0.25 - 1.25 * -2.5 + 3 * 0.125, models.get(0).margin(sparse), 0.0, "θ·x + b over the stored entries");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> models.get(0).margin(Vectors.sparse(5, new int[0], new double[0])));
        assertTrue(e.getMessage().contains("5 entries, the model has 4"), e.getMessage());
    }
}
