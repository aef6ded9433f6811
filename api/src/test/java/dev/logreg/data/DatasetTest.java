package dev.logreg.data;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {
    private static void expect(Executable e, String... parts) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        for (String part : parts) assertTrue(x.getMessage().contains(part), "message '" + x.getMessage() + "' lacks '" + part + "'");
    }

    private static final float[] X = {1, 2, 3, 4, 5, 6};
    private static final float[] Y = {0, 1, 1};

    // ---- validation ---------------------------------------------------------------------------------------------

    @Test
    void nonFiniteFeatureNamesRowAndColumn() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] x = X.clone();
            x[3] = bad; // row 1, column 1
            expect(() -> Dataset.wrap(x, 2, Y, null), "row 1", "column 1", String.valueOf(bad));
            expect(() -> Dataset.fromRows(new float[][] {{1, 2}, {3, bad}}, new float[] {0, 1}), "row 1", "column 1", String.valueOf(bad));
            expect(() -> Dataset.builder(2).addRow(new float[] {0, 0}, 1).addRow(new float[] {bad, 0}, 1), "row 1", "column 0");
        }
    }

    @Test
    void labelOtherThanZeroOrOneNamesTheRow() {
        for (float bad : new float[] {2f, -1f, 0.5f, Float.NaN}) {
            expect(() -> Dataset.wrap(X, 2, new float[] {0, 1, bad}, null), "label at row 2", String.valueOf(bad), "0 or 1");
            expect(() -> Dataset.builder(1).addRow(new float[] {1}, bad), "label at row 0", String.valueOf(bad));
        }
    }

    @Test
    void badWeightsNamesTheRow() {
        for (float bad : new float[] {-1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            expect(() -> Dataset.wrap(X, 2, Y, new float[] {1, bad, 1}), "weight at row 1", String.valueOf(bad));
            expect(() -> Dataset.fromRows(new float[][] {{1}, {2}}, new float[] {0, 1}, new float[] {1, bad}), "weight at row 1");
            expect(() -> Dataset.builder(1).addRow(new float[] {1}, 0, bad), "weight at row 0");
        }
        expect(() -> Dataset.wrap(X, 2, Y, new float[] {0, 0, 0}), "zero");
        // Some zero weights are fine: they drop rows from the mean.
        assertEquals(2.0, Dataset.wrap(X, 2, Y, new float[] {0, 2, 0}).weightSum(), 0.0);
    }

    @Test
    void emptyShapesAreRejected() {
        expect(() -> Dataset.wrap(new float[0], 2, new float[0], null), "zero rows");
        expect(() -> Dataset.fromRows(new float[0][], new float[0]), "zero rows");
        expect(() -> Dataset.builder(3).build(), "zero rows");
        expect(() -> Dataset.wrap(new float[0], 0, new float[0], null), "cols is 0");
        expect(() -> Dataset.builder(0), "cols is 0");
        expect(() -> Dataset.fromRows(new float[][] {{}, {}}, new float[] {0, 1}), "cols is 0");
    }

    @Test
    void wrongLengthsAreRejected() {
        expect(() -> Dataset.wrap(new float[] {1, 2, 3, 4, 5}, 2, Y, null), "5", "3 x 2");
        expect(() -> Dataset.wrap(X, 2, Y, new float[] {1, 1}), "weights hold 2", "(3)");
        expect(() -> Dataset.fromRows(new float[][] {{1, 2}, {3, 4, 5}}, new float[] {0, 1}), "row 1", "3 features", "expected 2");
        expect(() -> Dataset.fromRows(new float[][] {{1, 2}, null}, new float[] {0, 1}), "row 1", "null");
        expect(() -> Dataset.fromRows(new float[][] {{1, 2}, {3, 4}}, new float[] {0, 1, 1}), "3 labels for 2 rows");
        expect(() -> Dataset.fromRows(new float[][] {{1, 2}, {3, 4}}, new float[] {0, 1}, new float[] {1}), "1 weights for 2 rows");
        expect(() -> Dataset.builder(3).addRow(new float[] {1, 2}, 0), "row 0", "2 features", "expected 3");
        // The offset form reads cols floats from the offset: 4 − 2 = 2 are left, 3 are needed.
        expect(() -> Dataset.builder(3).addRow(new float[] {1, 2, 3, 4}, 2, 0, 1, false), "row 0", "2 features", "expected 3");
        expect(() -> Dataset.builder(3).addRow(new float[] {1, 2, 3, 4}, -1, 0, 1, false), "row 0", "expected 3");
        assertEquals(4f, Dataset.builder(3).addRow(new float[] {1, 2, 3, 4}, 1, 0, 1, false).build().feature(0, 2));
        expect(() -> Dataset.wrap(X, 2, Y, null).withFeatureNames(List.of("a")), "1 given", "expected 2");
        expect(() -> Dataset.builder(2).featureNames(List.of("a", "b", "c")).addRow(new float[] {1, 2}, 0).build(), "3 given");
    }

    @Test
    void builderRejectsMixedWeightedAndUnweightedRows() {
        expect(() -> Dataset.builder(1).addRow(new float[] {1}, 0).addRow(new float[] {2}, 1, 1f), "row 1", "has a weight");
        expect(() -> Dataset.builder(1).addRow(new float[] {1}, 0, 1f).addRow(new float[] {2}, 1), "row 1", "has no weight");
        expect(() -> Dataset.builder(1).addRow(new float[] {1}, 0, 0, 1f, true).addRow(new float[] {2}, 0, 1, 0f, false), "row 1", "has no weight");
        expect(() -> Dataset.builder(1).addRow(new float[] {1}, 0, 0, 1f, false).addRow(new float[] {2}, 0, 1, 1f, true), "row 1", "has a weight");
    }

    @Test
    void blockCapacitySmallerThanARowIsRejected() {
        expect(() -> Dataset.builder(4).blockCapacity(3), "3", "4");
        assertThrows(IllegalStateException.class, () -> Dataset.builder(1).addRow(new float[] {1}, 0).blockCapacity(8));
    }

    // ---- contents -----------------------------------------------------------------------------------------------

    @Test
    void accessorsReturnWhatWasGiven() {
        Dataset d = Dataset.wrap(X, 2, Y, new float[] {0.5f, 2, 1.25f});
        assertEquals(3, d.rows());
        assertEquals(2, d.cols());
        assertTrue(d.isWeighted());
        assertEquals(3.75, d.weightSum(), 0.0);
        assertEquals(6f, d.feature(2, 1));
        assertEquals(1f, d.label(1));
        assertEquals(1.25f, d.weight(2));
        float[] row = new float[2];
        d.copyRow(1, row);
        assertArrayEquals(new float[] {3, 4}, row);
        assertArrayEquals(new long[] {1, 2}, d.labelCounts());
        assertNull(d.featureNames());
        assertThrows(IndexOutOfBoundsException.class, () -> d.feature(3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> d.feature(0, 2));

        Dataset u = Dataset.fromRows(new float[][] {{1, 2}, {3, 4}}, new float[] {1, 1});
        assertFalse(u.isWeighted());
        assertEquals(2.0, u.weightSum(), 0.0, "unweighted: m is the row count");
        assertEquals(1f, u.weight(0));
        assertNull(u.blocks().get(0).weights());
    }

    @Test
    void weightSumIsTakenInDouble() {
        // 100 000 weights of 0.1f: a float running sum drifts by far more than 1e-9 relative once it passes 2^13
        // (its spacing there is ~1e-3); a double sum stays within 1e-9.
        Dataset.Builder b = Dataset.builder(1);
        int n = 100_000;
        for (int i = 0; i < n; i++) b.addRow(new float[] {i}, i % 2, 0.1f);
        double expected = n * (double) 0.1f;
        assertTrue(Math.abs(b.build().weightSum() - expected) <= 1e-9 * expected, "weight sum of " + n + " x 0.1f");
    }

    @Test
    void featureNames() {
        Dataset d = Dataset.builder(2).featureNames(List.of("height", "width")).addRow(new float[] {1, 2}, 0).build();
        assertEquals(List.of("height", "width"), d.featureNames());
        assertThrows(UnsupportedOperationException.class, () -> d.featureNames().set(0, "x"));
        List<String> names = new ArrayList<>(List.of("a", "b"));
        Dataset named = Dataset.wrap(X, 2, Y, null).withFeatureNames(names);
        names.set(0, "changed");
        assertEquals(List.of("a", "b"), named.featureNames(), "names are copied");
        List<String> withNull = new ArrayList<>();
        withNull.add("a");
        withNull.add(null);
        expect(() -> Dataset.wrap(X, 2, Y, null).withFeatureNames(withNull), "column 1", "null");
    }

    @Test
    void returnedBuffersAndListsAreReadOnly() {
        Dataset d = Dataset.wrap(X.clone(), 2, Y.clone(), new float[] {1, 1, 1});
        RowBlock b = d.blocks().get(0);
        assertThrows(ReadOnlyBufferException.class, () -> b.features().put(0, 9f));
        assertThrows(ReadOnlyBufferException.class, () -> b.labels().put(0, 1f));
        assertThrows(ReadOnlyBufferException.class, () -> b.weights().put(0, 2f));
        assertThrows(UnsupportedOperationException.class, () -> d.blocks().clear());
        // Each call returns a fresh view: moving one's position does not move the next one's.
        FloatBuffer f = b.features();
        f.position(3);
        assertEquals(0, b.features().position());
    }

    @Test
    void fromRowsAndBuilderCopy() {
        float[][] rows = {{1, 2}, {3, 4}};
        float[] labels = {0, 1};
        Dataset d = Dataset.fromRows(rows, labels);
        rows[0][0] = 99;
        labels[1] = 0;
        assertEquals(1f, d.feature(0, 0));
        assertEquals(1f, d.label(1));
    }

    @Test
    void wrapReadsBuffersFromPositionZeroToTheirLimit() {
        FloatBuffer x = FloatBuffer.wrap(X);
        x.position(4);
        FloatBuffer y = FloatBuffer.wrap(Y);
        y.position(2);
        Dataset d = Dataset.wrap(x, 2, y, null, List.of("p", "q"));
        assertEquals(3, d.rows());
        assertEquals(1f, d.feature(0, 0));
        assertEquals(4, x.position(), "the caller's buffer is not moved");
        assertEquals(List.of("p", "q"), d.featureNames());
    }

    // ---- blocks -------------------------------------------------------------------------------------------------

    /** A random dataset built into blocks of at most {@code capacity} floats. */
    private static Dataset random(SplittableRandom random, int rows, int cols, boolean weighted, int capacity) {
        Dataset.Builder b = Dataset.builder(cols);
        if (capacity > 0) b = b.blockCapacity(capacity);
        SplittableRandom r = random.split();
        float[] x = new float[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) x[j] = (float) r.nextGaussian(j, 1 + j);
            float y = r.nextBoolean() ? 1 : 0;
            if (weighted) b.addRow(x, y, (float) r.nextDouble(0, 3));
            else b.addRow(x, y);
        }
        return b.build();
    }

    @Test
    void multiBlockDatasetsMatchSingleBlockOnesThroughTheReferenceBackend() {
        for (boolean weighted : new boolean[] {false, true}) {
            int rows = 53;
            int cols = 4;
            Dataset one = random(new SplittableRandom(5), rows, cols, weighted, 0);
            // 3 rows per block (12 floats, capacity 14 rounds down to whole rows): 18 blocks, the last one short.
            Dataset many = random(new SplittableRandom(5), rows, cols, weighted, 14);
            assertEquals(1, one.blocks().size());
            assertEquals(18, many.blocks().size());
            long next = 0;
            for (RowBlock b : many.blocks()) {
                assertEquals(next, b.firstRow(), "blocks are contiguous");
                assertTrue(b.rows() <= 3, "rows per block");
                next += b.rows();
            }
            assertEquals(rows, next);
            assertEquals(one.weightSum(), many.weightSum(), 0.0);
            assertArrayEquals(one.labelCounts(), many.labelCounts());
            for (long i = 0; i < rows; i++) {
                assertEquals(one.label(i), many.label(i));
                assertEquals(one.weight(i), many.weight(i));
                for (int j = 0; j < cols; j++) assertEquals(one.feature(i, j), many.feature(i, j), "row " + i + " col " + j);
            }
            double[] params = {0.3, -0.2, 0.1, 0.05, -0.4};
            for (Loss loss : new Loss[] {Loss.log(), Loss.mse()}) {
                for (BindOptions options : new BindOptions[] {BindOptions.DEFAULT, BindOptions.permuted(17)}) {
                    try (ReferenceBackend backend = new ReferenceBackend();
                         DataTerm a = backend.bind(one, loss, options);
                         DataTerm c = backend.bind(many, loss, options)) {
                        String what = loss + ", weighted " + weighted + ", " + options;
                        double[] ga = new double[cols + 1];
                        double[] gc = new double[cols + 1];
                        // Same rows, same order, same double sums: bit-identical.
                        assertEquals(a.valueAndGradient(params, ga), c.valueAndGradient(params, gc), 0.0, what);
                        assertArrayEquals(ga, gc, 0.0, what);
                        assertEquals(a.valueAndGradient(7, 40, params, ga), c.valueAndGradient(7, 40, params, gc), 0.0, what);
                        assertArrayEquals(ga, gc, 0.0, what);
                        assertEquals(a.weightSum(2, 50), c.weightSum(2, 50), 0.0, what);
                        double[] ma = new double[rows];
                        double[] mc = new double[rows];
                        a.margins(0, rows, params, ma);
                        c.margins(0, rows, params, mc);
                        assertArrayEquals(ma, mc, 0.0, what);
                        double[] ha = new double[(cols + 1) * (cols + 1)];
                        double[] hc = new double[ha.length];
                        a.hessian(params, ha);
                        c.hessian(params, hc);
                        assertArrayEquals(ha, hc, 0.0, what);
                    }
                }
            }
        }
    }

    // ---- memory -------------------------------------------------------------------------------------------------

    private static void assertDirectNative(FloatBuffer b, String what) {
        assertTrue(b.isDirect(), what + " must be a direct buffer");
        assertEquals(ByteOrder.nativeOrder(), b.order(), what + " must be in native byte order");
    }

    @Test
    void builderBlocksAreDirectNativeOrderSlicesOfExactlyTheRowsFilled() {
        // 2500 rows of 3: the first block grows 1024 -> 2048 -> 4096 rows within the default capacity; the last
        // (here the only) block is a slice of exactly the 2500 rows, however large its buffer grew.
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset d = random(new SplittableRandom(8), 2500, 3, weighted, 0);
            assertEquals(1, d.blocks().size());
            RowBlock b = d.blocks().get(0);
            assertDirectNative(b.features(), "features");
            assertDirectNative(b.labels(), "labels");
            assertEquals(2500 * 3, b.features().limit(), "features of the filled rows only");
            assertEquals(2500 * 3, b.features().capacity(), "a slice, not the grown buffer");
            assertEquals(2500, b.labels().limit());
            if (weighted) {
                assertDirectNative(b.weights(), "weights");
                assertEquals(2500, b.weights().limit());
            } else {
                assertNull(b.weights(), "unweighted rows keep no weights");
            }
        }
        // Small blocks: every block, full or not, is direct and exactly its rows.
        Dataset many = random(new SplittableRandom(9), 53, 4, true, 14);
        for (RowBlock b : many.blocks()) {
            assertDirectNative(b.features(), "features of block at row " + b.firstRow());
            assertDirectNative(b.weights(), "weights of block at row " + b.firstRow());
            assertEquals(b.rows() * 4, b.features().capacity(), "block at row " + b.firstRow());
        }
        assertDirectNative(Dataset.fromRows(new float[][] {{1, 2}}, new float[] {1}).blocks().get(0).features(), "fromRows features");
    }

    @Test
    void builderValuesRoundTripExactlyAcrossGrowthAndBlocks() {
        // 3000 rows with distinct values: every float read back is the one appended (no loss in the doublings).
        Dataset.Builder b = Dataset.builder(2).blockCapacity(2 * 1100);
        for (int i = 0; i < 3000; i++) b.addRow(new float[] {i + 0.25f, -i}, i % 2, (i % 7) * 0.5f);
        Dataset d = b.build();
        assertEquals(3, d.blocks().size(), "blocks of 1100, 1100 and 800 rows");
        for (long i = 0; i < 3000; i++) {
            assertEquals(i + 0.25f, d.feature(i, 0), "row " + i);
            assertEquals((float) -i, d.feature(i, 1), "row " + i);
            assertEquals(i % 2, d.label(i), "label of row " + i);
            assertEquals((i % 7) * 0.5f, d.weight(i), "weight of row " + i);
        }
    }

    @Test
    void blockCapacityBeyondOneDirectBufferIsRejected() {
        expect(() -> Dataset.builder(1).blockCapacity(Integer.MAX_VALUE), String.valueOf(Integer.MAX_VALUE), "direct buffer");
        assertEquals(1, Dataset.builder(1).blockCapacity(Integer.MAX_VALUE / 4).addRow(new float[] {1}, 0).build().rows());
    }

    @Test
    void wrapOfArraysStaysOnTheHeap() {
        Dataset d = Dataset.wrap(X.clone(), 2, Y.clone(), new float[] {1, 1, 1});
        RowBlock b = d.blocks().get(0);
        assertFalse(b.features().isDirect(), "wrap keeps the caller's heap array");
        assertFalse(b.labels().isDirect());
        assertFalse(b.weights().isDirect());
    }

    // ---- concat -------------------------------------------------------------------------------------------------

    @Test
    void selectCopiesTheRowsInTheirOrderAcrossBlocks() {
        Dataset.Builder b = Dataset.builder(2).blockCapacity(6).featureNames(List.of("a", "b"));   // 3 rows a block
        for (int i = 0; i < 7; i++) b.addRow(new float[] {i, -i}, i % 2, i + 1);
        Dataset data = b.build();
        assertTrue(data.blocks().size() >= 3, "several blocks: " + data.blocks().size());
        int[] rows = {6, 0, 3, 3, 5};
        Dataset s = data.select(rows);
        assertEquals(5, s.rows());
        assertTrue(s.isWeighted());
        assertEquals(7 + 1 + 4 + 4 + 6, s.weightSum());
        assertEquals(List.of("a", "b"), s.featureNames());
        for (int k = 0; k < rows.length; k++) {
            assertEquals(data.feature(rows[k], 0), s.feature(k, 0), "row " + k);
            assertEquals(data.feature(rows[k], 1), s.feature(k, 1), "row " + k);
            assertEquals(data.label(rows[k]), s.label(k));
            assertEquals(data.weight(rows[k]), s.weight(k));
        }
        for (RowBlock block : s.blocks()) {
            assertTrue(block.features().isDirect() && block.features().order() == ByteOrder.nativeOrder(),
                    "direct native-order blocks, as the builder's, so a backend reading blocks in place still does");
        }
        Dataset unweighted = Dataset.wrap(new float[] {1, 2, 3}, 1, new float[] {0, 1, 0}, null);
        assertFalse(unweighted.select(new int[] {2, 1}).isWeighted());
        assertArrayEquals(new float[] {0, 1}, unweighted.select(new int[] {2, 1}).copyLabels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.select(new int[] {1, 7}));
        assertTrue(e.getMessage().contains("selected row 7 (position 1) is outside [0, 7)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> data.select(new int[0]));
        assertTrue(e.getMessage().contains("no rows selected"), e.getMessage());
        Dataset zeros = Dataset.wrap(new float[] {1, 2}, 1, new float[] {0, 1}, new float[] {0, 1});
        e = assertThrows(IllegalArgumentException.class, () -> zeros.select(new int[] {0}));
        assertTrue(e.getMessage().contains("every sample weight is zero"), e.getMessage());
    }

    @Test
    void concatJoinsPartsInOrderWithoutCopying() {
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset whole = random(new SplittableRandom(11), 40, 3, weighted, 0);
            // The same rows as three parts: built into small blocks, wrapped from arrays, built again.
            Dataset a = random(new SplittableRandom(11), 40, 3, weighted, 3 * 4);  // blocks of 4 rows
            float[] bx = new float[5 * 3];
            float[] by = new float[5];
            float[] bw = weighted ? new float[5] : null;
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 3; j++) bx[i * 3 + j] = whole.feature(i, j) + 100;
                by[i] = whole.label(i);
                if (weighted) bw[i] = whole.weight(i);
            }
            Dataset b = Dataset.wrap(bx, 3, by, bw);
            Dataset c = concat3(a, b, whole);
            assertEquals(85, c.rows());
            assertEquals(3, c.cols());
            assertEquals(weighted, c.isWeighted());
            assertEquals(a.blocks().size() + 1 + 1, c.blocks().size(), "the parts' blocks, as they were");
            long next = 0;
            for (RowBlock blk : c.blocks()) {
                assertEquals(next, blk.firstRow(), "re-based blocks are contiguous");
                next += blk.rows();
            }
            assertEquals(85, next);
            for (long i = 0; i < 40; i++) assertRow(a, i, c, i);
            for (long i = 0; i < 5; i++) assertRow(b, i, c, 40 + i);
            for (long i = 0; i < 40; i++) assertRow(whole, i, c, 45 + i);
            assertEquals(a.weightSum() + b.weightSum() + whole.weightSum(), c.weightSum(), 1e-9 * c.weightSum());
            long[] counts = c.labelCounts();
            assertEquals(a.labelCounts()[1] + b.labelCounts()[1] + whole.labelCounts()[1], counts[1]);
            // No copy: the concatenation reads the wrapped array itself (which a caller must not change; here it
            // shows the buffers are shared).
            bx[4] = -7.5f;
            assertEquals(-7.5f, c.feature(41, 1));
            assertDirectNative(c.blocks().get(0).features(), "a built part's block stays direct");
        }
        Dataset one = Dataset.wrap(X, 2, Y, null);
        assertRow(one, 2, Dataset.concat(List.of(one)), 2);
    }

    private static Dataset concat3(Dataset a, Dataset b, Dataset c) {
        return Dataset.concat(List.of(a, b, c));
    }

    private static void assertRow(Dataset expected, long er, Dataset actual, long ar) {
        for (int j = 0; j < expected.cols(); j++) {
            assertEquals(expected.feature(er, j), actual.feature(ar, j), "row " + ar + " column " + j + " (row " + er + " of its part)");
        }
        assertEquals(expected.label(er), actual.label(ar), "label of row " + ar);
        assertEquals(expected.weight(er), actual.weight(ar), "weight of row " + ar);
    }

    @Test
    void concatKeepsFeatureNamesWhereGivenAndRejectsIncompatibleParts() {
        Dataset plain = Dataset.wrap(X, 2, Y, null);
        Dataset named = plain.withFeatureNames(List.of("a", "b"));
        assertEquals(List.of("a", "b"), Dataset.concat(List.of(plain, named, plain)).featureNames(), "names from the part that gives them");
        assertNull(Dataset.concat(List.of(plain, plain)).featureNames());
        expect(() -> Dataset.concat(List.of(named, plain, plain.withFeatureNames(List.of("a", "c")))), "part 2", "[a, c]", "[a, b]", "part 0");
        expect(() -> Dataset.concat(List.of(plain, named, plain.withFeatureNames(List.of("b", "a")))), "part 2", "part 1");
        expect(() -> Dataset.concat(List.of(plain, Dataset.wrap(new float[] {1, 2, 3}, 3, new float[] {0}, null))), "part 1", "3 columns", "expected 2");
        expect(() -> Dataset.concat(List.of(plain, Dataset.wrap(X, 2, Y, new float[] {1, 1, 1}))), "part 1", "has sample weights", "part 0 does not");
        expect(() -> Dataset.concat(List.of(Dataset.wrap(X, 2, Y, new float[] {1, 1, 1}), plain)), "part 1", "no sample weights", "part 0 does");
        expect(() -> Dataset.concat(List.of()), "no parts", "at least one");
        List<Dataset> withNull = new ArrayList<>();
        withNull.add(plain);
        withNull.add(null);
        expect(() -> Dataset.concat(withNull), "part 1 is null");
    }

    @Test
    void toStringSaysShapeAndBlocks() {
        Dataset d = random(new SplittableRandom(1), 10, 2, true, 8);
        assertEquals("Dataset[10 x 2, weighted, 3 block(s)]", d.toString());
    }

    @Test
    void theParallelCheckNamesTheFirstBadRowWhateverPieceFailsFirst() {
        // 600,000 rows x 4 = 2.4M floats: three pieces of the parallel check. Faults in the second and third pieces
        // and a later one in the first: the message names the first in row order, as a sequential check would.
        int rows = 600_000;
        int cols = 4;
        FloatBuffer x = FloatBuffer.allocate(rows * cols);
        FloatBuffer y = FloatBuffer.allocate(rows);
        for (int i = 0; i < rows; i++) y.put(i, i % 2);
        x.put(450_000 * cols + 1, Float.NaN);
        x.put(300_000 * cols + 3, Float.POSITIVE_INFINITY);
        x.put(200_000 * cols + 2, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, cols, y, null, null));
        assertEquals("feature at row 200000, column 2 is NaN, expected a finite number", e.getMessage());
        x.put(200_000 * cols + 2, 0f);
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, cols, y, null, null));
        assertEquals("feature at row 300000, column 3 is Infinity, expected a finite number", e.getMessage());
        y.put(5, 2f);
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, cols, y, null, null));
        assertEquals("label at row 5 is 2.0, expected 0 or 1", e.getMessage());
    }
}
