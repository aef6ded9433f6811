package dev.logreg.optim;

/**
 * Hears every iteration and may ask the optimizer to stop (ending it with {@link Status#CANCELLED} at the current
 * iterate). Progress bars and logs are listeners. Called on the optimizing thread; keep it quick.
 */
public interface TrainingListener {
    /** A listener that does nothing. */
    TrainingListener NONE = state -> { };

    /** Called after each iteration. */
    void onIteration(IterationState state);

    /** Polled after each iteration; return true to stop. May be set from another thread (use a volatile flag). */
    default boolean stopRequested() {
        return false;
    }

    /** Both listeners, in order; stops when either asks. */
    default TrainingListener andThen(TrainingListener other) {
        TrainingListener first = this;
        return new TrainingListener() {
            @Override public void onIteration(IterationState s) { first.onIteration(s); other.onIteration(s); }
            @Override public boolean stopRequested() { return first.stopRequested() || other.stopRequested(); }
        };
    }
}
