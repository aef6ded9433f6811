package dev.logreg.cli;

import dev.logreg.data.Dataset;
import dev.logreg.io.Excerpt;
import dev.logreg.metrics.ClassLogProbabilities;
import dev.logreg.metrics.MulticlassMetrics;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.UndefinedLogitException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code logreg evaluate} for a K-class model: scores the data, computes {@link MulticlassMetrics} (log loss from the
 * model's log-probabilities), and prints them as a table or one JSON document, with the confusion-matrix heat map and
 * the per-class ROC curves where plots are asked for ({@link MulticlassPlots}). No threshold: each row is predicted as
 * its most probable class. Stateless.
 */
final class MulticlassEvaluation {
    private MulticlassEvaluation() {}

    /** Class names longer than this are cut in the table ("..." marks the cut); the JSON document has them whole. */
    static final int NAME_WIDTH = 24;

    /** The text output prints the confusion matrix up to this many classes (the JSON document and the plot always have it). */
    static final int MAX_PRINTED_MATRIX = 20;

    /**
     * Evaluates {@code model} on {@code data} and writes the report to {@code out}.
     *
     * @param model        the classifier, K = {@code model.classes()} (a binary model counts as K = 2)
     * @param data         labelled rows: class indices 0..K−1, {@code data.classes()} = K; weighted where it has weights
     * @param classNames   one name per class in index order, as the model file records them (cut to
     *                     {@link #NAME_WIDTH} characters in the table)
     * @param dataName     the data file, for the message about a row without a score
     * @param weightColumn the name of the weight column the weights came from, for the report; {@code null} where
     *                     unweighted
     * @param json         one JSON document ({@code header} first, then every metric, then the plots) instead of the table
     * @param plotDir      directory for {@code confusion-matrix.png} and {@code roc.png}, or {@code null} for none
     * @param force        whether existing read-only charts are replaced rather than refused
     * @param header       entries that open the JSON document (the model and data paths, say), in order; may be empty
     * @param out          where the report goes (flushed)
     * @return the metrics
     * @throws IllegalArgumentException where the model and the data disagree (classes, width), where the names do not
     *                                  number K, and where a row's logit is NaN (naming {@code dataName} and the row,
     *                                  1-based, as {@link ScoringData} does)
     */
    static MulticlassMetrics evaluate(LinearClassifier model, Dataset data, List<String> classNames, String dataName, String weightColumn,
                                      boolean json, Path plotDir, boolean force, Map<String, Object> header, PrintWriter out) throws IOException {
        return evaluate(model, data, classNames, dataName, weightColumn, json, plotDir, force, header, List.of(), out);
    }

    /**
     * As {@link #evaluate(LinearClassifier, Dataset, List, String, String, boolean, Path, boolean, Map, PrintWriter)},
     * with charts the caller has already written ({@code objective.png}, say) listed first among the plots.
     */
    static MulticlassMetrics evaluate(LinearClassifier model, Dataset data, List<String> classNames, String dataName, String weightColumn,
                                      boolean json, Path plotDir, boolean force, Map<String, Object> header, List<Path> writtenPlots,
                                      PrintWriter out) throws IOException {
        Objects.requireNonNull(classNames, "classNames");
        int k = model.classes();
        if (data.classes() != k) throw new IllegalArgumentException("the model has " + k + " classes, the data " + data.classes());
        if (classNames.size() != k) throw new IllegalArgumentException(classNames.size() + " class names for a model of " + k + " classes");
        if (data.cols() != model.features()) {
            throw new IllegalArgumentException("the data have " + data.cols() + " features, the model expects " + model.features());
        }
        double[] p;
        try {
            p = model.predictProbabilities(data);
        } catch (UndefinedLogitException e) {
            throw new IllegalArgumentException(dataName + ", data row " + (e.row() + 1) + " (1-based, header not counted): " + e.reason(), e);
        }
        double[] logP = ClassLogProbabilities.of(model, data); // no NaN logit left: predictProbabilities checked every one
        int[] y = MulticlassMetrics.classIndices(data);
        float[] w = data.copyWeights();
        MulticlassMetrics m = MulticlassMetrics.compute(p, logP, k, y, w);
        List<Path> plots = new java.util.ArrayList<>(writtenPlots);
        if (plotDir != null) plots.addAll(MulticlassPlots.write(plotDir, m, p, y, w, classNames, force));
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>(header);
            doc.put("weightColumn", weightColumn);
            doc.putAll(m.toMap(classNames));
            doc.put("plots", plots.stream().map(Path::toString).toList());
            out.println(Json.write(doc));
        } else {
            table(m, classNames, weightColumn, out);
            if (plotDir != null && k > MulticlassPlots.MAX_ROC_CLASSES) {
                out.printf(Locale.ROOT, "ROC curves are drawn for at most %d classes; this model has %d%n", MulticlassPlots.MAX_ROC_CLASSES, k);
            }
            for (Path f : plots) out.println("plot written to " + f);
        }
        out.flush();
        return m;
    }

    /** The human report: totals, the three averages, the per-class table and (up to {@link #MAX_PRINTED_MATRIX}) the matrix. */
    static void table(MulticlassMetrics m, List<String> names, String weightColumn, PrintWriter out) {
        int k = m.classes();
        out.printf(Locale.ROOT, "rows               %d%n", m.rows());
        out.printf(Locale.ROOT, "classes            %d%n", k);
        if (m.weighted()) {
            out.printf(Locale.ROOT, "sample weights     column '%s', sum %s: every metric below is weighted%n",
                    weightColumn == null ? "?" : Excerpt.of(weightColumn), EvaluateCommand.weightSum(m.weightSum()));
        }
        out.printf(Locale.ROOT, "log loss           %.6f%n", m.logLoss());
        out.printf(Locale.ROOT, "accuracy           %.6f%n", m.accuracy());
        out.printf(Locale.ROOT, "ROC AUC            %s (one-vs-rest, macro mean over %s)%n", number(m.macroRocAuc()),
                m.rocAucClasses() == k ? "the " + k + " classes" : m.rocAucClasses() + " of " + k + " classes; undefined for a class with no row or every row");
        out.println();
        out.printf(Locale.ROOT, "%-10s %10s %10s %10s%n", "average", "precision", "recall", "F1");
        average(out, "macro", m.macro());
        average(out, "micro", m.micro());
        average(out, "weighted", m.weightedAverage());
        if (m.averagedClasses() < k) {
            out.printf(Locale.ROOT, "(averages over the %d classes that occur as a label or a prediction; %d never do)%n",
                    m.averagedClasses(), k - m.averagedClasses());
        }
        out.println();
        int width = 5;
        for (String s : names) width = Math.max(width, Math.min(NAME_WIDTH, s.length()));
        String nameFormat = "%-" + width + "s";
        out.printf(Locale.ROOT, nameFormat + " %10s %10s %10s %10s %10s%n", "class", "precision", "recall", "F1", "support", "ROC AUC");
        for (MulticlassMetrics.ClassMetrics c : m.perClass()) {
            out.printf(Locale.ROOT, nameFormat + " %10.6f %10.6f %10.6f %10s %10s%n", shorten(names.get(c.index()), width), c.precision(), c.recall(),
                    c.f1(), m.weighted() ? EvaluateCommand.weightSum(c.support()) : Long.toString(c.rows()), number(c.rocAuc()));
        }
        out.println("(precision, recall, F1 are 0 where their denominator is 0: scikit-learn's zero_division=0)");
        out.println();
        if (k > MAX_PRINTED_MATRIX) {
            out.printf(Locale.ROOT, "confusion matrix   %d x %d: in --json and --plot%n", k, k);
            return;
        }
        printMatrix(m, names, false, nameFormat, out);
        if (m.weighted()) printMatrix(m, names, true, nameFormat, out);
    }

    private static void printMatrix(MulticlassMetrics m, List<String> names, boolean weighted, String nameFormat, PrintWriter out) {
        int k = m.classes();
        out.println(weighted ? "weighted confusion matrix (sums of sample weights; rows: actual, columns: predicted)"
                : "confusion matrix (rows: actual, columns: predicted)");
        int cell = 6;
        for (String s : names) cell = Math.max(cell, Math.min(16, s.length()));
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) cell = Math.max(cell, cell(m, t, p, weighted).length());
        }
        String cellFormat = " %" + cell + "s";
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, nameFormat, ""));
        for (String s : names) head.append(String.format(Locale.ROOT, cellFormat, shorten(s, cell)));
        out.println(head);
        for (int t = 0; t < k; t++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, nameFormat, shorten(names.get(t), NAME_WIDTH)));
            for (int p = 0; p < k; p++) row.append(String.format(Locale.ROOT, cellFormat, cell(m, t, p, weighted)));
            out.println(row);
        }
    }

    private static String cell(MulticlassMetrics m, int t, int p, boolean weighted) {
        return weighted ? EvaluateCommand.weightSum(m.weightedConfusion(t, p)) : Long.toString(m.confusion(t, p));
    }

    /** A class name for the table: control characters as '?' ({@link Excerpt}), cut to {@code width} characters. */
    static String shorten(String name, int width) {
        String s = Excerpt.of(name);
        return s.length() <= width ? s : s.substring(0, width - 3) + "...";
    }

    private static void average(PrintWriter out, String name, MulticlassMetrics.Average a) {
        out.printf(Locale.ROOT, "%-10s %10.6f %10.6f %10.6f%n", name, a.precision(), a.recall(), a.f1());
    }

    /** A metric for the table: six decimals, or "undefined" for NaN. */
    private static String number(double v) {
        return Double.isNaN(v) ? "undefined" : String.format(Locale.ROOT, "%.6f", v);
    }
}
