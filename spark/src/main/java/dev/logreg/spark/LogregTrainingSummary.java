package dev.logreg.spark;

import dev.logreg.optim.Status;

import java.util.List;

/**
 * How a distributed fit went; held by the model it produced (not persisted: a loaded model has none).
 *
 * @param objective   J at the solution: (1/Σwᵢ) Σ wᵢ ℓᵢ + penalty, as logreg's core states it (one-vs-rest: the sum of
 *                    the K binary fits' J, as the core's one-vs-rest result; status and message then are the first
 *                    class's that did not converge, else class 0's, and iterations and passes the K fits' totals)
 * @param status      the criterion that ended the optimization, or {@link Status#UNBOUNDED_COEFFICIENTS} (as the core's
 *                    {@code Trainer} reports it) where the penalty has neither an L1 nor an L2 part (none, or λ = 0)
 *                    and the final model puts every row of non-zero weight strictly on its label's side: the data are
 *                    linearly separable, no finite optimum exists, and the coefficients (finite: the last iterate)
 *                    are only where a tolerance stopped the optimizer
 * @param message     one line for people (with {@code UNBOUNDED_COEFFICIENTS}: the reason and the remedy)
 * @param iterations  optimizer iterations
 * @param passes      Spark jobs that passed over the data (the binding pass included, and the separability check where
 *                    it ran: only without a penalty)
 * @param optimizer   {@code lbfgs} or {@code owlqn}
 * @param rows        rows trained on
 * @param weightSum   Σwᵢ (the row count without weights); m in the penalty
 * @param backends    the distinct descriptions of the executors' backends
 */
public record LogregTrainingSummary(double objective, Status status, String message, int iterations, long passes, String optimizer,
                                    long rows, double weightSum, List<String> backends) {
    public LogregTrainingSummary {
        backends = List.copyOf(backends);
    }
}
