package dev.logreg.optim;

import dev.logreg.penalty.Penalty;
import dev.logreg.train.TrainingOptions;

/** The optimizers by name, and the choice {@code auto} makes. */
public final class Optimizers {
    private Optimizers() {}

    /** Names accepted by {@link #create}. */
    public static final java.util.List<String> NAMES = java.util.List.of("auto", "lbfgs", "owlqn", "newton", "tron", "gd", "sgd", "adam");

    /** The given learning rate, or the optimizer's default where it is NaN (TrainingOptions' "unset"). */
    private static double rateOr(double rate, double fallback) {
        return Double.isNaN(rate) ? fallback : rate;
    }

    /** The optimizer {@code options} name ({@code auto}: L-BFGS for smooth penalties, OWL-QN for L1 and elastic net); {@code sgd} and
     * {@code adam} take the batch size, the learning rate (NaN: their default) and the seed from {@code options}.
     *
     * <p>{@code auto} does not pick {@code tron} on wide data: on the standardized problem every fit runs, L-BFGS
     * reached 1e-6 of the optimum in fewer passes than tron on synthetic sparse sets of more features than rows, and
     * tron's lead in seconds there came from the reference backend's cheaper Hessian-vector pass, which the other
     * backends need not share; nor does every backend compute the products (benchmarks/cpu/run-tron.sh, README's
     * "Choosing an optimizer").
     *
     * @throws IllegalArgumentException where the name is not one of {@link #NAMES}
     */
    public static Optimizer create(TrainingOptions options) {
        String name = options.optimizer();
        if (name.equals("auto")) name = options.penalty().isSmooth() && options.penalty().kind() != Penalty.Kind.L1
                && options.penalty().kind() != Penalty.Kind.ELASTIC_NET ? "lbfgs" : "owlqn";
        switch (name) {
            case "lbfgs":
                return new LbfgsOptimizer();
            case "owlqn":
                return new OwlqnOptimizer();
            case "newton":
                return new NewtonOptimizer();
            case "tron":
                return new TronOptimizer();
            case "gd":
                return new GradientDescentOptimizer();
            case "sgd":
                return new SgdOptimizer(options.batchSize(), rateOr(options.learningRate(), SgdOptimizer.DEFAULT_LEARNING_RATE), options.seed());
            case "adam":
                return new AdamOptimizer(options.batchSize(), rateOr(options.learningRate(), AdamOptimizer.DEFAULT_LEARNING_RATE), options.seed());
            default:
                throw new IllegalArgumentException("optimizer '" + options.optimizer() + "' is not one of " + String.join(", ", NAMES));
        }
    }
}
