package dev.logreg.loss;

/**
 * Log loss ℓ(y, z) = max(z, 0) − y·z + log1p(e^−|z|), which equals −[y log σ(z) + (1−y) log(1−σ(z))] for y ∈ {0,1}
 * and stays finite for any finite z (never computed from a rounded probability). dℓ/dz = σ(z) − y;
 * d²ℓ/dz² = σ(z)(1−σ(z)).
 */
public final class LogLoss implements Loss {
    /** The only instance. */
    public static final LogLoss INSTANCE = new LogLoss();

    private LogLoss() {}

    @Override public Kind kind() { return Kind.LOG; }

    @Override
    public double value(double y, double z) {
        return Math.max(z, 0.0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
    }

    @Override
    public double derivative(double y, double z) {
        // For y = 1, σ(z) − 1 = −σ(−z) keeps relative accuracy where σ(z) rounds to 1.
        return y == 1.0 ? -Sigmoid.sigmoid(-z) : Sigmoid.sigmoid(z) - y;
    }

    @Override
    public double secondDerivative(double y, double z) {
        return Sigmoid.sigmoid(z) * Sigmoid.sigmoid(-z);
    }

    @Override public boolean isConvex() { return true; }

    @Override public String toString() { return "log"; }
}
