package dev.logreg.metrics;

import dev.logreg.data.Dataset;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;

/**
 * The natural logarithms of a classifier's K class probabilities, computed from its logits in stable form, for a log
 * loss that stays exact where a probability underflows (log 1e-300 is −690.8; the probability itself may round to 0,
 * and scikit-learn's {@code log_loss} then clips it to 2.2e-16, a loss of 36.04). Stateless.
 *
 * <ul>
 *   <li>{@link SoftmaxModel}: log pᶜ = z_c − max − log Σ_e exp(z_e − max) (the log-sum-exp).</li>
 *   <li>{@link OneVsRestModel}: pᶜ = σ(z_c) / Σ_e σ(z_e), so log pᶜ = log σ(z_c) − log Σ_e exp(log σ(z_e)), with
 *       log σ(z) = −log1p(exp(−z)) for z ≥ 0 and z − log1p(exp(z)) below.</li>
 *   <li>{@link LogisticModel} (two classes): log p₁ = log σ(z), log p₀ = log σ(−z).</li>
 * </ul>
 * Where logits are infinite the values are the limits the models' own probabilities take: the classes at +∞ share
 * the probability (log(1/ties), the others −∞), and where every log-weight is −∞ the classes are equally likely.
 */
public final class ClassLogProbabilities {
    private ClassLogProbabilities() {}

    /**
     * Log-probabilities of every row of {@code data}, row-major ({@code result[i·K + c]}), K = {@code model.classes()}.
     * Call it after {@link LinearClassifier#predictProbabilities(Dataset)}, which names a row whose logit is NaN; here a
     * NaN logit gives NaN.
     */
    public static double[] of(LinearClassifier model, Dataset data) {
        if (model instanceof SoftmaxModel s) {
            double[] z = s.decisionFunction(data);
            int k = s.classes();
            for (int i = 0; i < z.length; i += k) logSoftmax(z, i, k);
            return z;
        }
        if (model instanceof OneVsRestModel o) {
            int k = o.classes();
            long values = data.rows() * (long) k;
            if (values > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("dataset has " + data.rows() + " rows x " + k + " classes, too many for one array");
            double[] out = new double[(int) values];
            for (int c = 0; c < k; c++) {
                double[] z = o.model(c).decisionFunction(data);
                for (int i = 0; i < z.length; i++) out[i * k + c] = logSigmoid(z[i]);
            }
            for (int i = 0; i < out.length; i += k) logSoftmax(out, i, k);
            return out;
        }
        LogisticModel b = (LogisticModel) model; // the interface is sealed: the third kind
        double[] z = b.decisionFunction(data);
        double[] out = new double[Math.multiplyExact(z.length, 2)];
        for (int i = 0; i < z.length; i++) {
            out[2 * i] = logSigmoid(-z[i]);
            out[2 * i + 1] = logSigmoid(z[i]);
        }
        return out;
    }

    /** log σ(z) without overflow or cancellation. */
    static double logSigmoid(double z) {
        return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
    }

    /** Replaces the K values at {@code v[offset ..]} by v − log Σ exp(v), the largest subtracted first. */
    static void logSoftmax(double[] v, int offset, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) max = Math.max(max, v[offset + c]);
        if (Double.isNaN(max)) return;
        if (max == Double.POSITIVE_INFINITY || max == Double.NEGATIVE_INFINITY) {
            // The limit: the entries at the largest value share the probability, the others get none.
            int ties = 0;
            for (int c = 0; c < k; c++) if (v[offset + c] == max) ties++;
            double share = -Math.log(ties);
            for (int c = 0; c < k; c++) v[offset + c] = v[offset + c] == max ? share : Double.NEGATIVE_INFINITY;
            return;
        }
        double s = 0;
        for (int c = 0; c < k; c++) s += Math.exp(v[offset + c] - max); // each term ≤ 1, the largest exactly 1
        double logS = Math.log(s);
        // (v − max) − log s rather than v − (max + log s): the first difference is exact near the top class.
        for (int c = 0; c < k; c++) v[offset + c] = (v[offset + c] - max) - logS;
    }
}
