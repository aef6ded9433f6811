package dev.logreg.cli;

import dev.logreg.data.Dataset;
import dev.logreg.model.LogisticModel;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandardizationTest {
    private static Dataset sample(boolean weighted) {
        SplittableRandom r = new SplittableRandom(11);
        Dataset.Builder b = Dataset.builder(3);
        float[] row = new float[3];
        for (int i = 0; i < 200; i++) {
            row[0] = (float) (1000 + 50 * r.nextGaussian());
            row[1] = (float) (0.01 * r.nextGaussian());
            row[2] = 4f; // constant column
            if (weighted) b.addRow(row, 0, i % 3 == 0 ? 1 : 0, (float) (0.5 + r.nextDouble()), true);
            else b.addRow(row, i % 3 == 0 ? 1 : 0);
        }
        return b.build();
    }

    @Test
    void standardizedCopyHasWeightedMeanZeroAndUnitDeviation() {
        for (boolean weighted : new boolean[] {false, true}) {
            Dataset d = sample(weighted);
            Standardization s = Standardization.of(d, true);
            Dataset t = DatasetCopies.copy(d, null, null, s);
            for (int j = 0; j < 2; j++) {
                double sw = 0, m = 0, v = 0;
                for (long i = 0; i < t.rows(); i++) {
                    sw += t.weight(i);
                    m += t.weight(i) * t.feature(i, j);
                }
                m /= sw;
                for (long i = 0; i < t.rows(); i++) v += t.weight(i) * (t.feature(i, j) - m) * (t.feature(i, j) - m);
                v /= sw;
                assertTrue(Math.abs(m) <= 1e-5, "weighted=" + weighted + " column " + j + " mean " + m);
                assertTrue(Math.abs(v - 1) <= 1e-5, "weighted=" + weighted + " column " + j + " variance " + v);
            }
            assertEquals(1.0, s.scale()[2], "a constant column is not scaled");
        }
    }

    @Test
    void mappedBackModelGivesTheSameLogitsOnTheOriginalData() {
        for (boolean center : new boolean[] {true, false}) {
            Dataset d = sample(false);
            Standardization s = Standardization.of(d, center);
            Dataset t = DatasetCopies.copy(d, null, null, s);
            LogisticModel std = new LogisticModel(new double[] {0.7, -1.3, 0.2}, center ? 0.4 : 0.0, center, null);
            LogisticModel orig = s.toOriginal(std);
            double[] zs = std.decisionFunction(t);
            double[] zo = orig.decisionFunction(d);
            for (int i = 0; i < zs.length; i++) {
                // The standardized copy is rounded to float32, so the two agree to float32 precision of the inputs.
                double err = Math.abs(zs[i] - zo[i]);
                assertTrue(err <= 1e-5 * Math.max(1, Math.abs(zo[i])), "center=" + center + " row " + i + ": standardized " + zs[i] + ", original " + zo[i]);
            }
            if (!center) assertEquals(0.0, orig.intercept());
        }
    }

    @Test
    void balancedClassWeights() {
        Dataset d = sample(false); // 67 positives (i % 3 == 0), 133 negatives
        double[] w = DatasetCopies.balancedClassWeights(d);
        assertEquals(200.0 / (2 * 133), w[0]);
        assertEquals(200.0 / (2 * 67), w[1]);
        Dataset t = DatasetCopies.copy(d, null, w, null);
        double s0 = 0, s1 = 0;
        for (long i = 0; i < t.rows(); i++) {
            if (t.label(i) == 1) s1 += t.weight(i);
            else s0 += t.weight(i);
        }
        assertTrue(Math.abs(s0 - 100) <= 1e-4 && Math.abs(s1 - 100) <= 1e-4, "each class should weigh m/2: " + s0 + ", " + s1);
    }
}
