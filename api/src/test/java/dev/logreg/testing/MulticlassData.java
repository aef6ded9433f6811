package dev.logreg.testing;

import dev.logreg.data.Dataset;

import java.util.SplittableRandom;

/**
 * Seeded K-class data for the multinomial tests: features of different means and scales, labels drawn from a softmax
 * model with random coefficients (so no class separates and every class has rows), optional weights in [0.2, 3).
 */
public final class MulticlassData {
    private MulticlassData() {}

    /**
     * @param rows    number of rows
     * @param cols    number of features
     * @param classes K
     * @param weighted whether to draw sample weights
     * @param seed    the seed of every draw
     */
    public static Dataset generate(int rows, int cols, int classes, boolean weighted, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] w = new double[classes][cols];
        double[] b = new double[classes];
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < cols; j++) w[c][j] = r.nextGaussian() * 0.8;
            b[c] = r.nextGaussian() * 0.3;
        }
        Dataset.Builder builder = Dataset.builder(cols).classes(classes);
        float[] x = new float[cols];
        double[] z = new double[classes];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) x[j] = (float) (r.nextGaussian() * (1 + j % 3) + (j % 2 == 0 ? 0.5 : -0.25));
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = b[c];
                for (int j = 0; j < cols; j++) s += w[c][j] * x[j] / (1 + j % 3);
                z[c] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += (z[c] = Math.exp(z[c] - max));
            // Every class gets its first rows by construction, the rest are drawn from the model.
            int label = classes - 1;
            if (i < classes) {
                label = i;
            } else {
                double u = r.nextDouble() * sum;
                for (int c = 0; c < classes; c++) {
                    u -= z[c];
                    if (u < 0) {
                        label = c;
                        break;
                    }
                }
            }
            if (weighted) builder.addRow(x, label, (float) r.nextDouble(0.2, 3));
            else builder.addRow(x, label);
        }
        return builder.build();
    }
}
