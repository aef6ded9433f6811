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
 * <p>Centering (μ ≠ 0) needs a free intercept; without one, μ = 0 and s is the column's root mean square.
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
        double[] s = fitIntercept ? stats.std() : stats.rms();
        double[] mu = fitIntercept ? stats.mean() : new double[s.length];
        for (int j = 0; j < s.length; j++) {
            if (!(s[j] > 0) || !Double.isFinite(s[j])) s[j] = 1.0;
        }
        return new Preconditioner(s, mu);
    }

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
        double gb = gModel[n];
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
