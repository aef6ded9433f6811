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
 * weights' unit. Immutable and thread-safe.
 */
public final class Penalty {
    /** The kinds of penalty; the support table of each optimizer is written in these. */
    public enum Kind { NONE, L2, L1, ELASTIC_NET }

    private static final Penalty NONE = new Penalty(Kind.NONE, 0.0, 0.0);

    private final Kind kind;
    private final double lambda;
    private final double alpha;

    private Penalty(Kind kind, double lambda, double alpha) {
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda is " + lambda + ", expected a finite number >= 0");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha (l1 ratio) is " + alpha + ", expected a number in [0, 1]");
        }
        this.kind = kind;
        this.lambda = lambda;
        this.alpha = alpha;
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

    public Kind kind() { return kind; }

    /** λ ≥ 0. */
    public double lambda() { return lambda; }

    /** The l1 ratio α: 1 for L1, 0 for L2 and none, the given α for elastic net. */
    public double alpha() { return alpha; }

    /** Whether the penalty is differentiable everywhere (no L1 part, or λ = 0). */
    public boolean isSmooth() { return l1Coefficient(1.0) == 0.0; }

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

    /** The penalty's value at the first {@code count} entries of {@code weights}. */
    public double value(double[] weights, int count, double m) {
        double c1 = l1Coefficient(m);
        double c2 = l2Coefficient(m);
        if (c1 == 0 && c2 == 0) return 0.0;
        double abs = 0;
        double sq = 0;
        for (int j = 0; j < count; j++) {
            abs += Math.abs(weights[j]);
            sq += weights[j] * weights[j];
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
        double sq = 0;
        for (int j = 0; j < count; j++) {
            sq += weights[j] * weights[j];
            gradient[j] += c2 * weights[j];
        }
        return 0.5 * c2 * sq;
    }

    /** Value of the smooth (L2) part alone, (c₂/2) Σθⱼ²: what {@link #addSmoothPart} returns, without a gradient. */
    public double smoothValue(double[] weights, int count, double m) {
        double c2 = l2Coefficient(m);
        if (c2 == 0) return 0.0;
        double sq = 0;
        for (int j = 0; j < count; j++) sq += weights[j] * weights[j];
        return 0.5 * c2 * sq;
    }

    /** Value of the L1 part alone, c₁ Σ|θⱼ|. */
    public double l1Value(double[] weights, int count, double m) {
        double c1 = l1Coefficient(m);
        if (c1 == 0) return 0.0;
        double abs = 0;
        for (int j = 0; j < count; j++) abs += Math.abs(weights[j]);
        return c1 * abs;
    }

    @Override
    public String toString() {
        switch (kind) {
            case NONE: return "none";
            case L2: return "l2(lambda=" + lambda + ")";
            case L1: return "l1(lambda=" + lambda + ")";
            default: return "elasticnet(lambda=" + lambda + ", alpha=" + alpha + ")";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Penalty && ((Penalty) o).kind == kind && ((Penalty) o).lambda == lambda && ((Penalty) o).alpha == alpha;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Double.hashCode(lambda) * 17 + Double.hashCode(alpha);
    }
}
