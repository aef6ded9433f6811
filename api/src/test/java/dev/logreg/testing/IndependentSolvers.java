package dev.logreg.testing;

import dev.logreg.data.Dataset;

/**
 * Reference optima for the optimizer tests, computed in double precision by code that shares nothing with the
 * optimizers under test (nor with the objective or the preconditioner of {@code api}): it reads the {@link Dataset}
 * directly and states the objective from its definition,
 * <pre>
 *   J(θ, b) = (1/m) Σᵢ wᵢ ℓ(yᵢ, θ·xᵢ + b) + c₁ Σⱼ |θⱼ| + (c₂/2) Σⱼ θⱼ²,   c₁ = λα/m,  c₂ = λ(1−α)/m,  m = Σwᵢ
 * </pre>
 * (α = 0 for L2, 1 for L1), ℓ the log loss. Both solvers work internally in standardized coordinates of their own
 * (uⱼ = sⱼθⱼ on centered columns) so that raw scales spanning six decades do not ruin the Cholesky factor, and return
 * the model's (θ₁..θₙ, b). Results are {@code double[n+1]}, owned by the caller. Stateless.
 */
public final class IndependentSolvers {
    private IndependentSolvers() {}

    /** A solution with its certificate. */
    public record Solution(double[] params, int iterations, double kktViolation) {
    }

    /**
     * Plain Newton's method for L2 (or no penalty with non-separable data), with a free intercept: iterates until the
     * gradient in standardized coordinates has inf-norm ≤ 1e-12 (or stops improving).
     */
    public static Solution newtonL2(Dataset data, double lambda) {
        Problem p = new Problem(data, lambda, 0.0);
        int d = p.d;
        double[] u = new double[d];
        double[] g = new double[d];
        double[] h = new double[d * d];
        double[] step = new double[d];
        double[] trial = new double[d];
        int it = 0;
        double f = p.valueGradientHessian(u, g, h);
        for (; it < 200; it++) {
            if (infNorm(g) <= 1e-12) break;
            if (!cholesky(h, d)) throw new IllegalStateException("Hessian not positive definite at iteration " + it);
            for (int i = 0; i < d; i++) step[i] = -g[i];
            choleskySolve(h, d, step);
            double slope = 0;
            for (int i = 0; i < d; i++) slope += g[i] * step[i];
            double t = 1;
            double ft = Double.NaN;
            for (int k = 0; k < 60; k++) {
                for (int i = 0; i < d; i++) trial[i] = u[i] + t * step[i];
                ft = p.value(trial);
                if (ft <= f + 1e-4 * t * slope) break;
                t *= 0.5;
            }
            if (!(ft <= f)) break; // no further progress representable
            System.arraycopy(trial, 0, u, 0, d);
            double prev = f;
            f = p.valueGradientHessian(u, g, h);
            if (prev - f <= 0 && infNorm(g) <= 1e-10) break;
        }
        double[] params = p.toModel(u);
        return new Solution(params, it, kktViolation(data, lambda, 0.0, params));
    }

    /**
     * Proximal Newton (Lee, Sun &amp; Saunders 2014; glmnet's outer loop, Friedman, Hastie &amp; Tibshirani 2010) for
     * elastic net / L1 with a free intercept: each outer step minimizes the quadratic model plus the exact L1 term by
     * cyclic coordinate descent, then backtracks on the true objective. The result is certified by
     * {@link #kktViolation} ≤ 1e-9 or an {@link IllegalStateException} is thrown.
     */
    public static Solution proximalNewton(Dataset data, double lambda, double alpha) {
        Problem p = new Problem(data, lambda, alpha);
        int d = p.d;
        int n = d - 1;
        double[] c = new double[d];
        for (int j = 0; j < n; j++) c[j] = p.c1 / p.s[j];
        double[] u = new double[d];
        double[] g = new double[d];
        double[] h = new double[d * d];
        double[] delta = new double[d];
        double[] hd = new double[d];
        double[] trial = new double[d];
        double f = p.valueGradientHessian(u, g, h) + l1(c, u);
        int it = 0;
        double kkt = Double.NaN;
        for (; it < 200; it++) {
            double[] params = p.toModel(u);
            double previousKkt = kkt;
            kkt = kktViolation(data, lambda, alpha, params);
            // Done when far below the certificate, or certified and no longer improving (rounding floor).
            if (kkt <= 1e-11 || (kkt <= 1e-9 && kkt > 0.5 * previousKkt)) break;
            // Inner problem: min_δ g·δ + ½ δᵀHδ + Σ cⱼ|uⱼ+δⱼ| by coordinate descent, tracking Hδ.
            java.util.Arrays.fill(delta, 0);
            java.util.Arrays.fill(hd, 0);
            for (int sweep = 0; sweep < 10_000; sweep++) {
                double maxChange = 0;
                for (int j = 0; j < d; j++) {
                    double hjj = h[j * d + j];
                    // Gradient of the model in δⱼ excluding its own diagonal term.
                    double a = g[j] + hd[j] - hjj * delta[j];
                    double z = u[j] - a / hjj; // unpenalized minimizer of uⱼ+δⱼ
                    double target = c[j] == 0 ? z : Math.signum(z) * Math.max(Math.abs(z) - c[j] / hjj, 0.0);
                    double newDelta = target - u[j];
                    double change = newDelta - delta[j];
                    if (change != 0) {
                        for (int i = 0; i < d; i++) hd[i] += h[i * d + j] * change;
                        delta[j] = newDelta;
                        maxChange = Math.max(maxChange, Math.abs(change));
                    }
                }
                if (maxChange <= 1e-16) break;
            }
            double predicted = l1Shift(c, u, delta);
            for (int j = 0; j < d; j++) predicted += g[j] * delta[j];
            double t = 1;
            double ft = Double.NaN;
            boolean moved = false;
            for (int k = 0; k < 60; k++) {
                for (int i = 0; i < d; i++) trial[i] = u[i] + t * delta[i];
                ft = p.value(trial) + l1(c, trial);
                if (ft <= f + 1e-4 * t * Math.min(predicted, 0)) {
                    moved = true;
                    break;
                }
                t *= 0.5;
            }
            if (!moved) break;
            System.arraycopy(trial, 0, u, 0, d);
            f = p.valueGradientHessian(u, g, h) + l1(c, u);
        }
        double[] params = p.toModel(u);
        kkt = kktViolation(data, lambda, alpha, params);
        if (!(kkt <= 1e-9)) {
            throw new IllegalStateException("proximal Newton ended after " + it + " iterations with KKT violation " + kkt + ", expected <= 1e-9");
        }
        return new Solution(params, it, kkt);
    }

