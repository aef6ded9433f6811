package dev.logreg.objective;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColumnStatisticsTest {
    /**
     * Weighted rows in three blocks (concatenated datasets), wide enough that each block spans several of the pass's
     * chunks: columns far from zero, one constant, some rows of weight 0.
     */
    private static Dataset data(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int cols = 3000;  // about 350 rows per chunk of the pass
        Dataset[] parts = new Dataset[3];
        int[] rows = {1000, 1, 777};
        for (int p = 0; p < 3; p++) {
            float[] x = new float[rows[p] * cols];
            float[] y = new float[rows[p]];
            float[] w = new float[rows[p]];
            for (int i = 0; i < rows[p]; i++) {
                for (int j = 0; j < cols; j++) {
                    x[i * cols + j] = j == 7 ? 2.5f : (float) (1000.0 * (j % 5) + r.nextGaussian() * (1 + j % 3));
                }
                y[i] = i % 2;
                w[i] = i % 13 == 5 ? 0f : (float) (0.5 + r.nextDouble());
            }
            parts[p] = Dataset.wrap(x, cols, y, w);
        }
        return Dataset.concat(List.of(parts));
    }

    @Test
    void matchesATwoPassComputationInDoublePrecision() {
        Dataset d = data(11);
        ColumnStatistics s = ColumnStatistics.of(d);
        int n = d.cols();
        double[] x = new double[(int) d.rows() * n];
        double[] w = new double[(int) d.rows()];
        int row = 0;
        for (var b : d.blocks()) {
            for (int i = 0; i < b.rows(); i++, row++) {
                w[row] = b.weight(i);
                for (int j = 0; j < n; j++) x[row * n + j] = b.features().get(i * n + j);
            }
        }
        double m = Arrays.stream(w).sum();
        for (int j = 0; j < n; j++) {
            double mean = 0;
            double sq = 0;
            for (int i = 0; i < w.length; i++) {
                mean += w[i] * x[i * n + j];
                sq += w[i] * x[i * n + j] * x[i * n + j];
            }
            mean /= m;
            double var = 0;
            for (int i = 0; i < w.length; i++) var += w[i] * (x[i * n + j] - mean) * (x[i * n + j] - mean);
            double std = Math.sqrt(var / m);
            assertEquals(mean, s.mean()[j], 1e-12 * Math.max(1, Math.abs(mean)), "mean of column " + j);
            assertEquals(std, s.std()[j], 1e-9 * Math.max(1e-3, std), "std of column " + j);
            assertEquals(Math.sqrt(sq / m), s.rms()[j], 1e-12 * Math.sqrt(sq / m), "rms of column " + j);
        }
        assertEquals(0.0, s.std()[7], "a constant column has std 0 exactly (the shift is its value)");
    }

    @Test
    void sameBitsWhateverTheNumberOfThreads() throws Exception {
        Dataset d = data(12);
        ColumnStatistics common = ColumnStatistics.of(d);
        for (int threads : new int[] {1, 3}) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                // A parallel stream started inside a pool's task runs in that pool.
                ColumnStatistics s = pool.submit(() -> ColumnStatistics.of(d)).get();
                assertArrayEquals(common.mean(), s.mean(), 0.0, threads + " thread(s): mean");
                assertArrayEquals(common.std(), s.std(), 0.0, threads + " thread(s): std");
                assertArrayEquals(common.rms(), s.rms(), 0.0, threads + " thread(s): rms");
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void theChunkFencesCutEveryBlockFromItsFirstRow() {
        // 3000 columns: 2^20 / 3000 = 349 rows a chunk; blocks of 1000, 1 and 777 rows.
        assertArrayEquals(new long[] {0, 349, 698, 1000, 1001, 1350, 1699, 1778}, ColumnStatistics.chunkFences(data(14)));
        Dataset one = Dataset.wrap(new float[] {1, 2, 3}, 3, new float[] {0}, null);
        assertArrayEquals(new long[] {0, 1}, ColumnStatistics.chunkFences(one));
        assertArrayEquals(new double[] {1, 2, 3}, ColumnStatistics.shift(one), 0.0);
    }

    /**
     * The recipe {@link ColumnStatistics#chunkFences} documents for a backend (what column_stats.cu does on the device),
     * spelled out here over the dataset's rows by their global index: the same bits as {@link ColumnStatistics#of}.
     */
    @Test
    void thePassRebuiltFromItsPublicPartsGivesTheSameBits() {
        for (long seed : new long[] {15, 16}) {
            Dataset d = data(seed);
            int n = d.cols();
            long[] f = ColumnStatistics.chunkFences(d);
            double[] shift = ColumnStatistics.shift(d);
            float[] x = new float[Math.toIntExact(d.rows() * n)];
            float[] w = new float[Math.toIntExact(d.rows())];
            int row = 0;
            for (var b : d.blocks()) {
                b.features().get(x, row * n, b.rows() * n);
                for (int i = 0; i < b.rows(); i++) w[row + i] = b.weight(i);
                row += b.rows();
            }
            double[] totals = new double[1 + 3 * n];
            for (int k = 0; k + 1 < f.length; k++) {
                double[] part = new double[1 + 3 * n];
                for (int j = 0; j < n; j++) {
                    for (long i = f[k]; i < f[k + 1]; i++) {
                        double wi = w[(int) i];
                        if (wi == 0) continue;
                        if (j == 0) part[0] += wi;
                        double v = x[(int) i * n + j];
                        double dd = v - shift[j];
                        part[1 + j] += wi * dd;
                        part[1 + n + j] += wi * dd * dd;
                        part[1 + 2 * n + j] += wi * v * v;
                    }
                }
                for (int c = 0; c < totals.length; c++) totals[c] += part[c];
            }
            ColumnStatistics want = ColumnStatistics.of(d);
            ColumnStatistics got = ColumnStatistics.fromSums(shift, totals);
            assertArrayEquals(want.mean(), got.mean(), 0.0, "mean");
            assertArrayEquals(want.std(), got.std(), 0.0, "std");
            assertArrayEquals(want.rms(), got.rms(), 0.0, "rms");
        }
    }

    @Test
    void thePassesPartsRefuseWhatTheyCannotTake() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ColumnStatistics.fromSums(new double[2], new double[6]));
        assertTrue(e.getMessage().contains("totals has length 6, expected 1 + 3 x 2 = 7"), e.getMessage());
        Dataset sparse = Dataset.wrapCsr(new long[] {0, 1}, new int[] {0}, new float[] {1f}, 2, new float[] {1f}, null, 2);
        assertThrows(IllegalArgumentException.class, () -> ColumnStatistics.chunkFences(sparse));
        assertThrows(IllegalArgumentException.class, () -> ColumnStatistics.shift(sparse));
    }

    @Test
    void statisticsFromTheSumsGatheredByTheValidatingPassAreThePassesBitForBit() {
        for (Dataset part : List.of(data(5).select(java.util.stream.IntStream.range(0, 1778).toArray()), data(6))) {
            // One block, wrapped from arrays: its validation gathers the sums (a selection of three blocks' rows does not).
            Dataset d = Dataset.wrap(rowsOf(part), part.cols(), new float[(int) part.rows()], weightsOf(part));
            assertTrue(d.columnSums().isPresent());
            ColumnStatistics gathered = ColumnStatistics.of(d);
            ColumnStatistics passed = ColumnStatistics.computed(d);
            for (double[][] pair : new double[][][] {{gathered.mean(), passed.mean()}, {gathered.std(), passed.std()}, {gathered.rms(), passed.rms()}}) {
                for (int j = 0; j < pair[0].length; j++) {
                    assertEquals(Double.doubleToLongBits(pair[1][j]), Double.doubleToLongBits(pair[0][j]), "column " + j);
                }
            }
        }
    }

    /**
     * Blocks wrapped together ({@link Dataset#wrapBlocks}, what a parallel CSV read makes): the sums gathered across
     * them are the pass's over the result bit for bit, where blocks end mid-chunk and one block weighs nothing; a bad
     * value is named by the dataset's row, a bad shape by its block.
     */
    @Test
    void sumsGatheredAcrossBlocksAreThePassesBitForBit() {
        Dataset src = data(7);
        int n = src.cols();
        float[] x = rowsOf(src);
        float[] w = weightsOf(src);
        int[] cuts = {0, 3, 400, 401, 1100, (int) src.rows()};
        List<java.nio.FloatBuffer> xs = new java.util.ArrayList<>();
        List<java.nio.FloatBuffer> ys = new java.util.ArrayList<>();
        List<java.nio.FloatBuffer> ws = new java.util.ArrayList<>();
        for (int k = 0; k + 1 < cuts.length; k++) {
            int a = cuts[k];
            int b = cuts[k + 1];
            float[] wk = Arrays.copyOfRange(w, a, b);
            if (k == 1) Arrays.fill(wk, 0f);  // a block of weight 0: allowed here, where concat's parts may not
            Arrays.fill(w, a, b, 0f);
            System.arraycopy(wk, 0, w, a, b - a);
            xs.add(java.nio.FloatBuffer.wrap(Arrays.copyOfRange(x, a * n, b * n)));
            ys.add(java.nio.FloatBuffer.wrap(new float[b - a]));
            ws.add(java.nio.FloatBuffer.wrap(wk));
        }
        Dataset d = Dataset.wrapBlocks(xs, n, ys, ws, null, 2, true);
        assertEquals(cuts.length - 1, d.blocks().size());
        assertEquals(src.rows(), d.rows());
        assertTrue(d.columnSums().isPresent(), "the sums must be gathered across the blocks");
        ColumnStatistics gathered = ColumnStatistics.of(d);
        ColumnStatistics passed = ColumnStatistics.computed(d);
        ColumnStatistics whole = ColumnStatistics.computed(Dataset.wrap(x, n, new float[(int) src.rows()], w));
        for (double[][] t : new double[][][] {{gathered.mean(), passed.mean(), whole.mean()}, {gathered.std(), passed.std(), whole.std()},
                {gathered.rms(), passed.rms(), whole.rms()}}) {
            for (int j = 0; j < n; j++) {
                assertEquals(Double.doubleToLongBits(t[1][j]), Double.doubleToLongBits(t[0][j]), "column " + j);
            }
            // Against one block of the same rows: close (the chunks are cut elsewhere), not the same bits.
            for (int j = 0; j < n; j++) assertEquals(t[2][j], t[0][j], 1e-9 * (1 + Math.abs(t[2][j])), "column " + j + " in one block");
        }
        assertTrue(Dataset.wrapBlocks(xs, n, ys, ws, null, 2, false).columnSums().isEmpty(), "sums only where asked");
        xs.set(3, java.nio.FloatBuffer.wrap(Arrays.copyOfRange(x, 401 * n, 1100 * n)));
        float[] bad = Arrays.copyOfRange(x, 401 * n, 1100 * n);
        bad[5 * n + 2] = Float.NaN;
        xs.set(3, java.nio.FloatBuffer.wrap(bad));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrapBlocks(xs, n, ys, ws, null, 2, true));
        assertTrue(e.getMessage().contains("406"), "the dataset's row: " + e.getMessage());
        xs.set(3, java.nio.FloatBuffer.wrap(new float[7]));
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrapBlocks(xs, n, ys, ws, null, 2, true));
        assertTrue(e.getMessage().startsWith("block 3: features hold 7 floats"), e.getMessage());
        List<java.nio.FloatBuffer> zero = new java.util.ArrayList<>();
        for (java.nio.FloatBuffer b : ws) zero.add(java.nio.FloatBuffer.wrap(new float[b.limit()]));
        xs.set(3, java.nio.FloatBuffer.wrap(Arrays.copyOfRange(x, 401 * n, 1100 * n)));
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrapBlocks(xs, n, ys, zero, null, 2, true));
        assertTrue(e.getMessage().contains("every sample weight is zero"), e.getMessage());
    }

    private static float[] rowsOf(Dataset d) {
        int n = d.cols();
        float[] x = new float[(int) d.rows() * n];
        int row = 0;
        for (var b : d.blocks()) {
            b.features().get(0, x, row * n, b.rows() * n);
            row += b.rows();
        }
        return x;
    }

    private static float[] weightsOf(Dataset d) {
        float[] w = new float[(int) d.rows()];
        int row = 0;
        for (var b : d.blocks()) {
            for (int i = 0; i < b.rows(); i++) w[row++] = b.weight(i);
        }
        return w;
    }
}
