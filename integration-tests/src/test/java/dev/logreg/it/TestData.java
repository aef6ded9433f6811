package dev.logreg.it;

import dev.logreg.data.Dataset;
import dev.logreg.testing.BundledData;

import java.util.SplittableRandom;

/** The datasets of the cross-checks, each seeded and small enough for the reference backend. */
final class TestData {
    private TestData() {}

    /** A named dataset, with the magnitude of parameters to evaluate it at. */
    record Case(String name, Dataset data, double parameterScale) {
        @Override public String toString() { return name; }
    }

    static Case breastCancer() {
        return new Case("breast-cancer (raw scales)", BundledData.breastCancer(), 1e-3);
    }

    /** 100,003 x 37: a row count that is no multiple of any block size; columns of mixed scales. */
    static Case synthetic100003x37() {
        return new Case("synthetic 100003x37", gaussian(100_003, 37, 1.0, true, new SplittableRandom(20261126)), 0.3);
    }

    static Case singleRow() {
        return new Case("single row", gaussian(1, 5, 1.0, false, new SplittableRandom(7)), 0.5);
    }

    static Case singleFeature() {
        return new Case("single feature", gaussian(1000, 1, 1.0, false, new SplittableRandom(11)), 1.0);
    }

    /** Features of scale 1e4. */
    static Case scale1e4() {
        return new Case("features of scale 1e4", gaussian(2000, 9, 1e4, false, new SplittableRandom(13)), 1e-4);
    }

    /** Parameters that give logits of magnitude about 1e3 (both tails of σ, losses of order 1e3). */
    static Case logits1e3() {
        return new Case("logits of magnitude 1e3", gaussian(3000, 12, 1.0, false, new SplittableRandom(17)), 300.0);
    }

    /**
     * Gaussian features times {@code scale} (per-column scales 10^U(-1,1) on top where {@code mixedScales}); labels
     * from a logistic model so both classes occur.
     */
    static Dataset gaussian(int rows, int cols, double scale, boolean mixedScales, SplittableRandom random) {
        double[] colScale = new double[cols];
        double[] truth = new double[cols];
        for (int j = 0; j < cols; j++) {
            colScale[j] = scale * (mixedScales ? Math.pow(10, random.nextDouble(-1, 1)) : 1.0);
            truth[j] = random.nextGaussian() / colScale[j];
        }
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double z = 0.2;
            for (int j = 0; j < cols; j++) {
                float v = (float) (random.nextGaussian() * colScale[j]);
                x[i * cols + j] = v;
                z += truth[j] * v;
            }
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
        }
        return Dataset.wrap(x, cols, y, null);
    }

    /** The same rows with non-uniform weights in [0.1, 3), seeded. */
    static Dataset withWeights(Dataset d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int rows = Math.toIntExact(d.rows());
        int n = d.cols();
        float[] x = new float[rows * n];
        float[] y = new float[rows];
        float[] w = new float[rows];
        float[] row = new float[n];
        for (int i = 0; i < rows; i++) {
            d.copyRow(i, row);
            System.arraycopy(row, 0, x, i * n, n);
            y[i] = d.label(i);
            w[i] = (float) random.nextDouble(0.1, 3.0);
        }
        Dataset out = Dataset.wrap(x, n, y, w);
        return d.featureNames() == null ? out : out.withFeatureNames(d.featureNames());
    }
}
