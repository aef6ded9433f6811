package dev.logreg.objective;

import java.util.Arrays;

/**
 * An exact affine change of variables that makes badly scaled problems well conditioned without changing their
 * optimum. The optimizer works in u; the model's coefficients are
 * <pre>
 *   θⱼ = uⱼ / sⱼ,        b = u_b − Σⱼ μⱼ θⱼ
 * </pre>
 * so that θ·x + b = Σⱼ uⱼ (xⱼ − μⱼ)/sⱼ + u_b: the optimizer sees standardized features, the backend keeps the raw
 * ones, and the objective (penalty included, on θ) is exactly the user's. The L1 part becomes a weighted L1 in u
 * (coefficient c₁/sⱼ), which OWL-QN and proximal steps handle per coordinate.
 *
 * <p>It transforms parameters, never data: each evaluation maps u to (θ, b) and the gradient back, O(n) on the host,
 * and the backend evaluates the raw rows. Centering is folded into the intercept (b = u_b − μ·θ) rather than
 * subtracted from the rows, so sparse (CSR) data stay sparse: standardizing them makes no dense copy, and the
 * backend's pass still visits the nonzeros alone (scikit-learn's {@code StandardScaler(with_mean=True)} refuses
 * sparse input for exactly that reason; here the means cost nothing).
 *
 * <p>Centering (μ ≠ 0) needs a free intercept; without one, μ = 0 and s is the column's root mean square. Where a
 * centered preconditioner is used without an intercept anyway, b stays 0 and every method ignores μ (θⱼ = uⱼ/sⱼ).
 * Immutable.
 */
public final class Preconditioner {
    private final double[] scale;
    private final double[] center;

    private Preconditioner(double[] scale, double[] center) {
        this.scale = scale;
        this.center = center;
    }

    /** The identity: u is (θ, b). */
    public static Preconditioner identity(int features) {
        double[] s = new double[features];
        Arrays.fill(s, 1.0);
        return new Preconditioner(s, new double[features]);
    }

    /**
     * Scales by the column standard deviation and centers on the column mean where {@code fitIntercept}; scales by
     * the root mean square otherwise. Constant (or all-zero) columns keep scale 1.
     */
    public static Preconditioner fromStatistics(ColumnStatistics stats, boolean fitIntercept) {
        return fromStatistics(stats, fitIntercept, 0.0);
    }

    /**
     * As {@link #fromStatistics(ColumnStatistics, boolean)}, but balancing the curvature of an L2 penalty too.
     * Along θⱼ the data term's curvature is at most κ·sⱼ² (κ = 1/4 bounds the log loss's ℓ'') and the L2 part adds c₂;
     * in uⱼ = aⱼθⱼ with aⱼ = √(sⱼ² + c₂/κ) the sum is about κ in every coordinate. Without this, a penalty on raw
     * scales puts curvatures spanning many decades into the standardized problem (251 to 3e-3 on the bundled
     * breast-cancer data with λ = 1) and quasi-Newton methods crawl.
     *
     * @param l2Coefficient c₂ of the penalty's (c₂/2)Σθⱼ² (0 for none)
     */
    public static Preconditioner fromStatistics(ColumnStatistics stats, boolean fitIntercept, double l2Coefficient) {
        double[] c = new double[stats.mean().length];
        java.util.Arrays.fill(c, l2Coefficient);
        return fromStatistics(stats, fitIntercept, c);
    }

    /**
     * As {@link #fromStatistics(ColumnStatistics, boolean, double)} with an L2 coefficient per feature (a penalty
     * {@link dev.logreg.penalty.Penalty#onScales on scales}: c₂sⱼ²).
     *
     * @param l2Coefficients c₂ⱼ of the penalty's Σ(c₂ⱼ/2)θⱼ², one per feature
     */
    public static Preconditioner fromStatistics(ColumnStatistics stats, boolean fitIntercept, double[] l2Coefficients) {
        double[] s = fitIntercept ? stats.std() : stats.rms();
        double[] mu = fitIntercept ? stats.mean() : new double[s.length];
        if (l2Coefficients.length != s.length) {
            throw new IllegalArgumentException(l2Coefficients.length + " L2 coefficients for " + s.length + " features");
        }
        for (int j = 0; j < s.length; j++) {
            double l2Coefficient = l2Coefficients[j];
            if (!(l2Coefficient >= 0) || !Double.isFinite(l2Coefficient)) {
                throw new IllegalArgumentException("L2 coefficient of feature " + j + " is " + l2Coefficient + ", expected a finite number >= 0");
            }
            double a = Math.sqrt(s[j] * s[j] + l2Coefficient / CURVATURE_BOUND);
            s[j] = a > 0 && Double.isFinite(a) ? a : 1.0;
        }
        return new Preconditioner(s, mu);
    }

