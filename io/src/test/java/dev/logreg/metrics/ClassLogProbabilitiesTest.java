package dev.logreg.metrics;

import dev.logreg.data.Dataset;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ClassLogProbabilities} against the log of each model's own probabilities, and where those underflow. */
class ClassLogProbabilitiesTest {
    private static Dataset data(int rows, int cols, int classes, double scale, SplittableRandom rnd) {
        float[][] x = new float[rows][cols];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) x[i][j] = (float) (rnd.nextGaussian() * scale);
            y[i] = i % classes;
        }
        return Dataset.fromRows(x, y, null, classes);
    }

    private static void agreesWithLogOfProbabilities(LinearClassifier model, Dataset d) {
        double[] p = model.predictProbabilities(d);
        double[] logP = ClassLogProbabilities.of(model, d);
        assertEquals(p.length, logP.length);
        for (int i = 0; i < p.length; i++) {
            double err = Math.abs(Math.log(p[i]) - logP[i]);
            assertTrue(err <= 1e-13 * Math.max(1, Math.abs(logP[i])), model + " entry " + i + ": log p = " + Math.log(p[i]) + ", got " + logP[i]);
        }
        // And the metrics' log loss from them equals the one from the (here not clipped) probabilities.
        MulticlassMetrics a = MulticlassMetrics.compute(model, d);
        MulticlassMetrics b = MulticlassMetrics.compute(p, model.classes(), MulticlassMetrics.classIndices(d), null);
        assertTrue(Math.abs(a.logLoss() - b.logLoss()) <= 1e-13 * b.logLoss(), a.logLoss() + " vs " + b.logLoss());
        assertTrue(a.logLossFromLogProbabilities());
    }

    @Test
    void everyKindOfModelAgreesWithItsProbabilities() {
        SplittableRandom rnd = new SplittableRandom(7);
        Dataset d3 = data(50, 4, 3, 1, rnd);
        double[][] w = {{1, -0.5, 0.2, 0}, {-1, 0.3, 0.1, 2}, {0.5, 0.5, -0.7, -1}};
        agreesWithLogOfProbabilities(new SoftmaxModel(w, new double[] {0.1, -0.2, 0.1}, true, null), d3);
        agreesWithLogOfProbabilities(new OneVsRestModel(List.of(new LogisticModel(w[0], -1, true, null),
                new LogisticModel(w[1], 0.5, true, null), new LogisticModel(w[2], 0, true, null))), d3);
        Dataset d2 = data(50, 4, 2, 1, rnd);
        agreesWithLogOfProbabilities(new LogisticModel(w[0], 0.3, true, null), d2);
    }

    @Test
    void finiteWhereProbabilitiesUnderflow() {
        // Logits 0 and ±1000: the softmax gives probability 0 (e^-1000 underflows), the log-softmax −1000 exactly.
        Dataset d = Dataset.fromRows(new float[][] {{1000f}, {-1000f}}, new float[] {1, 1}, null, 2);
        SoftmaxModel s = new SoftmaxModel(new double[][] {{1}, {0}}, new double[] {0, 0}, true, null);
        double[] logP = ClassLogProbabilities.of(s, d);
        assertEquals(0.0, logP[0]);
        assertEquals(-1000.0, logP[1]);
        assertEquals(-1000.0, logP[2]);
        assertEquals(0.0, logP[3]);
        MulticlassMetrics m = MulticlassMetrics.compute(s, d);
        assertEquals(500.0, m.logLoss(), 1e-12, "row 0 costs 1000, row 1 costs 0");
        // The binary model: log σ(−z) for class 0, exact where σ rounds to 1.
        LogisticModel b = new LogisticModel(new double[] {1}, 0, true, null);
        double[] lb = ClassLogProbabilities.of(b, Dataset.fromRows(new float[][] {{800f}}, new float[] {0}, null, 2));
        assertEquals(-800.0, lb[0]);
        assertEquals(0.0, lb[1], 0.0); // −0.0: −log1p(e^−800)
    }

    @Test
    void infiniteLogitsTakeTheModelsLimits() {
        double[] v = {Double.POSITIVE_INFINITY, 1, Double.POSITIVE_INFINITY};
        ClassLogProbabilities.logSoftmax(v, 0, 3);
        assertEquals(-Math.log(2), v[0]);
        assertEquals(Double.NEGATIVE_INFINITY, v[1]);
        double[] u = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        ClassLogProbabilities.logSoftmax(u, 0, 2);
        assertEquals(-Math.log(2), u[0]);
        assertEquals(-Math.log(2), u[1]);
    }
}
