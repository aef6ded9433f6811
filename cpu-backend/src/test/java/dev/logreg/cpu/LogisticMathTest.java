package dev.logreg.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIMD kernel's own e^x and log (built from plain IEEE operations so that they round alike in every JIT tier):
 * their accuracy against {@code Math}, the pointwise loss and derivative against {@link FusedKernel#pointwise}
 * (which uses {@code Math.exp} and {@code Math.log}), and every SIMD lane equal to the scalar form bit for bit, which
 * the kernel relies on for the rows past the last full vector.
 */
class LogisticMathTest {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

    /** Distance in units in the last place of {@code expected}. */
    private static double ulps(double expected, double actual) {
        if (expected == actual) return 0;
        return Math.abs(expected - actual) / Math.ulp(expected);
    }

    @Test
    void expIsWithinTwoUlpDownToTheSubnormals() {
        SplittableRandom rnd = new SplittableRandom(1);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            // Uniform over [−750, 0] and log-uniform towards 0, where the reduction is exact and the polynomial works.
            double x = i % 2 == 0 ? -750 * rnd.nextDouble() : -Math.pow(10, -12 + 14 * rnd.nextDouble());
            double want = Math.exp(x);
            double got = LogisticMath.expNonPositive(x);
            if (want < Double.MIN_NORMAL) {
                assertTrue(Math.abs(want - got) <= 2 * Double.MIN_VALUE, "exp(" + x + ") = " + want + ", got " + got);
                continue;
            }
            worst = Math.max(worst, ulps(want, got));
        }
        assertTrue(worst <= 2, "worst error of exp: " + worst + " ulp");
        assertEquals(1.0, LogisticMath.expNonPositive(0.0));
        assertEquals(1.0, LogisticMath.expNonPositive(-0.0));
        assertEquals(0.0, LogisticMath.expNonPositive(-746.0));
        assertEquals(0.0, LogisticMath.expNonPositive(Double.NEGATIVE_INFINITY));
        assertEquals(Math.exp(-1), LogisticMath.expNonPositive(-1), Math.ulp(Math.exp(-1)));
    }

    @Test
    void logIsWithinOneUlpOnOneToTwo() {
        SplittableRandom rnd = new SplittableRandom(2);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double u = i % 2 == 0 ? 1 + rnd.nextDouble() : 1 + Math.pow(10, -15 + 15 * rnd.nextDouble());
            if (u > 2) u = 2;
            worst = Math.max(worst, ulps(Math.log(u), LogisticMath.logOneToTwo(u)));
        }
        assertTrue(worst <= 1, "worst error of log: " + worst + " ulp");
        assertEquals(0.0, LogisticMath.logOneToTwo(1.0));
        assertEquals(Math.log(2), LogisticMath.logOneToTwo(2.0));
        assertEquals(Math.log(LogisticMath.SQRT2), LogisticMath.logOneToTwo(LogisticMath.SQRT2), Math.ulp(0.35));
    }

    @Test
    void pointwiseAgreesWithTheMathLibraryForm() {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] ref = new double[1];
        double[] r = new double[1];
        for (boolean log : new boolean[] {true, false}) {
            double worstValue = 0;
            double worstDerivative = 0;
            for (int i = 0; i < 1_000_000; i++) {
                double z = i % 3 == 0 ? 80 * (rnd.nextDouble() - 0.5) : (rnd.nextDouble() - 0.5) * Math.pow(10, -8 + 10 * rnd.nextDouble());
                double y = rnd.nextBoolean() ? 1.0 : 0.0;
                double w = 0.25 + rnd.nextDouble();
                double want = FusedKernel.pointwise(log, y, z, true, ref);
                double got = LogisticMath.pointwise(log, y, z, w, r, 0);
                worstValue = Math.max(worstValue, Math.abs(want - got) / Math.max(Math.abs(want), Double.MIN_NORMAL));
                double wantR = w * ref[0];
                worstDerivative = Math.max(worstDerivative, Math.abs(wantR - r[0]) / Math.max(Math.abs(wantR), Double.MIN_NORMAL));
            }
            assertTrue(worstValue <= 1e-15, (log ? "log" : "mse") + " loss: worst relative difference " + worstValue);
            assertTrue(worstDerivative <= 1e-15, (log ? "log" : "mse") + " derivative: worst relative difference " + worstDerivative);
        }
    }

    @Test
    void everyLaneIsTheScalarFormBitForBit() {
        SplittableRandom rnd = new SplittableRandom(4);
        int lanes = D.length();
        int count = 64 * lanes;
        double[] z = new double[count];
        double[] y = new double[count];
        double[] w = new double[count];
        for (int i = 0; i < count; i++) {
            z[i] = switch (i % 8) {
                case 0 -> 0.0;
                case 1 -> -0.0;
                case 2 -> 800 * (rnd.nextDouble() - 0.5);
                case 3 -> 0.8813735870195429 * (rnd.nextBoolean() ? 1 : -1);  // e^−|z| near √2 − 1
                default -> 20 * (rnd.nextDouble() - 0.5);
            };
            y[i] = i % 5 == 0 ? 0.3 : rnd.nextBoolean() ? 1.0 : 0.0;
            w[i] = rnd.nextDouble();
        }
        for (boolean log : new boolean[] {true, false}) {
            double[] loss = new double[count];
            double[] r = new double[count];
            for (int i = 0; i < count; i += lanes) VectorMath.pointwise(D, log, z, y, w, i, loss, r);
            double[] rs = new double[count];
            for (int i = 0; i < count; i++) {
                double l = LogisticMath.pointwise(log, y[i], z[i], w[i], rs, i);
                assertEquals(Double.doubleToRawLongBits(l), Double.doubleToRawLongBits(loss[i]), "loss of lane " + i + ", z = " + z[i]);
                assertEquals(Double.doubleToRawLongBits(rs[i]), Double.doubleToRawLongBits(r[i]), "derivative of lane " + i + ", z = " + z[i]);
            }
            double[] x = new double[lanes];
            for (int i = 0; i < count; i += lanes) {
                for (int l = 0; l < lanes; l++) x[l] = -Math.abs(z[i + l]);
                double[] e = VectorMath.expNonPositive(DoubleVector.fromArray(D, x, 0)).toArray();
                for (int l = 0; l < lanes; l++) {
                    assertEquals(Double.doubleToRawLongBits(LogisticMath.expNonPositive(x[l])), Double.doubleToRawLongBits(e[l]), "exp lane, x = " + x[l]);
                }
            }
        }
    }
}
