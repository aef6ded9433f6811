package dev.logreg.loss;

/**
 * The hinge loss of the (L1-loss) linear support vector machine, ℓ(y, z) = max(0, 1 − y′z), y′ = 2y − 1 ∈ {−1, +1}.
 * <b>Not logistic regression</b>: a comparison loss beside MSE, trained with an L2 penalty only, by the dual coordinate
 * descent of Hsieh et al. 2008 ({@link dev.logreg.train.HingeDualSolver}), which handles the kink at y′z = 1 where the
 * gradient-based optimizers cannot; no backend binds it.
 *
 * <p>{@link #derivative} is a subgradient (−y′ where 1 − y′z &gt; 0, else 0, taking 0 at the kink) and
 * {@link #secondDerivative} is 0: given for completeness and for tests, never used to train.
 */
public final class HingeLoss implements Loss {
    /** The only instance. */
    public static final HingeLoss INSTANCE = new HingeLoss();

    private HingeLoss() {}

    @Override public Kind kind() { return Kind.HINGE; }

    @Override
    public double value(double y, double z) {
        return Math.max(0.0, 1.0 - SquaredHingeLoss.sign(y) * z);
    }

    @Override
    public double derivative(double y, double z) {
        double s = SquaredHingeLoss.sign(y);
        return 1.0 - s * z > 0 ? -s : 0.0;
    }

    @Override
    public double secondDerivative(double y, double z) {
        return 0.0;
    }

    @Override public boolean isConvex() { return true; }

    @Override public String toString() { return "hinge"; }
}
