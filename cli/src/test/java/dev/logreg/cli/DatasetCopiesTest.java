package dev.logreg.cli;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DatasetCopies}: class weights. */
class DatasetCopiesTest {
    private static Dataset sample() {
        SplittableRandom r = new SplittableRandom(11);
        Dataset.Builder b = Dataset.builder(3);
        float[] row = new float[3];
        for (int i = 0; i < 200; i++) {
            row[0] = (float) (1000 + 50 * r.nextGaussian());
            row[1] = (float) (0.01 * r.nextGaussian());
            row[2] = 4f; // constant column
            b.addRow(row, i % 3 == 0 ? 1 : 0);
        }
        return b.build();
    }

    @Test
    void balancedClassWeights() {
        Dataset d = sample(); // 67 positives (i % 3 == 0), 133 negatives
        double[] w = DatasetCopies.balancedClassWeights(d);
        assertEquals(200.0 / (2 * 133), w[0]);
        assertEquals(200.0 / (2 * 67), w[1]);
        Dataset t = DatasetCopies.copy(d, null, w);
        double s0 = 0, s1 = 0;
        for (long i = 0; i < t.rows(); i++) {
            if (t.label(i) == 1) s1 += t.weight(i);
            else s0 += t.weight(i);
        }
        assertTrue(Math.abs(s0 - 100) <= 1e-4 && Math.abs(s1 - 100) <= 1e-4, "each class should weigh m/2: " + s0 + ", " + s1);
    }
}