    private static double l1(double[] c, double[] u) {
        double s = 0;
        for (int j = 0; j < c.length; j++) s += c[j] * Math.abs(u[j]);
        return s;
    }

    private static double l1Shift(double[] c, double[] u, double[] delta) {
        double s = 0;
        for (int j = 0; j < c.length; j++) s += c[j] * (Math.abs(u[j] + delta[j]) - Math.abs(u[j]));
        return s;
    }

    /** Gradient of the smooth part (data term + L2) with respect to the model's (θ, b), raw scales, in double. */
    public static double[] smoothGradient(Dataset data, double lambda, double alpha, double[] params) {
        int n = data.cols();
        double m = 0;
        double[] g = new double[n + 1];
        float[] row = new float[n];
        for (long r = 0; r < data.rows(); r++) {
            data.copyRow(r, row);
            double w = data.weight(r);
            double z = params[n];
            for (int j = 0; j < n; j++) z += params[j] * row[j];
            double res = w * (sigmoid(z) - data.label(r));
            for (int j = 0; j < n; j++) g[j] += res * row[j];
            g[n] += res;
            m += w;
        }
        double c2 = lambda * (1 - alpha) / m;
        for (int j = 0; j <= n; j++) g[j] /= m;
        for (int j = 0; j < n; j++) g[j] += c2 * params[j];
        return g;
    }

    /**
     * The largest violation of the optimality conditions of J at (θ, b), raw scales: |g_b| for the intercept;
     * max(|gⱼ| − c₁, 0) where θⱼ = 0; |gⱼ + c₁ sign θⱼ| elsewhere (g the smooth part's gradient).
     */
    public static double kktViolation(Dataset data, double lambda, double alpha, double[] params) {
        int n = data.cols();
        double[] g = smoothGradient(data, lambda, alpha, params);
        double c1 = lambda * alpha / data.weightSum();
        double v = Math.abs(g[n]);
        for (int j = 0; j < n; j++) {
            double r = params[j] == 0 ? Math.max(Math.abs(g[j]) - c1, 0) : Math.abs(g[j] + c1 * Math.signum(params[j]));
            v = Math.max(v, r);
        }
        return v;
    }

    /**
     * The KKT margin c₁ − |gⱼ| of each coordinate at (θ, b), raw scales (meaningful where θⱼ = 0; positive means
     * strictly inside the zero region).
     */
    public static double[] zeroMargins(Dataset data, double lambda, double alpha, double[] params) {
        int n = data.cols();
        double[] g = smoothGradient(data, lambda, alpha, params);
        double c1 = lambda * alpha / data.weightSum();
        double[] margin = new double[n];
        for (int j = 0; j < n; j++) margin[j] = c1 - Math.abs(g[j]);
        return margin;
    }

