package dev.logreg.optim;

/**
 * A line search for the strong Wolfe conditions by bracketing and safeguarded cubic interpolation (Nocedal &amp;
 * Wright, Numerical Optimization, 2nd ed., Algorithms 3.5 and 3.6; in the spirit of Moré &amp; Thuente 1994):
 * <pre>
 *   φ(α) ≤ φ(0) + c₁ α φ'(0)      and      |φ'(α)| ≤ c₂ |φ'(0)|,      φ(α) = F(x + α d)
 * </pre>
 * with c₁ = 1e-4, c₂ = 0.9. Every trial evaluates value and gradient in one pass. Where the evaluation budget runs
 * out, the best trial that satisfies the sufficient-decrease condition is accepted (curvature may then fail; the
 * L-BFGS update skips such a pair).
 *
 * <p>Where a trial's value is within {@link #VALUE_NOISE} of φ(0) relative, the decrease cannot be told from rounding,
 * and the trial is accepted on the curvature condition alone: Hager &amp; Zhang's approximate Wolfe conditions (2005),
 * with a much smaller tolerance than their 1e-6. Why: over millions of rows J's float64 sums round at about 1e-13 of
 * J, while a step from a warm start or near the optimum may decrease J by 1e-18; the sufficient-decrease test then
 * failed on rounding alone, and the search bisected for its whole budget (30 evaluations, three searches before the
 * fit gave up: a warm-started λ path over 4,000,000 rows took 455 passes, five of its fits ending
 * {@code LINE_SEARCH_FAILED}, though its first trials had φ' ≈ 0). The gradient is accurate where the value is not,
 * so inside the band the derivative's sign also brackets, and the next trial is the secant of φ' instead of the cubic
 * through noisy values. Outside the band the search decides as before, step for step (the same bits). One instance
 * per {@code minimize} call; not thread-safe.
 */
final class StrongWolfeLineSearch {
    static final double C1 = 1e-4;
    static final double C2 = 0.9;
    static final int MAX_EVALUATIONS = 30;
    /** Relative difference from φ(0) within which values are taken as equal (see the class comment). */
    static final double VALUE_NOISE = 1e-10;

    /** How a search ended. */
    enum Outcome { ACCEPTED, FAILED, NON_FINITE }

    private final Objective f;
    private final Progress progress;
    private final double[] xTrial;
    private final double[] gTrial;
    private final double[] xBest;
    private final double[] gBest;
    private double[] x;
    private double[] d;
    private double f0;
    private double dphi0;
    private int evaluations;

    /** Value at the accepted point. */
    double value;
    /** The accepted step length. */
    double step;

    StrongWolfeLineSearch(Objective f, Progress progress) {
        this.f = f;
        this.progress = progress;
        int n = f.dimension();
        xTrial = new double[n];
        gTrial = new double[n];
        xBest = new double[n];
        gBest = new double[n];
    }

