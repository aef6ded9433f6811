package dev.logreg.model;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogisticModelTest {
    // θ = (2, −1, 0.5), b = −0.25.
    private static final LogisticModel MODEL = new LogisticModel(new double[] {2, -1, 0.5}, -0.25, true, List.of("a", "b", "c"));

    @Test
    void singleRowByHand() {
        float[] row = {1, 3, 2};
        // z = 2·1 − 1·3 + 0.5·2 − 0.25 = −0.25; p = 1/(1 + e^0.25).
        assertEquals(-0.25, MODEL.decisionFunction(row), 0.0);
        assertEquals(-0.25, MODEL.decisionFunction(new double[] {1, 3, 2}), 0.0);
        double p = 1 / (1 + Math.exp(0.25));
        assertEquals(p, MODEL.predictProbability(row), 1e-16);
        assertEquals(p, MODEL.predictProbability(new double[] {1, 3, 2}), 1e-16);
        assertEquals(0, MODEL.predictLabel(row));
        assertEquals(1, MODEL.predictLabel(row, 0.4));
        // The boundary: a probability equal to the threshold is labelled 1, one ulp below it 0.
        double q = MODEL.predictProbability(row);
        assertEquals(1, MODEL.predictLabel(row, q), "p >= threshold is 1");
        assertEquals(0, MODEL.predictLabel(row, Math.nextUp(q)));
    }

    @Test
    void batchesAgreeWithSingleRows() {
        SplittableRandom r = new SplittableRandom(21);
        int rows = 50;
        float[] flat = new float[rows * 3];
        for (int i = 0; i < flat.length; i++) flat[i] = (float) r.nextGaussian(0, 2);
        float[] labels = new float[rows];
        // Small blocks, so the dataset path crosses block boundaries.
        Dataset.Builder b = Dataset.builder(3).blockCapacity(21);
        for (int i = 0; i < rows; i++) b.addRow(java.util.Arrays.copyOfRange(flat, 3 * i, 3 * i + 3), labels[i]);
        Dataset data = b.build();
        assertTrue(data.blocks().size() > 1);

        double[] z = new double[rows];
        MODEL.decisionFunction(flat, z);
        double[] p = new double[rows];
        MODEL.predictProbability(flat, p);
        double[] zd = MODEL.decisionFunction(data);
        double[] pd = MODEL.predictProbability(data);
        for (double threshold : new double[] {0.5, 0.2, 0.9}) {
            int[] labelsOut = MODEL.predictLabels(data, threshold);
            for (int i = 0; i < rows; i++) {
                float[] row = java.util.Arrays.copyOfRange(flat, 3 * i, 3 * i + 3);
                assertEquals(MODEL.decisionFunction(row), z[i], 0.0, "row " + i);
                assertEquals(MODEL.decisionFunction(row), zd[i], 0.0, "row " + i);
                assertEquals(MODEL.predictProbability(row), p[i], 0.0, "row " + i);
                assertEquals(MODEL.predictProbability(row), pd[i], 0.0, "row " + i);
                assertEquals(MODEL.predictLabel(row, threshold), labelsOut[i], "row " + i + ", threshold " + threshold);
            }
        }
        int ones = 0;
        for (int l : MODEL.predictLabels(data, 0.5)) ones += l;
        assertTrue(ones > 5 && ones < 45, "both labels predicted: " + ones + " ones");
    }

    @Test
    void probabilitiesStayInRangeOnExtremeLogits() {
        LogisticModel m = new LogisticModel(new double[] {1e3}, 0, false, null);
        assertEquals(0.0, m.predictProbability(new float[] {-1e3f}), 0.0);
        assertEquals(1.0, m.predictProbability(new float[] {1e3f}), 0.0);
        double tiny = m.predictProbability(new float[] {-0.7f});
        assertTrue(tiny > 0 && tiny < 1e-300, "σ(−700) keeps its tail: " + tiny);
    }

    private static void expect(Executable e, String... parts) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        for (String part : parts) assertTrue(x.getMessage().contains(part), "message '" + x.getMessage() + "' lacks '" + part + "'");
    }

    @Test
    void rejectsBadParametersAndWidths() {
        expect(() -> new LogisticModel(new double[] {1, Double.NaN}, 0, true, null), "coefficient 1", "NaN");
        expect(() -> new LogisticModel(new double[] {Double.NEGATIVE_INFINITY}, 0, true, null), "coefficient 0", "Infinity");
        expect(() -> new LogisticModel(new double[] {1}, Double.POSITIVE_INFINITY, true, null), "intercept", "Infinity");
        expect(() -> new LogisticModel(new double[] {1}, Double.NaN, true, null), "intercept", "NaN");
        expect(() -> new LogisticModel(new double[] {1}, 0.5, false, null), "intercept", "0.5", "fitIntercept");
        expect(() -> new LogisticModel(new double[0], 0, true, null), "at least one");
        expect(() -> new LogisticModel(new double[] {1, 2}, 0, true, List.of("x")), "1 feature names", "2 coefficients");
        expect(() -> MODEL.decisionFunction(new float[] {1, 2}), "2 features", "expects 3");
        expect(() -> MODEL.predictProbability(new double[] {1, 2, 3, 4}), "4 features", "expects 3");
        expect(() -> MODEL.predictLabel(new float[2], 0.5), "2 features");
        expect(() -> MODEL.decisionFunction(new float[7], new double[2]), "7 floats", "2 rows x 3");
        expect(() -> MODEL.predictProbability(new float[6], new double[3]), "6 floats");
        Dataset wide = Dataset.wrap(new float[] {1, 2, 3, 4}, 4, new float[] {1}, null);
        expect(() -> MODEL.decisionFunction(wide), "4 features");
        expect(() -> MODEL.predictLabels(wide, 0.5), "4 features");
    }

    @Test
    void isImmutable() {
        double[] theta = {1, 2};
        List<String> names = new ArrayList<>(List.of("x", "y"));
        LogisticModel m = new LogisticModel(theta, 0.5, true, names);
        theta[0] = 100;
        names.set(0, "changed");
        assertArrayEquals(new double[] {1, 2}, m.coefficients(), 0.0, "constructor copies θ");
        assertEquals(List.of("x", "y"), m.featureNames(), "constructor copies the names");
        m.coefficients()[1] = -5;
        assertEquals(2.0, m.coefficient(1), 0.0, "coefficients() returns a copy");
        assertThrows(UnsupportedOperationException.class, () -> m.featureNames().set(0, "z"));
        assertEquals(0.5, m.intercept(), 0.0);
        assertTrue(m.fitIntercept());
        assertEquals(2, m.features());
        assertNull(new LogisticModel(new double[] {1}, 0, false, null).featureNames());
        assertTrue(m.toString().contains("features=2"), m.toString());
    }

    /**
     * A dataset's logits, computed a tile of rows at a time over several parallel pieces, are each row's own sum bit
     * for bit, with widths that do not divide the tile (and one wider than it) and rows in direct buffers.
     */
    @Test
    void datasetLogitsAreEachRowsOwnSumAcrossTilesAndPieces() {
        SplittableRandom r = new SplittableRandom(77);
        for (int n : new int[] {37, 5000}) {
            int rows = n == 37 ? 40_001 : 9;
            double[] c = new double[n];
            for (int j = 0; j < n; j++) c[j] = r.nextGaussian();
            LogisticModel m = new LogisticModel(c, 0.375, true, null);
            java.nio.FloatBuffer x = java.nio.ByteBuffer.allocateDirect(rows * n * 4).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < rows * n; i++) x.put(i, (float) r.nextGaussian());
            java.nio.FloatBuffer y = java.nio.FloatBuffer.wrap(new float[rows]);
            Dataset d = Dataset.wrap(x, n, y, null, null);
            double[] z = m.decisionFunction(d);
            float[] row = new float[n];
            for (int i = 0; i < rows; i++) {
                x.get(i * n, row, 0, n);
                assertEquals(Double.doubleToRawLongBits(m.decisionFunction(row)), Double.doubleToRawLongBits(z[i]), "n " + n + ", row " + i);
            }
        }
    }
}