    static double sigmoid(double z) {
        if (z >= 0) return 1.0 / (1.0 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** ℓ(y, z) = max(z, 0) − y z + log(1 + e^−|z|). */
    static double logLoss(double y, double z) {
        return Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
    }

    private static double infNorm(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** In-place Cholesky (lower triangle of a row-major d×d matrix); false where not positive definite. */
    private static boolean cholesky(double[] a, int d) {
        for (int j = 0; j < d; j++) {
            double s = a[j * d + j];
            for (int k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
            if (!(s > 0)) return false;
            double ljj = Math.sqrt(s);
            a[j * d + j] = ljj;
            for (int i = j + 1; i < d; i++) {
                double t = a[i * d + j];
                for (int k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
                a[i * d + j] = t / ljj;
            }
        }
        return true;
    }

    private static void choleskySolve(double[] l, int d, double[] b) {
        for (int i = 0; i < d; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * d + k] * b[k];
            b[i] = s / l[i * d + i];
        }
        for (int i = d - 1; i >= 0; i--) {
            double s = b[i];
            for (int k = i + 1; k < d; k++) s -= l[k * d + i] * b[k];
            b[i] = s / l[i * d + i];
        }
    }

    /** The smooth part in the solver's own standardized coordinates, with the data copied to double once. */
    private static final class Problem {
        final int n;
        final int d;
        final double[] x; // standardized, row-major rows x n
        final double[] y;
        final double[] w;
        final int rows;
        final double m;
        final double[] mu;
        final double[] s;
        final double c1;
        final double c2;

        Problem(Dataset data, double lambda, double alpha) {
            if (data.rows() > Integer.MAX_VALUE / data.cols()) throw new IllegalArgumentException("data too large for the test solver");
            n = data.cols();
            d = n + 1;
            rows = (int) data.rows();
            x = new double[rows * n];
            y = new double[rows];
            w = new double[rows];
            mu = new double[n];
            s = new double[n];
            float[] row = new float[n];
            double ws = 0;
            for (int i = 0; i < rows; i++) {
                data.copyRow(i, row);
                for (int j = 0; j < n; j++) x[i * n + j] = row[j];
                y[i] = data.label(i);
                w[i] = data.weight(i);
                ws += w[i];
            }
            m = ws;
            for (int i = 0; i < rows; i++) for (int j = 0; j < n; j++) mu[j] += w[i] * x[i * n + j];
            for (int j = 0; j < n; j++) mu[j] /= m;
            for (int i = 0; i < rows; i++) for (int j = 0; j < n; j++) { double t = x[i * n + j] - mu[j]; s[j] += w[i] * t * t; }
            for (int j = 0; j < n; j++) {
                s[j] = Math.sqrt(s[j] / m);
                if (!(s[j] > 0)) s[j] = 1;
            }
            for (int i = 0; i < rows; i++) for (int j = 0; j < n; j++) x[i * n + j] = (x[i * n + j] - mu[j]) / s[j];
            c1 = lambda * alpha / m;
            c2 = lambda * (1 - alpha) / m;
        }

        /** θⱼ = uⱼ/sⱼ, b = u_b − Σ μⱼθⱼ. */
        double[] toModel(double[] u) {
            double[] p = new double[d];
            double shift = 0;
            for (int j = 0; j < n; j++) {
                p[j] = u[j] / s[j];
                shift += mu[j] * p[j];
            }
            p[n] = u[n] - shift;
            return p;
        }

        private double l2(double[] u) {
            double sq = 0;
            for (int j = 0; j < n; j++) { double t = u[j] / s[j]; sq += t * t; }
            return 0.5 * c2 * sq;
        }

        double value(double[] u) {
            double v = 0;
            for (int i = 0; i < rows; i++) {
                double z = u[n];
                for (int j = 0; j < n; j++) z += u[j] * x[i * n + j];
                v += w[i] * logLoss(y[i], z);
            }
            return v / m + l2(u);
        }

        double valueGradientHessian(double[] u, double[] g, double[] h) {
            java.util.Arrays.fill(g, 0);
            java.util.Arrays.fill(h, 0);
            double v = 0;
            double[] xt = new double[d];
            for (int i = 0; i < rows; i++) {
                double z = u[n];
                for (int j = 0; j < n; j++) z += u[j] * x[i * n + j];
                v += w[i] * logLoss(y[i], z);
                double p = sigmoid(z);
                double r = w[i] * (p - y[i]);
                double c = w[i] * p * (1 - p);
                for (int j = 0; j < n; j++) xt[j] = x[i * n + j];
                xt[n] = 1;
                for (int j = 0; j < d; j++) {
                    g[j] += r * xt[j];
                    double cj = c * xt[j];
                    for (int k = 0; k <= j; k++) h[j * d + k] += cj * xt[k];
                }
            }
            for (int j = 0; j < d; j++) {
                g[j] /= m;
                for (int k = 0; k <= j; k++) {
                    h[j * d + k] /= m;
                    h[k * d + j] = h[j * d + k];
                }
            }
            for (int j = 0; j < n; j++) {
                g[j] += c2 * u[j] / (s[j] * s[j]);
                h[j * d + j] += c2 / (s[j] * s[j]);
            }
            return v / m + l2(u);
        }
    }
}
