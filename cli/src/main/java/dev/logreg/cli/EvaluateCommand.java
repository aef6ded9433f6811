package dev.logreg.cli;

import dev.logreg.io.LoadedData;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import dev.logreg.metrics.BinaryMetrics;
import dev.logreg.metrics.ConfusionMatrix;
import dev.logreg.metrics.WeightedConfusionMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import dev.logreg.model.LogisticModel;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code logreg evaluate}: metrics of a model on labelled data, and optional plots. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on labelled data: log loss, accuracy, precision, recall, F1, ROC AUC, PR AUC (average precision),",
                "Brier score and the confusion matrix. K-class models: multiclass log loss, accuracy, macro, micro and weighted",
                "precision/recall/F1, per-class precision/recall/F1/support/ROC AUC (one-vs-rest) and the K x K confusion matrix;",
                "each row is predicted as its most probable class. Every row counts once; with --weight NAME (a CSV column of",
                "sample weights) every metric and plot is weighted as scikit-learn's sample_weight weights it, and the output says so."},
        footer = {"", "Examples:",
                "  logreg evaluate --model model.json --data data/breast-cancer.csv",
                "  logreg evaluate --model model.json --data test.csv --json --plot plots/",
                "  logreg evaluate --model model.json --data test.csv --weight w",
                "  logreg evaluate --model wine.json --data data/wine.csv --plot plots/"})
final class EvaluateCommand implements Callable<Integer> {
    @ParentCommand
    LogregCommand parent;

    @Mixin
    ModelOption modelOption;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--label", paramLabel = "NAME", description = "CSV label column (default: the one the model was trained with).")
    String label;

    @Option(names = "--weight", paramLabel = "NAME",
            description = "CSV column of non-negative sample weights; every metric is then weighted (scikit-learn's sample_weight).")
    String weight;

    @Option(names = "--threshold", paramLabel = "T", description = "Binary models: probability threshold of the threshold metrics (default: 0.5)."
            + " K-class models take none: each row is predicted as its most probable class.")
    Double threshold;

    @Option(names = "--json", description = "Print the metrics as one JSON document.")
    boolean json;

    @Option(names = "--plot", paramLabel = "DIR", description = "Write PNG charts here: objective per iteration, ROC, precision-recall, calibration;"
            + " K-class models: objective per iteration, confusion-matrix.png (a heat map) and roc.png (each class against the rest, up to 10 classes).")
    Path plot;

    @Mixin
    ForceOption forceOption;

    @Mixin
    VerboseOption verboseOption;

