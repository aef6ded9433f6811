package dev.logreg.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MulticlassMetrics} against a case worked by hand and against scikit-learn 1.2.1's values for the same inputs
 * ({@code multiclass-golden.json}, made by {@code multiclass_golden.py} beside it in the test resources).
 */
class MulticlassMetricsTest {
    private static void close(double expected, double actual, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= 1e-12 * Math.max(1, Math.abs(expected)), what + ": expected " + expected + ", got " + actual);
    }

    /** The "small" case of the golden file: 3 classes, 9 rows, one mistake per class. */
    private static final double[] SMALL_P = {
            0.7, 0.2, 0.1, 0.6, 0.3, 0.1, 0.2, 0.5, 0.3,
            0.1, 0.8, 0.1, 0.3, 0.4, 0.3, 0.5, 0.2, 0.3,
            0.1, 0.2, 0.7, 0.2, 0.2, 0.6, 0.1, 0.6, 0.3};
    private static final int[] SMALL_Y = {0, 0, 0, 1, 1, 1, 2, 2, 2};

    @Test
    void smallCaseByHand() {
        MulticlassMetrics m = MulticlassMetrics.compute(SMALL_P, 3, SMALL_Y, null);
        // Predictions 0 0 1 | 1 1 0 | 2 2 1: confusion [[2,1,0],[1,2,0],[0,1,2]].
        long[][] c = m.confusionMatrix();
        assertEquals(List.of(2L, 1L, 0L, 1L, 2L, 0L, 0L, 1L, 2L),
                List.of(c[0][0], c[0][1], c[0][2], c[1][0], c[1][1], c[1][2], c[2][0], c[2][1], c[2][2]));
        close(6.0 / 9, m.accuracy(), "accuracy");
        // Precision 2/3, 2/4, 2/2; recall 2/3 each; F1 2/3, 4/7, 4/5.
        close((2.0 / 3 + 0.5 + 1) / 3, m.macro().precision(), "macro precision");
        close(2.0 / 3, m.macro().recall(), "macro recall");
        close((2.0 / 3 + 4.0 / 7 + 0.8) / 3, m.macro().f1(), "macro F1");
        close(6.0 / 9, m.micro().f1(), "micro F1 = accuracy");
        close((2.0 / 3 + 4.0 / 7 + 0.8) / 3, m.weightedAverage().f1(), "weighted F1 (equal supports)");
        double ll = -(Math.log(0.7) + Math.log(0.6) + Math.log(0.2) + Math.log(0.8) + Math.log(0.4) + Math.log(0.2)
                + Math.log(0.7) + Math.log(0.6) + Math.log(0.3)) / 9;
        close(ll, m.logLoss(), "log loss");
        // Class 2 one-vs-rest: positives score 0.7, 0.6, 0.3; negatives 0.1, 0.1, 0.3, 0.1, 0.3, 0.3. Pairs won:
        // 0.7 and 0.6 beat all 6; 0.3 beats the three 0.1s and ties the three 0.3s: (6 + 6 + 3 + 1.5) / 18.
        close(16.5 / 18, m.perClass().get(2).rocAuc(), "class 2 ROC AUC");
        assertEquals(3, m.averagedClasses());
        assertEquals(3, m.rocAucClasses());
        assertFalse(m.logLossFromLogProbabilities());
    }

    @Test
    void agreesWithScikitLearn() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("multiclass-golden.json")) {
            assertNotNull(in, "multiclass-golden.json on the test class path");
            root = new ObjectMapper().readTree(in);
        }
        int cases = 0;
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            int k = c.get("classes").asInt();
            double[] p = doubles(c.get("probabilities"));
            int[] y = new int[c.get("labels").size()];
            for (int i = 0; i < y.length; i++) y[i] = c.get("labels").get(i).asInt();
            float[] w = null;
            if (!c.get("weights").isNull()) {
                w = new float[y.length];
                for (int i = 0; i < y.length; i++) {
                    w[i] = (float) c.get("weights").get(i).asDouble();
                    // The generator writes float32 values, so scikit-learn weighed exactly these numbers.
                    assertEquals(c.get("weights").get(i).asDouble(), w[i], 0.0, name + ": weight " + i);
                }
            }
            MulticlassMetrics m = MulticlassMetrics.compute(p, k, y, w);
            double tol = 1e-12;
            check(c.get("logLoss").asDouble(), m.logLoss(), tol, name + ": log loss");
            check(c.get("accuracy").asDouble(), m.accuracy(), tol, name + ": accuracy");
            average(c.get("macro"), m.macro(), tol, name + ": macro");
            average(c.get("micro"), m.micro(), tol, name + ": micro");
            average(c.get("weighted"), m.weightedAverage(), tol, name + ": weighted");
            for (int cl = 0; cl < k; cl++) {
                MulticlassMetrics.ClassMetrics pc = m.perClass().get(cl);
                String what = name + ": class " + cl;
                check(c.get("perClass").get("precision").get(cl).asDouble(), pc.precision(), tol, what + " precision");
                check(c.get("perClass").get("recall").get(cl).asDouble(), pc.recall(), tol, what + " recall");
                check(c.get("perClass").get("f1").get(cl).asDouble(), pc.f1(), tol, what + " F1");
                check(c.get("perClass").get("support").get(cl).asDouble(), pc.support(), tol, what + " support");
                JsonNode auc = c.get("rocAuc").get(cl);
                if (auc.isNull()) assertTrue(Double.isNaN(pc.rocAuc()), what + ": ROC AUC undefined, got " + pc.rocAuc());
                else check(auc.asDouble(), pc.rocAuc(), tol, what + " ROC AUC");
                for (int pr = 0; pr < k; pr++) {
                    check(c.get("confusion").get(cl).get(pr).asDouble(), m.weightedConfusion(cl, pr), tol, what + " confusion -> " + pr);
                }
            }
            check(c.get("macroRocAuc").asDouble(), m.macroRocAuc(), tol, name + ": macro ROC AUC");
            cases++;
        }
        assertEquals(8, cases);
    }

    @Test
    void aClassNeverPredictedAndAClassAbsent() {
        // Class 2 has a row but is never predicted; class 3 has no row and is never predicted.
        double[] p = {
                0.6, 0.3, 0.05, 0.05,
                0.3, 0.6, 0.05, 0.05,
                0.5, 0.2, 0.25, 0.05,
                0.2, 0.7, 0.05, 0.05};
        int[] y = {0, 1, 2, 1};
        MulticlassMetrics m = MulticlassMetrics.compute(p, 4, y, null);
        MulticlassMetrics.ClassMetrics c2 = m.perClass().get(2);
        assertEquals(0.0, c2.precision(), "nothing predicted as class 2: precision 0/0 reported as 0");
        assertEquals(0.0, c2.recall());
        assertTrue(c2.averaged(), "class 2 occurs as a true label, so it is averaged");
        MulticlassMetrics.ClassMetrics c3 = m.perClass().get(3);
        assertFalse(c3.averaged(), "class 3 neither occurs nor is predicted");
        assertEquals(0, c3.rows());
        assertTrue(Double.isNaN(c3.rocAuc()), "no row of class 3: its ROC AUC is undefined");
        assertEquals(3, m.averagedClasses());
        assertEquals(3, m.rocAucClasses());
        // Precisions 1/2, 2/2, 0 over the three classes that occur.
        close((0.5 + 1 + 0) / 3, m.macro().precision(), "macro precision over 3 classes");
        close((m.perClass().get(0).rocAuc() + m.perClass().get(1).rocAuc() + c2.rocAuc()) / 3, m.macroRocAuc(), "macro AUC over the defined");
        Map<String, Object> json = m.toMap(List.of("a", "b", "c", "d"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> per = (List<Map<String, Object>>) json.get("perClass");
        assertNull(per.get(3).get("rocAuc"), "undefined AUC is null in JSON");
        assertEquals("d", per.get(3).get("class"));
        assertEquals(3, json.get("rocAucClasses"));
        assertFalse(json.containsKey("weightedConfusionMatrix"), "no weights, no weighted matrix");
    }

    @Test
    void integerWeightsEqualRepeatedRows() {
        float[] w = {1, 2, 0, 3, 1, 1, 2, 0, 1};
        List<Double> probs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int i = 0; i < SMALL_Y.length; i++) {
            for (int r = 0; r < w[i]; r++) {
                for (int c = 0; c < 3; c++) probs.add(SMALL_P[i * 3 + c]);
                ys.add(SMALL_Y[i]);
            }
        }
        MulticlassMetrics rep = MulticlassMetrics.compute(probs.stream().mapToDouble(Double::doubleValue).toArray(), 3,
                ys.stream().mapToInt(Integer::intValue).toArray(), null);
        MulticlassMetrics wm = MulticlassMetrics.compute(SMALL_P, 3, SMALL_Y, w);
        close(rep.logLoss(), wm.logLoss(), "log loss");
        close(rep.accuracy(), wm.accuracy(), "accuracy");
        close(rep.macro().f1(), wm.macro().f1(), "macro F1");
        close(rep.weightedAverage().recall(), wm.weightedAverage().recall(), "weighted recall");
        close(rep.macroRocAuc(), wm.macroRocAuc(), "macro ROC AUC");
        for (int c = 0; c < 3; c++) {
            for (int e = 0; e < 3; e++) close(rep.confusion(c, e), wm.weightedConfusion(c, e), "confusion " + c + "," + e);
        }
        assertEquals(9, wm.rows());
        assertEquals(11.0, wm.weightSum());
        assertTrue(wm.toMap(List.of("x", "y", "z")).containsKey("weightedConfusionMatrix"));
    }

    @Test
    void logLossFromLogProbabilitiesIsExactWhereProbabilitiesUnderflow() {
        // Row 0's true class has probability e^-800: 0 in float64. Clipped it costs -log(2^-52) = 36.04; exactly, 800.
        double[] p = {1, 0, 0.5, 0.5};
        double[] logP = {0, -800, Math.log(0.5), Math.log(0.5)};
        int[] y = {1, 0};
        MulticlassMetrics clipped = MulticlassMetrics.compute(p, 2, y, null);
        close((52 * Math.log(2) + Math.log(2)) / 2, clipped.logLoss(), "clipped like scikit-learn");
        MulticlassMetrics exact = MulticlassMetrics.compute(p, logP, 2, y, null);
        close((800 + Math.log(2)) / 2, exact.logLoss(), "from log-probabilities");
        assertTrue(exact.logLossFromLogProbabilities());
    }

    @Test
    void badInputIsNamed() {
        assertMessage("label at row 1 is 3, expected a class index in [0, 3)",
                () -> MulticlassMetrics.compute(new double[] {1, 0, 0, 1, 0, 0}, 3, new int[] {0, 3}, null));
        assertMessage("probability of class 1 at row 0 is NaN",
                () -> MulticlassMetrics.compute(new double[] {0.5, Double.NaN}, 2, new int[] {0}, null));
        assertMessage("5 probabilities for 2 rows x 3 classes",
                () -> MulticlassMetrics.compute(new double[5], 3, new int[] {0, 1}, null));
        assertMessage("sample weight at row 1 is -1.0",
                () -> MulticlassMetrics.compute(new double[] {1, 0, 0, 1}, 2, new int[] {0, 1}, new float[] {1, -1}));
        assertMessage("every sample weight is zero",
                () -> MulticlassMetrics.compute(new double[] {1, 0, 0, 1}, 2, new int[] {0, 1}, new float[] {0, 0}));
        assertMessage("classes is 1, expected at least 2", () -> MulticlassMetrics.compute(new double[] {1}, 1, new int[] {0}, null));
        assertMessage("no rows to evaluate", () -> MulticlassMetrics.compute(new double[0], 2, new int[0], null));
        assertMessage("log-probability of class 0 at row 0 is NaN",
                () -> MulticlassMetrics.compute(new double[] {1, 0}, new double[] {Double.NaN, 0}, 2, new int[] {0}, null));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected a message with '" + expected + "', got: " + e.getMessage());
    }

    private static void check(double expected, double actual, double tol, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= tol * Math.max(1, Math.abs(expected)), what + ": scikit-learn " + expected + ", logreg " + actual);
    }

    private static void average(JsonNode expected, MulticlassMetrics.Average a, double tol, String what) {
        check(expected.get("precision").asDouble(), a.precision(), tol, what + " precision");
        check(expected.get("recall").asDouble(), a.recall(), tol, what + " recall");
        check(expected.get("f1").asDouble(), a.f1(), tol, what + " F1");
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }
}
