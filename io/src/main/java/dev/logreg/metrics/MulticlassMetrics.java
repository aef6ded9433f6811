package dev.logreg.metrics;

import dev.logreg.data.Dataset;
import dev.logreg.model.LinearClassifier;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Quality of a K-class classifier on labelled rows, optionally with per-row sample weights, with scikit-learn's
 * definitions (its {@code sample_weight} semantics: every count is a sum of weights, every mean a weighted mean).
 *
 * <p><b>Predictions.</b> Each row is predicted as its most probable class, the lowest index among exactly equal
 * probabilities (NumPy's {@code argmax} of {@code predict_proba}).
 *
 * <p><b>Log loss</b> −Σᵢ wᵢ log p_{i,yᵢ} / Σwᵢ. Given log-probabilities ({@link ClassLogProbabilities}), it is computed
 * from them, unclipped: exact, and finite wherever the model's logits are. Given only probabilities, each is clipped to
 * [ε, 1 − ε] with ε = 2⁻⁵² (scikit-learn's {@code log_loss} for float64), so a probability of 0 costs 36.04, not ∞.
 * The two agree to rounding wherever every true-class probability exceeds ε; {@link #logLossFromLogProbabilities()}
 * says which was used.
 *
 * <p><b>Precision, recall, F1</b> (per class c, from the weighted confusion matrix C, rows true, columns predicted):
 * precision = C[c][c] / Σ_t C[t][c], recall = C[c][c] / Σ_p C[c][p], F1 = 2PR / (P + R); a zero denominator gives 0
 * (scikit-learn's {@code zero_division=0}), and so does P + R = 0. Support is Σ_p C[c][p], the class's weight.
 * The averages run over the {@link #averagedClasses() classes that occur} (as a true label or a prediction of some
 * row, whatever its weight: scikit-learn's default {@code labels=None}, the union of {@code y_true} and {@code y_pred});
 * a class that neither occurs nor is predicted is listed per class with zeros and left out of the averages, so a model
 * is not marked down for a class the data cannot show. Macro: the plain mean over those classes. Micro: from the
 * summed counts (ΣC[c][c] / Σ predicted), which for single-label data equals the accuracy. Weighted: the mean weighted
 * by support (0 where every support is 0).
 *
 * <p><b>ROC AUC</b>, one-vs-rest: for each class, the binary ROC AUC of "is class c" against p_c ({@link BinaryMetrics}'
 * code: ties half credit, weighted). A class with no row of positive weight, or holding every such row, has no ROC
 * curve: its AUC is NaN ({@code null} in JSON), and the macro mean is taken over the classes where it is defined
 * ({@link #rocAucClasses()} of them; NaN if none). scikit-learn's
 * {@code roc_auc_score(multi_class='ovr', average='macro')} refuses such data; on data with every class present the
 * two agree.
 */
public final class MulticlassMetrics {
    /** Precision, recall and F1 averaged one way over the classes. */
    public record Average(double precision, double recall, double f1) {
    }

    /**
     * One class's row of the report.
     *
     * @param index     the class index in [0, K)
     * @param rows      rows whose true class is this one (every row counts once)
     * @param support   their weight (= rows where unweighted)
     * @param predicted weight of the rows predicted as this class
     * @param precision C[c][c] / predicted (0 where nothing is predicted as c)
     * @param recall    C[c][c] / support (0 where support is 0)
     * @param f1        2PR / (P + R) (0 where P + R = 0)
     * @param rocAuc    one-vs-rest ROC AUC; NaN where the class has no row of positive weight or every one
     * @param averaged  whether the class occurs (true label or prediction of some row) and so enters the averages
     */
    public record ClassMetrics(int index, long rows, double support, double predicted, double precision, double recall, double f1,
                               double rocAuc, boolean averaged) {
    }

    private final long rows;
    private final int classes;
    private final boolean weighted;
    private final double weightSum;
    private final double logLoss;
    private final boolean fromLogProbabilities;
    private final double accuracy;
    private final Average macro;
    private final Average micro;
    private final Average weightedAverage;
    private final List<ClassMetrics> perClass;
    private final long[] counts;
    private final double[] weights;
    private final double macroRocAuc;
    private final int rocAucClasses;
    private final int averagedClasses;

    private MulticlassMetrics(long rows, int classes, boolean weighted, double weightSum, double logLoss, boolean fromLogProbabilities,
                              double accuracy, Average macro, Average micro, Average weightedAverage, List<ClassMetrics> perClass,
                              long[] counts, double[] weights, double macroRocAuc, int rocAucClasses, int averagedClasses) {
        this.rows = rows;
        this.classes = classes;
        this.weighted = weighted;
        this.weightSum = weightSum;
        this.logLoss = logLoss;
        this.fromLogProbabilities = fromLogProbabilities;
        this.accuracy = accuracy;
        this.macro = macro;
        this.micro = micro;
        this.weightedAverage = weightedAverage;
        this.perClass = perClass;
        this.counts = counts;
        this.weights = weights;
        this.macroRocAuc = macroRocAuc;
        this.rocAucClasses = rocAucClasses;
        this.averagedClasses = averagedClasses;
    }

    /**
     * The metrics of {@code model} on {@code data} (class-index labels, {@code data.classes()} = K =
     * {@code model.classes()}), weighted by the data's sample weights where it has them; the log loss from
     * {@link ClassLogProbabilities}.
     *
     * @throws dev.logreg.model.UndefinedLogitException where a row's logit is NaN (from the model, naming the row)
     * @throws IllegalArgumentException                 where the model and the data disagree on K or the width
     */
    public static MulticlassMetrics compute(LinearClassifier model, Dataset data) {
        if (model.classes() != data.classes()) {
            throw new IllegalArgumentException("the model has " + model.classes() + " classes, the data " + data.classes());
        }
        double[] p = model.predictProbabilities(data);
        double[] logP = ClassLogProbabilities.of(model, data);
        return compute(p, logP, model.classes(), classIndices(data), data.copyWeights());
    }

    /** {@link #compute(double[], double[], int, int[], float[])} without log-probabilities (log loss from clipped p). */
    public static MulticlassMetrics compute(double[] probabilities, int classes, int[] labels, float[] weights) {
        return compute(probabilities, null, classes, labels, weights);
    }

    /**
     * Computes every metric.
     *
     * @param probabilities    row-major rows × K class probabilities, {@code [i·K + c]}, each in [0, 1] (not modified)
     * @param logProbabilities their natural logarithms, same layout, or {@code null} (see the class comment's log loss)
     * @param classes          K ≥ 2
     * @param labels           the true class of each row, in [0, K)
     * @param weights          a finite sample weight ≥ 0 per row, not all 0; or {@code null} for unit weights
     * @throws IllegalArgumentException on mismatched lengths, no rows, a label outside [0, K), a probability that is NaN
     *                                  or outside [0, 1], a NaN log-probability, a negative or non-finite weight (each
     *                                  naming its row), or all-zero weights
     */
    public static MulticlassMetrics compute(double[] probabilities, double[] logProbabilities, int classes, int[] labels, float[] weights) {
        Objects.requireNonNull(probabilities, "probabilities");
        Objects.requireNonNull(labels, "labels");
        int k = classes;
        if (k < 2) throw new IllegalArgumentException("classes is " + k + ", expected at least 2");
        int m = labels.length;
        if (m == 0) throw new IllegalArgumentException("no rows to evaluate");
        if (probabilities.length != (long) m * k) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + m + " rows x " + k + " classes, expected " + (long) m * k);
        }
        if (logProbabilities != null && logProbabilities.length != probabilities.length) {
            throw new IllegalArgumentException(logProbabilities.length + " log-probabilities for " + probabilities.length + " probabilities, expected one each");
        }
        if (weights != null && weights.length != m) {
            throw new IllegalArgumentException(weights.length + " sample weights for " + m + " labels, expected one per row");
        }
        BinaryMetrics.checkWeights(weights);
        int[] predicted = new int[m];
        long[] counts = new long[Math.multiplyExact(k, k)];
        double[] sums = new double[k * k];
        boolean[] occurs = new boolean[k];
        double ll = 0;
        double sumW = 0;
        for (int i = 0; i < m; i++) {
            int y = labels[i];
            if (y < 0 || y >= k) throw new IllegalArgumentException("label at row " + i + " is " + y + ", expected a class index in [0, " + k + ")");
            int best = 0;
            for (int c = 0; c < k; c++) {
                double p = probabilities[i * k + c];
                if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("probability of class " + c + " at row " + i + " is " + p + ", expected a number in [0, 1]");
                if (p > probabilities[i * k + best]) best = c;
            }
            double logP;
            if (logProbabilities != null) {
                logP = logProbabilities[i * k + y];
                if (Double.isNaN(logP)) throw new IllegalArgumentException("log-probability of class " + y + " at row " + i + " is NaN");
            } else {
                logP = Math.log(Math.min(Math.max(probabilities[i * k + y], EPSILON), 1 - EPSILON));
            }
            double w = weights == null ? 1 : weights[i];
            // w * (...) with w = 1 is exact, so unit weights give the unweighted sums bit for bit.
            ll -= w * logP;
            sumW += w;
            predicted[i] = best;
            counts[y * k + best]++;
            sums[y * k + best] += w;
            occurs[y] = true;
            occurs[best] = true;
        }
        if (!(sumW > 0)) throw new IllegalArgumentException("every sample weight is zero: the weighted metrics are undefined");

        double[] auc = rocAucs(probabilities, k, labels, weights);
        List<ClassMetrics> per = new ArrayList<>(k);
        double sumP = 0, sumR = 0, sumF = 0, wP = 0, wR = 0, wF = 0, support = 0, tpAll = 0, predictedAll = 0, aucSum = 0;
        int averaged = 0;
        int aucClasses = 0;
        for (int c = 0; c < k; c++) {
            double tp = sums[c * k + c];
            double trueW = 0, predW = 0;
            long trueRows = 0;
            for (int e = 0; e < k; e++) {
                trueW += sums[c * k + e];
                predW += sums[e * k + c];
                trueRows += counts[c * k + e];
            }
            double precision = predW == 0 ? 0 : tp / predW;
            double recall = trueW == 0 ? 0 : tp / trueW;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            per.add(new ClassMetrics(c, trueRows, trueW, predW, precision, recall, f1, auc[c], occurs[c]));
            if (occurs[c]) {
                averaged++;
                sumP += precision;
                sumR += recall;
                sumF += f1;
                wP += trueW * precision;
                wR += trueW * recall;
                wF += trueW * f1;
                support += trueW;
                tpAll += tp;
                predictedAll += predW;
            }
            if (!Double.isNaN(auc[c])) {
                aucClasses++;
                aucSum += auc[c];
            }
        }
        double microP = predictedAll == 0 ? 0 : tpAll / predictedAll;
        double microR = support == 0 ? 0 : tpAll / support;
        double microF = microP + microR == 0 ? 0 : 2 * microP * microR / (microP + microR);
        Average weightedAvg = support == 0 ? new Average(0, 0, 0) : new Average(wP / support, wR / support, wF / support);
        double correct = 0;
        for (int c = 0; c < k; c++) correct += sums[c * k + c];
        return new MulticlassMetrics(m, k, weights != null, sumW, ll / sumW, logProbabilities != null, correct / sumW,
                new Average(sumP / averaged, sumR / averaged, sumF / averaged), new Average(microP, microR, microF), weightedAvg,
                Collections.unmodifiableList(per), counts, sums, aucClasses == 0 ? Double.NaN : aucSum / aucClasses, aucClasses, averaged);
    }

    /** scikit-learn's clip of probabilities in {@code log_loss}: {@code np.finfo(np.float64).eps}, 2⁻⁵². */
    public static final double EPSILON = 0x1p-52;

    /** One-vs-rest ROC AUC of each class (NaN where undefined), through {@link BinaryMetrics#rocAuc}. */
    private static double[] rocAucs(double[] probabilities, int k, int[] labels, float[] weights) {
        int m = labels.length;
        double[] auc = new double[k];
        double[] scores = new double[m];
        float[] isClass = new float[m];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < m; i++) {
                scores[i] = probabilities[i * k + c];
                isClass[i] = labels[i] == c ? 1f : 0f;
            }
            auc[c] = BinaryMetrics.rocAuc(BinaryMetrics.Ranked.of(scores, isClass, weights));
        }
        return auc;
    }

    /** The class indices of {@code data}'s labels (at most 2^31 − 9 rows): the float labels as ints. */
    public static int[] classIndices(Dataset data) {
        float[] y = data.copyLabels();
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) out[i] = (int) y[i]; // Dataset checked them: whole numbers in [0, K)
        return out;
    }

    /** Rows evaluated (zero-weight rows included). */
    public long rows() { return rows; }

    /** K. */
    public int classes() { return classes; }

    /** Whether sample weights were given. */
    public boolean weighted() { return weighted; }

    /** Σwᵢ (the row count where unweighted). */
    public double weightSum() { return weightSum; }

    /** Multiclass log loss (cross-entropy), weighted mean of −log p_{yᵢ}. */
    public double logLoss() { return logLoss; }

    /** Whether the log loss came from log-probabilities (exact) rather than clipped probabilities. */
    public boolean logLossFromLogProbabilities() { return fromLogProbabilities; }

    /** Weight of correctly predicted rows over Σw. */
    public double accuracy() { return accuracy; }

    /** Plain mean of the per-class precision, recall and F1 over the {@link #averagedClasses()}. */
    public Average macro() { return macro; }

    /** Precision, recall and F1 of the summed counts (each equal to the accuracy for single-label data). */
    public Average micro() { return micro; }

    /** Mean of the per-class precision, recall and F1 weighted by support. */
    public Average weightedAverage() { return weightedAverage; }

    /** The number of classes in the averages: those that occur as a true label or a prediction. */
    public int averagedClasses() { return averagedClasses; }

    /** One entry per class, in class order. Unmodifiable. */
    public List<ClassMetrics> perClass() { return perClass; }

    /** Macro mean of the one-vs-rest ROC AUCs over the classes where it is defined; NaN where none is. */
    public double macroRocAuc() { return macroRocAuc; }

    /** The number of classes whose one-vs-rest ROC AUC is defined (the macro mean's denominator). */
    public int rocAucClasses() { return rocAucClasses; }

    /** Rows of true class {@code actual} predicted as {@code predicted} (every row counts once). */
    public long confusion(int actual, int predicted) { return counts[index(actual, predicted)]; }

    /** Weight of the rows of true class {@code actual} predicted as {@code predicted} (= the count where unweighted). */
    public double weightedConfusion(int actual, int predicted) { return weights[index(actual, predicted)]; }

    /** The K×K confusion matrix in rows, {@code [actual][predicted]}; a fresh array. */
    public long[][] confusionMatrix() {
        long[][] out = new long[classes][];
        for (int t = 0; t < classes; t++) out[t] = java.util.Arrays.copyOfRange(counts, t * classes, (t + 1) * classes);
        return out;
    }

    /** The K×K confusion matrix in sums of weights, {@code [actual][predicted]}; a fresh array. */
    public double[][] weightedConfusionMatrix() {
        double[][] out = new double[classes][];
        for (int t = 0; t < classes; t++) out[t] = java.util.Arrays.copyOfRange(weights, t * classes, (t + 1) * classes);
        return out;
    }

    /**
     * The metrics as name → value in a stable order, for JSON (NaN as {@code null}): the totals, {@code macro},
     * {@code micro}, {@code weightedAverage} (each precision, recall, f1), the ROC AUC summary, {@code perClass} (one
     * object per class: its name, index, rows, support, predicted, precision, recall, f1, rocAuc, averaged), and
     * {@code confusionMatrix} ({@code classes}: the names; {@code rows}: [actual][predicted] counts), with
     * {@code weightedConfusionMatrix} (sums of weights) where weights were given.
     *
     * @param classNames one name per class, in class order
     */
    public Map<String, Object> toMap(List<String> classNames) {
        if (classNames.size() != classes) throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("classes", classes);
        m.put("weighted", weighted);
        m.put("weightSum", weightSum);
        m.put("logLoss", finite(logLoss));
        m.put("logLossFrom", fromLogProbabilities ? "log-probabilities" : "probabilities clipped to [2^-52, 1 - 2^-52]");
        m.put("accuracy", finite(accuracy));
        m.put("averagedClasses", averagedClasses);
        m.put("macro", average(macro));
        m.put("micro", average(micro));
        m.put("weightedAverage", average(weightedAverage));
        m.put("macroRocAuc", finite(macroRocAuc));
        m.put("rocAucClasses", rocAucClasses);
        List<Map<String, Object>> per = new ArrayList<>(classes);
        for (ClassMetrics c : perClass) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("class", classNames.get(c.index()));
            e.put("index", c.index());
            e.put("rows", c.rows());
            e.put("support", c.support());
            e.put("predicted", c.predicted());
            e.put("precision", c.precision());
            e.put("recall", c.recall());
            e.put("f1", c.f1());
            e.put("rocAuc", finite(c.rocAuc()));
            e.put("averaged", c.averaged());
            per.add(e);
        }
        m.put("perClass", per);
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("classes", List.copyOf(classNames));
        cm.put("rows", confusionMatrix());
        m.put("confusionMatrix", cm);
        if (weighted) {
            Map<String, Object> wm = new LinkedHashMap<>();
            wm.put("classes", List.copyOf(classNames));
            wm.put("rows", weightedConfusionMatrix());
            m.put("weightedConfusionMatrix", wm);
        }
        return m;
    }

    private static Map<String, Object> average(Average a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", a.precision());
        m.put("recall", a.recall());
        m.put("f1", a.f1());
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private int index(int actual, int predicted) {
        Objects.checkIndex(actual, classes);
        Objects.checkIndex(predicted, classes);
        return actual * classes + predicted;
    }
}
