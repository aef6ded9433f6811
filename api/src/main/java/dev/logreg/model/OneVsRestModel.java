package dev.logreg.model;

import dev.logreg.data.Dataset;

import java.util.List;
import java.util.Objects;

/**
 * K binary models, class c against the rest, as one K-class classifier: P(y = c | x) = σ(z_c) / Σ_e σ(z_e) with
 * z_c the logit of model c, scikit-learn's normalisation of one-vs-rest scores. The most probable class is the one of
 * the largest logit (σ is increasing).
 *
 * <p>The normalisation is computed in the log domain, log σ(z) = −log(1 + e^(−z)) then a stable softmax of those, so
 * that rows far from every class (every σ(z_c) underflowing to 0, where σ/Σσ would be 0/0) still get probabilities.
 * A NaN logit is an {@link IllegalArgumentException} naming the class. Immutable and thread-safe; single-row scoring
 * allocates nothing.
 */
public final class OneVsRestModel implements LinearClassifier {
    private final LogisticModel[] models;
    private final int n;

    /**
     * @param models one binary model per class, class c's positive class being c (copied list; at least 2, all of
     *               the same number of features and the same intercept setting)
     */
    public OneVsRestModel(List<LogisticModel> models) {
        Objects.requireNonNull(models, "models");
        if (models.size() < 2) throw new IllegalArgumentException("one-vs-rest needs at least 2 classes, got " + models.size());
        this.models = models.toArray(new LogisticModel[0]);
        for (int c = 0; c < this.models.length; c++) {
            if (this.models[c] == null) throw new IllegalArgumentException("model of class " + c + " is null");
        }
        this.n = this.models[0].features();
        for (int c = 1; c < this.models.length; c++) {
            if (this.models[c].features() != n) {
                throw new IllegalArgumentException("model of class " + c + " has " + this.models[c].features() + " features, expected " + n + " (as class 0)");
            }
            if (this.models[c].fitIntercept() != this.models[0].fitIntercept()) {
                throw new IllegalArgumentException("model of class " + c + " differs from class 0 in whether it fits an intercept");
            }
        }
    }

    /** The binary model of class c against the rest. */
    public LogisticModel model(int c) { return models[c]; }

    /** The K binary models, in class order. */
    public List<LogisticModel> models() { return List.of(models); }

    @Override public int classes() { return models.length; }

    @Override public int features() { return n; }

    @Override public boolean fitIntercept() { return models[0].fitIntercept(); }

    @Override public List<String> featureNames() { return models[0].featureNames(); }

    @Override
    public void predictProbabilities(float[] row, double[] out) {
        int k = models.length;
        if (out.length < k) throw new IllegalArgumentException("out has length " + out.length + ", expected at least " + k);
        for (int c = 0; c < k; c++) out[c] = models[c].decisionFunction(row);
        normalize(out, 0, k, -1);
    }

    @Override
    public int predictClass(float[] row) {
        int best = 0;
        double bestZ = Double.NaN;
        for (int c = 0; c < models.length; c++) {
            double z = models[c].decisionFunction(row);
            if (Double.isNaN(z)) throw nanLogit(-1, c);
            if (c == 0 || z > bestZ) {
                best = c;
                bestZ = z;
            }
        }
        return best;
    }

    @Override
    public void predictProbabilities(int[] indices, float[] values, int count, double[] out) {
        int k = models.length;
        if (out.length < k) throw new IllegalArgumentException("out has length " + out.length + ", expected at least " + k);
        for (int c = 0; c < k; c++) out[c] = models[c].decisionFunction(indices, values, count);
        normalize(out, 0, k, -1);
    }

    @Override
    public int predictClass(int[] indices, float[] values, int count) {
        int best = 0;
        double bestZ = Double.NaN;
        for (int c = 0; c < models.length; c++) {
            double z = models[c].decisionFunction(indices, values, count);
            if (c == 0 || z > bestZ) {
                best = c;
                bestZ = z;
            }
        }
        return best;
    }

    @Override
    public double[] predictProbabilities(Dataset data) {
        int k = models.length;
        long values = data.rows() * (long) k;
        if (values > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("dataset has " + data.rows() + " rows x " + k + " classes, too many for one array");
        double[] out = new double[(int) values];
        for (int c = 0; c < k; c++) {
            double[] z = models[c].decisionFunction(data);
            for (int i = 0; i < z.length; i++) out[i * k + c] = z[i];
        }
        for (int i = 0; i < data.rows(); i++) normalize(out, i * k, k, i);
        return out;
    }

    @Override
    public int[] predictClasses(Dataset data) {
        int k = models.length;
        double[] best = models[0].decisionFunction(data);
        int[] out = new int[best.length];
        for (int i = 0; i < best.length; i++) if (Double.isNaN(best[i])) throw nanLogit(i, 0);
        for (int c = 1; c < k; c++) {
            double[] z = models[c].decisionFunction(data);
            for (int i = 0; i < z.length; i++) {
                if (Double.isNaN(z[i])) throw nanLogit(i, c);
                if (z[i] > best[i]) {
                    best[i] = z[i];
                    out[i] = c;
                }
            }
        }
        return out;
    }

    /** The K logits at {@code z[offset ..]} to σ(z_c)/Σσ(z_e), through log σ and a stable softmax. */
    private static void normalize(double[] z, int offset, int k, long row) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double v = z[offset + c];
            if (Double.isNaN(v)) throw nanLogit(row, c);
            double logSigma = v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v));
            z[offset + c] = logSigma;
            if (logSigma > max) max = logSigma;
        }
        if (max == Double.NEGATIVE_INFINITY) {
            // Every logit is −∞: the limit of σ(z_c)/Σσ(z_e) with all z equal is uniform.
            for (int c = 0; c < k; c++) z[offset + c] = 1.0 / k;
            return;
        }
        double s = 0;
        for (int c = 0; c < k; c++) {
            double e = Math.exp(z[offset + c] - max);
            z[offset + c] = e;
            s += e;
        }
        for (int c = 0; c < k; c++) z[offset + c] /= s;
    }

    /** A NaN logit of class {@code c} (row -1: the single row of a one-row call, reported as row 0). */
    private static UndefinedLogitException nanLogit(long row, int c) {
        return new UndefinedLogitException(Math.max(row, 0), "the logit of class " + c
                + " is NaN (a NaN or infinite feature, or a dot product that overflowed); expected finite features");
    }

    @Override
    public String toString() {
        return "OneVsRestModel[classes=" + models.length + ", features=" + n + "]";
    }
}
