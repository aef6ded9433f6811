package dev.logreg.loss;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.function.DoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The committed tables are what the current generator writes, and the generator is right. */
class HighPrecisionTableTest {
    @Test
    void logLossTableIsCurrent() {
        checkCurrent(ExactTable.load(HighPrecisionTable.LOG_LOSS_FILE), HighPrecisionTable.logLossGrid(), HighPrecisionTable::logLossRow);
    }

    @Test
    void sigmoidTableIsCurrent() {
        checkCurrent(ExactTable.load(HighPrecisionTable.SIGMOID_FILE), HighPrecisionTable.sigmoidGrid(), HighPrecisionTable::sigmoidRow);
    }

    private static void checkCurrent(ExactTable table, double[] grid, DoubleFunction<String> generator) {
        assertEquals(grid.length, table.rows.size(), "rows in the table vs the generator's grid: regenerate the table");
        for (int i = 0; i < grid.length; i++) {
            int index = i;
            assertTrue(Double.compare(grid[i], table.rows.get(i).z()) == 0,
                    () -> "row " + index + ": table z " + table.rows.get(index).z() + ", generator z " + grid[index]);
        }
        // Regenerating every row takes seconds; a spread of rows, both ends included, is enough to catch a change.
        int[] picks = {0, 1, grid.length / 7, grid.length / 3, grid.length / 2, 2 * grid.length / 3, grid.length - 2, grid.length - 1};
        for (int i : picks) {
            assertEquals(generator.apply(grid[i]), table.rows.get(i).line(), "row " + i + " regenerated");
        }
    }

    @Test
    void generatorAgreesWithPublishedConstants() {
        // ln 2 and e^−1 to 30 digits (OEIS A002162, A068985), and log1p of a value far below 1e−60.
        assertTrue(HighPrecisionTable.softplus(BigDecimal.ZERO).toString().startsWith("0.693147180559945309417232121458176"),
                HighPrecisionTable.softplus(BigDecimal.ZERO).toString());
        assertTrue(HighPrecisionTable.expOfNegative(BigDecimal.ONE.negate()).toString().startsWith("0.367879441171442321595523770161460"),
                HighPrecisionTable.expOfNegative(BigDecimal.ONE.negate()).toString());
        // e^−100 = 3.720075976020835962959695803863118337e−44 (tabulated); checks the halving/squaring path.
        assertTrue(HighPrecisionTable.expOfNegative(BigDecimal.valueOf(-100)).toString().startsWith("3.72007597602083596295969580386"),
                HighPrecisionTable.expOfNegative(BigDecimal.valueOf(-100)).toString());
        BigDecimal tiny = new BigDecimal("1e-300");
        BigDecimal l = HighPrecisionTable.log1p(tiny);
        // log1p(x) = x − x²/2 + …: for x = 1e−300 equal to x to 600 digits.
        assertEquals(0, l.round(new java.math.MathContext(60)).compareTo(tiny), l.toString());
    }
}
