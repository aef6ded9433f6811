package dev.logreg.loss;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigmoidTest {
    /** |computed − exact| in units of the last place of the exact value rounded to double. */
    private static double ulps(double computed, BigDecimal exact) {
        double ulp = Math.ulp(exact.doubleValue());
        return new BigDecimal(computed).subtract(exact).abs().divide(new BigDecimal(ulp), MathContext.DECIMAL64).doubleValue();
    }

    @Test
    void sigmoidAndComplementWithinFourUlpsOfTheHighPrecisionTable() {
        ExactTable table = ExactTable.load(HighPrecisionTable.SIGMOID_FILE);
        assertEquals(HighPrecisionTable.SIGMOID_HEADER, table.header);
        double worstSigmoid = 0;
        double worstComplement = 0;
        int smallTail = 0;
        for (ExactTable.Row row : table.rows) {
            double z = row.z();
            double s = Sigmoid.sigmoid(z);
            double c = Sigmoid.complement(z);
            double es = ulps(s, row.first());
            double ec = ulps(c, row.second());
            assertTrue(es <= 4, () -> "sigmoid(" + z + ") = " + s + ", exact " + row.first() + ": " + es + " ulps");
            assertTrue(ec <= 4, () -> "complement(" + z + ") = " + c + ", exact " + row.second() + ": " + ec + " ulps");
            worstSigmoid = Math.max(worstSigmoid, es);
            worstComplement = Math.max(worstComplement, ec);
            if (row.first().doubleValue() < 1e-100) smallTail++;
        }
        assertTrue(smallTail > 500, "table reaches deep into the small tail: " + smallTail + " rows below 1e-100");
        assertTrue(table.rows.get(0).z() == -700 && table.rows.get(table.rows.size() - 1).z() == 700, "table covers [-700, 700]");
        System.out.println("sigmoid vs exact table: worst " + worstSigmoid + " ulps; complement worst " + worstComplement + " ulps");
    }

    @Test
    void softplusMatchesTheLogLossTable() {
        // softplus(z) = log(1 + e^z) = ℓ(0, z); checked where the exact value is a normal double.
        for (ExactTable.Row row : ExactTable.load(HighPrecisionTable.LOG_LOSS_FILE).rows) {
            if (row.first().compareTo(BigDecimal.valueOf(Double.MIN_NORMAL)) < 0) continue;
            double v = Sigmoid.softplus(row.z());
            double rel = new BigDecimal(v).subtract(row.first()).abs().divide(row.first(), MathContext.DECIMAL64).doubleValue();
            assertTrue(rel <= 1e-12, () -> "softplus(" + row.z() + ") = " + v + ", exact " + row.first());
        }
    }

    @Test
    void symmetryAndRange() {
        for (double z = -800; z <= 800; z += 0.7) {
            double s = Sigmoid.sigmoid(z);
            assertTrue(s >= 0 && s <= 1, "sigmoid(" + z + ") = " + s);
            assertEquals(Sigmoid.sigmoid(-z), Sigmoid.complement(z), 0.0, "complement(" + z + ")");
        }
        assertEquals(0.5, Sigmoid.sigmoid(0), 0.0);
        assertEquals(0.0, Sigmoid.sigmoid(Double.NEGATIVE_INFINITY), 0.0);
        assertEquals(1.0, Sigmoid.sigmoid(Double.POSITIVE_INFINITY), 0.0);
    }
}
