package dev.logreg.model;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sparse rows score as the same rows held dense, bit for bit: one at a time (indices and values) and as a sparse
 * {@link Dataset}, for the three kinds of model, at widths with and without a tail past the last multiple of four.
 */
class SparseScoringTest {
    private static double[] coefficients(SplittableRandom r, int n) {
        double[] c = new double[n];
        for (int j = 0; j < n; j++) c[j] = r.nextInt(4) == 0 ? 0 : r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4));
        return c;
    }

    /** Rows with every kind of sparsity: empty, one nonzero, all columns, and random ones with extreme values. */
    private static float[][] rows(SplittableRandom r, int n, int m) {
        float[][] x = new float[m][n];
        for (int j = 0; j < n; j++) x[2][j] = (float) r.nextGaussian();
        x[1][n - 1] = 3f;
        for (int i = 3; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (r.nextInt(3) == 0) x[i][j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-20, 20)));
            }
        }
        return x;
    }

    private static int compress(float[] row, int[] idx, float[] val) {
        int count = 0;
        for (int j = 0; j < row.length; j++) {
            if (row[j] != 0f) {
                idx[count] = j;
                val[count++] = row[j];
            }
        }
        return count;
    }

    private static void same(double expected, double got, String what) {
        if (Double.doubleToLongBits(expected) != Double.doubleToLongBits(got)) throw new AssertionError(what + ": " + got + ", expected " + expected);
    }

    @Test
    void sparseRowsScoreBitForBitAsDense() {
        SplittableRandom r = new SplittableRandom(11);
        for (int n : new int[] {1, 3, 13, 16}) {
            int m = 40;
            float[][] x = rows(r, n, m);
            float[] y = new float[m];
            for (int i = 0; i < m; i++) y[i] = i % 3;
            Dataset dense = Dataset.fromRows(x, y, null, 3);
            Dataset sparse = dense.toSparse();
            assertTrue(sparse.isSparse());
            LogisticModel binary = new LogisticModel(coefficients(r, n), 0.25, true, null);
            SoftmaxModel softmax = new SoftmaxModel(new double[][] {coefficients(r, n), coefficients(r, n), coefficients(r, n)}, new double[] {0.5, -1, 0.5}, true, null);
            List<LogisticModel> parts = new ArrayList<>();
            for (int c = 0; c < 3; c++) parts.add(new LogisticModel(coefficients(r, n), c - 1.0, true, null));
            OneVsRestModel ovr = new OneVsRestModel(parts);
            double[] zDense = binary.decisionFunction(dense);
            double[] zSparse = binary.decisionFunction(sparse);
            int[] idx = new int[n];
            float[] val = new float[n];
            for (int i = 0; i < m; i++) {
                int count = compress(x[i], idx, val);
                same(binary.decisionFunction(x[i]), binary.decisionFunction(idx, val, count), "binary row " + i + ", n " + n);
                same(zDense[i], zSparse[i], "binary dataset row " + i);
                for (LinearClassifier k : List.of(binary, softmax, ovr)) {
                    double[] a = new double[k.classes()];
                    double[] b = new double[k.classes()];
                    k.predictProbabilities(x[i], a);
                    k.predictProbabilities(idx, val, count, b);
                    for (int c = 0; c < a.length; c++) same(a[c], b[c], k + " row " + i + " class " + c);
                    assertEquals(k.predictClass(x[i]), k.predictClass(idx, val, count));
                }
            }
            for (LinearClassifier k : List.of(binary, softmax, ovr)) {
                double[] a = k.predictProbabilities(dense);
                double[] b = k.predictProbabilities(sparse);
                for (int v = 0; v < a.length; v++) same(a[v], b[v], k + " dataset value " + v);
                assertEquals(java.util.Arrays.toString(k.predictClasses(dense)), java.util.Arrays.toString(k.predictClasses(sparse)));
            }
        }
    }

    @Test
    void badSparseRowsAreRefusedNamingTheNonzero() {
        LogisticModel m = new LogisticModel(new double[] {1, 2, 3}, 0, true, null);
        SoftmaxModel s = new SoftmaxModel(new double[][] {{1, 2, 3}, {0, 1, 0}}, new double[] {0, 0}, true, null);
        for (LinearClassifier k : List.of(m, s)) {
            double[] out = new double[2];
            IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> k.predictProbabilities(new int[] {0, 3}, new float[] {1, 1}, 2, out));
            assertEquals("nonzero 1: column index 3 is outside [0, 3)", a.getMessage());
            IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> k.predictClass(new int[] {2, 1}, new float[] {1, 1}, 2));
            assertEquals("nonzero 1: column index 1 follows 2 (indices must be sorted and unique)", b.getMessage());
            IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> k.predictClass(new int[] {1, 1}, new float[] {1, 1}, 2));
            assertEquals("nonzero 1: column index 1 repeats (indices must be sorted and unique)", c.getMessage());
            assertThrows(IllegalArgumentException.class, () -> k.predictClass(new int[] {1}, new float[] {1}, 2));
        }
        UndefinedLogitException nan = assertThrows(UndefinedLogitException.class, () -> m.decisionFunction(new int[] {1}, new float[] {Float.NaN}, 1));
        assertEquals(0, nan.row());
        assertTrue(nan.reason().contains("feature 1 is NaN"), nan.reason());
        // Only the first count entries are the row: what follows is ignored.
        same(m.decisionFunction(new float[] {0, 2, 0}), m.decisionFunction(new int[] {1, 0}, new float[] {2, Float.NaN}, 1), "prefix");
    }
}
