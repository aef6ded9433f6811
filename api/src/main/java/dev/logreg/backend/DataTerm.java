package dev.logreg.backend;

/**
 * The data term of the objective over data bound to a {@link Backend}:
 * <pre>
 *   D(θ, b) = (1/M) Σᵢ wᵢ ℓ(yᵢ, θ·xᵢ + b),     M = Σᵢ wᵢ over the rows evaluated
 * </pre>
 * over all rows or over a contiguous row range [from, to) of the bound (possibly permuted) order. Where every row
 * of a range has weight 0 (M = 0), the range contributes nothing: value 0 and gradient 0, never 0/0.
 *
 * <p>Parameters are a {@code double[]} of length {@code features() + 1}: θ₁..θₙ, then the intercept b last (pass
 * 0 there for a model without intercept). Per evaluation only these n+1 numbers go to the backend and the value
 * plus n+1 gradient entries come back.
 *
 * <p>Owned by its backend; the caller closes it (closing the backend closes it too). Not thread-safe.
 */
public interface DataTerm extends AutoCloseable {
    /** Rows bound. */
    long rows();

    /** Features per row (n). */
    int features();

    /** Σwᵢ over rows [from, to) (the row count where unweighted). */
    double weightSum(long fromRow, long toRow);

    /**
     * Value of D over rows [from, to) at {@code params}, and its gradient written into {@code gradientOut}
     * (length n+1; the last entry is ∂D/∂b). One pass over the data.
     *
     * @throws IllegalArgumentException on a wrong array length or an empty or out-of-bounds range
     */
    double valueAndGradient(long fromRow, long toRow, double[] params, double[] gradientOut);

    /** Value of D over rows [from, to) alone (for line searches); may be cheaper than {@link #valueAndGradient}. */
    double value(long fromRow, long toRow, double[] params);

    /** D and its gradient over all rows. */
    default double valueAndGradient(double[] params, double[] gradientOut) {
        return valueAndGradient(0, rows(), params, gradientOut);
    }

    /** D over all rows. */
    default double value(double[] params) {
        return value(0, rows(), params);
    }

    /** Writes the logits zᵢ = θ·xᵢ + b of rows [from, to) into {@code out[0 .. to-from-1]}. */
    void margins(long fromRow, long toRow, double[] params, double[] out);

    /** Whether {@link #hessian} is implemented (Newton's method needs it). */
    default boolean supportsHessian() {
        return false;
    }

    /**
     * The (n+1)×(n+1) Hessian of D over all rows, row-major into {@code out}: (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) x̃ᵢ x̃ᵢᵀ with
     * x̃ᵢ = (xᵢ, 1).
     *
     * @throws UnsupportedOperationException where {@link #supportsHessian()} is false
     */
    default void hessian(double[] params, double[] out) {
        throw new UnsupportedOperationException("this backend does not compute the Hessian; use an optimizer other than Newton");
    }

    /** Frees this term's memory. Idempotent. */
    @Override
    void close();
}
