package dev.logreg.optim;

import dev.logreg.penalty.Penalty;

import java.util.EnumSet;
import java.util.Set;

/**
 * Batch gradient descent, for every penalty.
 *
 * <p>Smooth objectives (none, L2): x ← x − t∇F(x) with a backtracking (Armijo) line search, F(x − t g) ≤ F(x) −
 * c₁ t ‖g‖², c₁ = 1e-4; each iteration first tries twice the previous accepted step, then halves.
 *
 * <p>With an L1 part (L1, elastic net): the proximal gradient method (ISTA) accelerated as FISTA (Beck &amp; Teboulle
 * 2009, "A fast iterative shrinkage-thresholding algorithm for linear inverse problems", SIAM J. Imaging Sci.): from
 * the extrapolated point y, p = S(y − ∇F(y)/L, c/L) with S the soft-thresholding operator, which gives exact zeros;
 * L found by backtracking (doubled until F(p) ≤ F(y) + ∇F(y)·(p − y) + (L/2)‖p − y‖², and relaxed by 0.9 at the
 * start of each iteration so it can shrink again); the momentum is restarted whenever the objective increases
 * (O'Donoghue &amp; Candès 2015, "Adaptive restart for accelerated gradient schemes"). Its gradient test is on the
 * inf-norm of the pseudo-gradient (the minimum-norm subgradient) at the iterate.
 *
 * <p>Immutable; each {@link #minimize} call has its own state.
 */
public final class GradientDescentOptimizer implements Optimizer {
    static final int MAX_BACKTRACKS = ArmijoBacktracking.MAX_BACKTRACKS;

    /** Gradient descent; it has no settings. */
    public GradientDescentOptimizer() {}

    @Override public String name() { return "gd"; }

    @Override public Set<Penalty.Kind> supportedPenalties() { return EnumSet.allOf(Penalty.Kind.class); }

    @Override
    public OptimizationResult minimize(Objective f, double[] x0, StoppingCriteria criteria, TrainingListener listener) {
        double[] x = Vectors.checkStart(f, x0);
        Progress p = new Progress(criteria, listener);
        return f.isSmooth() ? descend(f, x, p) : fista(f, x, Vectors.l1Coefficients(f), p);
    }

    private static OptimizationResult descend(Objective f, double[] x, Progress p) {
        int n = x.length;
        double[] g = new double[n];
        Progress.Start start = p.start(f, x, g);
        if (start.finished() != null) return start.finished();
        double fx = start.value();
        double gNorm = start.gradientNorm();
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        double t = Math.min(1.0, 1.0 / Vectors.norm2(g));
        boolean first = true;
        while (true) {
            if (!first) t *= 2;
            first = false;
            // Steepest descent, d = −g, so the slope ∇F·d is −g·g.
            for (int i = 0; i < n; i++) d[i] = -g[i];
            ArmijoBacktracking.Result r = ArmijoBacktracking.search(f, p, x, fx, d, Vectors.dot(g, d), t, xNew, gNew);
            if (r.outcome() == ArmijoBacktracking.Outcome.NON_FINITE) return p.nonFiniteInLineSearch(x, fx, gNorm);
            if (r.outcome() == ArmijoBacktracking.Outcome.FAILED) return p.lineSearchFailed(x, fx, gNorm, "gradient");
            t = r.step();
            double fNew = r.value();
            double previous = fx;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            gNorm = Vectors.infNorm(g);
            Status st = p.afterIteration(previous, fx, gNorm, t);
            if (st != null) return p.finish(x, fx, gNorm, st, Progress.describe(st));
        }
    }

    private static OptimizationResult fista(Objective f, double[] x, double[] c, Progress p) {
        int n = x.length;
        double[] gx = new double[n];
        double smooth = f.smoothValueAndGradient(x, gx);
        p.evaluated();
        double fx = smooth + Vectors.l1Part(f, x);
        if (!Double.isFinite(fx) || !Vectors.allFinite(gx)) {
            return p.finish(x, fx, Double.NaN, Status.NUMERIC_ERROR, "non-finite objective or gradient at the start point");
        }
        double[] pg = new double[n];
        Vectors.pseudoGradient(x, gx, c, pg);
        double pgNorm = Vectors.infNorm(pg);
        if (p.convergedAtStart(fx, pgNorm)) return p.finish(x, fx, pgNorm, Status.CONVERGED_GRADIENT, Progress.describe(Status.CONVERGED_GRADIENT));

        double[] y = x.clone();
        double[] gy = gx.clone();
        double fy = smooth;
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        double[] xPrev = x.clone();
        double L = Math.max(Vectors.norm2(gx), 1e-12);
        double tk = 1.0;
        while (true) {
            L *= 0.9;
            double smoothNew = Double.NaN;
            boolean accepted = false;
            for (int k = 0; k < MAX_BACKTRACKS; k++) {
                double lin = 0;
                double sq = 0;
                for (int i = 0; i < n; i++) {
                    xNew[i] = Vectors.softThreshold(y[i] - gy[i] / L, c[i] / L);
                    double diff = xNew[i] - y[i];
                    lin += gy[i] * diff;
                    sq += diff * diff;
                }
                smoothNew = f.smoothValueAndGradient(xNew, gNew);
                p.evaluated();
                if (!Double.isFinite(smoothNew) || !Vectors.allFinite(gNew)) {
                    return p.finish(x, fx, pgNorm, Status.NUMERIC_ERROR, "non-finite objective or gradient; returned the last finite iterate");
                }
                if (smoothNew <= fy + lin + 0.5 * L * sq) {
                    accepted = true;
                    break;
                }
                L *= 2;
            }
            if (!accepted) {
                return p.finish(x, fx, pgNorm, Status.LINE_SEARCH_FAILED, "no step size satisfied the quadratic upper bound; pseudo-gradient inf-norm " + pgNorm);
            }
            double fNew = smoothNew + Vectors.l1Part(f, xNew);
            double previous = fx;
            System.arraycopy(x, 0, xPrev, 0, n);
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, gx, 0, n);
            fx = fNew;
            Vectors.pseudoGradient(x, gx, c, pg);
            pgNorm = Vectors.infNorm(pg);
            Status st = p.afterIteration(previous, fx, pgNorm, 1.0 / L);
            if (st != null) return p.finish(x, fx, pgNorm, st, Progress.describe(st));

            double momentum;
            if (fx > previous) {
                // Restart: the momentum overshot; continue as a plain proximal step from x.
                tk = 1.0;
                momentum = 0.0;
            } else {
                double tNext = 0.5 * (1 + Math.sqrt(1 + 4 * tk * tk));
                momentum = (tk - 1) / tNext;
                tk = tNext;
            }
            if (momentum == 0.0) {
                System.arraycopy(x, 0, y, 0, n);
                System.arraycopy(gx, 0, gy, 0, n);
                fy = smoothNew;
            } else {
                for (int i = 0; i < n; i++) y[i] = x[i] + momentum * (x[i] - xPrev[i]);
                fy = f.smoothValueAndGradient(y, gy);
                p.evaluated();
                if (!Double.isFinite(fy) || !Vectors.allFinite(gy)) {
                    return p.finish(x, fx, pgNorm, Status.NUMERIC_ERROR, "non-finite objective or gradient at the extrapolated point; returned the last finite iterate");
                }
            }
        }
    }

    @Override
    public String toString() {
        return "gd";
    }
}
