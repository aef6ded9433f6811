package dev.logreg.penalty;

import java.util.Locale;

/**
 * The regularization term, added on the host (never inside a backend), over the feature weights θ₁..θₙ and never
 * over the intercept:
 * <pre>
 *   none          0
 *   L2            (λ/2m) Σ θⱼ²
 *   L1            (λ/m)  Σ |θⱼ|
 *   elastic net   (λ/m) [α Σ |θⱼ| + ((1−α)/2) Σ θⱼ²]      (α = 1 is L1, α = 0 is L2)
 * </pre>
 * m is the number of rows, or Σwᵢ where sample weights are given, so that λ means the same thing whatever the
 * weights' unit.
 *
 * <p>{@link #onScales} makes the same penalty apply to (s₁θ₁, ..., sₙθₙ): with sⱼ the standard deviation of feature
 * j, that is the penalty of the coefficients of standardized features, in the original features' coefficients
 * (glmnet's {@code standardize = TRUE}, Spark MLlib's {@code standardization}), with no copy of the data.
 * Immutable and thread-safe.
 */
public final class Penalty {
    /** The kinds of penalty; the support table of each optimizer is written in these. */
    public enum Kind { NONE, L2, L1, ELASTIC_NET }

    private static final Penalty NONE = new Penalty(Kind.NONE, 0.0, 0.0);

    private final Kind kind;
    private final double lambda;
    private final double alpha;
    /** sⱼ of {@link #onScales}, or null where every sⱼ is 1. */
    private final double[] scales;

    private Penalty(Kind kind, double lambda, double alpha) {
        this(kind, lambda, alpha, null);
    }

