package dev.logreg.testing;

import dev.logreg.data.Dataset;

/**
 * Reference optima of the multinomial objective, in double precision, by code that shares nothing with {@code api}'s
 * objective, preconditioner, optimizers or loss: it reads the {@link Dataset} and states the objective from its
 * definition,
 * <pre>
 *   J(W, b) = (1/m) Σᵢ wᵢ [ log Σ_c exp(w_c·xᵢ + b_c) − (w_{yᵢ}·xᵢ + b_{yᵢ}) ] + c₁ Σ_{c,j} |w_cj| + (c₂/2) Σ_{c,j} w_cj²
 * </pre>
 * c₁ = λα/m, c₂ = λ(1−α)/m, m = Σwᵢ. The intercepts are unpenalized, so J is flat along b → b + t·1; unlike the code
 * under test (which adds curvature along that direction), these solvers remove it by pinning the last class's
 * intercept at 0, then report the intercepts centered (Σ_c b_c = 0). Variables: class-major (w_c, b_c) slices with
 * the last slice's intercept dropped. Results are {@code double[K·(n+1)]} in the model layout. Stateless.
 */
public final class IndependentMultinomial {
    private IndependentMultinomial() {}

    /** The objective over one dataset, its derivatives in the solver's variables. */
    private static final class Problem {
        final Dataset data;
        final int k;
        final int n;
        final boolean intercept;
        final int d;
        final double c1;
        final double c2;
        final double m;

        Problem(Dataset data, double lambda, double alpha, boolean intercept) {
            this.data = data;
            this.k = data.classes();
            this.n = data.cols();
            this.intercept = intercept;
            this.d = intercept ? k * (n + 1) - 1 : k * n;
            this.m = data.weightSum();
            this.c1 = lambda * alpha / m;
            this.c2 = lambda * (1 - alpha) / m;
        }

        /** Index of w_cj (j = n: b_c) in the variables, or −1 where fixed at 0. */
        int var(int c, int j) {
            if (!intercept) return j == n ? -1 : c * n + j;
            if (j == n && c == k - 1) return -1;
            return c * (n + 1) + j;
        }

        boolean penalized(int i) {
            return !intercept || i % (n + 1) != n;
        }

        double[] logits(double[] v, float[] x) {
            double[] z = new double[k];
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += v[var(c, j)] * x[j];
                int b = var(c, n);
                z[c] = s + (b < 0 ? 0 : v[b]);
            }
            return z;
        }

        /** The smooth part (data + L2); gradient and Hessian where the arrays are not null. */
        double smooth(double[] v, double[] g, double[] h) {
            if (g != null) java.util.Arrays.fill(g, 0);
            if (h != null) java.util.Arrays.fill(h, 0);
            float[] x = new float[n];
            double f = 0;
            for (long i = 0; i < data.rows(); i++) {
                data.copyRow(i, x);
                int y = (int) data.label(i);
                double w = data.weight(i);
                double[] z = logits(v, x);
                double max = Double.NEGATIVE_INFINITY;
                for (double zc : z) max = Math.max(max, zc);
                double s = 0;
                for (double zc : z) s += Math.exp(zc - max);
                f += w * (max + Math.log(s) - z[y]);
                if (g == null) continue;
                double[] p = new double[k];
                for (int c = 0; c < k; c++) p[c] = Math.exp(z[c] - max) / s;
                for (int c = 0; c < k; c++) {
                    double r = w * (p[c] - (c == y ? 1 : 0));
                    for (int j = 0; j <= n; j++) {
                        int a = var(c, j);
                        if (a >= 0) g[a] += r * (j == n ? 1 : x[j]);
                    }
                }
                if (h == null) continue;
                for (int c = 0; c < k; c++) {
                    for (int e = 0; e < k; e++) {
                        double q = w * ((c == e ? p[c] : 0) - p[c] * p[e]);
                        for (int j = 0; j <= n; j++) {
                            int a = var(c, j);
                            if (a < 0) continue;
                            double xj = j == n ? 1 : x[j];
                            for (int l = 0; l <= n; l++) {
                                int bb = var(e, l);
                                if (bb >= 0) h[a * d + bb] += q * xj * (l == n ? 1 : x[l]);
                            }
                        }
                    }
                }
            }
            f /= m;
            if (g != null) for (int i = 0; i < d; i++) g[i] /= m;
            if (h != null) for (int i = 0; i < d * d; i++) h[i] /= m;
            for (int i = 0; i < d; i++) {
                if (!penalized(i)) continue;
                f += 0.5 * c2 * v[i] * v[i];
                if (g != null) g[i] += c2 * v[i];
                if (h != null) h[i * d + i] += c2;
            }
            return f;
        }

        double l1(double[] v) {
            double s = 0;
            for (int i = 0; i < d; i++) if (penalized(i)) s += Math.abs(v[i]);
            return c1 * s;
        }

