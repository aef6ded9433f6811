package dev.logreg.backend.reference;

import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference terms' Hessian-vector products, binary and multinomial, dense and sparse: against the full Hessian
 * times v, against central differences of the gradient, the same bits from either layout, and the kept curvatures
 * never used at another point.
 */
class HessianVectorTest {
    private static final int COLS = 6;

    /**
     * Rows with columns of different scales, a third of the entries zero (two rows all zero: empty rows once sparse),
     * labels from a noisy model; weights in [0, 2.5) with some exactly 0 where {@code weighted}.
     */
    static Dataset data(long seed, int rows, int classes, boolean weighted) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[rows][COLS];
        float[] y = new float[rows];
        float[] w = new float[rows];
        for (int i = 0; i < rows; i++) {
            double z = 0;
            for (int j = 0; j < COLS; j++) {
                boolean zero = i == 3 || i == 17 || r.nextInt(3) == 0;
                x[i][j] = zero ? 0f : (float) (r.nextGaussian() * (1 + j) + (j % 2 == 0 ? 0.5 : -1));
                z += x[i][j] * (j % 3 - 1) * 0.4 / (1 + j);
            }
            y[i] = classes == 2 ? (r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0) : Math.floorMod((int) Math.floor(z + r.nextGaussian()), classes);
            w[i] = r.nextInt(7) == 0 ? 0f : (float) r.nextDouble(0.1, 2.5);
        }
        for (int c = 0; c < classes; c++) y[c] = c; // every class present
        return Dataset.fromRows(x, y, weighted ? w : null, classes);
    }

    private static double[] random(SplittableRandom r, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * r.nextGaussian();
        return v;
    }

    private static double[] times(double[] h, double[] v) {
        int d = v.length;
        double[] out = new double[d];
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += h[i * d + j] * v[j];
            out[i] = s;
        }
        return out;
    }

    /** H·v, the term's product, agrees with hessian()·v, and dense and sparse rows give the same bits. */
    private static void check(Dataset dense, Loss loss, boolean differences, String what) {
        Dataset sparse = dense.toSparse();
        try (ReferenceBackend b = new ReferenceBackend(); DataTerm td = b.bind(dense, loss); DataTerm ts = b.bind(sparse, loss)) {
            assertTrue(td.supportsHessianVector() && ts.supportsHessianVector(), what);
            int d = td.shape().length();
            SplittableRandom r = new SplittableRandom(7);
            for (int trial = 0; trial < 3; trial++) {
                double[] p = random(r, d, 0.3);
                double[] v = random(r, d, 1.0);
                double[] hv = new double[d];
                td.hessianVector(p, v, hv);
                double[] h = new double[d * d];
                td.hessian(p, h);
                double[] expected = times(h, v);
                double scale = FiniteDifferences.maxAbs(expected);
                FiniteDifferences.assertClose(expected, hv, 1e-12, 1e-13 * scale, what + ": H·v against the Hessian");

                double[] hvSparse = new double[d];
                ts.hessianVector(p, v, hvSparse);
                assertArrayEquals(hv, hvSparse, 0.0, what + ": sparse rows give other bits");

                if (differences) {
                    // Central differences of the gradient along v: truncation O(ε²), rounding O(ulp/ε).
                    double eps = 1e-5;
                    double[] plus = new double[d];
                    double[] minus = new double[d];
                    double[] gp = new double[d];
                    double[] gm = new double[d];
                    for (int i = 0; i < d; i++) {
                        plus[i] = p[i] + eps * v[i];
                        minus[i] = p[i] - eps * v[i];
                    }
                    td.valueAndGradient(plus, gp);
                    td.valueAndGradient(minus, gm);
                    double[] fd = new double[d];
                    for (int i = 0; i < d; i++) fd[i] = (gp[i] - gm[i]) / (2 * eps);
                    FiniteDifferences.assertClose(fd, hv, 1e-6, 1e-7 * scale, what + ": H·v against differences of the gradient");
                }
            }
        }
    }

    @Test
    void binaryLossesAgreeWithTheHessianAndTheGradient() {
        Dataset d = data(1, 80, 2, false);
        check(d, Loss.log(), true, "log loss");
        check(d, Loss.mse(), true, "mse");
        // The squared hinge's ℓ'' jumps at the margin: its generalized Hessian, checked against hessian() alone.
        check(d, Loss.squaredHinge(), false, "squared hinge");
        check(data(2, 80, 2, true), Loss.log(), true, "weighted log loss");
    }

    @Test
    void multinomialAgreesWithTheHessianAndTheGradient() {
        check(data(3, 90, 3, false), Loss.multinomial(), true, "multinomial K=3");
        check(data(4, 90, 4, true), Loss.multinomial(), true, "weighted multinomial K=4");
    }

    /** The curvatures kept for one point are never used at another, and coming back gives the first result again. */
    @Test
    void keptCurvaturesFollowTheParameters() {
        for (Loss loss : new Loss[] {Loss.log(), Loss.multinomial()}) {
            Dataset d = data(5, 50, loss.kind() == Loss.Kind.MULTINOMIAL ? 3 : 2, true);
            try (ReferenceBackend b = new ReferenceBackend(); DataTerm t = b.bind(d, loss); DataTerm fresh = b.bind(d, loss)) {
                int n = t.shape().length();
                SplittableRandom r = new SplittableRandom(9);
                double[] p1 = random(r, n, 0.3);
                double[] p2 = random(r, n, 0.3);
                double[] v = random(r, n, 1.0);
                double[] a = new double[n];
                double[] b2 = new double[n];
                double[] c = new double[n];
                double[] expected = new double[n];
                t.hessianVector(p1, v, a);
                t.hessianVector(p2, v, b2);
                fresh.hessianVector(p2, v, expected);
                assertArrayEquals(expected, b2, 0.0, loss.kind() + ": the product at a new point");
                t.hessianVector(p1.clone(), v, c);
                assertArrayEquals(a, c, 0.0, loss.kind() + ": back at the first point");
                double[] p1Moved = p1.clone();
                p1Moved[n - 1] += 1e-3; // an intercept moved in place must not reuse the kept curvatures
                t.hessianVector(p1Moved, v, c);
                fresh.hessianVector(p1Moved, v, expected);
                assertArrayEquals(expected, c, 0.0, loss.kind() + ": after the intercept moved");
            }
        }
    }

    @Test
    void wrongLengthsAreRefused() {
        try (ReferenceBackend b = new ReferenceBackend(); DataTerm t = b.bind(data(6, 20, 2, false), Loss.log())) {
            int n = t.shape().length();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.hessianVector(new double[n], new double[n - 1], new double[n]));
            assertTrue(e.getMessage().contains("v"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.hessianVector(new double[n], new double[n], new double[n + 1]));
            assertThrows(IllegalArgumentException.class, () -> t.hessianVector(new double[n + 1], new double[n], new double[n]));
        }
    }
}
