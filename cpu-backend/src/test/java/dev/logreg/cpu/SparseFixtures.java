package dev.logreg.cpu;

import dev.logreg.data.Dataset;
import dev.logreg.data.SparseBuilder;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded sparse test data: power-law column frequencies, empty rows, a row holding every column. */
final class SparseFixtures {
    private SparseFixtures() {}

    /** How a fixture is stored. */
    enum Storage {
        /** {@link Dataset#wrapCsr} of heap arrays (one block). */
        HEAP,
        /** {@link Dataset#sparseBuilder}'s direct buffers, in small blocks (so that ranges cross block edges). */
        DIRECT_BLOCKS
    }

    /**
     * rows × cols, about {@code meanNonzeros} a row with column j drawn with probability falling as a power of j (the
     * low columns common, the high ones rare), values N(0, 1) scaled per column; every 17th row empty and row 5 holding
     * every column (where cols ≤ 4096); labels 0/1 (classes = 2) or class indices from a noisy linear rule; weights in
     * [0, 3) (about one in twenty exactly 0) where asked.
     */
    static Dataset random(int rows, int cols, double meanNonzeros, int classes, boolean weighted, Storage storage, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] beta = new double[classes][Math.min(cols, 1 << 16)];
        for (double[] b : beta) for (int j = 0; j < b.length; j++) b[j] = rnd.nextDouble(-1, 1);
        long[] offsets = new long[rows + 1];
        int[] idx = new int[Math.toIntExact((long) (rows * meanNonzeros * 1.5) + cols + 16)];
        float[] val = new float[idx.length];
        float[] y = new float[rows];
        float[] w = weighted ? new float[rows] : null;
        int at = 0;
        int[] row = new int[cols];
        for (int i = 0; i < rows; i++) {
            int count;
            if (i == 5 && cols <= 4096) {
                for (int j = 0; j < cols; j++) row[j] = j;
                count = cols;
            } else if (i % 17 == 3) {
                count = 0;
            } else {
                int want = (int) Math.min(cols, Math.max(1, Math.round(meanNonzeros * rnd.nextDouble(0.25, 1.75))));
                count = 0;
                for (int t = 0; t < want * 3 && count < want; t++) {
                    // u^3 concentrates on low columns: a power law in the column index.
                    double u = rnd.nextDouble();
                    row[count++] = (int) Math.min(cols - 1, (long) (cols * u * u * u));
                }
                Arrays.sort(row, 0, count);
                int unique = 0;
                for (int q = 0; q < count; q++) if (q == 0 || row[q] != row[q - 1]) row[unique++] = row[q];
                count = unique;
            }
            if (at + count > idx.length) {
                idx = Arrays.copyOf(idx, (at + count) * 2);
                val = Arrays.copyOf(val, idx.length);
            }
            double[] score = new double[classes];
            for (int q = 0; q < count; q++) {
                int j = row[q];
                float v = (float) (Fixtures.gaussian(rnd) * (1 + (j % 7)));
                idx[at + q] = j;
                val[at + q] = v;
                for (int c = 0; c < classes; c++) score[c] += beta[c][j % beta[c].length] * v;
            }
            at += count;
            offsets[i + 1] = at;
            if (classes == 2) {
                y[i] = score[0] - score[1] + Fixtures.gaussian(rnd) > 0 ? 1f : 0f;
            } else {
                int best = 0;
                for (int c = 0; c < classes; c++) {
                    score[c] += Fixtures.gaussian(rnd);
                    if (score[c] > score[best]) best = c;
                }
                y[i] = best;
            }
            if (weighted) w[i] = rnd.nextInt(20) == 0 ? 0f : (float) rnd.nextDouble(0, 3);
        }
        idx = Arrays.copyOf(idx, at);
        val = Arrays.copyOf(val, at);
        if (storage == Storage.HEAP) return Dataset.wrapCsr(offsets, idx, val, cols, y, w, classes);
        SparseBuilder b = Dataset.sparseBuilder(cols).blockCapacity(Math.max(cols, at / 5 + 1), Math.max(2, rows / 3 + 1)).classes(classes);
        for (int i = 0; i < rows; i++) {
            int from = (int) offsets[i];
            int count = (int) (offsets[i + 1] - from);
            int[] ri = Arrays.copyOfRange(idx, from, from + count);
            float[] rv = Arrays.copyOfRange(val, from, from + count);
            if (weighted) b.addRow(ri, rv, count, y[i], w[i]);
            else b.addRow(ri, rv, count, y[i]);
        }
        return b.build();
    }

    /** Parameters (K slices of n + 1) of size about 1/√(nonzeros a row), so that logits span both tails. */
    static double[] params(int outputs, int cols, double meanNonzeros, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] p = new double[outputs * (cols + 1)];
        double scale = 1.5 / Math.sqrt(Math.max(1, meanNonzeros));
        for (int i = 0; i < p.length; i++) p[i] = Fixtures.gaussian(rnd) * scale;
        return p;
    }
}
