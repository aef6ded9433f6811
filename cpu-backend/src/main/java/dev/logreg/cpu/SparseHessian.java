package dev.logreg.cpu;

import dev.logreg.backend.ParamShape;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * The full Hessian of a sparse term (Newton's method, where K·(n+1) ≤ {@link ParamShape#MAX_HESSIAN_LENGTH}): per
 * row, only the pairs of its nonzeros (and the intercept's 1), so a row costs K²·(nnz+1)²/2 multiply-adds rather than
 * K²·(n+1)²/2. Rows in bound order on the caller's thread (deterministic); the products formed as the reference
 * backend forms them ((c·xⱼ)·xₗ), so each entry is the reference's sum without its zero terms.
 */
final class SparseHessian {
    private SparseHessian() {}

    static void compute(CsrRows rows, boolean log, boolean softmax, float positiveClass, ParamShape shape, double[] params, double[] out) {
        int n = shape.features();
        int k = shape.outputs();
        int stride = n + 1;
        int dim = shape.length();
        Arrays.fill(out, 0.0);
        int[] cols = new int[Math.min(n, 1 << 16) + 1];
        double[] xs = new double[cols.length];
        double[] z = new double[k];
        double m = 0;
        for (int c = 0; c < rows.chunks(); c++) {
            LongBuffer off = rows.offsets[c];
            IntBuffer idx = rows.indices[c];
            FloatBuffer val = rows.values[c];
            FloatBuffer y = rows.labels[c];
            FloatBuffer w = rows.weights[c];
            int chunkRows = (int) (rows.firstRow[c + 1] - rows.firstRow[c]);
            for (int r = 0; r < chunkRows; r++) {
                int from = (int) off.get(r);
                int len = (int) off.get(r + 1) - from;
                if (len + 1 > cols.length) {
                    cols = new int[len + 1];
                    xs = new double[len + 1];
                }
                for (int q = 0; q < len; q++) {
                    cols[q] = idx.get(from + q);
                    xs[q] = val.get(from + q);
                }
                cols[len] = n;  // the intercept: x̃ = (x, 1), its index the largest
                xs[len] = 1.0;
                int count = len + 1;
                double wi = w == null ? 1.0 : w.get(r);
                m += wi;
                if (!softmax) {
                    double dot = 0;
                    for (int q = 0; q < len; q++) dot += params[cols[q]] * xs[q];
                    double zi = dot + params[n];
                    float label = y.get(r);
                    double yi = positiveClass < 0 ? label : (label == positiveClass ? 1.0 : 0.0);
                    double ci = wi * FusedKernel.secondDerivative(log, yi, zi);
                    addPairs(out, dim, 0, 0, ci, cols, xs, count, true);
                    continue;
                }
                for (int cl = 0; cl < k; cl++) {
                    double dot = 0;
                    for (int q = 0; q < len; q++) dot += params[cl * stride + cols[q]] * xs[q];
                    z[cl] = dot + params[cl * stride + n];
                }
                SparseSoftmaxKernel.softmax(z, 0, k);
                for (int cl = 0; cl < k; cl++) {
                    for (int e = 0; e <= cl; e++) {
                        double a = wi * ((cl == e ? z[cl] : 0.0) - z[cl] * z[e]);
                        if (a == 0.0) continue;
                        addPairs(out, dim, cl * stride, e * stride, a, cols, xs, count, cl == e);
                    }
                }
            }
        }
        for (int r = 0; r < dim; r++) {
            for (int c = 0; c <= r; c++) {
                // An all-zero-weight dataset contributes nothing, rather than 0/0.
                double v = m > 0 ? out[r * dim + c] / m : 0.0;
                out[r * dim + c] = v;
                out[c * dim + r] = v;
            }
        }
    }

    /**
     * out[(rowBase + cols[a])·dim + colBase + cols[b]] += (coef·xs[a])·xs[b] for every pair, b ≤ a only where
     * {@code diagonalBlock} (the lower triangle of a diagonal block; columns ascend, so b ≤ a is col ≤ col).
     */
    private static void addPairs(double[] out, int dim, int rowBase, int colBase, double coef, int[] cols, double[] xs, int count,
                                 boolean diagonalBlock) {
        for (int a = 0; a < count; a++) {
            double ca = coef * xs[a];
            int rowIndex = (rowBase + cols[a]) * dim + colBase;
            int last = diagonalBlock ? a : count - 1;
            for (int b = 0; b <= last; b++) out[rowIndex + cols[b]] += ca * xs[b];
        }
    }
}
