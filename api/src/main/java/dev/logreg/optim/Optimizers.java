package dev.logreg.optim;

import dev.logreg.penalty.Penalty;
import dev.logreg.train.TrainingOptions;

/** The optimizers by name, and the choice {@code auto} makes. */
public final class Optimizers {
    private Optimizers() {}

    /** Names accepted by {@link #create}. */
    public static final java.util.List<String> NAMES = java.util.List.of("auto", "lbfgs", "owlqn", "newton", "gd", "sgd", "adam");

    /** The optimizer {@code options} name ({@code auto}: L-BFGS for smooth penalties, OWL-QN for L1 and elastic net). */
    public static Optimizer create(TrainingOptions options) {
        String name = options.optimizer();
        if (name.equals("auto")) name = options.penalty().isSmooth() && options.penalty().kind() != Penalty.Kind.L1
                && options.penalty().kind() != Penalty.Kind.ELASTIC_NET ? "lbfgs" : "owlqn";
        switch (name) {
            default:
                throw new IllegalArgumentException("optimizer '" + options.optimizer() + "' is not one of " + String.join(", ", NAMES));
        }
    }
}
