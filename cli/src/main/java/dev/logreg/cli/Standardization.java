package dev.logreg.cli;

import dev.logreg.data.Dataset;
import dev.logreg.model.LogisticModel;

/**
 * glmnet's {@code standardize = TRUE}: the penalty is applied to the coefficients of standardized features, and
 * the coefficients are reported on the original scales. Implemented as training on a standardized copy of the data,
 * x'ⱼ = (xⱼ − μⱼ)/sⱼ, then mapping back: θⱼ = θ'ⱼ/sⱼ and b = b' − Σ θ'ⱼ μⱼ/sⱼ. As in glmnet, μ and s are the
 * weighted mean and the weighted population standard deviation (divisor Σwᵢ); without an intercept the features
 * are not centred (μ = 0) and s is the weighted root mean square. A constant column (s = 0) is left unscaled.
 * The objective recorded for such a model is that of the standardized problem. Immutable.
 *
 * @param mean  μ per column (0 without an intercept)
 * @param scale s per column (1 for a constant column)
 */
record Standardization(double[] mean, double[] scale) {
    /** The statistics of {@code data}, in double precision, weighted by its sample weights. */
    static Standardization of(Dataset data, boolean center) {
        int n = data.cols();
        double[] sum = new double[n];
        double ws = 0;
        float[] row = new float[n];
        for (long i = 0; i < data.rows(); i++) {
            double w = data.weight(i);
            data.copyRow(i, row);
            for (int j = 0; j < n; j++) sum[j] += w * row[j];
            ws += w;
        }
        double[] mean = new double[n];
        if (center) for (int j = 0; j < n; j++) mean[j] = sum[j] / ws;
        double[] sq = new double[n];
        for (long i = 0; i < data.rows(); i++) {
            double w = data.weight(i);
            data.copyRow(i, row);
            for (int j = 0; j < n; j++) {
                double d = row[j] - mean[j]; // two passes: no cancellation from E[x²] − E[x]²
                sq[j] += w * d * d;
            }
        }
        double[] scale = new double[n];
        for (int j = 0; j < n; j++) {
            double s = Math.sqrt(sq[j] / ws);
            scale[j] = s > 0 && Double.isFinite(s) ? s : 1.0;
        }
        return new Standardization(mean, scale);
    }

    /** x'ⱼ of one value. */
    float apply(int j, float x) {
        return (float) ((x - mean[j]) / scale[j]);
    }

    /** The inverse of {@link #toOriginal}: θ'ⱼ = θⱼsⱼ, b' = b + Σ θⱼμⱼ (for a warm start in standardized space). */
    LogisticModel toStandardized(LogisticModel original) {
        int n = mean.length;
        double[] theta = new double[n];
        double b = original.intercept();
        for (int j = 0; j < n; j++) {
            theta[j] = original.coefficient(j) * scale[j];
            b += original.coefficient(j) * mean[j];
        }
        return new LogisticModel(theta, original.fitIntercept() ? b : 0.0, original.fitIntercept(), original.featureNames());
    }

    /** The model on the original scales of a model trained on standardized features. */
    LogisticModel toOriginal(LogisticModel standardized) {
        int n = mean.length;
        double[] theta = new double[n];
        double b = standardized.intercept();
        for (int j = 0; j < n; j++) {
            theta[j] = standardized.coefficient(j) / scale[j];
            b -= theta[j] * mean[j];
        }
        return new LogisticModel(theta, standardized.fitIntercept() ? b : 0.0, standardized.fitIntercept(), standardized.featureNames());
    }
}
