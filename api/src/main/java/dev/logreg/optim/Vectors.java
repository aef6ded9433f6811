package dev.logreg.optim;

/** Small dense-vector helpers shared by the optimizers. Stateless. */
final class Vectors {
    private Vectors() {}

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double infNorm(double[] a) {
        double m = 0;
        for (double v : a) {
            double x = Math.abs(v);
            // NaN must not hide: Math.max propagates it.
            m = Math.max(m, x);
        }
        return m;
    }

    static double norm2(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static boolean allFinite(double[] a) {
        for (double v : a) if (!Double.isFinite(v)) return false;
        return true;
    }

    /**
     * S(v, t) = sign(v)·max(|v| − t, 0), the proximal map of t|·| (t ≥ 0): exactly zero where |v| ≤ t, which is where
     * the L1 methods' exact zeros come from.
     */
    static double softThreshold(double v, double t) {
        return v > t ? v - t : (v < -t ? v + t : 0.0);
    }

    /** out = x + a·d. */
    static void axpy(double[] x, double a, double[] d, double[] out) {
        for (int i = 0; i < x.length; i++) out[i] = x[i] + a * d[i];
    }

    /** Σ cᵢ|xᵢ| over the objective's L1 coefficients (0 for a smooth objective). */
    static double l1Part(Objective f, double[] x) {
        if (f.isSmooth()) return 0.0;
        double s = 0;
        for (int i = 0; i < x.length; i++) s += f.l1Coefficient(i) * Math.abs(x[i]);
        return s;
    }

    /** The L1 coefficients cᵢ as an array (all zero for a smooth objective). */
    static double[] l1Coefficients(Objective f) {
        double[] c = new double[f.dimension()];
        if (!f.isSmooth()) {
            for (int i = 0; i < c.length; i++) {
                c[i] = f.l1Coefficient(i);
                if (!(c[i] >= 0) || !Double.isFinite(c[i])) {
                    throw new IllegalArgumentException("L1 coefficient of coordinate " + i + " is " + c[i] + ", expected a finite number >= 0");
                }
            }
        }
        return c;
    }

    /**
     * The pseudo-gradient of F + Σ cᵢ|xᵢ| (Andrew &amp; Gao 2007): the minimum-norm element of the subdifferential,
     * into {@code out}. Where cᵢ = 0 it is the gradient itself. Its inf-norm is zero exactly at a minimizer.
     */
    static void pseudoGradient(double[] x, double[] g, double[] c, double[] out) {
        for (int i = 0; i < x.length; i++) {
            double ci = c[i];
            if (ci == 0) {
                out[i] = g[i];
            } else if (x[i] > 0) {
                out[i] = g[i] + ci;
            } else if (x[i] < 0) {
                out[i] = g[i] - ci;
            } else if (g[i] + ci < 0) {
                out[i] = g[i] + ci;
            } else if (g[i] - ci > 0) {
                out[i] = g[i] - ci;
            } else {
                out[i] = 0.0;
            }
        }
    }

    /** Checks the start point: the objective's dimension and finite entries. */
    static double[] checkStart(Objective f, double[] x0) {
        java.util.Objects.requireNonNull(f, "objective");
        java.util.Objects.requireNonNull(x0, "x0");
        if (x0.length != f.dimension()) {
            throw new IllegalArgumentException("start point has length " + x0.length + ", expected the objective's dimension " + f.dimension());
        }
        for (int i = 0; i < x0.length; i++) {
            if (!Double.isFinite(x0[i])) throw new IllegalArgumentException("start point entry " + i + " is " + x0[i] + ", expected a finite number");
        }
        return x0.clone();
    }
}
