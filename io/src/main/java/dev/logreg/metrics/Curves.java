package dev.logreg.metrics;

import dev.logreg.loss.Sigmoid;

import java.util.ArrayList;
import java.util.List;

/**
 * The curves behind the ranking and calibration metrics, for plots. Stateless.
 */
public final class Curves {
    private Curves() {}

    /**
     * A curve as parallel arrays.
     *
     * @param x the abscissae
     * @param y the ordinates, same length
     */
    public record Curve(double[] x, double[] y) {
    }

    /** ROC curve: (false-positive rate, true-positive rate) from (0, 0) to (1, 1), one point per distinct score. */
    public static Curve roc(double[] scores, float[] labels) {
        double[][] s = BinaryMetrics.split(scores, labels);
        double p = Math.max(1, s[1].length);
        double n = Math.max(1, s[0].length);
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 0});
        BinaryMetrics.walk(s[1], s[0], (fp, tp, t) -> pts.add(new double[] {fp / n, tp / p}));
        return toCurve(pts);
    }

    /** Precision-recall curve: (recall, precision), one point per distinct score, from the highest score down. */
    public static Curve precisionRecall(double[] scores, float[] labels) {
        double[][] s = BinaryMetrics.split(scores, labels);
        double p = Math.max(1, s[1].length);
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 1});
        BinaryMetrics.walk(s[1], s[0], (fp, tp, t) -> pts.add(new double[] {tp / p, tp + fp == 0 ? 1 : (double) tp / (tp + fp)}));
        return toCurve(pts);
    }

    /**
     * Calibration (reliability) curve: {@code bins} equal-width bins of predicted probability; for each non-empty
     * bin, the mean predicted probability (x) and the fraction of positives (y).
     *
     * @param logits z per row
     */
    public static Curve calibration(double[] logits, float[] labels, int bins) {
        if (bins < 1) throw new IllegalArgumentException("bins is " + bins + ", expected at least 1");
        double[] sumP = new double[bins];
        double[] sumY = new double[bins];
        long[] count = new long[bins];
        for (int i = 0; i < logits.length; i++) {
            double pr = Sigmoid.sigmoid(logits[i]);
            int b = Math.min(bins - 1, (int) (pr * bins));
            sumP[b] += pr;
            sumY[b] += labels[i];
            count[b]++;
        }
        List<double[]> pts = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) pts.add(new double[] {sumP[b] / count[b], sumY[b] / count[b]});
        }
        return toCurve(pts);
    }

    private static Curve toCurve(List<double[]> pts) {
        double[] x = new double[pts.size()];
        double[] y = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pts.get(i)[0];
            y[i] = pts.get(i)[1];
        }
        return new Curve(x, y);
    }
}
