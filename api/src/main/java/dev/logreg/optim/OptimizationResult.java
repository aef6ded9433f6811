package dev.logreg.optim;

import java.util.List;

/**
 * How an optimization ended.
 *
 * @param solution     the last finite iterate (the optimum where {@code status.isConverged()}); a copy, caller owns it
 * @param objective    objective value at {@code solution}
 * @param gradientNorm ‖g‖∞ at {@code solution} (pseudo-gradient for L1), in the optimizer's coordinates
 * @param status       which criterion ended it
 * @param iterations   iterations done (epochs for SGD and Adam)
 * @param evaluations  function evaluations (passes over the data)
 * @param elapsedNanos wall time
 * @param history      one entry per iteration
 * @param message      one line for people, e.g. why the line search failed
 */
public record OptimizationResult(double[] solution, double objective, double gradientNorm, Status status, int iterations,
                                 long evaluations, long elapsedNanos, List<IterationState> history, String message) {
    public OptimizationResult {
        solution = solution.clone();
        history = List.copyOf(history);
    }

    @Override
    public double[] solution() {
        return solution.clone();
    }
}
