package dev.logreg.model;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No NaN leaves a model: overflowing logits give probabilities of exactly 0 or 1; undefined ones name the row. */
class LogisticModelOverflowTest {
    private static final LogisticModel HUGE = new LogisticModel(new double[] {1e308, -1e308}, 0, true, null);
    private static final LogisticModel PLAIN = new LogisticModel(new double[] {2, -1}, 0.5, true, null);
    private static final LogisticModel SAME_SIGN = new LogisticModel(new double[] {2, 2}, 0, true, null);

    @Test
    void anOverflowingLogitGivesExactlyZeroOrOne() {
        // 1e308·10 overflows float64 to +∞; σ(+∞) is 1, σ(−∞) is 0, exactly.
        assertEquals(Double.POSITIVE_INFINITY, HUGE.decisionFunction(new float[] {10, 0}));
        assertEquals(1.0, HUGE.predictProbability(new float[] {10, 0}), 0.0);
        assertEquals(0.0, HUGE.predictProbability(new float[] {0, 10}), 0.0);
        // Huge doubles in a plain model: the same.
        assertEquals(1.0, PLAIN.predictProbability(new double[] {1e308, -1e308}), 0.0);
        assertEquals(0.0, PLAIN.predictProbability(new double[] {-1e308, 1e308}), 0.0);
        assertEquals(0.0, PLAIN.predictProbability(new double[] {-Double.MAX_VALUE, 0}), 0.0);
        // Finite but saturated: still a number in [0, 1].
        double p = PLAIN.predictProbability(new double[] {1e300, 0});
        assertEquals(1.0, p, 0.0);
    }

    @Test
    void infinityMinusInfinityIsAnErrorNamingTheRow() {
        UndefinedLogitException e = assertThrows(UndefinedLogitException.class, () -> HUGE.predictProbability(new float[] {10, 10}));
        assertEquals(0, e.row());
        assertTrue(e.getMessage().startsWith("row 0: ") && e.getMessage().contains("overflow"), e.getMessage());
        // A row of doubles: +∞ from one term, −∞ from the other.
        e = assertThrows(UndefinedLogitException.class, () -> SAME_SIGN.predictProbability(new double[] {1e308, -1e308}));
        assertTrue(e.reason().contains("+∞ and −∞"), e.getMessage());
        assertThrows(UndefinedLogitException.class, () -> SAME_SIGN.decisionFunction(new double[] {-1e308, 1e308}));
    }

    @Test
    void aNonFiniteFeatureIsNamed() {
        UndefinedLogitException e = assertThrows(UndefinedLogitException.class, () -> PLAIN.predictProbability(new double[] {1, Double.NaN}));
        assertEquals("row 0: feature 1 is NaN, expected a finite number", e.getMessage());
        e = assertThrows(UndefinedLogitException.class, () -> PLAIN.decisionFunction(new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}));
        assertEquals("row 0: feature 0 is Infinity, expected a finite number", e.getMessage());
        // One infinite feature alone is an infinite logit, not an error: its probability is 1.
        assertEquals(1.0, PLAIN.predictProbability(new double[] {Double.POSITIVE_INFINITY, 0}), 0.0);
    }

    @Test
    void batchesNameTheFirstBadRowZeroBased() {
        float[] batch = {1, 1, 10, 0, 10, 10, 0, 10};
        double[] out = new double[4];
        UndefinedLogitException e = assertThrows(UndefinedLogitException.class, () -> HUGE.predictProbability(batch, out));
        assertEquals(2, e.row());
        e = assertThrows(UndefinedLogitException.class, () -> HUGE.decisionFunction(batch, out));
        assertEquals(2, e.row());
        assertEquals(0.0, out[0], 0.0, "the logits of the rows before the bad one are written");
        assertEquals(Double.POSITIVE_INFINITY, out[1]);

        Dataset data = Dataset.fromRows(new float[][] {{1, 1}, {10, 0}, {0, 10}, {10, 10}}, new float[] {0, 1, 0, 1});
        e = assertThrows(UndefinedLogitException.class, () -> HUGE.predictProbability(data));
        assertEquals(3, e.row());
        assertTrue(e.getMessage().startsWith("row 3: "), e.getMessage());
        assertThrows(UndefinedLogitException.class, () -> HUGE.predictLabels(data, 0.5));
        assertThrows(UndefinedLogitException.class, () -> HUGE.decisionFunction(data));
        // Without the bad row, every probability is 0 or 1 or in between, never NaN.
        Dataset ok = Dataset.fromRows(new float[][] {{1, 1}, {10, 0}, {0, 10}}, new float[] {0, 1, 0});
        double[] p = HUGE.predictProbability(ok);
        assertEquals(0.5, p[0], 0.0);
        assertEquals(1.0, p[1], 0.0);
        assertEquals(0.0, p[2], 0.0);
    }

    @Test
    void largestLogitBoundsEveryFloatRow() {
        assertEquals(3 * (double) Float.MAX_VALUE + 0.5, PLAIN.largestLogit(), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, HUGE.largestLogit());
        // The bound holds at the extreme row: every feature ±Float.MAX_VALUE with the coefficient's sign.
        float m = Float.MAX_VALUE;
        double z = PLAIN.decisionFunction(new float[] {m, -m});
        assertTrue(Double.isFinite(z) && Math.abs(z) <= PLAIN.largestLogit(), "z = " + z);
        assertFalse(Double.isNaN(PLAIN.predictProbability(new float[] {m, m})));
    }

    /** Large datasets are scored in parallel pieces: the same logits as row by row, and the first bad row named. */
    @Test
    void aLargeDatasetNamesItsFirstBadRowWhateverPieceFindsOne() {
        int rows = 100_000;
        float[] x = new float[2 * rows];
        for (int i = 0; i < rows; i++) {
            x[2 * i] = (i % 7) * 0.25f;
            x[2 * i + 1] = (i % 5) * -0.5f;
        }
        Dataset good = Dataset.wrap(x.clone(), 2, new float[rows], null);
        double[] z = PLAIN.decisionFunction(good);
        for (int i = 0; i < rows; i += 997) {
            assertEquals(PLAIN.decisionFunction(new float[] {x[2 * i], x[2 * i + 1]}), z[i], 0.0, "row " + i);
        }
        // +∞ − ∞ in two rows of different pieces (16,384 rows each): the earlier one is named.
        for (int bad : new int[] {90_001, 40_000}) {
            x[2 * bad] = 10;
            x[2 * bad + 1] = 10;
        }
        Dataset bad = Dataset.wrap(x, 2, new float[rows], null);
        UndefinedLogitException e = assertThrows(UndefinedLogitException.class, () -> HUGE.decisionFunction(bad));
        assertEquals(40_000, e.row());
    }
}