        /** The model layout K·(n+1), intercepts centered. */
        double[] toModel(double[] v) {
            double[] p = new double[k * (n + 1)];
            double mean = 0;
            for (int c = 0; c < k; c++) {
                for (int j = 0; j <= n; j++) {
                    int a = var(c, j);
                    p[c * (n + 1) + j] = a < 0 ? 0 : v[a];
                }
                mean += p[c * (n + 1) + n];
            }
            if (intercept) for (int c = 0; c < k; c++) p[c * (n + 1) + n] -= mean / k;
            return p;
        }
    }

    /**
     * Proximal Newton (Lee, Sun &amp; Saunders 2014) for the elastic net (α = 1: L1): each step minimizes the quadratic
     * model plus the exact L1 term by cyclic coordinate descent, then backtracks on J; for α = 0 (L2) plain Newton, the
     * step by Cholesky.
     * Stops where the minimum-norm subgradient's inf-norm is at most 1e-12, and throws where 300 steps do not get
     * below 1e-9.
     *
     * @return the model parameters, K·(n+1), class-major, intercepts centered
     */
    public static double[] solve(Dataset data, double lambda, double alpha, boolean intercept) {
        Problem p = new Problem(data, lambda, alpha, intercept);
        int d = p.d;
        double[] v = new double[d];
        double[] g = new double[d];
        double[] h = new double[d * d];
        double[] delta = new double[d];
        double[] hd = new double[d];
        double[] trial = new double[d];
        double f = p.smooth(v, g, h) + p.l1(v);
        for (int it = 0; it < 300; it++) {
            if (violation(p, v, g) <= 1e-12) return p.toModel(v);
            java.util.Arrays.fill(delta, 0);
            java.util.Arrays.fill(hd, 0);
            if (p.c1 == 0) {
                // No L1 part: the exact Newton step, by Cholesky (positive definite: the pinned intercept removes
                // the only flat direction the L2 part leaves).
                newtonStep(h, g, d, delta);
            }
            for (int sweep = 0; sweep < (p.c1 == 0 ? 0 : 500); sweep++) {
                double biggest = 0;
                for (int i = 0; i < d; i++) {
                    double a = h[i * d + i];
                    if (!(a > 0)) continue;
                    double lin = g[i] + hd[i] - a * delta[i];
                    double target;
                    if (p.penalized(i) && p.c1 > 0) {
                        // minimize lin·t + a/2 t² + c1|v+t| over t: soft threshold at v − lin/a.
                        double z = v[i] - lin / a;
                        double shrunk = Math.signum(z) * Math.max(Math.abs(z) - p.c1 / a, 0);
                        target = shrunk - v[i];
                    } else {
                        target = -lin / a;
                    }
                    double change = target - delta[i];
                    if (change != 0) {
                        for (int r = 0; r < d; r++) hd[r] += h[r * d + i] * change;
                        delta[i] = target;
                        biggest = Math.max(biggest, Math.abs(change));
                    }
                }
                if (biggest <= 1e-15) break;
            }
            double t = 1;
            double ft = Double.NaN;
            for (int ls = 0; ls < 60; ls++) {
                for (int i = 0; i < d; i++) trial[i] = v[i] + t * delta[i];
                ft = p.smooth(trial, null, null) + p.l1(trial);
                if (ft <= f) break;
                t *= 0.5;
            }
            if (!(ft < f)) break; // no decrease left that double precision can show
            System.arraycopy(trial, 0, v, 0, d);
            f = p.smooth(v, g, h) + p.l1(v);
        }
        double kkt = violation(p, v, g);
        if (!(kkt <= 1e-9)) throw new IllegalStateException("independent multinomial solver stopped with KKT violation " + kkt);
        return p.toModel(v);
    }

    /** delta = −H⁻¹g by a Cholesky factorization of its own (H row-major d×d, not modified). */
    private static void newtonStep(double[] h, double[] g, int d, double[] delta) {
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = h[i * d + j];
                for (int k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
                if (i == j) {
                    if (!(sum > 0)) throw new IllegalStateException("Hessian not positive definite at pivot " + i);
                    l[i * d + i] = Math.sqrt(sum);
                } else {
                    l[i * d + j] = sum / l[j * d + j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            double sum = -g[i];
            for (int k = 0; k < i; k++) sum -= l[i * d + k] * delta[k];
            delta[i] = sum / l[i * d + i];
        }
        for (int i = d - 1; i >= 0; i--) {
            double sum = delta[i];
            for (int k = i + 1; k < d; k++) sum -= l[k * d + i] * delta[k];
            delta[i] = sum / l[i * d + i];
        }
    }

    /** Inf-norm of the minimum-norm subgradient of J at v (g the smooth gradient there). */
    private static double violation(Problem p, double[] v, double[] g) {
        double worst = 0;
        for (int i = 0; i < p.d; i++) {
            double r;
            if (!p.penalized(i) || p.c1 == 0) r = Math.abs(g[i]);
            else if (v[i] != 0) r = Math.abs(g[i] + p.c1 * Math.signum(v[i]));
            else r = Math.max(Math.abs(g[i]) - p.c1, 0);
            worst = Math.max(worst, r);
        }
        return worst;
    }

    /** J at model parameters (K·(n+1), class-major), from the definition. */
    public static double objective(Dataset data, double lambda, double alpha, boolean intercept, double[] model) {
        int k = data.classes();
        int n = data.cols();
        float[] x = new float[n];
        double f = 0;
        for (long i = 0; i < data.rows(); i++) {
            data.copyRow(i, x);
            double[] z = new double[k];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < n; j++) s += model[c * (n + 1) + j] * x[j];
                z[c] = s + (intercept ? model[c * (n + 1) + n] : 0);
                max = Math.max(max, z[c]);
            }
            double s = 0;
            for (double zc : z) s += Math.exp(zc - max);
            f += data.weight(i) * (max + Math.log(s) - z[(int) data.label(i)]);
        }
        double m = data.weightSum();
        f /= m;
        double abs = 0;
        double sq = 0;
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < n; j++) {
                abs += Math.abs(model[c * (n + 1) + j]);
                sq += model[c * (n + 1) + j] * model[c * (n + 1) + j];
            }
        }
        return f + lambda * alpha / m * abs + 0.5 * lambda * (1 - alpha) / m * sq;
    }
}
