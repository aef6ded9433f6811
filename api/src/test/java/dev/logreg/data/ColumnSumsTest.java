package dev.logreg.data;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The column sums {@link Dataset#wrap} gathers while it validates: the same bits as the chunks summed one after the
 * other, whatever the waves; kept by what keeps the rows and weights, dropped by what changes them; and the
 * validation's messages unchanged (the first fault in row order, a weight-0 row's features still checked).
 */
class ColumnSumsTest {
    private static float[] features(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) (100.0 * (i % cols % 4) + r.nextGaussian() * (1 + i % 3));
        return x;
    }

    private static float[] labels(int rows) {
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) y[i] = i % 3 == 0 ? 1f : 0f;
        return y;
    }

    private static float[] weights(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[rows];
        for (int i = 0; i < rows; i++) w[i] = i % 7 == 3 ? 0f : i % 5 == 0 ? 1f : (float) (0.25 + 2 * r.nextDouble());
        return w;
    }

    /** The chunks' sums one after the other on this thread: what the gathered sums must equal, bit for bit. */
    private static double[] sequential(float[] x, int cols, float[] w) {
        int rows = x.length / cols;
        FloatBuffer xb = FloatBuffer.wrap(x);
        FloatBuffer wb = w == null ? null : FloatBuffer.wrap(w);
        double[] shift = ColumnSums.firstRow(xb, cols);
        double[] total = new double[1 + 3 * cols];
        int chunk = ColumnSums.chunkRows(cols);
        for (int from = 0; from < rows; from += chunk) {
            ColumnSums.add(total, ColumnSums.chunk(xb, wb, cols, from, Math.min(rows, from + chunk), shift, new float[cols]));
        }
        return total;
    }

    /** The label-1 sums as {@link #sequential} sums the totals: Σ w·y, then Σ (w·y)·d per column. */
    private static double[] sequentialPositives(float[] x, int cols, float[] y, float[] w) {
        int rows = x.length / cols;
        FloatBuffer xb = FloatBuffer.wrap(x);
        double[] shift = ColumnSums.firstRow(xb, cols);
        double[] total = new double[2 + 4 * cols];
        int chunk = ColumnSums.chunkRows(cols);
        for (int from = 0; from < rows; from += chunk) {
            ColumnSums.add(total, ColumnSums.chunk(xb, FloatBuffer.wrap(y), w == null ? null : FloatBuffer.wrap(w), cols, from,
                    Math.min(rows, from + chunk), shift, new float[cols]));
        }
        return java.util.Arrays.copyOfRange(total, 1 + 3 * cols, total.length);
    }

    private static void assertBits(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int k = 0; k < expected.length; k++) {
            if (Double.doubleToLongBits(expected[k]) != Double.doubleToLongBits(actual[k])) {
                throw new AssertionError("sum " + k + ": expected " + expected[k] + ", got " + actual[k]);
            }
        }
    }

    @Test
    void wrapGathersTheChunkSumsBitForBit() {
        // rows x cols: one row; one column (chunks of 2^20 rows); several chunks with a short last one; wide rows
        int[][] shapes = {{1, 5}, {3000, 1}, {35_000, 100}, {700, 3000}, {130, 8192}};
        for (int[] shape : shapes) {
            for (boolean weighted : new boolean[] {false, true}) {
                int rows = shape[0];
                int cols = shape[1];
                float[] x = features(rows, cols, rows + cols);
                float[] w = weighted ? weights(rows, cols) : null;
                Dataset d = Dataset.wrap(x, cols, labels(rows), w);
                ColumnSums sums = d.columnSums().orElseThrow(() -> new AssertionError(rows + " x " + cols + ": no sums gathered"));
                assertBits(sequential(x, cols, w), sums.totals());
                assertArrayEquals(ColumnSums.firstRow(FloatBuffer.wrap(x), cols), sums.shift());
                assertBits(sequentialPositives(x, cols, labels(rows), w), sums.positiveSums().orElseThrow());
            }
        }
    }

    @Test
    void wavesOfAFewPiecesAddTheChunksInTheSameOrder() {
        int rows = 40_000;
        int cols = 100;   // 10,485 rows a chunk: 4 chunks
        float[] x = features(rows, cols, 3);
        float[] w = weights(rows, 4);
        double[] expected = sequential(x, cols, w);
        for (long waveBytes : new long[] {1, 8L * (1 + 3 * cols) * 2, 1L << 30}) {
            ColumnSums s = Validation.checkBlock(0, rows, cols, FloatBuffer.wrap(x), FloatBuffer.wrap(labels(rows)), FloatBuffer.wrap(w), 2, true, waveBytes);
            assertBits(expected, s.totals());
        }
    }

    @Test
    void keptWhereTheRowsAndWeightsAreTheSameDroppedWhereNot() {
        int rows = 500;
        int cols = 7;
        Dataset d = Dataset.wrap(features(rows, cols, 9), cols, labels(rows), null);
        ColumnSums sums = d.columnSums().orElseThrow();
        assertBits(sums.totals(), d.withFeatureNames(List.of("a", "b", "c", "d", "e", "f", "g")).columnSums().orElseThrow().totals());
        assertBits(sums.totals(), d.withClasses(3).columnSums().orElseThrow().totals());
        assertBits(sums.totals(), Dataset.concat(List.of(d)).columnSums().orElseThrow().totals());
        assertFalse(Dataset.concat(List.of(d, d)).columnSums().isPresent(), "two parts: the shift is part 0's alone");
        assertFalse(d.select(new int[] {3, 1, 2}).columnSums().isPresent(), "other rows");
        assertFalse(d.withWeights(weights(rows, 1)).columnSums().isPresent(), "other weights");
        assertFalse(ClassWeights.balanced(d).columnSums().isPresent(), "other weights");
        assertFalse(Dataset.wrap(features(2, 8193, 1), 8193, labels(2), null).columnSums().isPresent(), "wider than gathered");
        // The label-1 sums: kept with the labels, dropped where they change, never gathered for K classes.
        assertBits(sums.positiveSums().orElseThrow(), d.withFeatureNames(List.of("a", "b", "c", "d", "e", "f", "g")).columnSums().orElseThrow()
                .positiveSums().orElseThrow());
        assertTrue(d.oneVsRest(0).columnSums().orElseThrow().positiveSums().isEmpty(), "relabelled: class 0 against the rest");
        assertBits(sums.totals(), d.oneVsRest(0).columnSums().orElseThrow().totals());
        float[] classes = new float[rows];
        for (int i = 0; i < rows; i++) classes[i] = i % 3;
        assertTrue(Dataset.wrap(features(rows, cols, 9), cols, classes, null, 3).columnSums().orElseThrow().positiveSums().isEmpty(),
                "three classes");
        Dataset.Builder b = Dataset.builder(cols);
        b.addRow(new float[cols], 1f);
        assertFalse(b.build().columnSums().isPresent(), "rows appended through a builder");
    }

    @Test
    void theFirstFaultInRowOrderIsStillTheOneNamed() {
        int rows = 50;
        int cols = 4;
        float[] x = features(rows, cols, 5);
        float[] y = labels(rows);
        x[20 * cols + 2] = Float.NaN;
        y[30] = 2f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, cols, y, null));
        assertEquals("feature at row 20, column 2 is NaN, expected a finite number", e.getMessage());

        float[] x2 = features(rows, cols, 5);
        float[] y2 = labels(rows);
        y2[10] = 2f;
        x2[20 * cols + 2] = Float.POSITIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x2, cols, y2, null));
        assertEquals("label at row 10 is 2.0, expected 0 or 1", e.getMessage());
    }

    @Test
    void aNonFiniteFeatureOfARowOfWeightZeroIsStillRefused() {
        int rows = 40;
        int cols = 3;
        float[] x = features(rows, cols, 6);
        float[] w = new float[rows];
        java.util.Arrays.fill(w, 1f);
        w[17] = 0f;
        x[17 * cols + 1] = Float.NEGATIVE_INFINITY;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, cols, labels(rows), w));
        assertEquals("feature at row 17, column 1 is -Infinity, expected a finite number", e.getMessage());
    }

    @Test
    void theLargestFiniteFeaturesKeepEverySumFinite() {
        // Why a finite sum proves every feature finite: float32's largest value, squared and weighted by float32's
        // largest weight, is about 4e115, far from float64's overflow even summed over a whole block.
        int rows = 3;
        int cols = 2;
        float[] x = {Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
        Dataset d = Dataset.wrap(x, cols, labels(rows), new float[] {Float.MAX_VALUE, Float.MAX_VALUE, 1f});
        assertTrue(ColumnSums.allFinite(d.columnSums().orElseThrow().totals()));
    }
}
