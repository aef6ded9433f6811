package dev.logreg.train;

import dev.logreg.model.LogisticModel;
import dev.logreg.optim.OptimizationResult;
import dev.logreg.optim.Status;

/**
 * A trained model and how it was obtained.
 *
 * @param model        the model (coefficients on the user's own feature scales)
 * @param status       why training ended (may be {@link Status#UNBOUNDED_COEFFICIENTS} where the optimizer
 *                     itself converged on separable data without a penalty)
 * @param objective    the objective J of the model, penalty included, evaluated on the training backend
 * @param optimization the optimizer's own account (iterations, evaluations, history, in its coordinates)
 * @param optimizer    the optimizer used ({@code auto} resolved)
 * @param backend      the backend's description
 * @param options      the options in force
 * @param message      one line for people: what happened and, where training did not converge, what to do
 */
public record TrainingResult(LogisticModel model, Status status, double objective, OptimizationResult optimization,
                             String optimizer, String backend, TrainingOptions options, String message) {
}
