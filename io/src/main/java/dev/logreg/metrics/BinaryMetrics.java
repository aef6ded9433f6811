package dev.logreg.metrics;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import dev.logreg.loss.Sigmoid;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Quality of a binary classifier on labelled rows, every row counting once (sample weights are not applied).
 *
 * <p>Threshold metrics (accuracy, precision, recall, F1, the confusion matrix) predict 1 where P(y = 1) ≥
 * {@code threshold}. Where a ratio has a zero denominator (no predicted positives for precision, no positives for
 * recall) it is 0, as scikit-learn reports by default. ROC AUC gives tied scores half credit (the trapezoid over
 * groups of tied scores, equal to the Mann-Whitney statistic with averaged ranks); it is NaN where one class is
 * absent. Average precision is Σₖ (Rₖ − Rₖ₋₁)·Pₖ over the distinct scores, from the highest down (scikit-learn's
 * definition, step-wise, no interpolation); NaN without positives. Log loss is computed from the logits in stable
 * form, so it stays finite where a probability rounds to 0 or 1.
 *
 * @param rows             rows scored
 * @param threshold        the probability threshold of the threshold metrics
 * @param logLoss          mean −[y log p + (1−y) log(1−p)]
 * @param accuracy         (TP + TN) / rows
 * @param precision        TP / (TP + FP)
 * @param recall           TP / (TP + FN)
 * @param f1               2PR / (P + R)
 * @param rocAuc           area under the ROC curve
 * @param averagePrecision area under the precision-recall curve (average precision)
 * @param brierScore       mean (p − y)²
 * @param confusion        the confusion matrix at {@code threshold}
 */
public record BinaryMetrics(long rows, double threshold, double logLoss, double accuracy, double precision, double recall, double f1,
                            double rocAuc, double averagePrecision, double brierScore, ConfusionMatrix confusion) {

    /**
     * Computes every metric.
     *
     * @param logits    z = θ·x + b per row (not modified)
     * @param labels    0 or 1 per row, same length
     * @param threshold probability threshold in [0, 1]
     */
    public static BinaryMetrics compute(double[] logits, float[] labels, double threshold) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        if (logits.length != labels.length) throw new IllegalArgumentException(logits.length + " logits for " + labels.length + " labels");
        if (logits.length == 0) throw new IllegalArgumentException("no rows to evaluate");
        if (!(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("threshold is " + threshold + ", expected a number in [0, 1]");
        Loss log = Loss.log();
        double ll = 0;
        double brier = 0;
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < logits.length; i++) {
            double y = labels[i];
            if (y != 0 && y != 1) throw new IllegalArgumentException("label at row " + i + " is " + y + ", expected 0 or 1");
            double z = logits[i];
            if (Double.isNaN(z)) throw new IllegalArgumentException("logit at row " + i + " is NaN");
            double p = Sigmoid.sigmoid(z);
            ll += log.value(y, z);
            brier += (p - y) * (p - y);
            boolean pos = p >= threshold;
            if (y == 1) {
                if (pos) tp++;
                else fn++;
            } else if (pos) fp++;
            else tn++;
        }
        int m = logits.length;
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        double[][] ranked = split(logits, labels);
        return new BinaryMetrics(m, threshold, ll / m, (double) (tp + tn) / m, precision, recall, f1,
                rocAuc(ranked[1], ranked[0]), averagePrecision(ranked[1], ranked[0]), brier / m, new ConfusionMatrix(tn, fp, fn, tp));
    }

    /** {@link #compute(double[], float[], double)} of a model's logits on {@code data}'s labels. */
    public static BinaryMetrics compute(double[] logits, Dataset data, double threshold) {
        return compute(logits, labels(data), threshold);
    }

    /** The labels of {@code data} (at most 2^31 − 1 rows), in row order. */
    public static float[] labels(Dataset data) {
        if (data.rows() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("dataset has " + data.rows() + " rows, too many for one array");
        float[] y = new float[(int) data.rows()];
        for (RowBlock b : data.blocks()) {
            FloatBuffer l = b.labels();
            l.get(y, (int) b.firstRow(), b.rows());
        }
        return y;
    }

    /** Scores of the negatives ([0]) and of the positives ([1]), each sorted ascending. */
    static double[][] split(double[] scores, float[] labels) {
        int pos = 0;
        for (float y : labels) if (y == 1) pos++;
        double[] p = new double[pos];
        double[] n = new double[labels.length - pos];
        int a = 0, b = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 1) p[a++] = scores[i];
            else n[b++] = scores[i];
        }
        Arrays.sort(p);
        Arrays.sort(n);
        return new double[][] {n, p};
    }

    /**
     * Walks the distinct scores from the highest down and calls {@code step} with the cumulative (false positives,
     * true positives) after each group of tied scores, and that group's score.
     */
    static void walk(double[] pos, double[] neg, Step step) {
        int i = pos.length - 1;
        int j = neg.length - 1;
        long tp = 0;
        long fp = 0;
        while (i >= 0 || j >= 0) {
            double s = Math.max(i >= 0 ? pos[i] : Double.NEGATIVE_INFINITY, j >= 0 ? neg[j] : Double.NEGATIVE_INFINITY);
            while (i >= 0 && pos[i] == s) {
                tp++;
                i--;
            }
            while (j >= 0 && neg[j] == s) {
                fp++;
                j--;
            }
            step.accept(fp, tp, s);
        }
    }

    /** One point of {@link #walk}. */
    @FunctionalInterface
    interface Step {
        void accept(long falsePositives, long truePositives, double score);
    }

    /** ROC AUC of sorted positive and negative scores; ties give half credit. NaN where either class is absent. */
    static double rocAuc(double[] pos, double[] neg) {
        if (pos.length == 0 || neg.length == 0) return Double.NaN;
        double[] area = {0};
        long[] prev = {0, 0};
        walk(pos, neg, (fp, tp, s) -> {
            // Trapezoid over the tie group: a tied (positive, negative) pair counts one half.
            area[0] += (double) (fp - prev[0]) * (tp + prev[1]) / 2.0;
            prev[0] = fp;
            prev[1] = tp;
        });
        return area[0] / ((double) pos.length * neg.length);
    }

    /** Average precision Σ (Rₖ − Rₖ₋₁) Pₖ; NaN without positives. */
    static double averagePrecision(double[] pos, double[] neg) {
        if (pos.length == 0) return Double.NaN;
        double[] ap = {0};
        long[] prevTp = {0};
        walk(pos, neg, (fp, tp, s) -> {
            if (tp != prevTp[0]) {
                ap[0] += (double) (tp - prevTp[0]) / pos.length * ((double) tp / (tp + fp));
                prevTp[0] = tp;
            }
        });
        return ap[0];
    }

    /** The metrics as name → value, in a stable order (NaN as {@code null}), for JSON output. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("threshold", threshold);
        m.put("logLoss", finite(logLoss));
        m.put("accuracy", finite(accuracy));
        m.put("precision", finite(precision));
        m.put("recall", finite(recall));
        m.put("f1", finite(f1));
        m.put("rocAuc", finite(rocAuc));
        m.put("averagePrecision", finite(averagePrecision));
        m.put("brierScore", finite(brierScore));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("trueNegatives", confusion.trueNegatives());
        c.put("falsePositives", confusion.falsePositives());
        c.put("falseNegatives", confusion.falseNegatives());
        c.put("truePositives", confusion.truePositives());
        m.put("confusionMatrix", c);
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
