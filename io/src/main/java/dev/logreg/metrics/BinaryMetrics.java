package dev.logreg.metrics;

import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.loss.Sigmoid;
import dev.logreg.train.Scorer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Quality of a binary classifier on labelled rows, optionally with per-row sample weights (scikit-learn's
 * {@code sample_weight} semantics).
 *
 * <p>With weights wᵢ ≥ 0, every mean is a weighted mean (Σwᵢxᵢ / Σwᵢ) and every count is a sum of weights:
 * log loss and Brier score are Σwℓ / Σw, accuracy is (wTP + wTN) / Σw, precision, recall and F1 come from the
 * weighted confusion counts, and the ranking metrics walk cumulative weighted true and false positives. A row of
 * weight 0 contributes nothing anywhere (as scikit-learn drops zero-weight rows before its curves), and integer weights
 * give exactly the metrics of the data with each row repeated that many times. Without weights every weight is 1 and
 * the results are bit-for-bit those of the unweighted formulas.
 *
 * <p>Threshold metrics (accuracy, precision, recall, F1, the confusion matrices) predict 1 where P(y = 1) ≥
 * {@code threshold}. Where a ratio has a zero denominator (no predicted positives for precision, no positives for
 * recall) it is 0, as scikit-learn reports by default. ROC AUC is the trapezoid over the (weighted) ROC curve with one
 * point per group of tied scores, so a tied (positive, negative) pair counts one half (equal to the Mann-Whitney
 * statistic with averaged ranks); it is NaN where one class has no weight. Average precision is
 * Σₖ (Rₖ − Rₖ₋₁)·Pₖ over the distinct scores, from the highest down (scikit-learn's definition, step-wise, no
 * interpolation); NaN without positive weight. Log loss is computed from the logits in stable form, so it stays
 * finite where a probability rounds to 0 or 1.
 *
 * @param rows              rows scored (zero-weight rows included)
 * @param weighted          whether sample weights were given
 * @param weightSum         Σwᵢ (the row count where unweighted)
 * @param threshold         the probability threshold of the threshold metrics
 * @param logLoss           weighted mean −[y log p + (1−y) log(1−p)]
 * @param accuracy          (wTP + wTN) / Σw
 * @param precision         wTP / (wTP + wFP)
 * @param recall            wTP / (wTP + wFN)
 * @param f1                2PR / (P + R)
 * @param rocAuc            area under the (weighted) ROC curve
 * @param averagePrecision  area under the (weighted) precision-recall curve (average precision)
 * @param brierScore        weighted mean (p − y)²
 * @param confusion         the confusion matrix at {@code threshold} in rows (every row counts once, whatever its weight)
 * @param weightedConfusion the confusion matrix at {@code threshold} in sums of weights (equal to {@code confusion}
 *                          where unweighted); the threshold metrics above come from this one
 */
