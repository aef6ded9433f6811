package dev.logreg.optim;

import dev.logreg.penalty.Penalty;

import java.util.EnumSet;
import java.util.Set;

/**
 * Newton's method with a Cholesky solve of the Hessian ({@link Objective#smoothHessian}) and a backtracking line
 * search (Armijo: F(x + αd) ≤ F(x) + c₁ α g·d, c₁ = 1e-4, α halved from 1). Where the Hessian is not positive
 * definite (the non-convex MSE loss, or rounding), a Levenberg-style shift μI is added, μ growing tenfold from
 * 1e-10·max|Hᵢᵢ| until the factorization succeeds (Nocedal &amp; Wright, Algorithm 3.3's idea). Each iteration costs
 * O(d³) on the host plus a Hessian pass, so it is meant for small d; it is also the reference solver in tests.
 *
 * <p>With an L1 part (L1, elastic net) it is proximal Newton (Lee, Sun &amp; Saunders 2014, "Proximal Newton-type
 * methods for minimizing composite functions"; the outer loop of newGLMNET, Yuan, Ho &amp; Lin 2012, which
 * liblinear runs for L1): the step d minimizes the quadratic model plus the L1 term,
 * g·d + ½dᵀ(H + μI)d + Σcᵢ|xᵢ + dᵢ| ({@link L1QuadraticSubproblem}: coordinate descent, then the exact minimizer
 * on the sign pattern it finds), solved to ‖◇q‖∞ ≤ min(0.1, √‖◇F‖∞)·‖◇F‖∞, a forcing sequence that tightens as
 * the iterates converge; the line search halves α from 1 until
 * Φ(x + αd) ≤ Φ(x) + c₁ α Δ, Φ = F + Σcᵢ|xᵢ|, Δ = g·d + Σcᵢ(|xᵢ + dᵢ| − |xᵢ|) &lt; 0 (Tseng &amp; Yun's test). A full
 * step puts a coordinate the model zeroes at exactly zero. The gradient test is on the pseudo-gradient's
 * ‖◇Φ‖∞, as OWL-QN's. Where quasi-Newton methods need hundreds of iterations (nearly collinear columns, as in the
 * bundled breast-cancer data: L-BFGS 142 to 179, OWL-QN 110 to 813), it takes tens (9 there).
 *
 * <p>Supports every penalty. Immutable; each {@link #minimize} call has its own state.
 */
public final class NewtonOptimizer implements Optimizer {

    /** Newton's method; it has no settings. */
    public NewtonOptimizer() {}

    @Override public String name() { return "newton"; }

    /** Most coordinate-descent sweeps of one proximal Newton step. */
    static final int MAX_SWEEPS = 1000;

    @Override public Set<Penalty.Kind> supportedPenalties() { return EnumSet.allOf(Penalty.Kind.class); }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException where {@code f} has no Hessian
     */
    @Override
    public OptimizationResult minimize(Objective f, double[] x0, StoppingCriteria criteria, TrainingListener listener) {
        double[] x = Vectors.checkStart(f, x0);
        if (!f.hasHessian()) {
            throw new IllegalArgumentException("optimizer newton needs the Hessian, which this objective does not provide; use "
                    + (f.isSmooth() ? "lbfgs" : "owlqn"));
        }
        return f.isSmooth() ? minimizeSmooth(f, x, criteria, listener) : minimizeProximal(f, x, criteria, listener);
    }

    private OptimizationResult minimizeSmooth(Objective f, double[] x, StoppingCriteria criteria, TrainingListener listener) {
        Progress p = new Progress(criteria, listener);
        int n = x.length;
        double[] g = new double[n];
        Progress.Start start = p.start(f, x, g);
        if (start.finished() != null) return start.finished();
        double fx = start.value();
        double gNorm = start.gradientNorm();

        double[] h = new double[n * n];
        double[] l = new double[n * n];
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        while (true) {
            String failure = hessian(f, p, x, h, l);
            if (failure != null) return p.finish(x, fx, gNorm, Status.NUMERIC_ERROR, failure);
            for (int i = 0; i < n; i++) d[i] = -g[i];
            Cholesky.solve(l, n, d, d);
            double slope = Vectors.dot(g, d);
            if (!(slope < 0)) {
                // Rounding made the Newton step useless: fall back to steepest descent for this iteration.
                for (int i = 0; i < n; i++) d[i] = -g[i];
                slope = Vectors.dot(g, d);
            }
            ArmijoBacktracking.Result r = ArmijoBacktracking.search(f, p, x, fx, d, slope, 1.0, xNew, gNew);
            if (r.outcome() == ArmijoBacktracking.Outcome.NON_FINITE) return p.nonFiniteInLineSearch(x, fx, gNorm);
            if (r.outcome() == ArmijoBacktracking.Outcome.FAILED) return p.lineSearchFailed(x, fx, gNorm, "gradient");
            double alpha = r.step();
            double fNew = r.value();
            double previous = fx;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            gNorm = Vectors.infNorm(g);
            Status st = p.afterIteration(previous, fx, gNorm, alpha);
            if (st != null) return p.finish(x, fx, gNorm, st, Progress.describe(st));
        }
    }

