package dev.logreg.testing;

import dev.logreg.data.Dataset;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded data held both ways, for the tests that train the same rows dense and sparse: each row's nonzeros drawn
 * once, then wrapped as CSR ({@link Dataset#wrapCsr}) and, independently, as a dense row-major array
 * ({@link Dataset#wrap}), so neither layout is derived from the other by the code under test.
 *
 * <p>The rows: about {@code density} of the entries nonzero, of different scales (0.3 to 3) and means (column 0 sits
 * near 4, so centering matters), row 1 empty, row 2 holding every column; labels drawn from a softmax (or logistic)
 * model of the features, so no class separates and every class has rows; optional weights in [0.2, 3), one of them 0.
 */
public final class SparseData {
    private SparseData() {}

    /** The same rows dense and sparse. */
    public record Pair(Dataset dense, Dataset sparse) {
    }

    /**
     * @param rows     number of rows (at least K + 3)
     * @param cols     number of features
     * @param density  chance of an entry being nonzero (rows 1 and 2 excepted)
     * @param classes  K (2: binary labels 0/1)
     * @param weighted whether to draw sample weights
     * @param seed     the seed of every draw
     */
    public static Pair generate(int rows, int cols, double density, int classes, boolean weighted, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] w = new double[classes][cols];
        for (int c = 0; c < classes; c++) for (int j = 0; j < cols; j++) w[c][j] = r.nextGaussian() * 0.8;
        long[] offsets = new long[rows + 1];
        int[] idx = new int[rows * cols];
        float[] val = new float[rows * cols];
        float[] dense = new float[rows * cols];
        float[] labels = new float[rows];
        float[] weights = weighted ? new float[rows] : null;
        int nz = 0;
        double[] z = new double[classes];
        for (int i = 0; i < rows; i++) {
            Arrays.fill(z, 0.0);
            for (int j = 0; j < cols; j++) {
                boolean present = i == 2 || (i != 1 && r.nextDouble() < density);
                if (!present) continue;
                double scale = 0.3 + 2.7 * (j % 4) / 3.0;
                float v = (float) (j == 0 ? 4 + r.nextGaussian() * 0.5 : r.nextGaussian() * scale);
                if (v == 0f) continue;
                idx[nz] = j;
                val[nz++] = v;
                dense[i * cols + j] = v;
                for (int c = 0; c < classes; c++) z[c] += w[c][j] * (j == 0 ? v - 4 : v / scale);
            }
            offsets[i + 1] = nz;
            labels[i] = i < classes ? i : draw(z, r);
            if (weighted) weights[i] = i == 3 ? 0f : (float) r.nextDouble(0.2, 3);
        }
        Dataset d = Dataset.wrap(dense, cols, labels, weights, classes);
        Dataset s = Dataset.wrapCsr(offsets, Arrays.copyOf(idx, nz), Arrays.copyOf(val, nz), cols, labels.clone(),
                weights == null ? null : weights.clone(), classes);
        return new Pair(d, s);
    }

    /** A class drawn from softmax(z) (σ(z₁ − z₀) for two classes). */
    private static int draw(double[] z, SplittableRandom r) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double sum = 0;
        double[] p = new double[z.length];
        for (int c = 0; c < z.length; c++) sum += (p[c] = Math.exp(z[c] - max));
        double u = r.nextDouble() * sum;
        for (int c = 0; c < z.length; c++) {
            u -= p[c];
            if (u < 0) return c;
        }
        return z.length - 1;
    }
}
