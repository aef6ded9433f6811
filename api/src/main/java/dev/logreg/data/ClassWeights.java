package dev.logreg.data;

import java.util.Objects;

/**
 * Class weights: scikit-learn's {@code class_weight="balanced"}, each row's sample weight multiplied by
 * m / (2 · count(its class)) (m the row count, counts in rows), so that both classes weigh m/2 in every mean of the
 * objective (with unit sample weights). Stateless.
 */
public final class ClassWeights {
    private ClassWeights() {}

    /** The balanced factors {@code [for label 0, for label 1]} of {@code data}. */
    public static double[] balancedFactors(Dataset data) {
        long[] c = Objects.requireNonNull(data, "data").labelCounts();
        long m = data.rows();
        if (c[0] == 0 || c[1] == 0) {
            throw new IllegalArgumentException("balanced class weights need rows of both classes; all " + m + " rows have label " + (c[0] == 0 ? 1 : 0));
        }
        return new double[] {m / (2.0 * c[0]), m / (2.0 * c[1])};
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
