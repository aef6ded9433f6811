package dev.logreg.train;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.backend.reference.ReferenceBackendProvider;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.Status;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import dev.logreg.testing.SyntheticData;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The support-vector losses: the squared hinge through the optimizers against an independent Newton method, the
 * plain hinge's dual coordinate descent against the dual's KKT conditions and weak duality, recomputed here.
 */
class HingeLossTest {
    private static final StoppingCriteria TIGHT = new StoppingCriteria(5000, 1e-8, 1e-16, null);

    /** 200 rows x 4 features, integer weights 1..3, labels that no hyperplane separates. */
    private static Dataset weighted(long seed) {
        Dataset d = SyntheticData.isotropic(200, 4, seed);
        float[] w = new float[(int) d.rows()];
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (int i = 0; i < w.length; i++) w[i] = 1 + r.nextInt(3);
        return d.withWeights(w);
    }

    /** Rows as double[m][n], labels as ±1 and weights, read from the blocks (so the checks share no code with the solvers). */
    private record Host(double[][] x, double[] y, double[] w, double weightSum) {
        static Host of(Dataset d) {
            int m = (int) d.rows();
            int n = d.cols();
            double[][] x = new double[m][n];
            double[] y = new double[m];
            double[] w = new double[m];
            double sum = 0;
            for (RowBlock b : d.blocks()) {
                FloatBuffer f = b.features();
                for (int i = 0; i < b.rows(); i++) {
                    int r = (int) b.firstRow() + i;
                    for (int j = 0; j < n; j++) x[r][j] = f.get(i * n + j);
                    y[r] = b.labels().get(i) == 1f ? 1 : -1;
                    w[r] = b.weight(i);
                    sum += w[r];
                }
            }
            return new Host(x, y, w, sum);
        }

        double dot(double[] theta, double b, int i) {
            double z = b;
            for (int j = 0; j < theta.length; j++) z += theta[j] * x[i][j];
            return z;
        }
    }

    @Test
    void squaredHingeValuesAndDerivativesAreExact() {
        Loss l = Loss.squaredHinge();
        assertEquals(Loss.Kind.SQUARED_HINGE, l.kind());
        assertEquals(4.0, l.value(1, -1));     // (1 + 1)²
        assertEquals(0.0, l.value(1, 1));      // on the margin
        assertEquals(0.0, l.value(0, -3));
        assertEquals(0.25, l.value(0, -0.5));  // (1 − 0.5)²
        assertEquals(-4.0, l.derivative(1, -1));
        assertEquals(1.0, l.derivative(0, -0.5));
        assertEquals(0.0, l.derivative(0, -1.5));
        assertEquals(2.0, l.secondDerivative(1, 0.5));
        assertEquals(0.0, l.secondDerivative(1, 1.0), "the kink takes the flat side's 0, as LIBLINEAR's generalized Hessian");
        for (double y : new double[] {0, 1}) {
            for (double z = -3.1; z < 3; z += 0.37) {
                double h = 1e-6;
                double fd = (l.value(y, z + h) - l.value(y, z - h)) / (2 * h);
                assertEquals(fd, l.derivative(y, z), 1e-8 * Math.max(1, Math.abs(fd)), "y " + y + ", z " + z);
                double fd2 = (l.derivative(y, z + h) - l.derivative(y, z - h)) / (2 * h);
                assertEquals(fd2, l.secondDerivative(y, z), 1e-6, "y " + y + ", z " + z);
            }
        }
        Loss hinge = Loss.hinge();
        assertEquals(2.0, hinge.value(1, -1));
        assertEquals(0.0, hinge.value(0, -1));
        assertEquals(-1.0, hinge.derivative(1, 0.5));
        assertEquals(1.0, hinge.derivative(0, 0.5));
        assertEquals(Loss.hinge(), Loss.of(Loss.Kind.HINGE));
        assertEquals(Loss.squaredHinge(), Loss.of(Loss.Kind.SQUARED_HINGE));
    }

    @Test
    void theSquaredHingeTermsGradientMatchesCentralDifferences() {
        Dataset data = weighted(3);
        try (ReferenceBackend backend = new ReferenceBackend(); DataTerm term = backend.bind(data, Loss.squaredHinge())) {
            double[] p = {0.4, -0.3, 0.2, 0.1, -0.05};
            double[] g = new double[5];
            term.valueAndGradient(p, g);
            for (int j = 0; j < 5; j++) {
                double h = Math.cbrt(Math.ulp(1.0)) * Math.max(1, Math.abs(p[j]));
                double[] a = p.clone();
                double[] b = p.clone();
                a[j] += h;
                b[j] -= h;
                double fd = (term.value(a) - term.value(b)) / (a[j] - b[j]);
                assertTrue(Math.abs(fd - g[j]) <= 1e-6 * Math.max(1, Math.abs(g[j])), "coordinate " + j + ": " + fd + " vs " + g[j]);
            }
        }
    }

