package dev.logreg.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparseDatasetTest {
    /** A seeded dense matrix, about a third of it zero, with an empty row and a full row. */
    private static float[][] denseRows(int m, int n, long seed) {
        Random rnd = new Random(seed);
        float[][] x = new float[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) x[i][j] = i == 1 ? 0f : (i == 2 || rnd.nextInt(3) > 0) ? (float) rnd.nextGaussian() : 0f;
        }
        return x;
    }

    private static float[] labels(int m) {
        float[] y = new float[m];
        for (int i = 0; i < m; i++) y[i] = i % 3 == 0 ? 1f : 0f;
        return y;
    }

    @Test
    void denseAndSparseHoldTheSameValuesAcrossSmallBlocks() {
        float[][] x = denseRows(50, 7, 1);
        Dataset dense = Dataset.fromRows(x, labels(50));
        Dataset sparse = dense.toSparse();
        assertTrue(sparse.isSparse());
        assertFalse(dense.isSparse());
        long nz = 0;
        for (float[] r : x) for (float v : r) if (v != 0f) nz++;
        assertEquals(nz, sparse.nonzeros());
        assertEquals(0, sparse.blocks().get(0).rowOffsets().get(2) - sparse.blocks().get(0).rowOffsets().get(1), "row 1 is empty");
        // The same rows through a builder with tiny blocks: rows straddle no block, blocks split by nonzeros and rows.
        SparseBuilder b = Dataset.sparseBuilder(7).blockCapacity(9, 4);
        int[] idx = new int[7];
        float[] val = new float[7];
        for (int i = 0; i < 50; i++) {
            int c = 0;
            for (int j = 0; j < 7; j++) if (x[i][j] != 0f) { idx[c] = j; val[c++] = x[i][j]; }
            b.addRow(idx, val, c, labels(50)[i]);
        }
        Dataset blocked = b.build();
        assertTrue(blocked.blocks().size() > 10);
        float[] row = new float[7];
        for (int i = 0; i < 50; i++) {
            blocked.copyRow(i, row);
            assertArrayEquals(x[i], row, "row " + i);
            for (int j = 0; j < 7; j++) assertEquals(x[i][j], sparse.feature(i, j));
            assertEquals(dense.label(i), blocked.label(i));
        }
        Dataset back = blocked.toDense();
        for (int i = 0; i < 50; i++) for (int j = 0; j < 7; j++) assertEquals(x[i][j], back.feature(i, j));
    }

    @Test
    void selectOneVsRestWeightsAndConcatKeepTheSparseRows() {
        float[][] x = denseRows(30, 5, 2);
        float[] y = new float[30];
        for (int i = 0; i < 30; i++) y[i] = i % 3;
        Dataset sparse = Dataset.fromRows(x, y, null, 3).toSparse().withFeatureNames(List.of("a", "b", "c", "d", "e"));
        Dataset picked = sparse.select(new int[] {29, 0, 0, 17});
        assertTrue(picked.isSparse());
        assertEquals(List.of("a", "b", "c", "d", "e"), picked.featureNames());
        assertEquals(3, picked.classes());
        for (int j = 0; j < 5; j++) {
            assertEquals(x[29][j], picked.feature(0, j));
            assertEquals(x[0][j], picked.feature(2, j));
            assertEquals(x[17][j], picked.feature(3, j));
        }
        Dataset ovr = sparse.oneVsRest(2);
        assertEquals(1f, ovr.label(2));
        assertEquals(0f, ovr.label(3));
        float[] w = new float[30];
        java.util.Arrays.fill(w, 2f);
        Dataset weighted = sparse.withWeights(w);
        assertEquals(60.0, weighted.weightSum());
        Dataset pickedWeighted = weighted.select(new int[] {1, 2});
        assertEquals(4.0, pickedWeighted.weightSum());
        Dataset both = Dataset.concat(List.of(sparse, picked));
        assertEquals(34, both.rows());
        assertEquals(x[17][3], both.feature(33, 3));
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> Dataset.concat(List.of(sparse, Dataset.fromRows(x, y, null, 3))));
        assertTrue(mixed.getMessage().contains("part 1 is dense but part 0 is sparse"), mixed.getMessage());
    }

    @Test
    void wrapValidatesOnceNamingRowAndColumn() {
        float[] y = {0f, 1f};
        Dataset ok = Dataset.wrapCsr(new long[] {0, 0, 2}, new int[] {3, 1 << 24}, new float[] {1f, -2f}, 1 << 24 | 1, y, null, 2);
        assertEquals(-2f, ok.feature(1, 1 << 24));
        assertEquals(0f, ok.feature(0, 3));
        String unsorted = assertThrows(IllegalArgumentException.class,
                () -> Dataset.wrapCsr(new long[] {0, 0, 2}, new int[] {5, 3}, new float[] {1f, 1f}, 10, y, null, 2)).getMessage();
        assertEquals("row 1, nonzero 1: column index 3 follows 5 (indices must be sorted and unique within a row)", unsorted);
        String repeated = assertThrows(IllegalArgumentException.class,
                () -> Dataset.wrapCsr(new long[] {0, 2, 2}, new int[] {4, 4}, new float[] {1f, 1f}, 10, y, null, 2)).getMessage();
        assertTrue(repeated.startsWith("row 0, nonzero 1: column index 4 repeats"), repeated);
        String range = assertThrows(IllegalArgumentException.class,
                () -> Dataset.wrapCsr(new long[] {0, 1, 1}, new int[] {10}, new float[] {1f}, 10, y, null, 2)).getMessage();
        assertEquals("row 0, nonzero 0: column index 10 is outside [0, 10)", range);
        String nan = assertThrows(IllegalArgumentException.class,
                () -> Dataset.wrapCsr(new long[] {0, 0, 1}, new int[] {7}, new float[] {Float.NaN}, 10, y, null, 2)).getMessage();
        assertEquals("feature at row 1, column 7 is NaN, expected a finite number", nan);
        String offsets = assertThrows(IllegalArgumentException.class,
                () -> Dataset.wrapCsr(new long[] {0, 1}, new int[] {7}, new float[] {1f}, 10, y, null, 2)).getMessage();
        assertTrue(offsets.startsWith("row offsets hold 2 entries, expected one per row plus one (3)"), offsets);
    }

    /** addRows, in several calls, makes the blocks addRow makes row by row, with or without reserve; and refuses alike. */
    @Test
    void bulkRowsMakeTheSameBlocksAsRowByRow() {
        Random rnd = new Random(5);
        int rows = 200;
        int[] ends = new int[rows];
        int[] idx = new int[rows * 6];
        float[] val = new float[rows * 6];
        float[] y = labels(rows);
        int nz = 0;
        for (int i = 0; i < rows; i++) {
            int count = i % 17 == 0 ? 0 : rnd.nextInt(7);
            int col = -1;
            for (int k = 0; k < count; k++) {
                col += 1 + rnd.nextInt(3);
                idx[nz] = col;
                val[nz++] = (float) rnd.nextGaussian();
            }
            ends[i] = nz;
        }
        for (boolean reserve : new boolean[] {false, true}) {
            SparseBuilder one = Dataset.sparseBuilder(20).blockCapacity(13, 5);
            SparseBuilder bulk = Dataset.sparseBuilder(20).blockCapacity(13, 5);
            if (reserve) bulk.reserve(rows, nz);
            for (int i = 0, s = 0; i < rows; s = ends[i++]) {
                one.addRow(java.util.Arrays.copyOfRange(idx, s, ends[i]), java.util.Arrays.copyOfRange(val, s, ends[i]), ends[i] - s, y[i]);
            }
            // Two calls: the second's arrays start at its own first row.
            int half = 77;
            bulk.addRows(half, ends, idx, val, y);
            int base = ends[half - 1];
            int[] ends2 = new int[rows - half];
            for (int i = half; i < rows; i++) ends2[i - half] = ends[i] - base;
            bulk.addRows(rows - half, ends2, java.util.Arrays.copyOfRange(idx, base, nz), java.util.Arrays.copyOfRange(val, base, nz),
                    java.util.Arrays.copyOfRange(y, half, rows));
            Dataset a = one.build();
            Dataset b = bulk.build();
            assertEquals(a.blocks().size(), b.blocks().size());
            for (int k = 0; k < a.blocks().size(); k++) {
                RowBlock p = a.blocks().get(k);
                RowBlock q = b.blocks().get(k);
                assertEquals(p.firstRow(), q.firstRow());
                assertEquals(p.rows(), q.rows());
                assertEquals(p.rowOffsets(), q.rowOffsets());
                assertEquals(p.indices(), q.indices());
                assertEquals(p.values(), q.values());
                assertEquals(p.labels(), q.labels());
            }
        }
        int[] badIdx = {0, 2, 1, 4};
        float[] badVal = {1f, 1f, 1f, 1f};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.sparseBuilder(5).addRows(2, new int[] {1, 4}, badIdx, badVal, new float[] {0f, 1f}));
        assertEquals("row 1, nonzero 1: column index 1 follows 2 (indices must be sorted and unique within a row)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.sparseBuilder(5).addRows(2, new int[] {1, 2}, badIdx, badVal, new float[] {0f, 2f}));
        assertEquals("label at row 1 is 2.0, expected 0 or 1", e.getMessage());
    }

    /** wrapCsr over (direct) buffers: the rows of the array form, and its refusals. */
    @Test
    void wrapOverBuffersMatchesTheArrayForm() {
        long[] off = {0, 2, 2, 5};
        int[] idx = {0, 3, 1, 2, 4};
        float[] val = {1f, -2f, 3f, 4f, 5f};
        float[] y = {1f, 0f, 1f};
        java.nio.LongBuffer o = java.nio.ByteBuffer.allocateDirect(8 * off.length).order(java.nio.ByteOrder.nativeOrder()).asLongBuffer().put(0, off);
        java.nio.IntBuffer i = java.nio.ByteBuffer.allocateDirect(4 * idx.length).order(java.nio.ByteOrder.nativeOrder()).asIntBuffer().put(0, idx);
        java.nio.FloatBuffer v = java.nio.FloatBuffer.wrap(val.clone());
        Dataset a = Dataset.wrapCsr(off, idx, val, 6, y, null, 2);
        Dataset b = Dataset.wrapCsr(o, i, v, 6, java.nio.FloatBuffer.wrap(y), 2);
        assertEquals(a.nonzeros(), b.nonzeros());
        float[] ra = new float[6];
        float[] rb = new float[6];
        for (long r = 0; r < 3; r++) {
            a.copyRow(r, ra);
            b.copyRow(r, rb);
            assertArrayEquals(ra, rb);
            assertEquals(a.label(r), b.label(r));
        }
        idx[3] = 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrapCsr(off, idx, val, 6, y, null, 2));
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> Dataset.wrapCsr(o, java.nio.IntBuffer.wrap(idx), v, 6, java.nio.FloatBuffer.wrap(y), 2));
        assertEquals(e.getMessage(), f.getMessage());
        assertEquals("row 2, nonzero 1: column index 1 repeats (indices must be sorted and unique within a row)", f.getMessage());
    }
}
