package dev.logreg.optim;

/**
 * Backtracking line search with the Armijo sufficient-decrease test, F(x + αd) ≤ F(x) + c₁·α·(∇F·d), halving α from
 * its first trial; shared by {@link GradientDescentOptimizer} (d = −g) and {@link NewtonOptimizer}. Each trial costs
 * one value-and-gradient evaluation, so the accepted point's gradient comes with it. Stateless.
 */
final class ArmijoBacktracking {
    /** c₁ of the sufficient-decrease test. */
    static final double C1 = 1e-4;
    /** Trials before giving up: 60 halvings take α below 1e-18 of its first trial. */
    static final int MAX_BACKTRACKS = 60;

    private ArmijoBacktracking() {}

    enum Outcome { ACCEPTED, NON_FINITE, FAILED }

    /** How a search ended: the accepted point's value and step where {@code outcome} is ACCEPTED. */
    record Result(Outcome outcome, double value, double step) {
    }

    /**
     * Searches along {@code d} from {@code x} (value {@code fx}, slope ∇F·d &lt; 0), first trial {@code step0}.
     * On ACCEPTED, {@code xNew} and {@code gNew} hold the accepted point and its gradient.
     */
    static Result search(Objective f, Progress p, double[] x, double fx, double[] d, double slope, double step0,
                         double[] xNew, double[] gNew) {
        double step = step0;
        for (int k = 0; k < MAX_BACKTRACKS; k++) {
            Vectors.axpy(x, step, d, xNew);
            double fNew = f.smoothValueAndGradient(xNew, gNew);
            p.evaluated();
            if (!Double.isFinite(fNew) || !Vectors.allFinite(gNew)) return new Result(Outcome.NON_FINITE, fNew, step);
            if (fNew <= fx + C1 * step * slope) return new Result(Outcome.ACCEPTED, fNew, step);
            step *= 0.5;
        }
        return new Result(Outcome.FAILED, Double.NaN, step);
    }
}
