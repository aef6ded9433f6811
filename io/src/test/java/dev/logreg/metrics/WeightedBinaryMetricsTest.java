package dev.logreg.metrics;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sample weights in the metrics, checked against values computed here independently: the metrics of the data with
 * rows repeated, a pairwise (Mann-Whitney) AUC, average precision straight from its definition, and a hand example.
 */
class WeightedBinaryMetricsTest {
    private static void close(double expected, double actual, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= 1e-12 * Math.max(1, Math.abs(expected)), what + ": expected " + expected + ", got " + actual);
    }

    /** Every metric of {@code a} and {@code b} agrees (the row counts and row-count confusion matrix excepted). */
    private static void sameMetrics(BinaryMetrics expected, BinaryMetrics actual, String what) {
        close(expected.weightSum(), actual.weightSum(), what + ": weight sum");
        close(expected.logLoss(), actual.logLoss(), what + ": log loss");
        close(expected.accuracy(), actual.accuracy(), what + ": accuracy");
        close(expected.precision(), actual.precision(), what + ": precision");
        close(expected.recall(), actual.recall(), what + ": recall");
        close(expected.f1(), actual.f1(), what + ": F1");
        close(expected.rocAuc(), actual.rocAuc(), what + ": ROC AUC");
        close(expected.averagePrecision(), actual.averagePrecision(), what + ": average precision");
        close(expected.brierScore(), actual.brierScore(), what + ": Brier score");
        WeightedConfusionMatrix e = expected.weightedConfusion();
        WeightedConfusionMatrix a = actual.weightedConfusion();
        close(e.trueNegatives(), a.trueNegatives(), what + ": weighted TN");
        close(e.falsePositives(), a.falsePositives(), what + ": weighted FP");
        close(e.falseNegatives(), a.falseNegatives(), what + ": weighted FN");
        close(e.truePositives(), a.truePositives(), what + ": weighted TP");
    }

    /** Logits on a coarse grid (many ties, across classes too), labels correlated with them. */
    private static double[] logits(int m, SplittableRandom rnd) {
        double[] z = new double[m];
        for (int i = 0; i < m; i++) z[i] = Math.round(rnd.nextGaussian() * 4) / 2.0;
        return z;
    }

    private static float[] labels(double[] z, SplittableRandom rnd) {
        float[] y = new float[z.length];
        for (int i = 0; i < z.length; i++) y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-z[i])) ? 1f : 0f;
        return y;
    }

    @Test
    void integerWeightsEqualTheUnweightedMetricsOfRepeatedRows() {
        SplittableRandom rnd = new SplittableRandom(20261126L);
        for (int trial = 0; trial < 5; trial++) {
            int m = 200 + 37 * trial;
            double[] z = logits(m, rnd);
            float[] y = labels(z, rnd);
            float[] w = new float[m];
            int total = 0;
            for (int i = 0; i < m; i++) {
                w[i] = rnd.nextInt(5); // 0 included: such rows vanish from the repeated data
                total += (int) w[i];
            }
            double[] zr = new double[total];
            float[] yr = new float[total];
            int k = 0;
            for (int i = 0; i < m; i++) {
                for (int c = 0; c < (int) w[i]; c++) {
                    zr[k] = z[i];
                    yr[k++] = y[i];
                }
            }
            double threshold = 0.2 + 0.15 * trial;
            BinaryMetrics weighted = BinaryMetrics.compute(z, y, w, threshold);
            BinaryMetrics repeated = BinaryMetrics.compute(zr, yr, threshold);
            assertTrue(weighted.weighted() && !repeated.weighted());
            assertEquals(m, weighted.rows());
            sameMetrics(repeated, weighted, "trial " + trial);
            ConfusionMatrix rc = repeated.confusion();
            WeightedConfusionMatrix wc = weighted.weightedConfusion();
            assertEquals(rc.truePositives(), wc.truePositives(), "weighted TP is the repeated data's count");
            assertEquals(rc.total(), wc.total(), "weighted total is the repeated row count");

            Curves.Curve rocW = Curves.roc(z, y, w);
            Curves.Curve rocR = Curves.roc(zr, yr);
            assertTrue(Arrays.equals(rocR.x(), rocW.x()) && Arrays.equals(rocR.y(), rocW.y()), "weighted ROC curve = repeated rows' curve");
            Curves.Curve prW = Curves.precisionRecall(z, y, w);
            Curves.Curve prR = Curves.precisionRecall(zr, yr);
            assertTrue(Arrays.equals(prR.x(), prW.x()) && Arrays.equals(prR.y(), prW.y()), "weighted PR curve = repeated rows' curve");
            Curves.Curve calW = Curves.calibration(z, y, w, 7);
            Curves.Curve calR = Curves.calibration(zr, yr, 7);
            assertEquals(calR.x().length, calW.x().length, "calibration bins");
            for (int b = 0; b < calR.x().length; b++) {
                close(calR.x()[b], calW.x()[b], "calibration x of bin " + b);
                close(calR.y()[b], calW.y()[b], "calibration y of bin " + b);
            }
        }
    }

    @Test
    void rankingMetricsWithRealWeightsMatchTheirDefinitions() {
        SplittableRandom rnd = new SplittableRandom(7L);
        int m = 300;
        double[] z = logits(m, rnd);
        float[] y = labels(z, rnd);
        float[] w = new float[m];
        for (int i = 0; i < m; i++) w[i] = (float) (rnd.nextDouble() * 3);
        BinaryMetrics got = BinaryMetrics.compute(z, y, w, 0.5);

        // AUC as the weighted Mann-Whitney statistic: every (positive, negative) pair, ties at one half.
        double pairs = 0, wp = 0, wn = 0;
        for (int i = 0; i < m; i++) {
            if (y[i] == 1) wp += w[i];
            else wn += w[i];
            if (y[i] != 1) continue;
            for (int j = 0; j < m; j++) {
                if (y[j] != 0) continue;
                double credit = z[i] > z[j] ? 1 : z[i] == z[j] ? 0.5 : 0;
                pairs += (double) w[i] * w[j] * credit;
            }
        }
        close(pairs / (wp * wn), got.rocAuc(), "ROC AUC vs pairwise");

        // Average precision as scikit-learn defines it: over the distinct thresholds t from the highest down,
        // precision and recall of "score >= t", AP = Σ (R_k - R_{k-1}) P_k.
        TreeSet<Double> thresholds = new TreeSet<>();
        for (double v : z) thresholds.add(v);
        double ap = 0, prevRecall = 0;
        for (double t : thresholds.descendingSet()) {
            double tp = 0, fp = 0;
            for (int i = 0; i < m; i++) {
                if (z[i] < t) continue;
                if (y[i] == 1) tp += w[i];
                else fp += w[i];
            }
            double recall = tp / wp;
            ap += (recall - prevRecall) * (tp / (tp + fp));
            prevRecall = recall;
        }
        close(ap, got.averagePrecision(), "average precision vs definition");

        double ll = 0, brier = 0, sw = 0, correct = 0;
        for (int i = 0; i < m; i++) {
            double p = 1 / (1 + Math.exp(-z[i]));
            ll -= w[i] * (y[i] == 1 ? Math.log(p) : Math.log1p(-p));
            brier += w[i] * (p - y[i]) * (p - y[i]);
            sw += w[i];
            if ((p >= 0.5 ? 1 : 0) == y[i]) correct += w[i];
        }
        close(ll / sw, got.logLoss(), "log loss");
        close(brier / sw, got.brierScore(), "Brier score");
        close(correct / sw, got.accuracy(), "accuracy");
    }

    /**
     * z = 2, 1, 0, 0, 0, -1; y = 1, 0, 1, 0, 1, 0; w = 0.5, 2, 1, 3, 0.25, 1. Positive weight 1.75, negative 6.
     * Pairs: the positive at 2 (0.5) beats every negative: 0.5·6 = 3; the positives at 0 (1.25) beat the negative at
     * -1 (1): 1.25, tie the one at 0 (3): 1.25·3/2 = 1.875, lose to the one at 1. AUC = 6.125 / 10.5 = 7/12.
     * AP: at 2, R = 0.5/1.75 = 2/7, P = 1; at 1 no new positive; at 0, R = 1, P = 1.75/6.75 = 7/27:
     * AP = 2/7 + (5/7)(7/27) = 89/189. At threshold 0.5 (z ≥ 0): wTP 1.75, wFP 5, wTN 1, wFN 0.
     */
    @Test
    void handComputedExampleWithTies() {
        double[] z = {2, 1, 0, 0, 0, -1};
        float[] y = {1, 0, 1, 0, 1, 0};
        float[] w = {0.5f, 2, 1, 3, 0.25f, 1};
        BinaryMetrics m = BinaryMetrics.compute(z, y, w, 0.5);
        close(7.0 / 12, m.rocAuc(), "ROC AUC");
        close(89.0 / 189, m.averagePrecision(), "average precision");
        assertEquals(new WeightedConfusionMatrix(1, 5, 0, 1.75), m.weightedConfusion());
        assertEquals(new ConfusionMatrix(1, 2, 0, 3), m.confusion(), "row counts ignore the weights");
        close(7.75, m.weightSum(), "weight sum");
        close(2.75 / 7.75, m.accuracy(), "accuracy");
        close(7.0 / 27, m.precision(), "precision");
        close(1.0, m.recall(), "recall");
        close(7.0 / 17, m.f1(), "F1");
        double ll = (0.5 * Math.log1p(Math.exp(-2)) + 2 * Math.log1p(Math.exp(1)) + 4.25 * Math.log(2) + Math.log1p(Math.exp(-1))) / 7.75;
        close(ll, m.logLoss(), "log loss");
        assertEquals(true, m.toMap().get("weighted"));
        assertTrue(m.toMap().containsKey("weightedConfusionMatrix"));
    }

    /**
     * Unit weights give the unweighted results exactly, small (the JDK's sort) and large (the radix sort) and with
     * many tied scores; unweighted ranks hold no weight arrays (8 bytes a row less heap: data larger than RAM run
     * with a small heap).
     */
    @Test
    void unitWeightsGiveExactlyTheUnweightedResults() {
        for (int rows : new int[] {150, 20_000}) {
            SplittableRandom rnd = new SplittableRandom(3L);
            double[] z = logits(rows, rnd);
            if (rows > 150) for (int i = 0; i < rows; i++) z[i] = Math.rint(z[i] * 10) / 10;  // ties
            float[] y = labels(z, rnd);
            float[] ones = new float[z.length];
            Arrays.fill(ones, 1f);
            BinaryMetrics plain = BinaryMetrics.compute(z, y, 0.5);
            BinaryMetrics unit = BinaryMetrics.compute(z, y, ones, 0.5);
            String at = rows + " rows";
            assertFalse(plain.weighted());
            assertEquals(plain.logLoss(), unit.logLoss(), at);
            assertEquals(plain.accuracy(), unit.accuracy(), at);
            assertEquals(plain.f1(), unit.f1(), at);
            assertEquals(plain.rocAuc(), unit.rocAuc(), at);
            assertEquals(plain.averagePrecision(), unit.averagePrecision(), at);
            assertEquals(plain.brierScore(), unit.brierScore(), at);
            assertEquals(plain.confusion(), unit.confusion(), at);
            assertEquals(plain.weightedConfusion(), unit.weightedConfusion(), at);
            assertFalse(plain.toMap().containsKey("weightedConfusionMatrix"), "no weighted matrix in unweighted JSON");
            BinaryMetrics.Ranked ranked = BinaryMetrics.Ranked.of(z, y, null);
            assertTrue(ranked.posWeight() == null && ranked.negWeight() == null, at + ": unit weights are not stored");
            assertEquals(ranked.pos().length + ranked.neg().length, rows, at);
        }
    }

    @Test
    void zeroWeightRowsAreIgnored() {
        double[] z = {2, 1, 0, 0, 0, -1};
        float[] y = {1, 0, 1, 0, 1, 0};
        float[] w = {0.5f, 2, 1, 3, 0.25f, 1};
        BinaryMetrics base = BinaryMetrics.compute(z, y, w, 0.5);
        // The same rows plus zero-weight ones: a negative above every score (it would drop the first precision to 0
        // if it counted), a positive below every score, and one in the tie at 0.
        double[] z2 = {9, 2, 1, 0, 0, 0, -1, 0, -5};
        float[] y2 = {0, 1, 0, 1, 0, 1, 0, 1, 1};
        float[] w2 = {0, 0.5f, 2, 1, 3, 0.25f, 1, 0, -0f};
        BinaryMetrics padded = BinaryMetrics.compute(z2, y2, w2, 0.5);
        sameMetrics(base, padded, "with zero-weight rows");
        assertEquals(9, padded.rows(), "rows counts every row scored");
        Curves.Curve a = Curves.roc(z, y, w);
        Curves.Curve b = Curves.roc(z2, y2, w2);
        assertTrue(Arrays.equals(a.x(), b.x()) && Arrays.equals(a.y(), b.y()), "zero-weight rows add no ROC point");
    }

    @Test
    void badWeightsAreRejectedNamingTheRow() {
        double[] z = {1, 2, 3};
        float[] y = {0, 1, 1};
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.compute(z, y, new float[] {1, 1, -0.5f}, 0.5));
        assertTrue(neg.getMessage().contains("sample weight at row 2 is -0.5"), neg.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.compute(z, y, new float[] {1, Float.NaN, 1}, 0.5));
        assertTrue(nan.getMessage().contains("sample weight at row 1 is NaN"), nan.getMessage());
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.compute(z, y, new float[] {Float.POSITIVE_INFINITY, 1, 1}, 0.5));
        assertTrue(inf.getMessage().contains("sample weight at row 0 is Infinity"), inf.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.compute(z, y, new float[] {0, 0, 0}, 0.5));
        assertTrue(zero.getMessage().contains("every sample weight is zero"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.compute(z, y, new float[] {1, 1}, 0.5));
        IllegalArgumentException curve = assertThrows(IllegalArgumentException.class, () -> Curves.roc(z, y, new float[] {1, -1, 1}));
        assertTrue(curve.getMessage().contains("sample weight at row 1 is -1.0"), curve.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Curves.calibration(z, y, new float[] {1, 1, Float.NaN}, 4));
    }

    @Test
    void oneClassWithoutWeightGivesNaNAuc() {
        BinaryMetrics m = BinaryMetrics.compute(new double[] {1, 2, 3}, new float[] {0, 1, 1}, new float[] {0, 1, 2}, 0.5);
        assertTrue(Double.isNaN(m.rocAuc()), "no negative weight: AUC undefined");
        close(1.0, m.averagePrecision(), "AP with positives only");
    }

    @Test
    void aDatasetsOwnWeightsAreApplied() {
        float[] x = {0, 1, 2, 3, 4, 5};
        float[] y = {0, 1, 0, 1, 1, 0};
        float[] w = {1, 2, 0.5f, 0, 3, 1.5f};
        Dataset d = Dataset.wrap(x, 1, y, w);
        double[] z = {-1, 0.5, 0.5, 2, 1, -0.25};
        assertTrue(Arrays.equals(w, BinaryMetrics.weights(d)));
        sameMetrics(BinaryMetrics.compute(z, y, w, 0.5), BinaryMetrics.compute(z, d, 0.5), "dataset overload");
        assertEquals(null, BinaryMetrics.weights(Dataset.wrap(x, 1, y, null)), "unweighted dataset: no weights");
    }

    @Test
    void sortByKeyKeepsValuesWithTheirKeys() {
        SplittableRandom rnd = new SplittableRandom(11L);
        for (int m : new int[] {0, 1, 2, 3, 17, 64, 1000}) {
            double[] k = new double[m];
            double[] v = new double[m];
            for (int i = 0; i < m; i++) {
                k[i] = rnd.nextInt(20) - 10;
                v[i] = k[i] * 3 + 0.5; // a value determined by its key, so a mismatch shows
            }
            double[] sorted = k.clone();
            Arrays.sort(sorted);
            BinaryMetrics.sortByKey(k, v);
            assertTrue(Arrays.equals(sorted, k), "keys sorted, m = " + m);
            for (int i = 0; i < m; i++) assertEquals(k[i] * 3 + 0.5, v[i], "value at " + i + " of m = " + m);
        }
    }
}
