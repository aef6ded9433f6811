package dev.logreg.loss;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLossTest {
    private static final Loss LOSS = Loss.log();

    @Test
    void derivativeMatchesCentralDifferencesOfValue() {
        for (double y : new double[] {0, 1}) {
            LossGrid.checkDerivative("dℓ/dz, y = " + y, z -> LOSS.value(y, z), z -> LOSS.derivative(y, z));
        }
    }

    @Test
    void secondDerivativeMatchesCentralDifferencesOfDerivative() {
        for (double y : new double[] {0, 1}) {
            LossGrid.checkDerivative("d²ℓ/dz², y = " + y, z -> LOSS.derivative(y, z), z -> LOSS.secondDerivative(y, z));
        }
        // The absolute part of the tolerance must stay the exception, not what makes the test pass: for y = 0 the
        // derivative σ(z) is near 1 beyond z ≈ 10, where a difference of it cannot resolve σ(1−σ) < 5e-5 to 1e-6,
        // but everywhere else (most of the grid) the check is relative.
        int dominated = LossGrid.noiseDominated(z -> LOSS.derivative(0, z), z -> LOSS.secondDerivative(0, z));
        assertTrue(dominated < LossGrid.zs().length / 2, dominated + " of " + LossGrid.zs().length + " grid points checked by noise alone");
    }

    @Test
    void matchesTheHighPrecisionTableToOneIn1e12() {
        ExactTable table = ExactTable.load(HighPrecisionTable.LOG_LOSS_FILE);
        assertEquals(HighPrecisionTable.LOG_LOSS_HEADER, table.header);
        int checked = 0;
        int underflowed = 0;
        double worst = 0;
        for (ExactTable.Row row : table.rows) {
            for (int y = 0; y <= 1; y++) {
                BigDecimal exact = y == 0 ? row.first() : row.second();
                double computed = LOSS.value(y, row.z());
                String where = "ℓ(" + y + ", " + row.z() + ")";
                assertTrue(Double.isFinite(computed) && computed >= 0, () -> where + " = " + computed + ", expected finite and >= 0");
                if (exact.compareTo(BigDecimal.valueOf(Double.MIN_NORMAL)) < 0) {
                    // Subnormal or zero in double: relative accuracy is lost to the format itself, but the absolute
                    // error must stay within two subnormal spacings (one ulp of exp plus the rounding of the exact).
                    double err = new BigDecimal(computed).subtract(exact).abs().doubleValue();
                    assertTrue(err <= 2 * Double.MIN_VALUE, () -> where + " = " + computed + ", exact " + exact);
                    underflowed++;
                    continue;
                }
                double rel = new BigDecimal(computed).subtract(exact).abs().divide(exact, MathContext.DECIMAL64).doubleValue();
                assertTrue(rel <= 1e-12, () -> where + " = " + computed + ", exact " + exact + ", relative error " + rel);
                worst = Math.max(worst, rel);
                checked++;
            }
        }
        // The table must exercise both regimes, including |z| up to 1e4.
        assertTrue(checked > 10000, "only " + checked + " normal values checked");
        assertTrue(underflowed > 50, "only " + underflowed + " underflowing values checked");
        assertTrue(table.rows.get(0).z() == -1e4 && table.rows.get(table.rows.size() - 1).z() == 1e4, "table covers [-1e4, 1e4]");
        System.out.println("log loss vs exact table: " + checked + " values, worst relative error " + worst);
    }

    @Test
    void finiteAndBoundedForLargeLogits() {
        SplittableRandom random = new SplittableRandom(11L);
        for (int i = 0; i < 20000; i++) {
            double z = i < 2 ? (i == 0 ? -1e4 : 1e4) : random.nextDouble(-1e4, 1e4);
            for (double y : new double[] {0, 1}) {
                double v = LOSS.value(y, z);
                double d = LOSS.derivative(y, z);
                double s = LOSS.secondDerivative(y, z);
                String where = "y = " + y + ", z = " + z;
                assertTrue(Double.isFinite(v) && v >= 0, () -> "value " + v + " at " + where);
                // dℓ/dz = σ − y lies in [−1, 0] for y = 1 and [0, 1] for y = 0; d²ℓ/dz² = σ(1−σ) in [0, 1/4].
                assertTrue(y == 1 ? d >= -1 && d <= 0 : d >= 0 && d <= 1, () -> "derivative " + d + " at " + where);
                assertTrue(s >= 0 && s <= 0.25, () -> "second derivative " + s + " at " + where);
            }
        }
    }

    @Test
    void agreesWithTheLikelihoodFormWhereThatIsAccurate() {
        // −[y log σ + (1−y) log(1−σ)] is exact enough for moderate z; the stable form must agree with it.
        for (double z = -5; z <= 5; z += 0.25) {
            double p = 1 / (1 + Math.exp(-z));
            assertTrue(FiniteDifferences.close(-Math.log(p), LOSS.value(1, z), 1e-12, 0), "y = 1, z = " + z);
            assertTrue(FiniteDifferences.close(-Math.log(1 - p), LOSS.value(0, z), 1e-12, 0), "y = 0, z = " + z);
        }
    }

    @Test
    void identity() {
        assertSame(LogLoss.INSTANCE, Loss.of(Loss.Kind.LOG));
        assertEquals(Loss.Kind.LOG, LOSS.kind());
        assertTrue(LOSS.isConvex());
        assertEquals("log", LOSS.toString());
    }
}
