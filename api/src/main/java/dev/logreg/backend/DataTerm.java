package dev.logreg.backend;

import dev.logreg.data.Dataset;
import dev.logreg.objective.ColumnStatistics;

import java.util.Optional;

/**
 * The data term of the objective over data bound to a {@link Backend}:
 * <pre>
 *   D(θ, b) = (1/M) Σᵢ wᵢ ℓ(yᵢ, θ·xᵢ + b),     M = Σᵢ wᵢ over the rows evaluated
 * </pre>
 * over all rows or over a contiguous row range [from, to) of the bound (possibly permuted) order. Where every row
 * of a range has weight 0 (M = 0), the range contributes nothing: value 0 and gradient 0, never 0/0.
 *
 * <p>Parameters are a {@code double[]} laid out as {@link #shape()} says. For the binary losses (one output) that is
 * length {@code features() + 1}: θ₁..θₙ, then the intercept b last (pass 0 there for a model without intercept).
 * For the multinomial loss over K classes it is K slices of that layout, class-major,
 * {@code [θ₁ b₁ | θ₂ b₂ | … | θ_K b_K]}, and the data term is
 * <pre>
 *   D(W, b) = (1/M) Σᵢ wᵢ [ log Σ_c exp(θ_c·xᵢ + b_c) − (θ_{yᵢ}·xᵢ + b_{yᵢ}) ]
 * </pre>
 * Per evaluation only these parameters go to the backend and the value plus as many gradient entries come back.
 *
 * <p>Owned by its backend; the caller closes it (closing the backend closes it too). Not thread-safe.
 */
public interface DataTerm extends AutoCloseable {
    /** Rows bound. */
    long rows();

    /** Features per row (n). */
    int features();

    /**
     * The layout of the parameter and gradient vectors: one output ({@code features() + 1} entries) for the binary
     * losses, the default; K outputs for a term bound with the multinomial loss over K classes.
     */
    default ParamShape shape() {
        return new ParamShape(1, features());
    }

    /** Σwᵢ over rows [from, to) (the row count where unweighted). */
    double weightSum(long fromRow, long toRow);

    /**
     * Value of D over rows [from, to) at {@code params}, and its gradient written into {@code gradientOut}
     * (both {@code shape().length()} long: n+1 for one output, the last entry ∂D/∂b). One pass over the data.
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

    /**
     * Writes the logits of rows [from, to) into {@code out}: zᵢ = θ·xᵢ + b at {@code out[i - from]} for one output;
     * for K outputs, row-major, z_{ic} = θ_c·xᵢ + b_c at {@code out[(i - from)·K + c]} ({@code out} holds at least
     * (to − from)·K values).
     */
    void margins(long fromRow, long toRow, double[] params, double[] out);

    /**
     * Whether {@link #hessian} is implemented (Newton's method needs it). A K-output term computes it only where
     * {@code shape().length()} is at most {@link ParamShape#MAX_HESSIAN_LENGTH}.
     */
    default boolean supportsHessian() {
        return false;
    }

    /**
     * The d×d Hessian of D over all rows (d = {@code shape().length()}), row-major into {@code out}: for one output
     * (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) x̃ᵢ x̃ᵢᵀ with x̃ᵢ = (xᵢ, 1); for K outputs, block (c, e) is
     * (1/M) Σ wᵢ (p_{ic}[c = e] − p_{ic} p_{ie}) x̃ᵢ x̃ᵢᵀ, p the softmax of the row's logits.
     *
     * @throws UnsupportedOperationException where {@link #supportsHessian()} is false
     */
    default void hessian(double[] params, double[] out) {
        throw new UnsupportedOperationException("this backend does not compute the Hessian; use an optimizer other than Newton");
    }

    /**
     * Whether {@link #hessianVector} is implemented (the truncated Newton method, {@code tron}, needs it). Unlike
     * {@link #hessian} it needs no d×d matrix, so it serves any number of features and classes.
     */
    default boolean supportsHessianVector() {
        return false;
    }

    /**
     * The product of D's Hessian at {@code params} with {@code v}, over all rows, into {@code out} (all three
     * {@code shape().length()} long), in one pass over the data: for one output
     * (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) (x̃ᵢ·v) x̃ᵢ with x̃ᵢ = (xᵢ, 1); for K outputs, slice c is
     * (1/M) Σ wᵢ p_{ic} (u_{ic} − Σ_e p_{ie} u_{ie}) x̃ᵢ with u_{ic} = x̃ᵢ·v_c and p the softmax of the row's logits.
     * The sums are float64, in an order fixed by the data's shape (the same bits on every run). A backend may keep
     * the rows' curvatures (ℓ'' or p) of the last {@code params} it saw, so that the many products of one Newton
     * step cost one pass each rather than two.
     *
     * @throws UnsupportedOperationException where {@link #supportsHessianVector()} is false
     */
    default void hessianVector(double[] params, double[] v, double[] out) {
        throw new UnsupportedOperationException("this backend does not compute Hessian-vector products; use an optimizer other than tron");
    }

    /**
     * The column statistics of {@code data}, the dataset this term was bound for, computed where the rows are held
     * (a GPU term's device), bit for bit those of {@link ColumnStatistics#of(Dataset)}: the same chunks, sums and
     * order ({@link ColumnStatistics#chunkFences}, {@link ColumnStatistics#fromSums}). Empty, the default, where this
     * term does not compute them (its rows permuted, sparse, or too few columns for it to pay): the caller then
     * computes them on the host. {@link dev.logreg.train.BoundData#statistics()} asks here first.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    default Optional<ColumnStatistics> columnStatistics(Dataset data) {
        return Optional.empty();
    }

    /**
     * Refuses a row range that is empty or not within [0, rows), with the message every backend gives. For
     * implementations, at the top of each call that takes a range.
     *
     * @throws IllegalArgumentException where {@code fromRow < 0}, {@code toRow > rows} or {@code fromRow >= toRow}
     */
    static void checkRowRange(long fromRow, long toRow, long rows) {
        if (fromRow < 0 || toRow > rows || fromRow >= toRow) {
            throw new IllegalArgumentException("row range [" + fromRow + ", " + toRow + ") is empty or outside [0, " + rows + ")");
        }
    }

    /** Frees this term's memory. Idempotent. */
    @Override
    void close();
}
