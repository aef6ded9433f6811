package dev.logreg.optim;

/**
 * A small separable function F(x) = Σ [½ aᵢ (xᵢ − cᵢ)² + ¼ q (xᵢ − cᵢ)⁴] for behaviour tests (q = 0: a quadratic,
 * which Newton and the Hessian-diagonal L-BFGS solve in one step; q &gt; 0 takes several), with optional L1 coefficients, a radius
 * past which every evaluation returns NaN, and a sleep per evaluation (a "slow objective"). Its mini-batches are
 * exact: every row range gives F itself.
 */
class ToyObjective implements Objective {
    private final double[] a;
    private final double[] c;
    private final double l1;
    private final double nanRadius;
    private final long sleepMillis;
    private double quartic;
    int evaluations;

    ToyObjective(double[] a, double[] c, double l1, double nanRadius, long sleepMillis) {
        this.a = a;
        this.c = c;
        this.l1 = l1;
        this.nanRadius = nanRadius;
        this.sleepMillis = sleepMillis;
    }

    /** Sets q; returns this. */
    ToyObjective quartic(double q) {
        this.quartic = q;
        return this;
    }

    /** Σ ½(xᵢ − cᵢ)² + ¼(xᵢ − cᵢ)⁴ with c = (3, −2, 1): several iterations for every optimizer. */
    static ToyObjective curved(long sleepMillis) {
        return new ToyObjective(new double[]{1, 2, 4}, new double[]{3, -2, 1}, 0, Double.POSITIVE_INFINITY, sleepMillis).quartic(1.0);
    }

    /** ½ Σ (i+1)(xᵢ − 1)² in 4 dimensions. */
    static ToyObjective simple() {
        return new ToyObjective(new double[]{1, 2, 3, 4}, new double[]{1, 1, 1, 1}, 0, Double.POSITIVE_INFINITY, 0);
    }

    private boolean outside(double[] x) {
        return Vectors.norm2(x) > nanRadius;
    }

    private void pause() {
        evaluations++;
        if (sleepMillis > 0) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override public int dimension() { return a.length; }

    @Override
    public double smoothValueAndGradient(double[] x, double[] g) {
        pause();
        double v = 0;
        for (int i = 0; i < a.length; i++) {
            double d = x[i] - c[i];
            v += 0.5 * a[i] * d * d + 0.25 * quartic * d * d * d * d;
            g[i] = outside(x) ? Double.NaN : a[i] * d + quartic * d * d * d;
        }
        return outside(x) ? Double.NaN : v;
    }

    @Override
    public double smoothValue(double[] x) {
        return smoothValueAndGradient(x, new double[a.length]);
    }

    @Override public double l1Coefficient(int i) { return l1; }

    @Override public boolean isSmooth() { return l1 == 0; }

    @Override public boolean isConvex() { return true; }

    @Override public boolean hasHessian() { return true; }

    @Override
    public void smoothHessian(double[] x, double[] out) {
        pause();
        java.util.Arrays.fill(out, 0);
        for (int i = 0; i < a.length; i++) {
            double d = x[i] - c[i];
            out[i * a.length + i] = outside(x) ? Double.NaN : a[i] + 3 * quartic * d * d;
        }
    }

    @Override public boolean hasHessianVector() { return true; }

    @Override
    public void smoothHessianVector(double[] x, double[] v, double[] out) {
        pause();
        for (int i = 0; i < a.length; i++) {
            double d = x[i] - c[i];
            out[i] = outside(x) ? Double.NaN : (a[i] + 3 * quartic * d * d) * v[i];
        }
    }

    @Override public long rows() { return 64; }

    @Override
    public double batchValueAndGradient(long fromRow, long toRow, double[] x, double[] g) {
        return smoothValueAndGradient(x, g);
    }
}
