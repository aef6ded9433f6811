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
 * <p>Supports the smooth penalties. Immutable; each {@link #minimize} call has its own state.
 */
public final class NewtonOptimizer implements Optimizer {

    /** Newton's method; it has no settings. */
    public NewtonOptimizer() {}

    @Override public String name() { return "newton"; }

    @Override public Set<Penalty.Kind> supportedPenalties() { return EnumSet.of(Penalty.Kind.NONE, Penalty.Kind.L2); }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException where {@code f} has an L1 part or no Hessian
     */
    @Override
    public OptimizationResult minimize(Objective f, double[] x0, StoppingCriteria criteria, TrainingListener listener) {
        double[] x = Vectors.checkStart(f, x0);
        if (!f.isSmooth()) checkSupports(Penalty.Kind.L1);
        if (!f.hasHessian()) throw new IllegalArgumentException("optimizer newton needs the Hessian, which this objective does not provide; use lbfgs");
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
            f.smoothHessian(x, h);
            p.evaluated();
            if (!Vectors.allFinite(h)) {
                return p.finish(x, fx, gNorm, Status.NUMERIC_ERROR, "non-finite Hessian; returned the last finite iterate");
            }
            if (!factorShifted(h, n, l)) {
                return p.finish(x, fx, gNorm, Status.NUMERIC_ERROR, "the Hessian could not be made positive definite by any diagonal shift");
            }
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

    /** Cholesky of H + μI with the smallest μ in {0, 1e-10·max|Hᵢᵢ|·10ᵏ} that succeeds. */
    private static boolean factorShifted(double[] h, int n, double[] l) {
        if (Cholesky.factor(h, n, 0.0, l)) return true;
        double scale = 0;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(h[i * n + i]));
        double mu = 1e-10 * Math.max(scale, 1e-300);
        for (int k = 0; k < 40; k++) {
            if (Cholesky.factor(h, n, mu, l)) return true;
            mu *= 10;
        }
        return false;
    }

    @Override
    public String toString() {
        return "newton";
    }
}
