package dev.logreg.loss;

import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in double and NaN-failing comparisons, shared by the api's numeric tests.
 *
 * <p>The step is h = ∛ε·max(1, |x|) rounded to a representable step ((x + h) − x), which balances the O(h²)
 * truncation error of a central difference against its O(ε/h) rounding error (both ≈ ε^(2/3) ≈ 4e-11 relative).
 * Stateless; thread-safe.
 */
public final class FiniteDifferences {
    /** ∛ε for doubles. */
    public static final double CBRT_EPS = Math.cbrt(Math.ulp(1.0));

    private FiniteDifferences() {}

    /** The step for a central difference at x: ∛ε·max(1, |x|), rounded so that x ± h are exact. */
    public static double step(double x) {
        double h = CBRT_EPS * Math.max(1.0, Math.abs(x));
        return (x + h) - x;
    }

    /** (f(x + h) − f(x − h)) / 2h with h = {@link #step}(x). */
    public static double derivative(DoubleUnaryOperator f, double x) {
        double h = step(x);
        return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
    }

    /**
     * The rounding noise of {@link #derivative} at x where f is computed to within {@code ulps} ulps:
     * ulps·(ulp(f(x+h)) + ulp(f(x−h)))/2h. A derivative smaller than this cannot be resolved by the difference,
     * so it serves as the absolute part of a tolerance.
     */
    public static double noise(DoubleUnaryOperator f, double x, double ulps) {
        double h = step(x);
        return ulps * (Math.ulp(f.applyAsDouble(x + h)) + Math.ulp(f.applyAsDouble(x - h))) / (2 * h);
    }

    /** The central-difference gradient of f at x, one coordinate at a time (x is restored afterwards). */
    public static double[] gradient(ToDoubleFunction<double[]> f, double[] x) {
        double[] g = new double[x.length];
        double[] p = x.clone();
        for (int i = 0; i < x.length; i++) {
            double h = step(x[i]);
            p[i] = x[i] + h;
            double plus = f.applyAsDouble(p);
            p[i] = x[i] - h;
            double minus = f.applyAsDouble(p);
            p[i] = x[i];
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /**
     * The central-difference Jacobian of a vector function (row i = ∂/∂xᵢ of every output), row-major
     * {@code x.length × outputs}: used for Hessians as differences of an analytic gradient.
     */
    public static double[] jacobian(java.util.function.Function<double[], double[]> f, double[] x, int outputs) {
        double[] jac = new double[x.length * outputs];
        double[] p = x.clone();
        for (int i = 0; i < x.length; i++) {
            double h = step(x[i]);
            p[i] = x[i] + h;
            double[] plus = f.apply(p);
            p[i] = x[i] - h;
            double[] minus = f.apply(p);
            p[i] = x[i];
            assertEquals(outputs, plus.length, "output length");
            for (int k = 0; k < outputs; k++) jac[i * outputs + k] = (plus[k] - minus[k]) / (2 * h);
        }
        return jac;
    }

    /** |expected − actual| ≤ rel·|expected| + abs; false on NaN. */
    public static boolean close(double expected, double actual, double rel, double abs) {
        return Math.abs(expected - actual) <= rel * Math.abs(expected) + abs;
    }

    /** Asserts {@link #close} elementwise, reporting the first bad index with both values. */
    public static void assertClose(double[] expected, double[] actual, double rel, double abs, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            assertTrue(close(e, a, rel, abs), () -> what + ": first bad index " + firstBad(expected, actual, rel, abs)
                    + ", expected " + expected[firstBad(expected, actual, rel, abs)] + ", got "
                    + actual[firstBad(expected, actual, rel, abs)] + " (rel " + rel + ", abs " + abs + ")");
        }
    }

    private static int firstBad(double[] expected, double[] actual, double rel, double abs) {
        for (int i = 0; i < expected.length; i++) if (!close(expected[i], actual[i], rel, abs)) return i;
        return -1;
    }

    /** The largest |vᵢ|. */
    public static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }
}
