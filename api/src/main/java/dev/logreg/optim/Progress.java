package dev.logreg.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The termination bookkeeping every optimizer shares: the clock, the evaluation count, the history, the listener and
 * the stopping tests in one fixed order (gradient, objective change, cancellation, time budget, iteration budget),
 * so that every optimizer names its {@link Status} the same way. One instance per {@code minimize} call.
 */
final class Progress {
    private final StoppingCriteria criteria;
    private final TrainingListener listener;
    private final long start;
    private final long budgetNanos;
    private final List<IterationState> history = new ArrayList<>();
    private long evaluations;
    private int iterations;

    Progress(StoppingCriteria criteria, TrainingListener listener) {
        this.criteria = Objects.requireNonNull(criteria, "criteria");
        this.listener = listener == null ? TrainingListener.NONE : listener;
        this.start = System.nanoTime();
        this.budgetNanos = criteria.timeBudget() == null ? Long.MAX_VALUE : saturatedNanos(criteria.timeBudget());
    }

    private static long saturatedNanos(java.time.Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    StoppingCriteria criteria() { return criteria; }

    /** Counts {@code k} passes over the data. */
    void evaluated(long k) { evaluations += k; }

    /** Counts one pass over the data. */
    void evaluated() { evaluations++; }

    long evaluations() { return evaluations; }

    int iterations() { return iterations; }

    long elapsedNanos() { return System.nanoTime() - start; }

    boolean timeUp() { return elapsedNanos() >= budgetNanos; }

    /** Whether the start point already passes the gradient test (then no iteration is done). */
    boolean convergedAtStart(double f, double gradientNorm) {
        return criteria.gradientConverged(gradientNorm, f);
    }

    /**
     * Records an iteration that moved from objective {@code previous} to {@code current}, tells the listener, and
     * returns the status to end with, or {@code null} to go on.
     */
    Status afterIteration(double previous, double current, double gradientNorm, double stepSize) {
        iterations++;
        IterationState s = new IterationState(iterations, current, gradientNorm, stepSize, evaluations, elapsedNanos());
        history.add(s);
        listener.onIteration(s);
        if (criteria.gradientConverged(gradientNorm, current)) return Status.CONVERGED_GRADIENT;
        if (criteria.valueConverged(previous, current)) return Status.CONVERGED_VALUE;
        if (listener.stopRequested()) return Status.CANCELLED;
        if (timeUp()) return Status.TIME_BUDGET;
        if (iterations >= criteria.maxIterations()) return Status.MAX_ITERATIONS;
        return null;
    }

    /** Ends the run at the last finite iterate after a non-finite value or gradient in a line search. */
    OptimizationResult nonFiniteInLineSearch(double[] x, double f, double gradientNorm) {
        return finish(x, f, gradientNorm, Status.NUMERIC_ERROR, "non-finite objective or gradient in the line search; returned the last finite iterate");
    }

    /**
     * Ends the run where the line search found no step with sufficient decrease.
     *
     * @param normName what {@code gradientNorm} is the norm of ("gradient", "pseudo-gradient")
     */
    OptimizationResult lineSearchFailed(double[] x, double f, double gradientNorm, String normName) {
        return finish(x, f, gradientNorm, Status.LINE_SEARCH_FAILED, "line search found no step with sufficient decrease"
                + " (often: converged as far as floating point allows); " + normName + " inf-norm " + gradientNorm);
    }

    /**
     * The start point's evaluation: F(x₀) and ‖∇F(x₀)‖∞ (the gradient written into the caller's array), or, where
     * the run ends right there (a non-finite value or gradient; a start that already passes the gradient test), the
     * result that ends it.
     */
    record Start(double value, double gradientNorm, OptimizationResult finished) {
    }

    /** Evaluates F and ∇F at {@code x} (into {@code g}) and applies the tests every smooth method starts with. */
    Start start(Objective f, double[] x, double[] g) {
        double fx = f.smoothValueAndGradient(x, g);
        evaluated();
        if (!Double.isFinite(fx) || !Vectors.allFinite(g)) {
            return new Start(fx, Double.NaN, finish(x, fx, Double.NaN, Status.NUMERIC_ERROR, "non-finite objective or gradient at the start point"));
        }
        double gNorm = Vectors.infNorm(g);
        if (convergedAtStart(fx, gNorm)) {
            return new Start(fx, gNorm, finish(x, fx, gNorm, Status.CONVERGED_GRADIENT, describe(Status.CONVERGED_GRADIENT)));
        }
        return new Start(fx, gNorm, null);
    }

    /**
     * As {@link #start}, for Φ = F + Σcᵢ|xᵢ| (OWL-QN, proximal Newton): Φ(x) and ‖◇Φ(x)‖∞, with ∇F written into
     * {@code g} and the pseudo-gradient ◇Φ into {@code pg}.
     */
    Start startComposite(Objective f, double[] x, double[] c, double[] g, double[] pg) {
        double fx = f.smoothValueAndGradient(x, g) + Vectors.l1Part(f, x);
        evaluated();
        if (!Double.isFinite(fx) || !Vectors.allFinite(g)) {
            return new Start(fx, Double.NaN, finish(x, fx, Double.NaN, Status.NUMERIC_ERROR, "non-finite objective or gradient at the start point"));
        }
        Vectors.pseudoGradient(x, g, c, pg);
        double pgNorm = Vectors.infNorm(pg);
        if (convergedAtStart(fx, pgNorm)) {
            return new Start(fx, pgNorm, finish(x, fx, pgNorm, Status.CONVERGED_GRADIENT, describe(Status.CONVERGED_GRADIENT)));
        }
        return new Start(fx, pgNorm, null);
    }

    /** The result at {@code x}, which must be finite (the optimizers roll back to the last finite iterate). */
    OptimizationResult finish(double[] x, double f, double gradientNorm, Status status, String message) {
        if (!Vectors.allFinite(x)) {
            // A guard on the contract "never return non-finite coordinates"; reaching it is a bug in an optimizer.
            throw new IllegalStateException("optimizer produced a non-finite solution with status " + status);
        }
        return new OptimizationResult(x, f, gradientNorm, status, iterations, evaluations, elapsedNanos(), history, message);
    }

    /** The one-line message for a status. */
    static String describe(Status s) {
        switch (s) {
            case CONVERGED_GRADIENT: return "gradient test passed";
            case CONVERGED_VALUE: return "relative objective change below tolerance";
            case MAX_ITERATIONS: return "iteration budget spent";
            case TIME_BUDGET: return "time budget spent";
            case CANCELLED: return "cancelled by the listener";
            case LINE_SEARCH_FAILED: return "line search found no acceptable step";
            case NUMERIC_ERROR: return "non-finite value or gradient; returned the last finite iterate";
            default: return s.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
