package dev.logreg.optim;

/**
 * What a listener is told after each iteration (epoch for SGD and Adam).
 *
 * @param iteration    1-based iteration number
 * @param objective    objective value at the new iterate (full objective, penalty included)
 * @param gradientNorm ‖g‖∞ at the new iterate, in the optimizer's coordinates (the pseudo-gradient for L1)
 * @param stepSize     step length taken along the search direction
 * @param evaluations  function evaluations so far (passes over the data)
 * @param elapsedNanos wall time since the optimization started
 */
public record IterationState(int iteration, double objective, double gradientNorm, double stepSize, long evaluations, long elapsedNanos) {
}
