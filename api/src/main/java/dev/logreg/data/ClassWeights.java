package dev.logreg.data;

import java.util.Objects;

/**
 * Class weights: scikit-learn's {@code class_weight="balanced"}, each row's sample weight multiplied by
 * m / (K · count(its class)) (m the row count, K the number of classes, counts in rows), so that every class weighs
 * m/K in every mean of the objective (with unit sample weights). For binary data K = 2. Stateless.
 */
public final class ClassWeights {
    private ClassWeights() {}

    /** The balanced factors of {@code data}, one per class: {@code [for label 0, for label 1]} for binary data. */
    public static double[] balancedFactors(Dataset data) {
        long[] c = Objects.requireNonNull(data, "data").labelCounts();
        long m = data.rows();
        if (c.length == 2 && (c[0] == 0 || c[1] == 0)) {
            throw new IllegalArgumentException("balanced class weights need rows of both classes; all " + m + " rows have label " + (c[0] == 0 ? 1 : 0));
        }
        double[] f = new double[c.length];
        for (int k = 0; k < c.length; k++) {
            if (c[k] == 0) {
                throw new IllegalArgumentException("balanced class weights need rows of every class; class " + k + " of " + c.length + " has none");
            }
            f[k] = m / ((double) c.length * c[k]);
        }
        return f;
    }

    /**
     * {@code data} with each row's weight (1 where unweighted) multiplied by its class's balanced factor; the rows
     * themselves are shared, not copied ({@link Dataset#withWeights}).
     *
     * @throws IllegalArgumentException where a class has no rows
     */
    public static Dataset balanced(Dataset data) {
        double[] f = balancedFactors(data);
        float[] y = data.copyLabels();
        float[] w = data.copyWeights();
        float[] out = new float[y.length];
        for (int i = 0; i < y.length; i++) out[i] = (float) ((w == null ? 1.0 : w[i]) * f[(int) y[i]]);
        return data.withWeights(out);
    }
}
