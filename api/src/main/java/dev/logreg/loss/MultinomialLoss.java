package dev.logreg.loss;

/**
 * The multinomial (softmax) loss of a row of K logits z₁..z_K and a class y ∈ {0, .., K−1}:
 * <pre>
 *   ℓ(y, z) = log Σ_c exp(z_c) − z_y,      ∂ℓ/∂z_c = p_c − [c = y],      ∂²ℓ/∂z_c∂z_e = p_c [c = e] − p_c p_e
 * </pre>
 * with p = softmax(z). The log-sum-exp is computed stably, after subtracting the row's largest logit: ℓ = (z_max − z_y)
 * + log Σ_c exp(z_c − z_max), never from a rounded probability, so it stays finite and accurate for any finite logits.
 *
 * <p>It is not pointwise: the scalar methods of {@link Loss} (one label, one logit) do not apply and throw
 * {@link UnsupportedOperationException}; backends recognise it by {@link Kind#MULTINOMIAL} and use the row methods
 * here as the double-precision definition. Convex in z. Stateless and thread-safe.
 */
public final class MultinomialLoss implements Loss {
    /** The only instance. */
    public static final MultinomialLoss INSTANCE = new MultinomialLoss();

    private MultinomialLoss() {}

    @Override public Kind kind() { return Kind.MULTINOMIAL; }

    @Override public boolean isConvex() { return true; }

    @Override
    public double value(double y, double z) {
        throw notPointwise();
    }

    @Override
    public double derivative(double y, double z) {
        throw notPointwise();
    }

    @Override
    public double secondDerivative(double y, double z) {
        throw notPointwise();
    }

    private static UnsupportedOperationException notPointwise() {
        return new UnsupportedOperationException("the multinomial loss is over a row of K logits, not one: use MultinomialLoss.value(y, z, offset, k)");
    }

    /** ℓ(y, z) of the {@code k} logits {@code z[offset .. offset+k-1]}. */
    public static double value(int y, double[] z, int offset, int k) {
        double max = max(z, offset, k);
        double s = 0;
        for (int c = 0; c < k; c++) s += Math.exp(z[offset + c] - max);
        // (max − z_y) ≥ 0 first: no cancellation between two large logits.
        return (max - z[offset + y]) + Math.log(s);
    }

    /**
     * ℓ(y, z), with ∂ℓ/∂z_c = p_c − [c = y] written into {@code dOut[dOffset + c]} and p_c into
     * {@code pOut[pOffset + c]} (either may be null).
     */
    public static double valueAndDerivative(int y, double[] z, int offset, int k, double[] dOut, int dOffset, double[] pOut, int pOffset) {
        double max = max(z, offset, k);
        double s = 0;
        for (int c = 0; c < k; c++) s += Math.exp(z[offset + c] - max);
        for (int c = 0; c < k; c++) {
            double p = Math.exp(z[offset + c] - max) / s;
            if (pOut != null) pOut[pOffset + c] = p;
            if (dOut != null) dOut[dOffset + c] = c == y ? p - 1.0 : p;
        }
        return (max - z[offset + y]) + Math.log(s);
    }

    private static double max(double[] z, int offset, int k) {
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) m = Math.max(m, z[offset + c]);
        return m;
    }
}
