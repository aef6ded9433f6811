package dev.logreg.loss;

/**
 * Squared error of the probability, ℓ(y, z) = ½(σ(z) − y)², so that the data term is (1/2m) Σ (pᵢ − yᵢ)².
 *
 * <p><b>Non-convex</b> in θ for the logistic model (it flattens on both tails, where wrong confident predictions
 * get vanishing gradients): it exists for comparison with the log loss only, and an optimizer may stop at a local
 * minimum. dℓ/dz = (σ − y)·σ(1−σ).
 */
public final class SquaredErrorLoss implements Loss {
    /** The only instance. */
    public static final SquaredErrorLoss INSTANCE = new SquaredErrorLoss();

    private SquaredErrorLoss() {}

    @Override public Kind kind() { return Kind.MSE; }

    /** σ(z) − y computed without cancellation on the tail where σ(z) rounds to y. */
    private static double residual(double y, double z) {
        return y == 1.0 ? -Sigmoid.sigmoid(-z) : Sigmoid.sigmoid(z) - y;
    }

    @Override
    public double value(double y, double z) {
        double d = residual(y, z);
        return 0.5 * d * d;
    }

    @Override
    public double derivative(double y, double z) {
        return residual(y, z) * Sigmoid.sigmoid(z) * Sigmoid.sigmoid(-z);
    }

    @Override
    public double secondDerivative(double y, double z) {
        double p = Sigmoid.sigmoid(z);
        double q = Sigmoid.sigmoid(-z);
        double s = p * q;
        // d/dz [(p − y) p q] = p q · p q + (p − y) · p q (q − p)
        return s * s + residual(y, z) * s * (q - p);
    }

    @Override public boolean isConvex() { return false; }

    @Override public String toString() { return "mse"; }
}
