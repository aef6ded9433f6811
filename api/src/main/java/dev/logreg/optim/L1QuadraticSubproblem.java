package dev.logreg.optim;

/**
 * The step of proximal Newton: d minimizing the L1-regularized quadratic model of F around x,
 * <pre>
 *   q(d) = g·d + ½ dᵀHd + Σᵢ cᵢ |xᵢ + dᵢ|,
 * </pre>
 * H symmetric positive definite (the caller shifts it where it is not).
 *
 * <p>Two methods, one after the other. Cyclic coordinate descent (glmnet's, Friedman, Hastie &amp; Tibshirani 2010),
 * coordinates in index order, each an exact one-dimensional minimization by soft thresholding, with Hd kept up to
 * date (O(n) a coordinate): it finds the zero set and the signs quickly, but on nearly collinear columns (the bundled
 * breast-cancer data's radius, perimeter and area) it approaches the minimum itself only at a crawl: on 30 columns
 * with six such pairs, a million sweeps left ‖◇q‖∞ at 5e-8, where the phase below reaches 5e-11 after 16. So after a few sweeps, and again after twice as many each time, an
 * active-set phase: with Z the penalized coordinates at zero and s the signs of the others, the minimizer on that
 * pattern (xᵢ + dᵢ = 0 on Z, H_FF d_F = −(g_F + c_F s_F + H_FZ d_Z) by Cholesky); where it flips a sign, d moves
 * toward it until the first coordinate reaches zero and the smaller pattern is tried; where it keeps the signs it
 * becomes d, and is q's exact minimizer where the zeros meet their conditions (|gᵢ + (Hd)ᵢ| ≤ cᵢ on Z) too.
 * No step of either method raises q.
 *
 * <p>The tolerance is on q's minimum-norm subgradient at d, ‖◇q(d)‖∞. Deterministic: a fixed order of coordinates
 * and of sums, so the same inputs give the same bits. Not thread-safe (it reuses its buffers); one per optimizer run.
 */
final class L1QuadraticSubproblem {
    /** Coordinate-descent sweeps before the first exact try on the sign pattern; then after 2x, 4x, ... as many. */
    static final int FIRST_EXACT_TRY = 4;
    /** Most sign patterns one round of {@link #activeSetSteps} tries (each costs a Cholesky of the free block). */
    static final int MAX_ACTIVE_SET_STEPS = 64;

    private final int n;
    private final double[] hd;
    private final double[] candidate;
    private final double[] block;
    private final double[] factor;
    private final double[] rhs;
    private final int[] free;
    private int sweeps;

    /** Buffers for dimension {@code n}: O(n²) for the factorization of the free block. */
    L1QuadraticSubproblem(int n) {
        this.n = n;
        this.hd = new double[n];
        this.candidate = new double[n];
        this.block = new double[n * n];
        this.factor = new double[n * n];
        this.rhs = new double[n];
        this.free = new int[n];
    }

    /** Coordinate-descent sweeps of the last {@link #solve}. */
    int sweeps() { return sweeps; }

    /**
     * Writes into {@code d} a step with ‖◇q(d)‖∞ ≤ {@code tolerance}, or the best after {@code maxSweeps} sweeps of
     * coordinate descent (q(d) ≤ q(0) = Σcᵢ|xᵢ| always: every coordinate update lowers q).
     *
     * @param h         H, row-major n×n, symmetric positive definite (positive diagonal at least)
     * @param g         ∇F(x)
     * @param x         the current point
     * @param c         the L1 coefficients cᵢ ≥ 0
     * @param tolerance on ‖◇q(d)‖∞, ≥ 0
     * @param maxSweeps most coordinate-descent sweeps, ≥ 1
     * @param d         output, length n
     * @return ‖◇q(d)‖∞ of the step written
     */
    double solve(double[] h, double[] g, double[] x, double[] c, double tolerance, int maxSweeps, double[] d) {
        java.util.Arrays.fill(d, 0.0);
        java.util.Arrays.fill(hd, 0.0);
        sweeps = 0;
        double residual = residual(g, hd, x, c, d);
        int nextExactTry = FIRST_EXACT_TRY;
        while (residual > tolerance && sweeps < maxSweeps) {
            sweep(h, g, x, c, d);
            sweeps++;
            residual = residual(g, hd, x, c, d);
            if (residual > tolerance && sweeps == nextExactTry) {
                nextExactTry *= 2;
                residual = activeSetSteps(h, g, x, c, d, residual);
            }
        }
        return residual;
    }

