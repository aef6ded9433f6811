package dev.logreg.spark;

import dev.logreg.optim.Status;

import java.util.List;

/**
 * How a distributed fit went; held by the model it produced (not persisted: a loaded model has none).
 *
 * @param objective   J at the solution: (1/Σwᵢ) Σ wᵢ ℓᵢ + penalty, as logreg's core states it
 * @param status      the criterion that ended the optimization
 * @param message     one line for people
 * @param iterations  optimizer iterations
 * @param passes      Spark jobs that passed over the data (the binding pass included)
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
