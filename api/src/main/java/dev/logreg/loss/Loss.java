package dev.logreg.loss;

/**
 * A pointwise loss ℓ(y, z) of a label y ∈ {0, 1} and a logit z = θ·x + b (or, for {@link Kind#MULTINOMIAL}, a loss
 * over a row of K logits: see {@link MultinomialLoss}), with its derivative dℓ/dz and its second
 * derivative d²ℓ/dz², all in numerically stable form. The data term of the objective is (1/Σwᵢ) Σ wᵢ ℓ(yᵢ, zᵢ).
 *
 * <p>Backends recognise a loss by its {@link #kind()} and run their own native code for it; the methods here are
 * the double-precision definition they are tested against. Implementations are stateless and thread-safe.
 */
public interface Loss {
    /** The losses a backend must implement natively. */
    enum Kind {
        /** Negative log-likelihood of the Bernoulli model: −[y log σ(z) + (1−y) log(1−σ(z))]. Convex. */
        LOG,
        /** Squared error of the probability, ½(σ(z) − y)². Non-convex in θ: for comparison only. */
        MSE,
        /**
         * Negative log-likelihood of the multinomial (softmax) model over K classes, a row of K logits
         * ({@link MultinomialLoss}); not pointwise. Convex.
         */
        MULTINOMIAL,
        /**
         * The squared hinge of the L2-loss support vector machine, max(0, 1 − y′z)², y′ = 2y − 1 ({@link SquaredHingeLoss}).
         * Convex, once differentiable; <b>not logistic regression</b>: for comparison only. The reference backend
         * implements it; the CPU and GPU backends refuse it at bind.
         */
        SQUARED_HINGE,
        /**
         * The hinge of the L1-loss support vector machine, max(0, 1 − y′z) ({@link HingeLoss}). Convex, not
         * differentiable at y′z = 1: trained by dual coordinate descent on the host, never bound to a backend.
         * <b>Not logistic regression</b>: for comparison only.
         */
        HINGE
    }

    /** Which native implementation a backend must use. */
    Kind kind();

    /** ℓ(y, z). */
    double value(double y, double z);

    /** dℓ/dz at (y, z). */
    double derivative(double y, double z);

    /** d²ℓ/dz² at (y, z) (negative in places for a non-convex loss). */
    double secondDerivative(double y, double z);

    /** Whether ℓ is convex in z, which makes the objective convex in θ. */
    boolean isConvex();

    /** The log loss (the default). */
    static Loss log() { return LogLoss.INSTANCE; }

    /** The squared error of the probability (non-convex; for comparison only). */
    static Loss mse() { return SquaredErrorLoss.INSTANCE; }

    /** The multinomial (softmax) loss over a row of K logits, for K-class labels ({@link MultinomialLoss}). */
    static Loss multinomial() { return MultinomialLoss.INSTANCE; }

    /**
     * The squared hinge loss of the L2-loss linear SVM (binary; not logistic regression: for comparison only; the
     * model's σ(z) is not a probability).
     */
    static Loss squaredHinge() { return SquaredHingeLoss.INSTANCE; }

    /**
     * The hinge loss of the linear SVM (binary, L2 penalty only, trained by dual coordinate descent; not logistic
     * regression: for comparison only; the model's σ(z) is not a probability).
     */
    static Loss hinge() { return HingeLoss.INSTANCE; }

    /** The loss of a kind. */
    static Loss of(Kind kind) {
        switch (kind) {
            case LOG: return LogLoss.INSTANCE;
            case MSE: return SquaredErrorLoss.INSTANCE;
            case MULTINOMIAL: return MultinomialLoss.INSTANCE;
            case SQUARED_HINGE: return SquaredHingeLoss.INSTANCE;
            case HINGE: return HingeLoss.INSTANCE;
            default: throw new IllegalArgumentException("unknown loss kind " + kind);
        }
    }
}
