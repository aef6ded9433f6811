package dev.logreg.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Datasets of K classes: stated, validated once, kept through every derived dataset. */
class DatasetClassesTest {
    private static Dataset three() {
        return Dataset.wrap(new float[] {1, 2, 3, 4, 5, 6}, 1, new float[] {0, 2, 1, 2, 2, 0}, null, 3);
    }

    @Test
    void binaryIsTheDefaultAndKIsKeptByEveryDerivedDataset() {
        assertEquals(2, Dataset.wrap(new float[] {1, 2}, 1, new float[] {0, 1}, null).classes());
        Dataset d = three();
        assertEquals(3, d.classes());
        assertArrayEquals(new long[] {2, 1, 3}, d.labelCounts());
        assertEquals(3, d.select(new int[] {0, 5}).classes());
        assertArrayEquals(new long[] {2, 0, 0}, d.select(new int[] {0, 5}).labelCounts(), "a subset missing classes still knows them");
        assertEquals(3, d.withWeights(new float[] {1, 1, 1, 1, 1, 2}).classes());
        assertEquals(3, d.withFeatureNames(List.of("a")).classes());
        assertEquals(3, Dataset.concat(List.of(d, d)).classes());
        assertTrue(d.toString().contains("3 classes"), d.toString());
    }

    @Test
    void theBuilderAndFromRowsTakeKBeforeTheRows() {
        Dataset.Builder b = Dataset.builder(2).classes(5);
        b.addRow(new float[] {1, 2}, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.addRow(new float[] {1, 2}, 5));
        assertEquals("label at row 1 is 5.0, expected a class index: an integer in [0, 5)", e.getMessage());
        assertThrows(IllegalStateException.class, () -> b.classes(3));
        assertEquals(5, b.build().classes());
        assertEquals(4, Dataset.fromRows(new float[][] {{1}, {2}}, new float[] {3, 0}, null, 4).classes());
        assertThrows(IllegalArgumentException.class, () -> Dataset.builder(1).classes(Dataset.MAX_CLASSES + 1));
    }

    @Test
    void withClassesChecksEveryLabelOnce() {
        Dataset binary = Dataset.wrap(new float[] {1, 2}, 1, new float[] {0, 1}, null);
        assertEquals(7, binary.withClasses(7).classes());
        assertSame(binary, binary.withClasses(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> three().withClasses(2));
        assertEquals("label at row 1 is 2.0, expected 0 or 1", e.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> three().withClasses(1));
        assertTrue(one.getMessage().contains("one class leaves nothing to learn"), one.getMessage());
    }

    @Test
    void concatenatedPartsMustAgreeOnK() {
        Dataset binary = Dataset.wrap(new float[] {1, 2}, 1, new float[] {0, 1}, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.concat(List.of(three(), binary)));
        assertEquals("part 1 has 2 classes, expected 3 (as part 0)", e.getMessage());
    }

    @Test
    void oneVsRestRelabelsAndSharesTheRest() {
        Dataset d = three().withWeights(new float[] {1, 2, 3, 4, 5, 6});
        Dataset two = d.oneVsRest(2);
        assertEquals(2, two.classes());
        assertArrayEquals(new float[] {0, 1, 0, 1, 1, 0}, two.copyLabels());
        assertArrayEquals(d.copyWeights(), two.copyWeights());
        assertEquals(d.feature(3, 0), two.feature(3, 0));
        assertThrows(IllegalArgumentException.class, () -> d.oneVsRest(3));
    }

    @Test
    void balancedWeightsGiveEveryClassTheSameWeight() {
        Dataset d = three();
        double[] f = ClassWeights.balancedFactors(d);
        assertArrayEquals(new double[] {6 / 6.0, 6 / 3.0, 6 / 9.0}, f, 1e-15);
        Dataset w = ClassWeights.balanced(d);
        double[] perClass = new double[3];
        for (int i = 0; i < 6; i++) perClass[(int) w.label(i)] += w.weight(i);
        assertArrayEquals(new double[] {2, 2, 2}, perClass, 1e-6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassWeights.balanced(d.select(new int[] {0, 1})));
        assertTrue(e.getMessage().contains("class 1 of 3 has none"), e.getMessage());
    }
}
