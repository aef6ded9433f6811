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

    /** {@link #roc(double[], float[], float[])} with unit weights. */
    public static Curve roc(double[] scores, float[] labels) {
        return roc(scores, labels, null);
    }

    /**
     * ROC curve: (false-positive rate, true-positive rate) from (0, 0) to (1, 1), one point per distinct score of a
     * row of positive weight; rates are sums of weights over the class's weight sum.
     *
     * @param scores  a score (logit or probability) per row
     * @param labels  0 or 1 per row
     * @param weights a finite sample weight &gt;= 0 per row (else an {@link IllegalArgumentException} naming the row), or
     *                {@code null} for unit weights
     */
    public static Curve roc(double[] scores, float[] labels, float[] weights) {
        BinaryMetrics.Ranked s = ranked(scores, labels, weights);
        double p = s.posSum() > 0 ? s.posSum() : 1;
        double n = s.negSum() > 0 ? s.negSum() : 1;
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 0});
        BinaryMetrics.walk(s, (fp, tp, t) -> pts.add(new double[] {fp / n, tp / p}));
        return toCurve(pts);
    }

    /** {@link #precisionRecall(double[], float[], float[])} with unit weights. */
    public static Curve precisionRecall(double[] scores, float[] labels) {
        return precisionRecall(scores, labels, null);
    }

    /**
     * Precision-recall curve: (recall, precision), one point per distinct score of a row of positive weight, from the
     * highest score down, in sums of weights. Arguments as for {@link #roc(double[], float[], float[])}.
     */
    public static Curve precisionRecall(double[] scores, float[] labels, float[] weights) {
        BinaryMetrics.Ranked s = ranked(scores, labels, weights);
        double p = s.posSum() > 0 ? s.posSum() : 1;
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 1});
        BinaryMetrics.walk(s, (fp, tp, t) -> pts.add(new double[] {tp / p, tp + fp == 0 ? 1 : tp / (tp + fp)}));
        return toCurve(pts);
    }

    private static BinaryMetrics.Ranked ranked(double[] scores, float[] labels, float[] weights) {
        if (scores.length != labels.length || (weights != null && weights.length != labels.length)) {
            throw new IllegalArgumentException(scores.length + " scores, " + labels.length + " labels"
                    + (weights == null ? "" : ", " + weights.length + " weights") + ": expected one of each per row");
        }
        BinaryMetrics.checkWeights(weights);
        return BinaryMetrics.Ranked.of(scores, labels, weights);
    }

    /**
     * Calibration (reliability) curve: {@code bins} equal-width bins of predicted probability; for each non-empty
     * bin, the mean predicted probability (x) and the fraction of positives (y).
     *
     * @param logits z per row
     */
    public static Curve calibration(double[] logits, float[] labels, int bins) {
        return calibration(logits, labels, null, bins);
    }

    /**
     * Calibration curve with sample weights: for each bin of positive weight, the weighted mean predicted probability
     * (x) and the weighted fraction of positives (y).
     *
     * @param logits  z per row
     * @param weights a sample weight &gt;= 0 per row, or {@code null} for unit weights
     */
    public static Curve calibration(double[] logits, float[] labels, float[] weights, int bins) {
        if (bins < 1) throw new IllegalArgumentException("bins is " + bins + ", expected at least 1");
        if (weights != null && weights.length != logits.length) {
            throw new IllegalArgumentException(weights.length + " weights for " + logits.length + " logits, expected one per row");
        }
        BinaryMetrics.checkWeights(weights);
        double[] sumP = new double[bins];
        double[] sumY = new double[bins];
        double[] count = new double[bins];
        for (int i = 0; i < logits.length; i++) {
            double w = weights == null ? 1 : weights[i];
            double pr = Sigmoid.sigmoid(logits[i]);
            int b = Math.min(bins - 1, (int) (pr * bins));
            sumP[b] += w * pr;
            sumY[b] += w * labels[i];
            count[b] += w;
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