    private Penalty(Kind kind, double lambda, double alpha, double[] scales) {
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda is " + lambda + ", expected a finite number >= 0");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha (l1 ratio) is " + alpha + ", expected a number in [0, 1]");
        }
        this.kind = kind;
        this.lambda = lambda;
        this.alpha = alpha;
        this.scales = scales;
    }

    /** No penalty. */
    public static Penalty none() { return NONE; }

    /** (λ/2m) Σ θⱼ². */
    public static Penalty l2(double lambda) { return new Penalty(Kind.L2, lambda, 0.0); }

    /** (λ/m) Σ |θⱼ|. */
    public static Penalty l1(double lambda) { return new Penalty(Kind.L1, lambda, 1.0); }

    /** (λ/m) [α Σ |θⱼ| + ((1−α)/2) Σ θⱼ²], α the l1 ratio in [0, 1]. */
    public static Penalty elasticNet(double lambda, double alpha) { return new Penalty(Kind.ELASTIC_NET, lambda, alpha); }

    /** Parses {@code none | l2 | l1 | elasticnet} (case-insensitive) with the given λ and α. */
    public static Penalty of(String name, double lambda, double alpha) {
        switch (name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
            case "none":
                new Penalty(Kind.NONE, lambda, 0.0); // validates λ: a negative λ is an error even where it would be unused
                return NONE;
            case "l2": return l2(lambda);
            case "l1": return l1(lambda);
            case "elasticnet": return elasticNet(lambda, alpha);
            default: throw new IllegalArgumentException("penalty '" + name + "' is not one of none, l2, l1, elasticnet");
        }
    }

    /**
     * This penalty of (s₁θ₁, ..., sₙθₙ) instead of θ: the L1 part becomes c₁ Σ sⱼ|θⱼ| and the L2 part (c₂/2) Σ sⱼ²θⱼ².
     * With sⱼ a feature's standard deviation this penalizes in standardized space; sⱼ = 0 leaves θⱼ unpenalized.
     *
     * @param scales one finite sⱼ &ge; 0 per feature (copied)
     * @throws IllegalArgumentException on a negative or non-finite entry, naming it
     */
    public Penalty onScales(double[] scales) {
        double[] s = scales.clone();
        for (int j = 0; j < s.length; j++) {
            if (!(s[j] >= 0) || !Double.isFinite(s[j])) throw new IllegalArgumentException("penalty scale " + j + " is " + s[j] + ", expected a finite number >= 0");
        }
        return kind == Kind.NONE ? NONE : new Penalty(kind, lambda, alpha, s);
    }

    /** The same penalty with strength {@code lambda} (its kind, α and scales kept), as along a regularization path. */
    public Penalty withLambda(double lambda) {
        return kind == Kind.NONE ? NONE : new Penalty(kind, lambda, alpha, scales);
    }

    /** The scales sⱼ of {@link #onScales} (a copy), or {@code null} where the penalty applies to θ itself. */
    public double[] scales() { return scales == null ? null : scales.clone(); }

    public Kind kind() { return kind; }

    /** λ ≥ 0. */
    public double lambda() { return lambda; }

    /** The l1 ratio α: 1 for L1, 0 for L2 and none, the given α for elastic net. */
    public double alpha() { return alpha; }

    /** Whether the penalty is differentiable everywhere (no L1 part, or λ = 0). */
    public boolean isSmooth() { return l1Coefficient(1.0) == 0.0; }

    /**
     * Whether the penalty adds nothing to the objective (none, or λ = 0): the fit is then plain maximum likelihood,
     * which may have no finite optimum (separable data) and whose standard errors are the likelihood's.
     */
    public boolean isZero() { return l1Coefficient(1.0) == 0.0 && l2Coefficient(1.0) == 0.0; }

    private static void checkM(double m) {
        if (!(m > 0) || !Double.isFinite(m)) throw new IllegalArgumentException("m (the weight sum) is " + m + ", expected a finite number > 0");
    }

    /** Coefficient c₁ of Σ|θⱼ| in the objective: λα/m. */
    public double l1Coefficient(double m) {
        checkM(m);
        return kind == Kind.NONE ? 0.0 : lambda * alpha / m;
    }

    /** Coefficient c₂ of Σθⱼ² in the objective, so that the L2 part is (c₂/2) Σθⱼ²: λ(1−α)/m. */
    public double l2Coefficient(double m) {
        checkM(m);
        return kind == Kind.NONE ? 0.0 : lambda * (1.0 - alpha) / m;
    }

    /** Coefficient of |θⱼ|: c₁sⱼ. */
    public double l1Coefficient(double m, int j) {
        return scales == null ? l1Coefficient(m) : l1Coefficient(m) * scales[j];
    }

    /** Coefficient of θⱼ²/2: c₂sⱼ². */
    public double l2Coefficient(double m, int j) {
        return scales == null ? l2Coefficient(m) : l2Coefficient(m) * scales[j] * scales[j];
    }

    /** {@link #l2Coefficient(double, int)} of features 0 to n−1. */
    public double[] l2Coefficients(double m, int n) {
        double[] c = new double[n];
        for (int j = 0; j < n; j++) c[j] = l2Coefficient(m, j);
        return c;
    }

    /** sⱼθⱼ, the coefficient the penalty sees. */
    private double scaled(double[] weights, int j) {
        return scales == null ? weights[j] : scales[j] * weights[j];
    }

    private void checkCount(int count) {
        if (scales != null && scales.length != count) {
            throw new IllegalArgumentException("the penalty has " + scales.length + " scales, the model " + count + " coefficients");
        }
    }

    /** The penalty's value at the first {@code count} entries of {@code weights}. */
    public double value(double[] weights, int count, double m) {
        double c1 = l1Coefficient(m);
        double c2 = l2Coefficient(m);
        if (c1 == 0 && c2 == 0) return 0.0;
        checkCount(count);
        double abs = 0;
        double sq = 0;
        for (int j = 0; j < count; j++) {
            double v = scaled(weights, j);
            abs += Math.abs(v);
            sq += v * v;
        }
        return c1 * abs + 0.5 * c2 * sq;
    }

    /**
     * Adds the gradient of the smooth (L2) part to {@code gradient[0 .. count-1]} and returns that part's value.
     * The L1 part is left to the optimizer (OWL-QN, proximal steps).
     */
    public double addSmoothPart(double[] weights, int count, double m, double[] gradient) {
        double c2 = l2Coefficient(m);
        if (c2 == 0) return 0.0;
        checkCount(count);
        double sq = 0;
        for (int j = 0; j < count; j++) {
            double v = scaled(weights, j);
            sq += v * v;
            gradient[j] += c2 * (scales == null ? weights[j] : scales[j] * v);
        }
        return 0.5 * c2 * sq;
    }

    /** Value of the smooth (L2) part alone, (c₂/2) Σθⱼ²: what {@link #addSmoothPart} returns, without a gradient. */
    public double smoothValue(double[] weights, int count, double m) {
        double c2 = l2Coefficient(m);
        if (c2 == 0) return 0.0;
        checkCount(count);
        double sq = 0;
        for (int j = 0; j < count; j++) {
            double v = scaled(weights, j);
            sq += v * v;
        }
        return 0.5 * c2 * sq;
    }

    /** Value of the L1 part alone, c₁ Σ|θⱼ|. */
    public double l1Value(double[] weights, int count, double m) {
        double c1 = l1Coefficient(m);
        if (c1 == 0) return 0.0;
        checkCount(count);
        double abs = 0;
        for (int j = 0; j < count; j++) abs += Math.abs(scaled(weights, j));
        return c1 * abs;
    }

    @Override
    public String toString() {
        String on = scales == null ? "" : ", on scales";
        switch (kind) {
            case NONE: return "none";
            case L2: return "l2(lambda=" + lambda + on + ")";
            case L1: return "l1(lambda=" + lambda + on + ")";
            default: return "elasticnet(lambda=" + lambda + ", alpha=" + alpha + on + ")";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Penalty && ((Penalty) o).kind == kind && ((Penalty) o).lambda == lambda && ((Penalty) o).alpha == alpha
                && java.util.Arrays.equals(((Penalty) o).scales, scales);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Double.hashCode(lambda) * 17 + Double.hashCode(alpha) + java.util.Arrays.hashCode(scales);
    }
}
