package dev.logreg.objective;

import dev.logreg.data.Dataset;
import dev.logreg.data.SparseBuilder;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ColumnStatistics#of} of sparse data: the implicit zeros counted, weighted, against a two-pass computation in
 * double precision and against the dense path over the same rows; the same bits whatever the blocks and the number
 * of column ranges (threads); a constant column's standard deviation exactly 0.
 */
class SparseColumnStatisticsTest {
    private static final int COLS = 40;
    private static final int ROWS = 3000;

    /**
     * Rows of about 60% nonzeros (over 2^16 in all: the parallel pass), some of weight 0, through a builder whose
     * blocks hold {@code blockNonzeros}: column 0 near 1000 in every row (centering matters), column 1 the constant 7
     * in every row but row 1, which is empty and of weight 0 (so column 1 is constant where it counts), column 2 in
     * row 0 only, column 3 never in row 0.
     */
    private static Dataset sparse(int blockNonzeros) {
        SplittableRandom r = new SplittableRandom(5);
        SparseBuilder b = Dataset.sparseBuilder(COLS).blockCapacity(blockNonzeros, blockNonzeros);
        int[] idx = new int[COLS];
        float[] val = new float[COLS];
        for (int i = 0; i < ROWS; i++) {
            int c = 0;
            for (int j = 0; j < COLS && i != 1; j++) {
                boolean present = j == 0 || j == 1 || (j == 2 ? i == 0 : j == 3 ? i > 0 && r.nextBoolean() : r.nextDouble() < 0.6);
                if (!present) continue;
                idx[c] = j;
                val[c++] = j == 0 ? (float) (1000 + r.nextGaussian() * 1e-2) : j == 1 ? 7f : (float) (r.nextGaussian() * (1 + j % 4) + j % 3);
            }
            b.addRow(idx, val, c, i % 2, i % 11 == 4 || i == 1 ? 0f : (float) (0.5 + r.nextDouble()));
        }
        return b.build();
    }

    @Test
    void matchesATwoPassComputationAndTheDensePath() {
        Dataset s = sparse(1 << 20);
        assertTrue(s.nonzeros() >= 1 << 16, "the parallel pass");
        ColumnStatistics got = ColumnStatistics.of(s);
        ColumnStatistics dense = ColumnStatistics.of(s.toDense());
        float[] row = new float[COLS];
        for (int j = 0; j < COLS; j++) {
            double m = 0;
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < ROWS; i++) {
                s.copyRow(i, row);
                double w = s.weight(i);
                m += w;
                sum += w * row[j];
                sq += w * row[j] * row[j];
            }
            double mean = sum / m;
            double var = 0;
            for (int i = 0; i < ROWS; i++) {
                s.copyRow(i, row);
                var += s.weight(i) * (row[j] - mean) * (row[j] - mean);
            }
            double std = Math.sqrt(var / m);
            double rms = Math.sqrt(sq / m);
            assertEquals(mean, got.mean()[j], 1e-13 * Math.max(1, Math.abs(mean)), "mean of column " + j);
            assertEquals(std, got.std()[j], 1e-9 * Math.max(1e-3, std), "std of column " + j);
            assertEquals(rms, got.rms()[j], 1e-13 * rms, "rms of column " + j);
            assertEquals(dense.mean()[j], got.mean()[j], 1e-13 * Math.max(1, Math.abs(mean)), "mean of column " + j + ", dense path");
            assertEquals(dense.std()[j], got.std()[j], 1e-9 * Math.max(1e-3, std), "std of column " + j + ", dense path");
        }
        assertEquals(0.0, got.std()[1], 0.0, "a constant column has std 0 exactly (its shift is its value, in every row)");
        assertEquals(1.0, got.standardizationScales(true)[1], 0.0, "and scale 1");
    }

    @Test
    void sameBitsWhateverTheBlocksAndTheColumnRanges() {
        Dataset one = sparse(1 << 20);
        Dataset many = sparse(997);
        assertTrue(many.blocks().size() > 50);
        double[][] reference = SparseColumnMoments.of(one, 1);
        for (Dataset d : new Dataset[] {one, many}) {
            for (int ranges : new int[] {1, 3, 7, COLS}) {
                double[][] m = SparseColumnMoments.of(d, ranges);
                for (int k = 0; k < 3; k++) {
                    assertArrayEquals(reference[k], m[k], 0.0, d.blocks().size() + " blocks, " + ranges + " column ranges, statistic " + k);
                }
            }
        }
        ColumnStatistics viaPool = ColumnStatistics.of(many);
        assertArrayEquals(reference[1], viaPool.std(), 0.0, "the common pool's ranges");
    }
}
