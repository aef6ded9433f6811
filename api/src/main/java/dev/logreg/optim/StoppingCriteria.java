package dev.logreg.optim;

import java.time.Duration;

/**
 * When an optimizer stops; the first criterion met wins and names the {@link Status}.
 *
 * @param maxIterations              most iterations (epochs for SGD and Adam), at least 1
 * @param gradientTolerance          stop when ‖g‖∞ ≤ gradientTolerance · max(|f|, 1); &gt; 0
 * @param relativeObjectiveTolerance stop when |f_{k−1} − f_k| ≤ tol · max(|f_k|, |f_{k−1}|, 1); ≥ 0 (0 disables it)
 * @param timeBudget                 wall-clock budget, or {@code null} for none
 */
public record StoppingCriteria(int maxIterations, double gradientTolerance, double relativeObjectiveTolerance, Duration timeBudget) {
    /** 1000 iterations, gradient tolerance 1e-8, objective-change tolerance 1e-14, no time budget. */
    public static final StoppingCriteria DEFAULT = new StoppingCriteria(1000, 1e-8, 1e-14, null);

    public StoppingCriteria {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("max iterations is " + maxIterations + ", expected at least 1");
        }
        if (!(gradientTolerance > 0) || !Double.isFinite(gradientTolerance)) {
            throw new IllegalArgumentException("gradient tolerance is " + gradientTolerance + ", expected a finite number > 0");
        }
        if (!(relativeObjectiveTolerance >= 0) || !Double.isFinite(relativeObjectiveTolerance)) {
            throw new IllegalArgumentException("relative objective tolerance is " + relativeObjectiveTolerance + ", expected a finite number >= 0");
        }
        if (timeBudget != null && (timeBudget.isNegative() || timeBudget.isZero())) {
            throw new IllegalArgumentException("time budget is " + timeBudget + ", expected a positive duration");
        }
    }

    public StoppingCriteria withMaxIterations(int n) {
        return new StoppingCriteria(n, gradientTolerance, relativeObjectiveTolerance, timeBudget);
    }

    public StoppingCriteria withGradientTolerance(double tol) {
        return new StoppingCriteria(maxIterations, tol, relativeObjectiveTolerance, timeBudget);
    }

    public StoppingCriteria withRelativeObjectiveTolerance(double tol) {
        return new StoppingCriteria(maxIterations, gradientTolerance, tol, timeBudget);
    }

    public StoppingCriteria withTimeBudget(Duration budget) {
        return new StoppingCriteria(maxIterations, gradientTolerance, relativeObjectiveTolerance, budget);
    }

    /** Whether ‖g‖∞ passes the gradient test at objective value f. */
    public boolean gradientConverged(double gradientInfNorm, double f) {
        return gradientInfNorm <= gradientTolerance * Math.max(Math.abs(f), 1.0);
    }

    /** Whether the step from {@code previous} to {@code current} passes the objective-change test. */
    public boolean valueConverged(double previous, double current) {
        return relativeObjectiveTolerance > 0
                && Math.abs(previous - current) <= relativeObjectiveTolerance * Math.max(Math.max(Math.abs(previous), Math.abs(current)), 1.0);
    }
}