    /**
     * Exact minimizations on sign patterns, from d (an active-set method): where the pattern's minimizer keeps the
     * signs it replaces d (q can only fall: d lies on the pattern and the minimizer minimizes q there); where it
     * flips a sign, d moves toward it up to the first coordinate that reaches zero, which becomes exactly zero (q
     * falls along the way, being a convex quadratic on the pattern), and the smaller pattern is tried. Ends at a
     * minimizer that keeps its signs (returned, q's exact minimizer where its zeros meet the conditions too; else
     * coordinate descent goes on and lets the violators in), or after {@link #MAX_ACTIVE_SET_STEPS} patterns.
     *
     * @return ‖◇q(d)‖∞ of d as left
     */
    private double activeSetSteps(double[] h, double[] g, double[] x, double[] c, double[] d, double residual) {
        for (int step = 0; step < MAX_ACTIVE_SET_STEPS; step++) {
            if (!minimizeOnSignPattern(h, g, x, c, d)) return residual;
            int blocking = -1;
            double t = 1.0;
            for (int i = 0; i < n; i++) {
                double v = x[i] + d[i];
                double next = x[i] + candidate[i];
                if (c[i] != 0 && v != 0 && !(Math.signum(next) == Math.signum(v))) {
                    double ti = v / (v - next);
                    if (ti < t) {
                        t = ti;
                        blocking = i;
                    }
                }
            }
            if (blocking < 0) {
                System.arraycopy(candidate, 0, d, 0, n);
                multiply(h, d, hd);
                return residual(g, hd, x, c, d);
            }
            for (int i = 0; i < n; i++) {
                if (c[i] != 0 && x[i] + d[i] == 0) continue; // stays on its zero
                d[i] += t * (candidate[i] - d[i]);
            }
            d[blocking] = -x[blocking];
            multiply(h, d, hd);
            residual = residual(g, hd, x, c, d);
        }
        return residual;
    }

    /** out = H·v. */
    private void multiply(double[] h, double[] v, double[] out) {
        for (int i = 0; i < n; i++) {
            double s = 0;
            int row = i * n;
            for (int j = 0; j < n; j++) s += h[row + j] * v[j];
            out[i] = s;
        }
    }

    /** One pass of exact coordinate minimizations in index order, keeping hd = Hd. */
    private void sweep(double[] h, double[] g, double[] x, double[] c, double[] d) {
        for (int i = 0; i < n; i++) {
            double a = h[i * n + i];
            // q as a function of dᵢ alone: ½a·t² + β·t + cᵢ|xᵢ + t| + const.
            double beta = g[i] + hd[i] - a * d[i];
            double t;
            if (c[i] == 0) {
                t = -beta / a;
            } else {
                // u = xᵢ + t minimizes ½a(u − xᵢ)² + β(u − xᵢ) + cᵢ|u|.
                t = Vectors.softThreshold(x[i] - beta / a, c[i] / a) - x[i];
            }
            double delta = t - d[i];
            if (delta != 0) {
                d[i] = t;
                int row = i * n;
                for (int k = 0; k < n; k++) hd[k] += delta * h[row + k];
            }
        }
    }

    /**
     * ‖◇q(d)‖∞ given hd = Hd: per coordinate, rᵢ = gᵢ + (Hd)ᵢ plus cᵢ·sign(xᵢ + dᵢ) off zero, or the distance of rᵢ
     * from [−cᵢ, cᵢ] at zero.
     */
    private double residual(double[] g, double[] hdOf, double[] x, double[] c, double[] d) {
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double r = g[i] + hdOf[i];
            double v = x[i] + d[i];
            double e;
            if (c[i] == 0) e = Math.abs(r);
            else if (v > 0) e = Math.abs(r + c[i]);
            else if (v < 0) e = Math.abs(r - c[i]);
            else e = Math.max(0.0, Math.abs(r) - c[i]);
            worst = Math.max(worst, e); // Math.max keeps a NaN visible
        }
        return worst;
    }

    /**
     * The minimizer of q on the sign pattern of x + d (penalized coordinates at zero stay there, the others keep
     * their signs' linear term cᵢsᵢ), written into {@code candidate}; false where the free block does not factor.
     */
    private boolean minimizeOnSignPattern(double[] h, double[] g, double[] x, double[] c, double[] d) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (c[i] == 0 || x[i] + d[i] != 0) free[k++] = i;
            candidate[i] = -x[i]; // on Z: xᵢ + dᵢ = 0 (overwritten on the free coordinates below)
        }
        // rhs_F = −(g_F + c_F s_F + H_FZ d_Z), d_Z = −x_Z.
        for (int a = 0; a < k; a++) {
            int i = free[a];
            double r = g[i] + (c[i] == 0 ? 0.0 : Math.signum(x[i] + d[i]) * c[i]);
            int fi = 0;
            for (int j = 0; j < n; j++) {
                if (fi < k && free[fi] == j) {
                    fi++;
                    continue;
                }
                r += h[i * n + j] * candidate[j];
            }
            rhs[a] = -r;
        }
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) block[a * k + b] = h[free[a] * n + free[b]];
        }
        if (!Cholesky.factor(block, k, 0.0, factor)) return false;
        Cholesky.solve(factor, k, rhs, rhs);
        for (int a = 0; a < k; a++) candidate[free[a]] = rhs[a];
        return true;
    }
}
