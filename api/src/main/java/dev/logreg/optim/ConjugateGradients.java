package dev.logreg.optim;

/**
 * Steihaug's truncated conjugate gradients (Steihaug 1983, "The conjugate gradient method and trust regions in large
 * scale optimization"; Nocedal &amp; Wright, Algorithm 7.2) for the trust-region subproblem of {@link TronOptimizer}:
 * approximately minimize g·s + ½sᵀHs over ‖s‖₂ ≤ Δ, H = ∇²F(x) applied by {@link Objective#smoothHessianVector}. From
 * s = 0, CG until the residual r = −g − Hs has ‖r‖₂ ≤ the tolerance; a step that would leave the ball, or a
 * direction of non-positive curvature, is followed to the boundary instead, and CG stops there. Every iterate
 * decreases the model, and each direction d satisfies g·d &lt; 0, so even a solve cut short (by the time budget, or by
 * {@link #MAX_STEPS_PER_DIMENSION}) returns a descent step.
 *
 * <p>The residual is kept exact for the step returned (r −= τHd for the boundary step too), so that the caller's
 * predicted reduction −½(g·s − s·r) is the model's. One instance per {@code minimize} call; its arrays are reused.
 */
final class ConjugateGradients {
    enum Outcome {
        /** The residual met the tolerance inside the ball (or the solve was cut short inside it). */
        INTERIOR,
        /** The step reached the boundary ‖s‖₂ = Δ. */
        BOUNDARY,
        /** A Hessian-vector product was not finite; the step is unusable. */
        NON_FINITE
    }

    private final Objective f;
    private final Progress progress;
    private final double[] s;
    private final double[] r;
    private final double[] d;
    private final double[] hd;

    /**
     * CG steps a solve may take, per dimension. Exact arithmetic needs at most d; in floating point, on nearly
     * collinear columns, the residual can take a few times d to meet the tolerance, and a step cut at d is poor (the
     * bundled breast-cancer data without an intercept, λ = 0.001: 82 iterations and 2,330 passes cut at d, 15 and 394
     * uncut; no solve there took 3d). A bound only against a residual that never meets the tolerance.
     */
    static final int MAX_STEPS_PER_DIMENSION = 10;

    ConjugateGradients(Objective f, Progress progress, int dimension) {
        this.f = f;
        this.progress = progress;
        this.s = new double[dimension];
        this.r = new double[dimension];
        this.d = new double[dimension];
        this.hd = new double[dimension];
    }

    /** The step of the last {@link #solve} (owned by this; overwritten by the next). */
    double[] step() { return s; }

    /** The residual −g − Hs at {@link #step()}. */
    double[] residual() { return r; }

    /**
     * Solves the subproblem at {@code x} with gradient {@code g} (nonzero) and radius {@code delta}, until
     * ‖r‖₂ ≤ {@code tolerance}; the step in {@link #step()}.
     */
    Outcome solve(double[] x, double[] g, double delta, double tolerance) {
        int n = g.length;
        for (int i = 0; i < n; i++) {
            s[i] = 0.0;
            r[i] = -g[i];
            d[i] = r[i];
        }
        double rr = Vectors.dot(r, r);
        long cap = MAX_STEPS_PER_DIMENSION * (long) n;
        for (long k = 0; k < cap; k++) {
            if (Math.sqrt(rr) <= tolerance) return Outcome.INTERIOR;
            if (k > 0 && progress.timeUp()) return Outcome.INTERIOR; // s ≠ 0 already: a descent step, the budget decides
            f.smoothHessianVector(x, d, hd);
            progress.evaluated();
            if (!Vectors.allFinite(hd)) return Outcome.NON_FINITE;
            double dHd = Vectors.dot(d, hd);
            if (!(dHd > 0)) {
                // Non-positive curvature along d (a non-convex loss, or a direction H does not see): the model falls
                // without bound along it, so go to the boundary.
                toBoundary(delta);
                return Outcome.BOUNDARY;
            }
            double alpha = rr / dHd;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double si = s[i] + alpha * d[i];
                ss += si * si;
            }
            if (Math.sqrt(ss) >= delta) {
                toBoundary(delta);
                return Outcome.BOUNDARY;
            }
            for (int i = 0; i < n; i++) {
                s[i] += alpha * d[i];
                r[i] -= alpha * hd[i];
            }
            double rrNew = Vectors.dot(r, r);
            double beta = rrNew / rr;
            for (int i = 0; i < n; i++) d[i] = r[i] + beta * d[i];
            rr = rrNew;
        }
        return Outcome.INTERIOR;
    }

    /**
     * s += τd with τ ≥ 0 the root of ‖s + τd‖₂ = Δ (s is inside the ball), and r −= τHd. LIBLINEAR's form of the
     * root, which avoids cancellation whatever the sign of s·d.
     */
    private void toBoundary(double delta) {
        double sd = Vectors.dot(s, d);
        double ss = Vectors.dot(s, s);
        double dd = Vectors.dot(d, d);
        double gap = Math.max(0.0, delta * delta - ss);
        double rad = Math.sqrt(sd * sd + dd * gap);
        double tau = sd >= 0 ? gap / (sd + rad) : (rad - sd) / dd;
        if (!(tau >= 0) || !Double.isFinite(tau)) tau = 0.0;
        for (int i = 0; i < s.length; i++) {
            s[i] += tau * d[i];
            r[i] -= tau * hd[i];
        }
    }
}
