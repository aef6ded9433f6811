package dev.logreg.loss;

/**
 * The logistic function and its complements, accurate on both tails.
 *
 * <p>σ(z) is computed by branch (z ≥ 0: 1/(1+e^−z); z &lt; 0: e^z/(1+e^z)) so that neither tail loses relative
 * accuracy to cancellation; there is no clipping and no cut-over threshold.
 */
public final class Sigmoid {
    private Sigmoid() {}

    /** σ(z) = 1/(1+e^−z), to a few ulps relative for every finite z. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** 1 − σ(z) = σ(−z), computed without cancellation. */
    public static double complement(double z) {
        return sigmoid(-z);
    }

    /** log(1 + e^z), finite for every finite z: max(z, 0) + log1p(e^−|z|). */
    public static double softplus(double z) {
        return Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