    /**
     * The squared hinge with L2 (intercept free) through L-BFGS and Newton against an independent Newton method with
     * the generalized Hessian written here (Σ over rows inside the margin), which ends in a few steps on this
     * piecewise-quadratic objective.
     */
    @Test
    void theSquaredHingeOptimumIsThatOfAnIndependentNewtonMethod() {
        Dataset data = weighted(7);
        double lambda = 2.0;
        double[] independent = independentSquaredHinge(Host.of(data), lambda);
        for (String optimizer : new String[] {"lbfgs", "newton"}) {
            TrainingResult r;
            try (ReferenceBackend backend = new ReferenceBackend()) {
                r = Trainer.fit(backend, data, TrainingOptions.DEFAULT.withLoss(Loss.squaredHinge()).withPenalty(Penalty.l2(lambda))
                        .withOptimizer(optimizer).withCriteria(TIGHT), null);
            }
            assertTrue(r.status().isConverged(), optimizer + ": " + r.status() + " " + r.optimization().message() + " g " + r.optimization().gradientNorm() + " it " + r.optimization().iterations() + " J " + r.objective() + " vs " + squaredHingeObjective(Host.of(data), lambda, independent));
            LogisticModel m = r.model();
            double[] theta = m.coefficients();
            for (int j = 0; j < theta.length; j++) {
                assertTrue(Math.abs(theta[j] - independent[j]) <= 1e-6 * (1 + Math.abs(independent[j])), optimizer + " θ" + j + ": " + theta[j] + " vs " + independent[j]);
            }
            assertTrue(Math.abs(m.intercept() - independent[theta.length]) <= 1e-6 * (1 + Math.abs(independent[theta.length])), optimizer + " b");
            double j0 = squaredHingeObjective(Host.of(data), lambda, independent);
            assertTrue(Math.abs(r.objective() - j0) <= 1e-9 * j0, optimizer + " objective " + r.objective() + " vs " + j0);
        }
    }

    private static double squaredHingeObjective(Host h, double lambda, double[] p) {
        int n = p.length - 1;
        double s = 0;
        for (int i = 0; i < h.y().length; i++) {
            double slack = 1 - h.y()[i] * h.dot(java.util.Arrays.copyOf(p, n), p[n], i);
            if (slack > 0) s += h.w()[i] * slack * slack;
        }
        double r = 0;
        for (int j = 0; j < n; j++) r += p[j] * p[j];
        return s / h.weightSum() + lambda / (2 * h.weightSum()) * r;
    }

    private static double[] independentSquaredHinge(Host h, double lambda) {
        int n = h.x()[0].length;
        int d = n + 1;
        double[] p = new double[d];
        double m = h.weightSum();
        for (int iter = 0; iter < 100; iter++) {
            double[] g = new double[d];
            double[][] hess = new double[d][d];
            for (int i = 0; i < h.y().length; i++) {
                double[] xt = java.util.Arrays.copyOf(h.x()[i], d);
                xt[n] = 1;
                double slack = 1 - h.y()[i] * h.dot(java.util.Arrays.copyOf(p, n), p[n], i);
                if (!(slack > 0)) continue;
                for (int a = 0; a < d; a++) {
                    g[a] += -2 * h.w()[i] * h.y()[i] * slack * xt[a] / m;
                    for (int b = 0; b < d; b++) hess[a][b] += 2 * h.w()[i] * xt[a] * xt[b] / m;
                }
            }
            for (int a = 0; a < n; a++) {
                g[a] += lambda / m * p[a];
                hess[a][a] += lambda / m;
            }
            double gmax = 0;
            for (double v : g) gmax = Math.max(gmax, Math.abs(v));
            if (gmax < 1e-14) break;
            double[] step = solve(hess, g);
            double f0 = squaredHingeObjective(h, lambda, p);
            double t = 1;
            double[] next = new double[d];
            for (int k = 0; k < 60; k++, t /= 2) {
                for (int a = 0; a < d; a++) next[a] = p[a] - t * step[a];
                if (squaredHingeObjective(h, lambda, next) <= f0) break;
            }
            p = next.clone();
        }
        return p;
    }

