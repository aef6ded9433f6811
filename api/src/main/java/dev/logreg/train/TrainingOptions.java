package dev.logreg.train;

import dev.logreg.loss.Loss;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;

import java.util.Locale;
import java.util.Objects;

/**
 * Everything that defines a training run except the data, the backend and the listener. Immutable; change it with
 * the {@code with...} methods.
 *
 * @param loss          the pointwise loss (log loss by default; MSE is non-convex, for comparison only; the squared
 *                      hinge and the hinge are the linear SVM's, not logistic regression, for comparison only: see
 *                      {@link Loss#squaredHinge()}, {@link Loss#hinge()})
 * @param penalty       the regularization, never applied to the intercept
 * @param fitIntercept  whether to learn the intercept b (else b = 0)
 * @param optimizer     {@code auto | lbfgs | owlqn | newton | tron | gd | sgd | adam}; {@code auto} is L-BFGS for
 *                      smooth penalties and OWL-QN for L1 and elastic net; {@code tron} is the truncated Newton
 *                      method (L2 or no penalty, on backends computing Hessian-vector products)
 * @param criteria      when to stop
 * @param precondition  whether the optimizer works on an exactly equivalent standardized problem
 *                      ({@link dev.logreg.objective.Preconditioner}); changes the path, never the optimum
 * @param seed          seed of every random choice (mini-batch order)
 * @param batchSize     rows per mini-batch for {@code sgd} and {@code adam}
 * @param learningRate  initial step for {@code sgd} and {@code adam}; NaN for the optimizer's default
 */
public record TrainingOptions(Loss loss, Penalty penalty, boolean fitIntercept, String optimizer, StoppingCriteria criteria,
                              boolean precondition, long seed, int batchSize, double learningRate) {
    /** Log loss, no penalty, intercept, auto optimizer, default criteria, preconditioned, seed 42, batch 256. */
    public static final TrainingOptions DEFAULT = new TrainingOptions(Loss.log(), Penalty.none(), true, "auto",
            StoppingCriteria.DEFAULT, true, 42L, 256, Double.NaN);

    public TrainingOptions {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(penalty, "penalty");
        Objects.requireNonNull(criteria, "criteria");
        optimizer = Objects.requireNonNull(optimizer, "optimizer").trim().toLowerCase(Locale.ROOT);
        if (batchSize < 1) throw new IllegalArgumentException("batch size is " + batchSize + ", expected at least 1");
        if (!Double.isNaN(learningRate) && !(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("learning rate is " + learningRate + ", expected a finite number > 0");
        }
    }

    public TrainingOptions withLoss(Loss l) { return new TrainingOptions(l, penalty, fitIntercept, optimizer, criteria, precondition, seed, batchSize, learningRate); }

    public TrainingOptions withPenalty(Penalty p) { return new TrainingOptions(loss, p, fitIntercept, optimizer, criteria, precondition, seed, batchSize, learningRate); }

    public TrainingOptions withFitIntercept(boolean f) { return new TrainingOptions(loss, penalty, f, optimizer, criteria, precondition, seed, batchSize, learningRate); }

    public TrainingOptions withOptimizer(String o) { return new TrainingOptions(loss, penalty, fitIntercept, o, criteria, precondition, seed, batchSize, learningRate); }

    public TrainingOptions withCriteria(StoppingCriteria c) { return new TrainingOptions(loss, penalty, fitIntercept, optimizer, c, precondition, seed, batchSize, learningRate); }

    public TrainingOptions withPrecondition(boolean p) { return new TrainingOptions(loss, penalty, fitIntercept, optimizer, criteria, p, seed, batchSize, learningRate); }

    public TrainingOptions withSeed(long s) { return new TrainingOptions(loss, penalty, fitIntercept, optimizer, criteria, precondition, s, batchSize, learningRate); }

    public TrainingOptions withBatchSize(int b) { return new TrainingOptions(loss, penalty, fitIntercept, optimizer, criteria, precondition, seed, b, learningRate); }

    public TrainingOptions withLearningRate(double r) { return new TrainingOptions(loss, penalty, fitIntercept, optimizer, criteria, precondition, seed, batchSize, r); }
}
