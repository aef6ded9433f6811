package dev.logreg.optim;

/**
 * What an optimizer minimizes: F(x) + Σᵢ cᵢ|xᵢ|, where F is smooth (the data term plus the L2 part of the penalty)
 * and cᵢ ≥ 0 are per-coordinate L1 coefficients (all zero for a smooth objective; zero for the intercept always).
 *
 * <p>Optimizers see only this: never the data, the backend or the model. Evaluations are deterministic: the same x
 * gives bit-identical results. Not thread-safe.
 */
public interface Objective {
    /** Number of variables. */
    int dimension();

    /** F(x), with ∇F(x) written into {@code gradientOut}: one pass over the data. */
    double smoothValueAndGradient(double[] x, double[] gradientOut);

    /** F(x) alone (for line searches); may be cheaper than {@link #smoothValueAndGradient}. */
    double smoothValue(double[] x);

    /** L1 coefficient cᵢ of coordinate i (≥ 0). */
    double l1Coefficient(int i);

    /** Whether every cᵢ is zero (F is the whole objective). */
    boolean isSmooth();

    /** Whether F + L1 is convex (false for the MSE loss). */
    boolean isConvex();

    /** The whole objective F(x) + Σ cᵢ|xᵢ|. */
    default double value(double[] x) {
        double v = smoothValue(x);
        if (!isSmooth()) {
            for (int i = 0; i < x.length; i++) v += l1Coefficient(i) * Math.abs(x[i]);
        }
        return v;
    }

    /** Whether {@link #smoothHessian} is available (Newton's method needs it). */
    boolean hasHessian();

    /** ∇²F(x), row-major, {@code dimension()²} entries. */
    void smoothHessian(double[] x, double[] out);

    /**
     * Whether {@link #smoothHessianVector} is available (the truncated Newton method, {@code tron}, needs it). Unlike
     * {@link #smoothHessian} it needs no d×d matrix.
     */
    default boolean hasHessianVector() {
        return false;
    }

    /**
     * ∇²F(x)·v into {@code out} (all {@code dimension()} long): one pass over the data. The curvature is that of F,
     * the L2 part included; at the same x every call sees the same Hessian, so a conjugate-gradient solve of many
     * products is a solve of one linear system.
     *
     * @throws UnsupportedOperationException where {@link #hasHessianVector()} is false
     */
    default void smoothHessianVector(double[] x, double[] v, double[] out) {
        throw new UnsupportedOperationException("this objective computes no Hessian-vector products; use an optimizer other than tron");
    }

    /**
     * Number of rows behind F, for mini-batch methods: {@link #batchValueAndGradient} takes row ranges in
     * [0, rows()) of an order that is already shuffled where the caller asked for one.
     */
    long rows();

    /**
     * The mini-batch estimate of F over rows [from, to): the data term's weighted mean over those rows plus the full
     * L2 part, with its gradient. Averaged over a whole epoch it is F.
     */
    double batchValueAndGradient(long fromRow, long toRow, double[] x, double[] gradientOut);
}
