package dev.logreg.it;

import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** How far a backend's data term is from the reference's, in the units the tolerances are stated in. */
final class Agreement {
    private Agreement() {}

    /**
     * The scale gradient errors are measured against: (1/M) Σ wᵢ |ℓ'(yᵢ, zᵢ)| ‖x̃ᵢ‖ over rows [from, to) of the
     * reference term, x̃ᵢ = (xᵢ, 1) (the intercept is a feature of constant 1). Not ‖g‖, which vanishes at the
     * optimum: this is the size of the terms the gradient sums, which is what rounding errors scale with.
     */
    static double gradientScale(DataTerm reference, Dataset rowsInOrder, Loss loss, long from, long to, double[] params) {
        int count = Math.toIntExact(to - from);
        double[] z = new double[count];
        reference.margins(from, to, params, z);
        int n = rowsInOrder.cols();
        float[] row = new float[n];
        double sum = 0;
        double m = 0;
        for (int i = 0; i < count; i++) {
            long r = from + i;
            rowsInOrder.copyRow(r, row);
            double norm2 = 1.0;
            for (int j = 0; j < n; j++) norm2 += (double) row[j] * row[j];
            double w = rowsInOrder.weight(r);
            sum += w * Math.abs(loss.derivative(rowsInOrder.label(r), z[i])) * Math.sqrt(norm2);
            m += w;
        }
        return sum / m;
    }

    /** Asserts |a − b| ≤ tol·max(|a|, |b|) (plus a tiny absolute floor for values that are exactly 0). Fails on NaN. */
    static void assertRelative(double expected, double actual, double tol, String what) {
        double err = Math.abs(expected - actual);
        double bound = tol * Math.max(Math.max(Math.abs(expected), Math.abs(actual)), 1e-300);
        assertTrue(err <= bound, () -> what + ": expected " + expected + ", got " + actual + " (relative error "
                + (err / Math.max(Math.abs(expected), 1e-300)) + ", tolerance " + tol + ")");
    }

    /** Asserts ‖expected − actual‖∞ ≤ tol·scale; names the first offending index. Fails on NaN. */
    static void assertGradient(double[] expected, double[] actual, double scale, double tol, String what) {
        assertTrue(expected.length == actual.length, what + ": gradient lengths differ");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            int at = i;
            assertTrue(err <= tol * scale, () -> what + ": gradient entry " + at + " expected " + expected[at] + ", got "
                    + actual[at] + " (error " + err + " = " + (err / scale) + " x scale " + scale + ", tolerance " + tol + ")");
        }
    }
}
