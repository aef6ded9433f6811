package dev.logreg.loss;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The finite-difference check shared by the loss tests: z on a grid over [−30, 30], both labels. */
final class LossGrid {
    private LossGrid() {}

    /** z = −30 + k/8 for k = 0..480 (step 0.125, 0 included), plus a few points just off the grid. */
    static double[] zs() {
        double[] z = new double[481 + 4];
        for (int k = 0; k <= 480; k++) z[k] = -30.0 + k / 8.0;
        z[481] = 1e-9;
        z[482] = -1e-9;
        z[483] = 0.3333333333333333;
        z[484] = -17.77;
        return z;
    }

    /**
     * Asserts that {@code analytic} matches the central difference of {@code f} at every grid z: relative error
     * ≤ 1e-6, plus, where the derivative is tiny, the rounding noise of the difference itself (f to 8 ulps).
     */
    static void checkDerivative(String what, DoubleUnaryOperator f, DoubleUnaryOperator analytic) {
        for (double z : zs()) {
            double fd = FiniteDifferences.derivative(f, z);
            double exact = analytic.applyAsDouble(z);
            double abs = FiniteDifferences.noise(f, z, 8);
            assertTrue(FiniteDifferences.close(exact, fd, 1e-6, abs),
                    () -> what + " at z = " + z + ": analytic " + exact + ", central difference " + fd
                            + " (relative error " + Math.abs(fd - exact) / Math.abs(exact) + ", noise " + abs + ")");
        }
    }

    /** Whether the derivative check above was mostly relative: counts grid points where the noise term dominates. */
    static int noiseDominated(DoubleUnaryOperator f, DoubleUnaryOperator analytic) {
        int count = 0;
        for (double z : zs()) {
            if (FiniteDifferences.noise(f, z, 8) > 1e-6 * Math.abs(analytic.applyAsDouble(z))) count++;
        }
        return count;
    }
}