    @Override
    public Integer call() throws Exception {
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("--threshold is " + threshold + ", expected a number in [0, 1]");
        }
        SavedModel m = ModelFile.read(modelOption.model);
        if (!(m.classifier() instanceof LogisticModel)) return evaluateClasses(m);
        double threshold = this.threshold == null ? 0.5 : this.threshold;
        LoadedData d = ScoringData.read(m, dataOptions, label, weight, true);
        double[] z = ScoringData.logits(m, d, dataOptions);
        float[] y = BinaryMetrics.labels(d.dataset());
        // The reader has already rejected negative and non-finite weights, naming the file, line and column.
        float[] w = BinaryMetrics.weights(d.dataset());
        BinaryMetrics metrics = BinaryMetrics.compute(z, y, w, threshold);
        List<Path> plots = plot == null ? List.of() : Plots.write(plot, m, z, y, w, metrics.rocAuc(), metrics.averagePrecision(), forceOption.force);
        PrintWriter out = parent.out;
        if (json) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("model", modelOption.model.toString());
            s.put("data", dataOptions.data.toString());
            s.put("weightColumn", weight);
            s.putAll(metrics.toMap());
            s.put("plots", plots.stream().map(Path::toString).toList());
            out.println(Json.write(s));
        } else {
            out.printf(Locale.ROOT, "rows               %d%n", metrics.rows());
            if (metrics.weighted()) {
                out.printf(Locale.ROOT, "sample weights     column '%s', sum %s: every metric below is weighted%n", weight, weightSum(metrics.weightSum()));
            }
            out.printf(Locale.ROOT, "log loss           %.6f%n", metrics.logLoss());
            out.printf(Locale.ROOT, "accuracy           %.6f%n", metrics.accuracy());
            out.printf(Locale.ROOT, "precision          %.6f%n", metrics.precision());
            out.printf(Locale.ROOT, "recall             %.6f%n", metrics.recall());
            out.printf(Locale.ROOT, "F1                 %.6f%n", metrics.f1());
            out.printf(Locale.ROOT, "ROC AUC            %.6f%n", metrics.rocAuc());
            out.printf(Locale.ROOT, "PR AUC (avg prec.) %.6f%n", metrics.averagePrecision());
            out.printf(Locale.ROOT, "Brier score        %.6f%n", metrics.brierScore());
            ConfusionMatrix c = metrics.confusion();
            String neg = m.labels().format(0);
            String pos = m.labels().format(1);
            out.printf(Locale.ROOT, "confusion matrix at threshold %s (rows: actual, columns: predicted)%n", threshold);
            out.printf(Locale.ROOT, "%12s %10s %10s%n", "", neg, pos);
            out.printf(Locale.ROOT, "%12s %10d %10d%n", neg, c.trueNegatives(), c.falsePositives());
            out.printf(Locale.ROOT, "%12s %10d %10d%n", pos, c.falseNegatives(), c.truePositives());
            if (metrics.weighted()) {
                WeightedConfusionMatrix wc = metrics.weightedConfusion();
                out.printf(Locale.ROOT, "weighted confusion matrix at threshold %s (sums of sample weights)%n", threshold);
                out.printf(Locale.ROOT, "%12s %10s %10s%n", "", neg, pos);
                out.printf(Locale.ROOT, "%12s %10s %10s%n", neg, weightSum(wc.trueNegatives()), weightSum(wc.falsePositives()));
                out.printf(Locale.ROOT, "%12s %10s %10s%n", pos, weightSum(wc.falseNegatives()), weightSum(wc.truePositives()));
            }
            for (Path p : plots) out.println("plot written to " + p);
        }
        out.flush();
        return Cli.OK;
    }

    /**
     * A K-class model: {@link MulticlassEvaluation} on the data read onto the model's classes (a label that is not one of
     * them is the reader's error, naming the line), with objective.png beside its charts where the model has a history.
     */
    private int evaluateClasses(SavedModel m) throws IOException {
        int k = m.classifier().classes();
        if (threshold != null) {
            throw new IllegalArgumentException("--threshold applies to binary models; " + modelOption.model + " has " + k
                    + " classes, and each row is predicted as its most probable class");
        }
        LoadedData d = ScoringData.read(m, dataOptions, label, weight, true);
        List<String> classNames = new ArrayList<>(k);
        for (int c = 0; c < k; c++) classNames.add(m.labels().name(c));
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("model", modelOption.model.toString());
        header.put("data", dataOptions.data.toString());
        // The objective chart first, as for binary models; MulticlassEvaluation lists it before its own charts.
        List<Path> objective = List.of();
        if (plot != null && !m.history().isEmpty()) {
            Plots.prepare(plot);
            objective = List.of(Plots.save(Plots.objective(m.history(), m.optimizer()), plot, "objective", forceOption.force));
        }
        MulticlassEvaluation.evaluate(m.classifier(), d.dataset(), classNames, dataOptions.data.toString(), weight, json, plot, forceOption.force,
                header, objective, parent.out);
        return Cli.OK;
    }

    /** A sum of weights for people: 6 significant digits without trailing zeros (17.5, 249, 0.333333, 1.23457E+10). */
    static String weightSum(double v) {
        BigDecimal r = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
        return Math.abs(v) < 1e9 ? r.toPlainString() : r.toString();
    }
}
