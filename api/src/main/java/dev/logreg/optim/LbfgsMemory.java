package dev.logreg.optim;

/**
 * The limited-memory BFGS inverse-Hessian approximation (Nocedal 1980; Liu &amp; Nocedal 1989): the last {@code m}
 * pairs (s, y) and the two-loop recursion, with the initial matrix γI, γ = s·y / y·y of the newest pair. Shared by
 * L-BFGS and OWL-QN (which feeds it the smooth part's gradients, Andrew &amp; Gao 2007). One instance per
 * {@code minimize} call; not thread-safe.
 */
final class LbfgsMemory {
    /**
     * A pair is skipped when s·y ≤ EPS·y·y: its curvature is then zero, negative, or indistinguishable from rounding,
     * and storing it would make the approximation indefinite.
     */
    static final double CURVATURE_EPS = 1e-12;

    /**
     * The longest first trial step along −g, while no pair gives γ: 1/κ with κ = 1/4, the curvature the objective's
     * preconditioner gives every coordinate ({@link dev.logreg.objective.Preconditioner#fromStatistics(
     * dev.logreg.objective.ColumnStatistics, boolean, double)}: the log loss's ℓ'' is at most 1/4, and an L2 part is
     * balanced to it), so that along weakly correlated directions the first step is about Newton's.
     */
    static final double FIRST_STEP_CAP = 4.0;

    /**
     * The first trial step along −g (memory empty): min({@link #FIRST_STEP_CAP}, 1/‖g‖₂), a unit-length step where
     * the gradient is large. Why not min(1, 1/‖g‖₂), as before: over 1,000,000 x 100 from 0 that step was a quarter of
     * Newton's (J 0.693 → 0.649 where Newton's first iterate reaches 0.585), one evaluation more to the optimum's
     * 1e-6, and about one more for each λ of a warm-started path (127 against 107 over 20 λ; benchmarks/cpu/README.md,
     * "The first quasi-Newton step").
     */
    static double firstStep(double[] g) {
        return Math.min(FIRST_STEP_CAP, 1.0 / Vectors.norm2(g));
    }

    private final int m;
    private final double[][] s;
    private final double[][] y;
    private final double[] rho;
    private final double[] alpha;
    /** ρ of each pair's free part in {@link #direction(double[], double[], boolean[])} (0: the pair is skipped). */
    private final double[] freeRho;
    private double freeGamma;
    private final double[] sScratch;
    private final double[] yScratch;
    private int count;
    private int newest = -1;

    LbfgsMemory(int m, int dimension) {
        this.m = m;
        this.s = new double[m][dimension];
        this.y = new double[m][dimension];
        this.rho = new double[m];
        this.alpha = new double[m];
        this.freeRho = new double[m];
        this.sScratch = new double[dimension];
        this.yScratch = new double[dimension];
    }

    /** Stores the pair s = xNew − x, y = gNew − g (or skips it by the curvature rule); returns whether it was stored. */
    boolean update(double[] x, double[] xNew, double[] g, double[] gNew) {
        for (int i = 0; i < x.length; i++) {
            sScratch[i] = xNew[i] - x[i];
            yScratch[i] = gNew[i] - g[i];
        }
        return update(sScratch, yScratch);
    }

    /** Stores the pair (copies), or skips it by the curvature rule; returns whether it was stored. */
    boolean update(double[] sk, double[] yk) {
        double sy = Vectors.dot(sk, yk);
        double yy = Vectors.dot(yk, yk);
        if (!(sy > CURVATURE_EPS * yy) || !Double.isFinite(sy) || !Double.isFinite(yy)) return false;
        newest = (newest + 1) % m;
        System.arraycopy(sk, 0, s[newest], 0, sk.length);
        System.arraycopy(yk, 0, y[newest], 0, yk.length);
        rho[newest] = 1.0 / sy;
        if (count < m) count++;
        return true;
    }

