package dev.logreg.io;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Numeric labels: the small-integer table gives the ids a plain first-appearance map gives, and the same errors. */
class LabelDecoderTest {
    @Test
    void numericIdsAreFirstAppearanceOrderWhateverTheRange() {
        // Inside and at both ends of the table (-128..127), just outside it, large, and -0.0 (the label 0).
        double[] pool = {0.0, -0.0, 1, -1, 127, -128, 128, -129, 3, 42, 1e15, -7};
        SplittableRandom rnd = new SplittableRandom(5);
        LabelDecoder decoder = new LabelDecoder(null);
        Map<Double, Integer> expected = new HashMap<>();
        for (int row = 0; row < 20_000; row++) {
            double v = pool[rnd.nextInt(pool.length)];
            double key = v == 0 ? 0.0 : v;
            int want = expected.computeIfAbsent(key, k -> expected.size());
            assertEquals(want, decoder.number(v, row), "row " + row + ", label " + v);
        }
        assertEquals(pool.length - 1, expected.size(), "-0.0 and 0.0 are one class");
        LabelDecoder.Result r = decoder.finish("y.npy", row -> "y.npy row " + row + ": ");
        assertEquals(expected.size(), r.mapping().classes());
        for (int c = 0; c < r.mapping().classes(); c++) {
            assertTrue(expected.containsKey(r.mapping().value(c)), "class " + c + " is a label read: " + r.mapping().value(c));
            if (c > 0) assertTrue(r.mapping().value(c - 1) < r.mapping().value(c), "numeric classes in ascending order");
        }
    }

    @Test
    void aNonIntegerLabelIsNamedWithItsFirstRowAfterSmallOnes() {
        LabelDecoder decoder = new LabelDecoder(null);
        for (int row = 0; row < 100; row++) decoder.number(row % 2, row);
        decoder.number(0.5, 100);
        decoder.number(0.5, 101);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> decoder.finish("y.npy", row -> "y.npy row " + row + ": "));
        assertTrue(e.getMessage().startsWith("y.npy row 100: label 0.5"), e.getMessage());
    }
}
