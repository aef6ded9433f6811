package dev.logreg.optim;

import dev.logreg.penalty.Penalty;

import java.util.EnumSet;
import java.util.Set;

/**
 * The trust-region Newton method of LIBLINEAR, {@code tron} (Lin, Weng &amp; Keerthi 2008, "Trust region Newton method
 * for large-scale logistic regression", JMLR 9; the radius rules of Hsia, Chiang &amp; Lin 2017, "A study on trust
 * region update rules in Newton methods for large-scale linear classification"), for the smooth penalties (none, L2):
 * each iteration solves the Newton system ∇²F·s = −∇F approximately by conjugate gradients inside a ball of radius Δ
 * (Steihaug 1983), each CG step one Hessian-vector product ({@link Objective#smoothHessianVector}, one pass over the
 * data), so it needs no d×d matrix and suits millions of features, as L-BFGS does, while converging in the tens of
 * iterations of a Newton method.
 *
 * <p>The step: CG from s = 0 until ‖r‖₂ ≤ ξ‖∇F‖₂ (r = −∇F − ∇²F·s the residual), ξ = min(0.1, √‖∇F‖₂): LIBLINEAR's
 * 0.1 far from the optimum and a tightening forcing term near it, so that the last iterations converge superlinearly
 * (Eisenstat &amp; Walker's idea; the same forcing as the proximal {@link NewtonOptimizer}'s). Where a CG step would
 * leave the ball, or meets a direction of non-positive curvature (the non-convex MSE loss), the step goes to the
 * boundary along it and CG stops. Then ρ = (F(x) − F(x + s)) / (−∇F·s − ½ sᵀ∇²F s), the actual over the predicted
 * reduction: the step is taken where ρ &gt; η₀ = 1e-4, and Δ is updated by LIBLINEAR's rules (η = 1e-4, 0.25, 0.75;
 * σ = 0.25, 0.5, 4; the first radius ‖∇F₀‖₂, cut to the first step's length). A rejected step costs one evaluation
 * and shrinks Δ. Where the predicted reduction is below what F's rounding can show (about 1e-15·|F|), ρ is noise:
 * there a step that changes F by no more than that rounding and lowers ‖∇F‖₂ is taken, Δ unchanged (the last steps on
 * badly scaled columns), and any other ends the run (converged as far as floating point allows), as do 60 rejections
 * in a row.
 *
 * <p>No preconditioner inside CG. Hsia, Chiang &amp; Lin (2018, "Preconditioned conjugate gradient methods in
 * truncated Newton frameworks for large-scale linear classification") precondition with diag(∇²F), which needs a pass
 * of its own each iteration (and, with centred columns, the products with the intercept's column too) and a further
 * {@link dev.logreg.backend.DataTerm} method on every backend. Here the objective already works in standardized
 * coordinates ({@link dev.logreg.objective.Preconditioner}: column j scaled by √(sⱼ² + 4c₂), the diagonal of ∇²F
 * with ℓ'' replaced by its bound ¼ and the penalty's curvature included), which leaves only the spread of the rows'
 * ℓ''ᵢ for a Jacobi preconditioner to correct. Measured with the exact diagonal supplied by a scratch harness
 * (synthetic sparse rows, 20,000 x 50,000, 40 nonzeros a row, standardized, intercept, L2 λ = 1, 0.1, 0.01, 0.001):
 * plain CG took 20, 39, 87 and 210 passes, Jacobi-preconditioned CG 17, 32, 77 and 128, that is 21, 37, 84 and 137
 * with its diagonal pass per iteration: nothing for λ ≥ 0.01, a third at λ = 0.001. Not worth a method on every
 * backend yet; a diagonal fused into the gradient pass is the way to add it if small-λ fits on wide data matter.
 *
 * <p>The gradient test and every other stopping rule are those of {@link StoppingCriteria}, on ‖∇F‖∞ in the
 * optimizer's coordinates, as for L-BFGS. Each CG step counts as one evaluation (a pass), as does each trial point.
 * The multinomial Hessian is singular along the directions that shift every class alike (softmax is unchanged by
 * them); the gradient is orthogonal to them, so CG never moves along them, and the L2 penalty makes the rest
 * definite. Memory: about eight vectors of the objective's dimension besides what the objective holds.
 *
 * <p>Immutable; each {@link #minimize} call has its own state.
 */
public final class TronOptimizer implements Optimizer {
    /** Acceptance threshold and the two thresholds of the radius update (ρ compared with each). */
    static final double ETA0 = 1e-4;
    static final double ETA1 = 0.25;
    static final double ETA2 = 0.75;
    /** Radius factors: shrink, halve, grow. */
    static final double SIGMA1 = 0.25;
    static final double SIGMA2 = 0.5;
    static final double SIGMA3 = 4.0;
    /** The largest forcing term ξ of the CG stopping rule (LIBLINEAR's fixed 0.1). */
    static final double MAX_FORCING = 0.1;
    /** Rejected steps in a row before giving up: each at least halves Δ, so 60 take it below 1e-18 of its value. */
    static final int MAX_REJECTIONS = 60;
    /**
     * A predicted reduction at most this fraction of max(|F|, 1) is below what F's rounding can show: where such a
     * step is rejected, the run ends (converged as far as floating point allows).
     */
    static final double ROUNDING_FLOOR = 1e-15;

    /** The truncated Newton method; it has no settings. */
    public TronOptimizer() {}

