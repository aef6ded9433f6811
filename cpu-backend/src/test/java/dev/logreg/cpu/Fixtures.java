package dev.logreg.cpu;

import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeded test data and the comparisons every cpu-backend test uses (all failing on NaN). */
final class Fixtures {
    private Fixtures() {}

    /**
     * rows × cols features N(μⱼ, σⱼ) with per-column offsets and scales (so columns differ in magnitude), labels
     * from a noisy linear rule, and weights in [0, 3) (a few exactly 0) where asked.
     */
    static Dataset random(int rows, int cols, boolean weighted, SplittableRandom rnd) {
        float[] x = new float[rows * cols];
        float[] y = new float[rows];
        float[] w = weighted ? new float[rows] : null;
        double[] mu = new double[cols];
        double[] sd = new double[cols];
        double[] beta = new double[cols];
        for (int j = 0; j < cols; j++) {
            mu[j] = rnd.nextDouble(-2, 2);
            sd[j] = Math.exp(rnd.nextDouble(-1, 2));
            beta[j] = rnd.nextDouble(-1, 1) / sd[j];
        }
        for (int i = 0; i < rows; i++) {
            double z = 0;
            for (int j = 0; j < cols; j++) {
                float v = (float) (mu[j] + sd[j] * gaussian(rnd));
                x[i * cols + j] = v;
                z += beta[j] * (v - mu[j]);
            }
            y[i] = z + gaussian(rnd) > 0 ? 1f : 0f;
            if (weighted) w[i] = rnd.nextInt(20) == 0 ? 0f : (float) rnd.nextDouble(0, 3);
        }
        return Dataset.wrap(x, cols, y, w);
    }

    static double gaussian(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }

    /** Parameters with |θⱼ xⱼ| of order 1/√n, so the logits span both tails of σ without saturating every row. */
    static double[] params(Dataset data, SplittableRandom rnd) {
        int n = data.cols();
        double[] p = new double[n + 1];
        for (int j = 0; j < n; j++) {
            double scale = 1e-6;
            for (long i = 0; i < Math.min(data.rows(), 200); i++) scale = Math.max(scale, Math.abs(data.feature(i, j)));
            p[j] = gaussian(rnd) * 2.0 / (scale * Math.sqrt(n));
        }
        p[n] = gaussian(rnd) * 0.5;
        return p;
    }

    /** |a − b| ≤ tol·max(|a|, |b|), failing on NaN. */
    static void assertRelative(double expected, double actual, double tol, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= tol * Math.max(Math.abs(expected), Math.abs(actual)),
                what + ": expected " + expected + ", got " + actual + " (relative error " + err / Math.abs(expected) + ", tolerance " + tol + ")");
    }

    /**
     * The scale a gradient's rounding error is measured against: (1/M) Σ wᵢ |rᵢ| ‖x̃ᵢ‖ over the term's rows
     * [from, to) in its stored order, rᵢ = dℓ/dz at row i and x̃ᵢ = (xᵢ, 1), all in double.
     */
    static double gradientScale(Dataset data, int[] perm, Loss loss, long from, long to, double[] params) {
        int n = data.cols();
        float[] row = new float[n];
        double s = 0;
        double m = 0;
        for (long r = from; r < to; r++) {
            long src = perm == null ? r : perm[(int) r];
            data.copyRow(src, row);
            double z = 0;
            double norm = 1;
            for (int j = 0; j < n; j++) {
                z += params[j] * row[j];
                norm += (double) row[j] * row[j];
            }
            z += params[n];
            double w = data.weight(src);
            s += w * Math.abs(loss.derivative(data.label(src), z)) * Math.sqrt(norm);
            m += w;
        }
        return s / m;
    }

    /** ‖expected − actual‖∞ ≤ tol·scale, naming the first bad index with both values. */
    static void assertGradient(double[] expected, double[] actual, double scale, double tol, String what) {
        assertTrue(scale > 0, what + ": gradient scale is " + scale + ", expected > 0");
        for (int j = 0; j < expected.length; j++) {
            double err = Math.abs(expected[j] - actual[j]);
            assertTrue(err <= tol * scale, what + ": gradient[" + j + "] expected " + expected[j] + ", got " + actual[j]
                    + " (error/scale " + err / scale + ", tolerance " + tol + ")");
        }
    }

    /** Value and gradient of {@code term} over [from, to). */
    static double[] evaluate(DataTerm term, long from, long to, double[] params) {
        double[] g = new double[params.length + 1];
        double[] grad = new double[params.length];
        g[params.length] = term.valueAndGradient(from, to, params, grad);
        System.arraycopy(grad, 0, g, 0, grad.length);
        return g;
    }
}