public record BinaryMetrics(long rows, boolean weighted, double weightSum, double threshold, double logLoss, double accuracy,
                            double precision, double recall, double f1, double rocAuc, double averagePrecision, double brierScore,
                            ConfusionMatrix confusion, WeightedConfusionMatrix weightedConfusion) {

    /** Every component as given; see the record's description. */
    public BinaryMetrics {
        Objects.requireNonNull(confusion, "confusion");
        Objects.requireNonNull(weightedConfusion, "weightedConfusion");
    }

    /** Unweighted metrics: {@link #compute(double[], float[], float[], double)} with every weight 1. */
    public static BinaryMetrics compute(double[] logits, float[] labels, double threshold) {
        return compute(logits, labels, null, threshold);
    }

    /**
     * Computes every metric.
     *
     * @param logits    z = θ·x + b per row (not modified)
     * @param labels    0 or 1 per row, same length (not modified)
     * @param weights   a finite sample weight ≥ 0 per row, same length, not all 0; or {@code null} for unit weights
     *                  (not modified)
     * @param threshold probability threshold in [0, 1]
     * @throws IllegalArgumentException on mismatched lengths, no rows, a label other than 0 or 1, a NaN logit, a
     *                                  negative or non-finite weight (the message names the row), all-zero weights,
     *                                  or a threshold outside [0, 1]
     */
    public static BinaryMetrics compute(double[] logits, float[] labels, float[] weights, double threshold) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(labels, "labels");
        if (logits.length != labels.length) throw new IllegalArgumentException(logits.length + " logits for " + labels.length + " labels");
        if (weights != null && weights.length != labels.length) {
            throw new IllegalArgumentException(weights.length + " sample weights for " + labels.length + " labels, expected one per row");
        }
        if (logits.length == 0) throw new IllegalArgumentException("no rows to evaluate");
        if (!(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("threshold is " + threshold + ", expected a number in [0, 1]");
        // The per-row terms in parallel over fixed pieces of rows, each summed in row order and the pieces' sums added
        // in piece order: the same bits whatever the threads (one piece, as below 65,536 rows, is the plain row-order
        // sum). The error reported is the first piece's that has one, so it names the first bad row.
        int pieces = (logits.length + PIECE_ROWS - 1) / PIECE_ROWS;
        RowSums[] parts = IntStream.range(0, pieces).parallel()
                .mapToObj(p -> RowSums.of(logits, labels, weights, threshold, p * PIECE_ROWS, Math.min(logits.length, (p + 1) * PIECE_ROWS)))
                .toArray(RowSums[]::new);
        RowSums total = new RowSums();
        for (RowSums part : parts) {
            if (part.failure != null) throw part.failure;
            total.add(part);
        }
        double ll = total.ll;
        double brier = total.brier;
        double sumW = total.sumW;
        long tp = total.tp, fp = total.fp, tn = total.tn, fn = total.fn;
        double wtp = total.wtp, wfp = total.wfp, wtn = total.wtn, wfn = total.wfn;
        int positives = total.positives;
        int negatives = total.negatives;
        if (!(sumW > 0)) throw new IllegalArgumentException("every sample weight is zero: the weighted metrics are undefined");
        double precision = wtp + wfp == 0 ? 0 : wtp / (wtp + wfp);
        double recall = wtp + wfn == 0 ? 0 : wtp / (wtp + wfn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        Ranked ranked = Ranked.of(logits, labels, weights, positives, negatives);
        return new BinaryMetrics(logits.length, weights != null, sumW, threshold, ll / sumW, (wtp + wtn) / sumW, precision, recall, f1,
                rocAuc(ranked), averagePrecision(ranked), brier / sumW, new ConfusionMatrix(tn, fp, fn, tp),
                new WeightedConfusionMatrix(wtn, wfp, wfn, wtp));
    }

    /** Rows per piece of the parallel per-row pass. */
    private static final int PIECE_ROWS = 1 << 16;

    /** The per-row sums of one piece of rows (or their total), and the piece's first bad row, if any. */
    private static final class RowSums {
        double ll;
        double brier;
        double sumW;
        long tp, fp, tn, fn;
        double wtp, wfp, wtn, wfn;
        int positives;
        int negatives;
        IllegalArgumentException failure;

        static RowSums of(double[] logits, float[] labels, float[] weights, double threshold, int from, int to) {
            RowSums s = new RowSums();
            try {
                s.addRows(logits, labels, weights, threshold, from, to);
            } catch (IllegalArgumentException e) {
                s.failure = e;
            }
            return s;
        }

        private void addRows(double[] logits, float[] labels, float[] weights, double threshold, int from, int to) {
            Loss log = Loss.log();
            for (int i = from; i < to; i++) {
                double y = labels[i];
                if (y != 0 && y != 1) throw new IllegalArgumentException("label at row " + i + " is " + y + ", expected 0 or 1");
                double z = logits[i];
                if (Double.isNaN(z)) throw new IllegalArgumentException("logit at row " + i + " is NaN");
                double w = weights == null ? 1 : weights[i];
                if (!(w >= 0) || !Double.isFinite(w)) {
                    throw new IllegalArgumentException("sample weight at row " + i + " is " + weights[i] + ", expected a finite number >= 0");
                }
                double p = Sigmoid.sigmoid(z);
                // w * (...) with w = 1 is exact, so unit weights reproduce the unweighted sums bit for bit.
                ll += w * log.value(y, z);
                brier += w * ((p - y) * (p - y));
                sumW += w;
                boolean pos = p >= threshold;
                if (y == 1) {
                    if (pos) { tp++; wtp += w; } else { fn++; wfn += w; }
                } else if (pos) { fp++; wfp += w; } else { tn++; wtn += w; }
                if (w > 0) {
                    if (y == 1) positives++;
                    else negatives++;
                }
            }
        }

        /** Adds another piece's sums (the first piece's added to a zero total gives its own bits). */
        void add(RowSums o) {
            ll += o.ll;
            brier += o.brier;
            sumW += o.sumW;
            tp += o.tp;
            fp += o.fp;
            tn += o.tn;
            fn += o.fn;
            wtp += o.wtp;
            wfp += o.wfp;
            wtn += o.wtn;
            wfn += o.wfn;
            positives += o.positives;
            negatives += o.negatives;
        }
    }

    /**
     * {@link #compute(double[], float[], float[], double)} of a model's logits on {@code data}'s labels, weighted by
     * {@code data}'s sample weights where it has them ({@link Dataset#isWeighted()}).
     */
    public static BinaryMetrics compute(double[] logits, Dataset data, double threshold) {
        return compute(logits, labels(data), weights(data), threshold);
    }

    /** The names {@link #scorer(String)} knows, in the order the CLI lists them. */
    public static final java.util.List<String> SCORER_NAMES = java.util.List.of("logloss", "auc", "accuracy", "f1", "precision", "recall",
            "average_precision", "brier");

    /**
     * One of these metrics as a {@link Scorer} for {@link dev.logreg.train.CrossValidation}: {@code logloss} (lower is
     * better; the api's own {@link Scorer#logLoss()}), {@code auc} (ROC AUC), {@code accuracy}, {@code f1},
     * {@code precision}, {@code recall} (at threshold 0.5), {@code average_precision} (higher is better) and
     * {@code brier} (lower is better). Each weighted by the held-out rows' sample weights as {@link #compute} is.
     *
     * @throws IllegalArgumentException on another name, listing the known ones
     */
    public static Scorer scorer(String name) {
        String n = Objects.requireNonNull(name, "name").trim().toLowerCase(java.util.Locale.ROOT);
        switch (n) {
            case "logloss": return Scorer.logLoss();
            case "auc": return new MetricScorer(n, true, BinaryMetrics::rocAuc);
            case "accuracy": return new MetricScorer(n, true, BinaryMetrics::accuracy);
            case "f1": return new MetricScorer(n, true, BinaryMetrics::f1);
            case "precision": return new MetricScorer(n, true, BinaryMetrics::precision);
            case "recall": return new MetricScorer(n, true, BinaryMetrics::recall);
            case "average_precision": return new MetricScorer(n, true, BinaryMetrics::averagePrecision);
            case "brier": return new MetricScorer(n, false, BinaryMetrics::brierScore);
            default: throw new IllegalArgumentException("score '" + name + "' is not one of " + String.join(", ", SCORER_NAMES));
        }
    }

    /** A metric of {@link #compute} at threshold 0.5 as a cross-validation score. */
    private record MetricScorer(String name, boolean higherIsBetter, java.util.function.ToDoubleFunction<BinaryMetrics> metric) implements Scorer {
        @Override
        public double score(double[] logits, float[] labels, float[] weights) {
            return metric.applyAsDouble(compute(logits, labels, weights, 0.5));
        }
    }

    /** The labels of {@code data} (at most 2^31 − 9 rows), in row order; a fresh array. */
    public static float[] labels(Dataset data) {
        return data.copyLabels();
    }

    /**
     * The sample weights of {@code data} (at most 2^31 − 9 rows), in row order, as a fresh array; {@code null} where
     * the dataset is unweighted.
     */
    public static float[] weights(Dataset data) {
        return data.copyWeights();
    }

    /** Rejects a negative or non-finite weight, naming its row; {@code null} (unit weights) passes. */
    static void checkWeights(float[] weights) {
        if (weights == null) return;
        for (int i = 0; i < weights.length; i++) {
            float w = weights[i];
            if (!(w >= 0) || !Float.isFinite(w)) {
                throw new IllegalArgumentException("sample weight at row " + i + " is " + w + ", expected a finite number >= 0");
            }
        }
    }

    /**
     * The rows of positive weight split by class, each class sorted by ascending score with its weights alongside (the
     * weight arrays null where every weight is 1), and each class's weight sum. Zero-weight rows are left out: they
     * would only add points that repeat the previous one (and, at the top of the ranking, a 0/0 precision), which is
     * also why scikit-learn drops them.
     */
    record Ranked(double[] pos, double[] posWeight, double[] neg, double[] negWeight, double posSum, double negSum) {
        static Ranked of(double[] scores, float[] labels, float[] weights, int positives, int negatives) {
            double[] p = new double[positives];
            double[] n = new double[negatives];
            // Unit weights are not stored (posWeight and negWeight null, read as 1): 8 bytes a row of heap less, for
            // data whose rows are mapped and whose JVM has a small heap.
            double[] pw = weights == null ? null : new double[positives];
            double[] nw = weights == null ? null : new double[negatives];
            int a = 0, b = 0;
            double ps = 0, ns = 0;
            for (int i = 0; i < labels.length; i++) {
                double w = weights == null ? 1 : weights[i];
                if (!(w > 0)) continue;
                if (labels[i] == 1) {
                    if (pw != null) pw[a] = w;
                    p[a++] = scores[i];
                    ps += w;
                } else {
                    if (nw != null) nw[b] = w;
                    n[b++] = scores[i];
                    ns += w;
                }
            }
            if (weights == null) {
                // Every weight 1: nothing to carry along, so the scores alone are sorted (radix; the same order as
                // Double.compare); over 1,000,000 rows the merge sort with its weights, then two parallel quicksorts,
                // were most of the metrics. The two classes at once where the heap has room for both sorts' scratch
                // (16 bytes a score), else one after the other: the same result, in less heap.
                Runtime rt = Runtime.getRuntime();
                long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
                if (16L * (positives + negatives) < free / 2) {
                    java.util.stream.Stream.of(p, n).parallel().forEach(DoubleRadixSort::sort);
                } else {
                    DoubleRadixSort.sort(p);
                    DoubleRadixSort.sort(n);
                }
            } else {
                sortByKey(p, pw);
                sortByKey(n, nw);
            }
            return new Ranked(p, pw, n, nw, ps, ns);
        }

        /** {@link #of} without weights (every weight 1), for callers that have no weights. */
        static Ranked of(double[] scores, float[] labels, float[] weights) {
            int positives = 0;
            int negatives = 0;
            for (int i = 0; i < labels.length; i++) {
                if (weights != null && !(weights[i] > 0)) continue;
                if (labels[i] == 1) positives++;
                else negatives++;
            }
            return of(scores, labels, weights, positives, negatives);
        }
    }

    /**
     * Sorts {@code key} ascending (as {@link Double#compare} orders, -0.0 before 0.0) and moves {@code value} along
     * with it: a bottom-up merge sort, O(m log m), so that the weights follow their scores without boxing.
     */
    static void sortByKey(double[] key, double[] value) {
        int m = key.length;
        double[] k2 = new double[m];
        double[] v2 = new double[m];
        double[] ks = key, vs = value, kd = k2, vd = v2;
        for (int width = 1; width < m; width *= 2) {
            for (int lo = 0; lo < m; lo += 2 * width) {
                int mid = Math.min(lo + width, m);
                int hi = Math.min(lo + 2 * width, m);
                int i = lo, j = mid, o = lo;
                while (i < mid && j < hi) {
                    if (Double.compare(ks[j], ks[i]) < 0) { kd[o] = ks[j]; vd[o++] = vs[j++]; }
                    else { kd[o] = ks[i]; vd[o++] = vs[i++]; }
                }
                while (i < mid) { kd[o] = ks[i]; vd[o++] = vs[i++]; }
                while (j < hi) { kd[o] = ks[j]; vd[o++] = vs[j++]; }
            }
            double[] t = ks; ks = kd; kd = t;
            t = vs; vs = vd; vd = t;
        }
        if (ks != key) {
            System.arraycopy(ks, 0, key, 0, m);
            System.arraycopy(vs, 0, value, 0, m);
        }
    }

    /**
     * Walks the distinct scores from the highest down and calls {@code step} with the cumulative (false positive,
     * true positive) weights after each group of tied scores, and that group's score. Scores equal under {@code ==}
     * (0.0 and -0.0 included) form one group.
     */
    static void walk(Ranked r, Step step) {
        double[] pos = r.pos();
        double[] neg = r.neg();
        double[] pw = r.posWeight();
        double[] nw = r.negWeight();
        int i = pos.length - 1;
        int j = neg.length - 1;
        double tp = 0;
        double fp = 0;
        while (i >= 0 || j >= 0) {
            double s = Math.max(i >= 0 ? pos[i] : Double.NEGATIVE_INFINITY, j >= 0 ? neg[j] : Double.NEGATIVE_INFINITY);
            for (; i >= 0 && pos[i] == s; i--) tp += pw == null ? 1.0 : pw[i];
            for (; j >= 0 && neg[j] == s; j--) fp += nw == null ? 1.0 : nw[j];
            step.accept(fp, tp, s);
        }
    }

    /** One point of {@link #walk}. */
    @FunctionalInterface
    interface Step {
        void accept(double falsePositives, double truePositives, double score);
    }

    /** ROC AUC of ranked rows; ties give half credit. NaN where either class has no weight. */
    static double rocAuc(Ranked r) {
        if (r.pos().length == 0 || r.neg().length == 0) return Double.NaN;
        double[] area = {0};
        double[] prev = {0, 0};
        walk(r, (fp, tp, s) -> {
            // Trapezoid over the tie group: a tied (positive, negative) pair counts one half.
            area[0] += (fp - prev[0]) * (tp + prev[1]) / 2.0;
            prev[0] = fp;
            prev[1] = tp;
        });
        return area[0] / (r.posSum() * r.negSum());
    }

    /** Average precision Σ (Rₖ − Rₖ₋₁) Pₖ of ranked rows; NaN without positive weight. */
    static double averagePrecision(Ranked r) {
        if (r.pos().length == 0) return Double.NaN;
        double[] ap = {0};
        double[] prevTp = {0};
        walk(r, (fp, tp, s) -> {
            if (tp != prevTp[0]) {
                ap[0] += (tp - prevTp[0]) / r.posSum() * (tp / (tp + fp));
                prevTp[0] = tp;
            }
        });
        return ap[0];
    }

    /**
     * The metrics as name → value, in a stable order (NaN as {@code null}), for JSON output. {@code weighted} and
     * {@code weightSum} are always present; {@code weightedConfusionMatrix} only where weights were given (it equals
     * {@code confusionMatrix} otherwise).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("weighted", weighted);
        m.put("weightSum", weightSum);
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
        if (weighted) {
            Map<String, Object> wc = new LinkedHashMap<>();
            wc.put("trueNegatives", weightedConfusion.trueNegatives());
            wc.put("falsePositives", weightedConfusion.falsePositives());
            wc.put("falseNegatives", weightedConfusion.falseNegatives());
            wc.put("truePositives", weightedConfusion.truePositives());
            m.put("weightedConfusionMatrix", wc);
        }
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
