package dev.logreg.optim;

import dev.logreg.penalty.Penalty;

import java.util.Set;

/**
 * A minimizer of an {@link Objective}. Instances are immutable configuration: no state survives a call, so one
 * instance may serve many threads.
 *
 * <p>Each optimizer supports some penalties only ({@link #supportedPenalties()}); {@link #checkSupports} turns an
 * unsupported pairing into a clear error naming the optimizer to use instead. Every optimizer reports each iteration
 * to the listener, ends with a {@link Status} naming the criterion that stopped it, and never returns non-finite
 * coordinates.
 */
public interface Optimizer {
    /**
     * Name as given on the command line: {@code lbfgs}, {@code owlqn}, {@code newton}, {@code tron}, {@code gd},
     * {@code sgd}, {@code adam}.
     */
    String name();

    /** The penalties this optimizer handles. */
    Set<Penalty.Kind> supportedPenalties();

    /**
     * Whether this optimizer works on mini-batches ({@link Objective#batchValueAndGradient}); training then binds
     * the rows in a seeded random order so that contiguous ranges are random batches.
     */
    default boolean isStochastic() {
        return false;
    }

    /** Minimizes {@code f} from {@code x0} (not modified). */
    OptimizationResult minimize(Objective f, double[] x0, StoppingCriteria criteria, TrainingListener listener);

    /**
     * Throws {@link IllegalArgumentException} where {@code kind} is not supported, naming the optimizer to use
     * instead.
     */
    default void checkSupports(Penalty.Kind kind) {
        if (!supportedPenalties().contains(kind)) {
            String instead = (kind == Penalty.Kind.L1 || kind == Penalty.Kind.ELASTIC_NET) ? "owlqn (or gd, with its proximal step)" : "lbfgs";
            throw new IllegalArgumentException("optimizer " + name() + " does not support the " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " penalty; use " + instead);
        }
    }
}