    /** κ: an upper bound of the log loss's second derivative σ(1−σ). */
    private static final double CURVATURE_BOUND = 0.25;

    /** Number of features. */
    public int features() { return scale.length; }

    /** sⱼ; a copy. */
    public double[] scale() { return scale.clone(); }

    /** μⱼ; a copy. */
    public double[] center() { return center.clone(); }

    /**
     * Maps u (length n, or n+1 with the intercept last) to the backend's parameters (θ, b), length n+1
     * ({@code b = 0} where u has no intercept entry).
     */
    public void toModel(double[] u, boolean hasIntercept, double[] params) {
        int n = scale.length;
        double shift = 0;
        for (int j = 0; j < n; j++) {
            params[j] = u[j] / scale[j];
            shift += center[j] * params[j];
        }
        params[n] = hasIntercept ? u[n] - shift : 0.0;
    }

    /** The inverse of {@link #toModel}: (θ, b) to u. */
    public void fromModel(double[] params, boolean hasIntercept, double[] u) {
        int n = scale.length;
        double shift = 0;
        for (int j = 0; j < n; j++) {
            u[j] = params[j] * scale[j];
            shift += center[j] * params[j];
        }
        if (hasIntercept) u[n] = params[n] + shift;
    }

    /**
     * Chain rule: turns ∂/∂(θ, b) (length n+1) into ∂/∂u (length n, or n+1 with intercept):
     * ∂/∂uⱼ = (gθⱼ − μⱼ g_b)/sⱼ, ∂/∂u_b = g_b.
     */
    public void gradientToU(double[] gModel, boolean hasIntercept, double[] gU) {
        int n = scale.length;
        // Without an intercept toModel fixes b = 0 (no centering shift), so ∂/∂b must not enter the chain rule.
        double gb = hasIntercept ? gModel[n] : 0.0;
        for (int j = 0; j < n; j++) gU[j] = (gModel[j] - center[j] * gb) / scale[j];
        if (hasIntercept) gU[n] = gb;
    }

    /**
     * Hᵤ = Aᵀ H A for the (n+1)×(n+1) model Hessian H, A the Jacobian of (θ, b) in u; written into {@code out}
     * ({@code d}×{@code d}, d = n or n+1).
     */
    public void hessianToU(double[] hModel, boolean hasIntercept, double[] out) {
        int n = scale.length;
        int D = n + 1;
        int d = hasIntercept ? n + 1 : n;
        // Without an intercept b = 0 whatever u is: A has no μ terms (see gradientToU).
        double[] center = hasIntercept ? this.center : new double[n];
        // Column k of A: for k < n, e_k / s_k − (μ_k/s_k) e_b; for k = n (intercept), e_b.
        // (H A)[i][k] = H[i][k]/s_k − H[i][b] μ_k/s_k.
        double[] ha = new double[D * d];
        for (int i = 0; i < D; i++) {
            for (int k = 0; k < n; k++) ha[i * d + k] = (hModel[i * D + k] - hModel[i * D + n] * center[k]) / scale[k];
            if (hasIntercept) ha[i * d + n] = hModel[i * D + n];
        }
        // (Aᵀ (HA))[k][l] = (HA)[k][l]/s_k − (HA)[b][l] μ_k/s_k for k < n; row b: (HA)[b][l].
        for (int k = 0; k < n; k++) {
            for (int l = 0; l < d; l++) out[k * d + l] = (ha[k * d + l] - ha[n * d + l] * center[k]) / scale[k];
        }
        if (hasIntercept) {
            for (int l = 0; l < d; l++) out[n * d + l] = ha[n * d + l];
        }
    }
}
