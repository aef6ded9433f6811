package dev.logreg.objective;

import dev.logreg.data.ColumnSums;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

import java.util.Optional;

/**
 * The binary log loss's data term where every logit is 0 (θ = 0 and b = 0, where a cold fit starts), from the sums the
 * dataset's validating read gathered ({@link ColumnSums}) instead of a pass over the rows. There a row's loss and
 * derivative depend on its label alone, ℓ(y, 0) = log 2 and r_y = σ(0) − y = ±1/2, so with W = Σw, W₁ = Σ_{y=1} w and
 * the column sums S = Σ w·x, S₁ = Σ_{y=1} w·x:
 * <pre>
 *   D = log 2,    ∂D/∂θⱼ = (r₀ (Sⱼ − S₁ⱼ) + r₁ S₁ⱼ) / W,    ∂D/∂b = (r₀ (W − W₁) + r₁ W₁) / W
 * </pre>
 * each S taken about the sums' shift (S = Σ w·d + shift·W, d = x − shift) as they are gathered, so that nothing
 * cancels. Equal to a pass to rounding, not bit for bit (a pass adds the rows one at a time); used at that point
 * always, so a fit still repeats its bits, on every backend (the sums are the host's).
 *
 * <p>Why: a cold L-BFGS fit over 1,000,000 x 100 reaches 1e-6 of the optimum after five evaluations; the first is
 * now free (glmnet computes its null model's gradient from the data's sums the same way). Immutable.
 */
public final class ZeroLogits {
    private final double weight;
    private final double[] gradient;

    private ZeroLogits(double weight, double[] gradient) {
        this.weight = weight;
        this.gradient = gradient;
    }

    /**
     * The term at zero logits of {@code data} under {@code loss}, where the sums allow it: the log loss, two classes,
     * and the label-1 sums gathered ({@link ColumnSums#positiveSums()}; not for sparse data, data wider than the
     * read gathers, or data relabelled since). Empty elsewhere: the fit then evaluates that point by a pass.
     */
    public static Optional<ZeroLogits> of(Dataset data, Loss loss) {
        if (loss.kind() != Loss.Kind.LOG || data.classes() != 2) return Optional.empty();
        Optional<ColumnSums> gathered = data.columnSums();
        if (gathered.isEmpty()) return Optional.empty();
        Optional<double[]> positives = gathered.get().positiveSums();
        if (positives.isEmpty()) return Optional.empty();
        double[] shift = gathered.get().shift();
        double[] totals = gathered.get().totals();
        double[] p = positives.get();
        int n = shift.length;
        double w = totals[0];
        double w1 = p[0];
        double r0 = loss.derivative(0, 0);
        double r1 = loss.derivative(1, 0);
        double[] g = new double[n + 1];
        double atShift = r0 * (w - w1) + r1 * w1;
        for (int j = 0; j < n; j++) {
            double sum = totals[1 + j];
            double sum1 = p[1 + j];
            g[j] = (r0 * (sum - sum1) + r1 * sum1 + shift[j] * atShift) / w;
        }
        g[n] = atShift / w;
        return Optional.of(new ZeroLogits(w, g));
    }

    /** Rows' weight the sums cover (Σw over the rows of positive weight). */
    public double weight() { return weight; }

    /**
     * D at zero logits, its gradient (n + 1 entries, the intercept's last, as {@link dev.logreg.backend.DataTerm}
     * lays them out) written into {@code gradientOut}.
     */
    public double valueAndGradient(double[] gradientOut) {
        if (gradientOut.length != gradient.length) {
            throw new IllegalArgumentException("gradient has length " + gradientOut.length + ", expected " + gradient.length);
        }
        System.arraycopy(gradient, 0, gradientOut, 0, gradient.length);
        return Loss.log().value(0, 0);
    }
}