    /** Proximal Newton for F + Σcᵢ|xᵢ| (see the class comment). */
    private OptimizationResult minimizeProximal(Objective f, double[] x, StoppingCriteria criteria, TrainingListener listener) {
        double[] c = Vectors.l1Coefficients(f);
        Progress p = new Progress(criteria, listener);
        int n = x.length;
        double[] g = new double[n];
        double[] pg = new double[n];
        Progress.Start start = p.startComposite(f, x, c, g, pg);
        if (start.finished() != null) return start.finished();
        double fx = start.value();
        double pgNorm = start.gradientNorm();

        L1QuadraticSubproblem subproblem = new L1QuadraticSubproblem(n);
        double[] h = new double[n * n];
        double[] l = new double[n * n];
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        while (true) {
            String failure = hessian(f, p, x, h, l);
            if (failure != null) return p.finish(x, fx, pgNorm, Status.NUMERIC_ERROR, failure);
            double forcing = Math.min(0.1, Math.sqrt(pgNorm));
            subproblem.solve(h, g, x, c, forcing * pgNorm, MAX_SWEEPS, d);
            double decrease = decrease(g, x, c, d);
            if (!(decrease < 0)) {
                // The model step is useless (rounding at a near-optimal point, or a sweep cap hit with no progress):
                // a proximal gradient step with the Hessian's largest diagonal as its Lipschitz estimate instead.
                proximalGradientStep(h, g, x, c, d);
                decrease = decrease(g, x, c, d);
            }
            double alpha = 1.0;
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int k = 0; k < ArmijoBacktracking.MAX_BACKTRACKS && decrease < 0; k++) {
                // A full step lands the coordinates the model zeroes on exactly zero: xᵢ + (−xᵢ) = 0.
                Vectors.axpy(x, alpha, d, xNew);
                fNew = f.smoothValueAndGradient(xNew, gNew) + Vectors.l1Part(f, xNew);
                p.evaluated();
                if (!Double.isFinite(fNew) || !Vectors.allFinite(gNew)) return p.nonFiniteInLineSearch(x, fx, pgNorm);
                if (fNew <= fx + ArmijoBacktracking.C1 * alpha * decrease) {
                    accepted = true;
                    break;
                }
                alpha *= 0.5;
            }
            if (!accepted) return p.lineSearchFailed(x, fx, pgNorm, "pseudo-gradient");
            double previous = fx;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            Vectors.pseudoGradient(x, g, c, pg);
            pgNorm = Vectors.infNorm(pg);
            Status st = p.afterIteration(previous, fx, pgNorm, alpha);
            if (st != null) return p.finish(x, fx, pgNorm, st, Progress.describe(st));
        }
    }

    /** Δ = g·d + Σcᵢ(|xᵢ + dᵢ| − |xᵢ|): the model's predicted change of Φ without the curvature term. */
    private static double decrease(double[] g, double[] x, double[] c, double[] d) {
        double s = 0;
        for (int i = 0; i < d.length; i++) s += g[i] * d[i] + c[i] * (Math.abs(x[i] + d[i]) - Math.abs(x[i]));
        return s;
    }

    /** d = prox(x − g/L) − x with L = max Hᵢᵢ (soft thresholding by cᵢ/L). */
    private static void proximalGradientStep(double[] h, double[] g, double[] x, double[] c, double[] d) {
        int n = d.length;
        double lipschitz = 0;
        for (int i = 0; i < n; i++) lipschitz = Math.max(lipschitz, h[i * n + i]);
        for (int i = 0; i < n; i++) {
            double v = x[i] - g[i] / lipschitz;
            double t = c[i] / lipschitz;
            double u = v > t ? v - t : (v < -t ? v + t : 0.0);
            d[i] = u - x[i];
        }
    }

    /**
     * Evaluates ∇²F(x) into {@code h} (one pass over the data) and factors it, shifted where needed: on return h
     * holds H + μI, the matrix the step's model uses, and {@code l} its Cholesky factor. Returns null, or the message
     * of the NUMERIC_ERROR that ends the run.
     */
    private static String hessian(Objective f, Progress p, double[] x, double[] h, double[] l) {
        f.smoothHessian(x, h);
        p.evaluated();
        if (!Vectors.allFinite(h)) return "non-finite Hessian; returned the last finite iterate";
        int n = x.length;
        double shift = factorShifted(h, n, l);
        if (Double.isNaN(shift)) return "the Hessian could not be made positive definite by any diagonal shift";
        for (int i = 0; i < n; i++) h[i * n + i] += shift;
        return null;
    }

    /**
     * Cholesky of H + μI with the smallest μ in {0, 1e-10·max|Hᵢᵢ|·10ᵏ} that succeeds; returns μ, or NaN where none
     * does.
     */
    private static double factorShifted(double[] h, int n, double[] l) {
        if (Cholesky.factor(h, n, 0.0, l)) return 0.0;
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(h[i * n + i]));
        double mu = 1e-10 * Math.max(scale, 1e-300);
        for (int k = 0; k < 40; k++) {
            if (Cholesky.factor(h, n, mu, l)) return mu;
            mu *= 10;
        }
        return Double.NaN;
    }

    @Override
    public String toString() {
        return "newton";
    }
}