    @Override public String name() { return "tron"; }

    @Override public Set<Penalty.Kind> supportedPenalties() { return EnumSet.of(Penalty.Kind.NONE, Penalty.Kind.L2); }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException where {@code f} has an L1 part (use {@link OwlqnOptimizer}) or computes no
     *                                  Hessian-vector products (use {@link LbfgsOptimizer}), or {@code x0} does not
     *                                  fit it
     */
    @Override
    public OptimizationResult minimize(Objective f, double[] x0, StoppingCriteria criteria, TrainingListener listener) {
        double[] x = Vectors.checkStart(f, x0);
        if (!f.isSmooth()) checkSupports(Penalty.Kind.L1);
        if (!f.hasHessianVector()) {
            throw new IllegalArgumentException("optimizer tron needs Hessian-vector products, which this objective does not provide; use lbfgs");
        }
        Progress p = new Progress(criteria, listener);
        int n = x.length;
        double[] g = new double[n];
        Progress.Start start = p.start(f, x, g);
        if (start.finished() != null) return start.finished();
        double fx = start.value();
        double gNorm = start.gradientNorm();

        ConjugateGradients cg = new ConjugateGradients(f, p, n);
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        double delta = Vectors.norm2(g);
        boolean first = true;
        int rejections = 0;
        while (true) {
            double g2 = Vectors.norm2(g);
            double forcing = Math.min(MAX_FORCING, Math.sqrt(g2));
            ConjugateGradients.Outcome o = cg.solve(x, g, delta, forcing * g2);
            if (o == ConjugateGradients.Outcome.NON_FINITE) {
                return p.finish(x, fx, gNorm, Status.NUMERIC_ERROR, "non-finite Hessian-vector product; returned the last finite iterate");
            }
            double[] s = cg.step();
            double gs = Vectors.dot(g, s);
            // r = −g − Hs, so sᵀHs = −s·(g + r) and the model's reduction −(g·s + ½sᵀHs) = −½(g·s − s·r).
            double predicted = -0.5 * (gs - Vectors.dot(s, cg.residual()));
            Vectors.axpy(x, 1.0, s, xNew);
            double fNew = f.smoothValueAndGradient(xNew, gNew);
            p.evaluated();
            if (!Double.isFinite(fNew) || !Vectors.allFinite(gNew)) return p.nonFiniteInLineSearch(x, fx, gNorm);
            double actual = fx - fNew;
            double sNorm = Vectors.norm2(s);
            if (first) delta = Math.min(delta, sNorm);
            double rounding = ROUNDING_FLOOR * Math.max(Math.abs(fx), 1.0);
            boolean belowRounding = !(predicted > rounding);
            boolean accepted = actual > ETA0 * predicted;
            if (!accepted && belowRounding && predicted > 0 && Math.abs(actual) <= rounding && Vectors.norm2(gNew) < g2) {
                // F's rounding hides a reduction this small, so ρ is noise (F may even rise by an ulp): the step is
                // judged by the gradient, which still shows it (the last steps on badly scaled columns), and Δ stays.
                accepted = true;
            } else {
                delta = newRadius(delta, sNorm, gs, fx, fNew, actual, predicted, o == ConjugateGradients.Outcome.BOUNDARY);
            }
            if (accepted) {
                rejections = 0;
                first = false;
                double previous = fx;
                System.arraycopy(xNew, 0, x, 0, n);
                System.arraycopy(gNew, 0, g, 0, n);
                fx = fNew;
                gNorm = Vectors.infNorm(g);
                Status st = p.afterIteration(previous, fx, gNorm, sNorm);
                if (st != null) return p.finish(x, fx, gNorm, st, Progress.describe(st));
                continue;
            }
            rejections++;
            if (belowRounding || rejections >= MAX_REJECTIONS || !(delta > 0)) {
                return p.finish(x, fx, gNorm, Status.LINE_SEARCH_FAILED, "trust region found no step with sufficient decrease"
                        + " (often: converged as far as floating point allows); gradient inf-norm " + gNorm);
            }
            if (p.timeUp()) return p.finish(x, fx, gNorm, Status.TIME_BUDGET, Progress.describe(Status.TIME_BUDGET));
        }
    }

    /**
     * LIBLINEAR's radius update: α, the minimizer of the quadratic interpolating F along s (F(x), its slope g·s and
     * F(x + s)), clipped to [σ₁, σ₃] (σ₃ where the interpolant is not convex); then Δ shrinks, stays or grows by how
     * well the model predicted the reduction.
     */
    static double newRadius(double delta, double sNorm, double gs, double fx, double fNew, double actual, double predicted,
                            boolean reachedBoundary) {
        double curvature = fNew - fx - gs;
        double alpha = curvature <= 0 ? SIGMA3 : Math.max(SIGMA1, -0.5 * (gs / curvature));
        if (actual < ETA0 * predicted) return Math.min(alpha * sNorm, SIGMA2 * delta);
        if (actual < ETA1 * predicted) return Math.max(SIGMA1 * delta, Math.min(alpha * sNorm, SIGMA2 * delta));
        if (actual < ETA2 * predicted) return Math.max(SIGMA1 * delta, Math.min(alpha * sNorm, SIGMA3 * delta));
        if (reachedBoundary) return SIGMA3 * delta;
        return Math.max(delta, Math.min(alpha * sNorm, SIGMA3 * delta));
    }

    @Override
    public String toString() {
        return "tron";
    }
}