    /** Gaussian elimination with partial pivoting. */
    private static double[] solve(double[][] a0, double[] b0) {
        int d = b0.length;
        double[][] a = new double[d][];
        for (int i = 0; i < d; i++) a[i] = a0[i].clone();
        double[] b = b0.clone();
        for (int c = 0; c < d; c++) {
            int piv = c;
            for (int r = c + 1; r < d; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
            double[] t = a[c]; a[c] = a[piv]; a[piv] = t;
            double tb = b[c]; b[c] = b[piv]; b[piv] = tb;
            for (int r = c + 1; r < d; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < d; k++) a[r][k] -= f * a[c][k];
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[d];
        for (int r = d - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < d; k++) s -= a[r][k] * x[k];
            x[r] = s / a[r][r];
        }
        return x;
    }

    /**
     * The dual solution satisfies the dual's KKT conditions (recomputed here from α alone: w̃(α), the box, the sign of
     * each coordinate's gradient), and the primal J at the model is within 1e-6 relative of the dual: by weak duality
     * J − J* ≤ J − D, so the model is within 1e-6 relative of the optimum whatever solver one compares with.
     */
    @Test
    void thePlainHingeSolutionIsCertifiedByItsDual() {
        for (boolean intercept : new boolean[] {true, false}) {
            Dataset data = weighted(11);
            double lambda = 0.5;
            HingeDualSolver.Solution s = HingeDualSolver.solve(data, lambda, intercept, new StoppingCriteria(10000, 1e-9, 0, null), 3, null);
            assertEquals(Status.CONVERGED_GRADIENT, s.status());
            Host h = Host.of(data);
            int n = data.cols();
            double[] w = new double[n + 1];
            double alphaSum = 0;
            for (int i = 0; i < h.y().length; i++) {
                double a = s.alpha()[i];
                double c = h.w()[i] / lambda;
                assertTrue(a >= 0 && a <= c, "α" + i + " = " + a + " outside [0, " + c + "]");
                for (int j = 0; j < n; j++) w[j] += a * h.y()[i] * h.x()[i][j];
                if (intercept) w[n] += a * h.y()[i];
                alphaSum += a;
            }
            for (int j = 0; j < n; j++) assertEquals(w[j], s.theta()[j], 1e-9 * (1 + Math.abs(w[j])), "θ" + j + " = Σ αᵢ y′ᵢ xᵢⱼ");
            assertEquals(w[n], s.intercept(), 1e-9 * (1 + Math.abs(w[n])), "b = Σ αᵢ y′ᵢ (the bias feature)");
            double tol = 1e-7;
            double hinge = 0;
            for (int i = 0; i < h.y().length; i++) {
                double margin = h.y()[i] * h.dot(s.theta(), s.intercept(), i);
                double g = margin - 1;
                double a = s.alpha()[i];
                double c = h.w()[i] / lambda;
                if (a == 0) assertTrue(g >= -tol, "row " + i + ": α = 0 but the margin " + margin + " < 1");
                else if (a == c) assertTrue(g <= tol, "row " + i + ": α = C but the margin " + margin + " > 1");
                else assertTrue(Math.abs(g) <= tol, "row " + i + ": 0 < α < C but the margin " + margin + " is not 1");
                hinge += h.w()[i] * Math.max(0, 1 - margin);
            }
            double norm2 = 0;
            for (double v : w) norm2 += v * v;
            double primal = hinge / h.weightSum() + lambda / (2 * h.weightSum()) * norm2;
            double dual = lambda / h.weightSum() * (alphaSum - 0.5 * norm2);
            assertEquals(primal, s.primal(), 1e-12 * primal);
            assertEquals(dual, s.dual(), 1e-12 * primal);
            assertTrue(primal - dual >= -1e-12 && primal - dual <= 1e-6 * primal, "gap " + (primal - dual) + " of primal " + primal);
        }
    }

    /** The listener sees each pass (the dual rising towards the primal) and can stop the solver. */
    @Test
    void theListenerSeesEachPassAndCanCancel() {
        Dataset data = weighted(17);
        List<Double> duals = new java.util.ArrayList<>();
        dev.logreg.optim.TrainingListener stopAfterThree = new dev.logreg.optim.TrainingListener() {
            @Override public void onIteration(dev.logreg.optim.IterationState s) { duals.add(s.objective()); }
            @Override public boolean stopRequested() { return duals.size() >= 3; }
        };
        HingeDualSolver.Solution s = HingeDualSolver.solve(data, 0.5, true, new StoppingCriteria(1000, 1e-12, 0, null), 1, stopAfterThree);
        assertEquals(Status.CANCELLED, s.status());
        assertEquals(3, s.passes());
        assertEquals(3, duals.size());
        assertTrue(duals.get(0) <= duals.get(1) && duals.get(1) <= duals.get(2), "coordinate descent never lowers the dual: " + duals);
        assertEquals(duals.get(2), s.dual(), 1e-15);
        assertTrue(s.gap() >= 0, "weak duality");
    }

    /** Two points each side of 0 on a line: the maximum-margin separator θ = 1, b = 0, with J = λ/2M. */
    @Test
    void separableToyCaseGivesTheMaximumMarginSeparator() {
        Dataset data = Dataset.wrap(new float[] {-1, -2, 1, 2}, 1, new float[] {0, 0, 1, 1}, null);
        double lambda = 0.01;
        HingeDualSolver.Solution s = HingeDualSolver.solve(data, lambda, true, new StoppingCriteria(10000, 1e-12, 0, null), 1, null);
        assertEquals(1.0, s.theta()[0], 1e-9);
        assertEquals(0.0, s.intercept(), 1e-9);
        assertEquals(lambda / 8, s.primal(), 1e-12);
        assertEquals(0.0, s.alpha()[1], "a row beyond the margin is no support vector");
        assertEquals(0.0, s.alpha()[3]);
    }

    /** Integer weights are repeated rows: Cᵢ = wᵢ/λ; the same optimum and the same J. */
    @Test
    void weightsActAsRepeatedRows() {
        Dataset data = weighted(5);
        Host h = Host.of(data);
        int m = h.y().length;
        int n = data.cols();
        int total = 0;
        for (double w : h.w()) total += (int) w;
        float[] x = new float[total * n];
        float[] y = new float[total];
        int k = 0;
        for (int i = 0; i < m; i++) {
            for (int rep = 0; rep < (int) h.w()[i]; rep++, k++) {
                for (int j = 0; j < n; j++) x[k * n + j] = (float) h.x()[i][j];
                y[k] = h.y()[i] > 0 ? 1 : 0;
            }
        }
        Dataset repeated = Dataset.wrap(x, n, y, null);
        StoppingCriteria c = new StoppingCriteria(20000, 1e-10, 0, null);
        HingeDualSolver.Solution a = HingeDualSolver.solve(data, 1.0, true, c, 2, null);
        HingeDualSolver.Solution b = HingeDualSolver.solve(repeated, 1.0, true, c, 2, null);
        assertEquals(b.primal(), a.primal(), 1e-8 * b.primal());
        for (int j = 0; j < n; j++) assertEquals(b.theta()[j], a.theta()[j], 1e-5 * (1 + Math.abs(b.theta()[j])), "θ" + j);
        assertEquals(b.intercept(), a.intercept(), 1e-5 * (1 + Math.abs(b.intercept())));
    }

    @Test
    void theBuilderTrainsBothAndRefusesWhatTheyCannotDo() {
        Dataset data = weighted(13);
        BackendFactory factory = BackendFactory.of(List.of(new ReferenceBackendProvider()), java.util.Map.of(), new java.util.Properties());
        TrainingResult r = LogisticRegression.builder().loss(Loss.hinge()).penalty(Penalty.l2(0.5)).factory(factory).build().fit(data);
        assertEquals("dual-cd", r.optimizer());
        assertTrue(r.message().contains("not logistic regression"), r.message());
        HingeDualSolver.Solution s = HingeDualSolver.solve(data, 0.5, true, StoppingCriteria.DEFAULT, 42, null);
        assertEquals(s.primal(), r.objective());
        TrainingResult sq = LogisticRegression.builder().loss(Loss.squaredHinge()).penalty(Penalty.l2(0.5)).factory(factory).build().fit(data);
        assertTrue(sq.status().isConverged(), sq.status().toString());
        assertEquals(4, sq.model().coefficients().length);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.builder().loss(Loss.hinge()).penalty(Penalty.l1(1)).optimizer("auto").factory(factory).build().fit(data));
        assertTrue(e.getMessage().contains("L2 penalty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.builder().loss(Loss.hinge()).factory(factory).build().fit(data));
        assertTrue(e.getMessage().contains("L2 penalty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.builder().loss(Loss.hinge()).penalty(Penalty.l2(1)).optimizer("lbfgs").factory(factory).build().fit(data));
        assertTrue(e.getMessage().contains("dual coordinate descent"), e.getMessage());
        Dataset three = MulticlassData.generate(60, 2, 3, false, 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> LogisticRegression.builder().loss(Loss.squaredHinge()).penalty(Penalty.l2(1)).factory(factory).build().fit(three));
        assertTrue(e.getMessage().contains("squared-hinge loss is binary"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HingeDualSolver.solve(three, 1, true, StoppingCriteria.DEFAULT, 1, null));
        assertTrue(e.getMessage().contains("binary"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ParamShape.refuseHinge("cpu", Loss.squaredHinge()));
        assertTrue(e.getMessage().contains("not implemented on the cpu backend"), e.getMessage());
        try (ReferenceBackend backend = new ReferenceBackend()) {
            e = assertThrows(IllegalArgumentException.class, () -> backend.bind(data, Loss.hinge()));
            assertTrue(e.getMessage().contains("never bound"), e.getMessage());
        }
    }
}