    /** Forgets every pair (the next direction is steepest descent). */
    void clear() {
        count = 0;
        newest = -1;
    }

    int size() { return count; }

    /**
     * As {@link #direction(double[], double[])}, on the free coordinates alone: d_F = −H_F·g_F and d = 0 where
     * {@code fixed}, H_F the two-loop approximation built from the pairs' free parts (s_F, y_F), each pair's ρ and the
     * initial γ recomputed on them, a pair skipped where its free part fails the curvature rule. Where the fixed
     * coordinates stayed put over a step (OWL-QN's zeros), y_F ≈ ∇²F_FF·s_F: the pairs are secant pairs of the
     * reduced Hessian, so this approximates (∇²F_FF)⁻¹, the inverse of the free block, and not the free block of the
     * full inverse, (∇²F⁻¹)_FF, which is what zeroing the fixed part of the full direction gives and which, on coupled
     * coordinates, can be far longer.
     */
    void direction(double[] g, double[] d, boolean[] fixed) {
        int n = g.length;
        for (int i = 0; i < n; i++) d[i] = fixed[i] ? 0.0 : -g[i];
        if (count == 0) return;
        int k = newest;
        int newestUsed = -1;
        for (int j = 0; j < count; j++) {
            double[] sk = s[k];
            double[] yk = y[k];
            double sy = 0;
            double yy = 0;
            double sd = 0;
            for (int i = 0; i < n; i++) {
                if (fixed[i]) continue;
                sy += sk[i] * yk[i];
                yy += yk[i] * yk[i];
                sd += sk[i] * d[i];
            }
            if (sy > CURVATURE_EPS * yy && Double.isFinite(sy) && Double.isFinite(yy)) {
                freeRho[k] = 1.0 / sy;
                alpha[k] = freeRho[k] * sd;
                double a = alpha[k];
                for (int i = 0; i < n; i++) if (!fixed[i]) d[i] -= a * yk[i];
                if (newestUsed < 0) {
                    newestUsed = k;
                    freeGamma = sy / yy;
                }
            } else {
                freeRho[k] = 0.0; // skipped in both loops
            }
            k = (k - 1 + m) % m;
        }
        if (newestUsed < 0) return; // no pair has curvature on the free coordinates: steepest descent there
        for (int i = 0; i < n; i++) d[i] *= freeGamma;
        k = (newest - count + 1 + m) % m;
        for (int j = 0; j < count; j++) {
            if (freeRho[k] != 0.0) {
                double[] yk = y[k];
                double yd = 0;
                for (int i = 0; i < n; i++) if (!fixed[i]) yd += yk[i] * d[i];
                double c = alpha[k] - freeRho[k] * yd;
                double[] sk = s[k];
                for (int i = 0; i < n; i++) if (!fixed[i]) d[i] += c * sk[i];
            }
            k = (k + 1) % m;
        }
    }

    /** Writes d = −H·g into {@code d} (H the inverse-Hessian approximation; the identity with no pairs). */
    void direction(double[] g, double[] d) {
        int n = g.length;
        for (int i = 0; i < n; i++) d[i] = -g[i];
        if (count == 0) return;
        int k = newest;
        for (int j = 0; j < count; j++) {
            alpha[k] = rho[k] * Vectors.dot(s[k], d);
            double a = alpha[k];
            double[] yk = y[k];
            for (int i = 0; i < n; i++) d[i] -= a * yk[i];
            k = (k - 1 + m) % m;
        }
        double[] yn = y[newest];
        double gamma = 1.0 / (rho[newest] * Vectors.dot(yn, yn));
        for (int i = 0; i < n; i++) d[i] *= gamma;
        k = (newest - count + 1 + m) % m;
        for (int j = 0; j < count; j++) {
            double beta = rho[k] * Vectors.dot(y[k], d);
            double c = alpha[k] - beta;
            double[] sk = s[k];
            for (int i = 0; i < n; i++) d[i] += c * sk[i];
            k = (k + 1) % m;
        }
    }
}
