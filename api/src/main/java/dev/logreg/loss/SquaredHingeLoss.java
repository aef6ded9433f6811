package dev.logreg.loss;

/**
 * The squared hinge loss of the L2-loss linear support vector machine, ℓ(y, z) = max(0, 1 − y′z)², y′ = 2y − 1 ∈ {−1, +1}
 * (LIBLINEAR's {@code -s 2} primal, Fan et al. 2008, up to the λ ↔ C mapping of the README). <b>Not logistic
 * regression</b>: a comparison loss beside MSE. The decision function is the same z = θ·x + b, but σ(z) is not a
 * probability of anything this loss models.
 *
 * <p>Convex, once continuously differentiable: dℓ/dz = −2y′·max(0, 1 − y′z); d²ℓ/dz² = 2 where 1 − y′z &gt; 0, else 0 (the
 * generalized Hessian, as LIBLINEAR's trust-region Newton method uses; at the kink 1 − y′z = 0 it takes 0). All three
 * are exact in double: one subtraction, no cancellation that matters (the loss is 0 exactly on the flat side).
 */
public final class SquaredHingeLoss implements Loss {
    /** The only instance. */
    public static final SquaredHingeLoss INSTANCE = new SquaredHingeLoss();

    private SquaredHingeLoss() {}

    @Override public Kind kind() { return Kind.SQUARED_HINGE; }

    /** y′ = +1 for label 1, −1 for label 0. */
    static double sign(double y) {
        return y == 1.0 ? 1.0 : -1.0;
    }

    @Override
    public double value(double y, double z) {
        double slack = 1.0 - sign(y) * z;
        return slack > 0 ? slack * slack : 0.0;
    }

    @Override
    public double derivative(double y, double z) {
        double s = sign(y);
        double slack = 1.0 - s * z;
        return slack > 0 ? -2.0 * s * slack : 0.0;
    }

    @Override
    public double secondDerivative(double y, double z) {
        return 1.0 - sign(y) * z > 0 ? 2.0 : 0.0;
    }

    @Override public boolean isConvex() { return true; }

    @Override public String toString() { return "squared-hinge"; }
}