    /**
     * Searches from {@code x} (value {@code fx}, directional derivative {@code slope} = g·d &lt; 0) along {@code d},
     * first trying {@code alpha0}. On {@link Outcome#ACCEPTED} the new point and its gradient are in
     * {@code xOut} and {@code gOut}, its value in {@link #value}, the step in {@link #step}; otherwise both are
     * untouched.
     */
    Outcome search(double[] x, double fx, double[] d, double slope, double alpha0, double[] xOut, double[] gOut) {
        this.x = x;
        this.d = d;
        this.f0 = fx;
        this.dphi0 = slope;
        this.evaluations = 0;
        double bestValue = Double.POSITIVE_INFINITY;
        double bestStep = 0;

        double aPrev = 0;
        double fPrev = fx;
        double dPrev = slope;
        double a = alpha0;
        Outcome outcome = null;
        double lo = 0, flo = 0, dlo = 0, hi = 0, fhi = 0, dhi = 0;
        boolean zoom = false;
        double noise = VALUE_NOISE * Math.abs(fx);
        while (outcome == null) {
            if (!zoom) {
                double fa = evaluate(a);
                if (!Double.isFinite(fa)) return Outcome.NON_FINITE;
                double da = Vectors.dot(gTrial, d);
                boolean flat = Math.abs(fa - f0) <= noise;
                if (flat && Math.abs(da) <= -C2 * dphi0) {
                    outcome = Outcome.ACCEPTED;
                    break;
                }
                if (fa <= f0 + C1 * a * dphi0 && fa < bestValue) {
                    bestValue = fa;
                    bestStep = a;
                    keepBest();
                }
                // Values within the noise band bracket nothing: there the derivative's sign decides (below).
                if (!flat && (fa > f0 + C1 * a * dphi0 || (evaluations > 1 && fa >= fPrev))) {
                    lo = aPrev; flo = fPrev; dlo = dPrev; hi = a; fhi = fa; dhi = da;
                    zoom = true;
                } else if (Math.abs(da) <= -C2 * dphi0) {
                    outcome = Outcome.ACCEPTED;
                } else if (da >= 0) {
                    lo = a; flo = fa; dlo = da; hi = aPrev; fhi = fPrev; dhi = dPrev;
                    zoom = true;
                } else {
                    // Extrapolate: at least double, at most 10x, the cubic fit's minimizer in between.
                    double next = flat && Math.abs(fPrev - f0) <= noise ? secant(aPrev, dPrev, a, da)
                            : cubicMinimizer(aPrev, fPrev, dPrev, a, fa, da);
                    aPrev = a; fPrev = fa; dPrev = da;
                    a = Double.isFinite(next) ? Math.min(Math.max(next, 2 * aPrev), 10 * aPrev) : 2 * aPrev;
                }
            } else {
                double width = Math.abs(hi - lo);
                if (width <= 1e-16 * Math.max(Math.abs(lo), Math.abs(hi))) break;
                boolean flatEnds = Math.abs(flo - f0) <= noise && Math.abs(fhi - f0) <= noise;
                double t = flatEnds ? secant(lo, dlo, hi, dhi) : cubicMinimizer(lo, flo, dlo, hi, fhi, dhi);
                double left = Math.min(lo, hi) + 0.1 * width;
                double right = Math.max(lo, hi) - 0.1 * width;
                // Safeguard: stay well inside the bracket, else bisect.
                if (!(t >= left && t <= right)) t = 0.5 * (lo + hi);
                double ft = evaluate(t);
                if (!Double.isFinite(ft)) return Outcome.NON_FINITE;
                double dt = Vectors.dot(gTrial, d);
                boolean flat = Math.abs(ft - f0) <= noise;
                if (flat && Math.abs(dt) <= -C2 * dphi0) {
                    outcome = Outcome.ACCEPTED;
                    a = t;
                    break;
                }
                if (ft <= f0 + C1 * t * dphi0 && ft < bestValue) {
                    bestValue = ft;
                    bestStep = t;
                    keepBest();
                }
                if (!flat && (ft > f0 + C1 * t * dphi0 || ft >= flo)) {
                    hi = t; fhi = ft; dhi = dt;
                } else {
                    if (Math.abs(dt) <= -C2 * dphi0) {
                        outcome = Outcome.ACCEPTED;
                        a = t;
                        break;
                    }
                    if (dt * (hi - lo) >= 0) {
                        hi = lo; fhi = flo; dhi = dlo;
                    }
                    lo = t; flo = ft; dlo = dt;
                }
            }
            if (outcome == null && evaluations >= MAX_EVALUATIONS) break;
        }
        if (outcome == Outcome.ACCEPTED) {
            System.arraycopy(xTrial, 0, xOut, 0, xOut.length);
            System.arraycopy(gTrial, 0, gOut, 0, gOut.length);
            value = lastValue;
            step = a;
            return outcome;
        }
        if (bestValue < f0) {
            System.arraycopy(xBest, 0, xOut, 0, xOut.length);
            System.arraycopy(gBest, 0, gOut, 0, gOut.length);
            value = bestValue;
            step = bestStep;
            return Outcome.ACCEPTED;
        }
        return Outcome.FAILED;
    }

    private double lastValue;

    private double evaluate(double a) {
        Vectors.axpy(x, a, d, xTrial);
        double v = f.smoothValueAndGradient(xTrial, gTrial);
        progress.evaluated();
        evaluations++;
        if (!Vectors.allFinite(gTrial)) v = Double.NaN;
        lastValue = v;
        return v;
    }

    private void keepBest() {
        System.arraycopy(xTrial, 0, xBest, 0, xBest.length);
        System.arraycopy(gTrial, 0, gBest, 0, gBest.length);
    }

    /**
     * Where the secant of φ' through (a, da) and (b, db) crosses zero; NaN where it does not (equal slopes). The step
     * model where the values are noise and only the derivatives tell.
     */
    static double secant(double a, double da, double b, double db) {
        if (da == db) return Double.NaN;
        return b - db * (b - a) / (db - da);
    }

    /**
     * Minimizer of the cubic through (a, fa, da) and (b, fb, db) (Nocedal &amp; Wright eq. 3.59); NaN where the cubic
     * has no minimizer.
     */
    static double cubicMinimizer(double a, double fa, double da, double b, double fb, double db) {
        if (a == b) return Double.NaN;
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double disc = d1 * d1 - da * db;
        if (!(disc >= 0)) return Double.NaN;
        double d2 = Math.copySign(Math.sqrt(disc), b - a);
        double denom = db - da + 2 * d2;
        if (denom == 0) return Double.NaN;
        return b - (b - a) * ((db + d2 - d1) / denom);
    }
}
