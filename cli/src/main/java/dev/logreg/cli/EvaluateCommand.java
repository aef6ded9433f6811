package dev.logreg.cli;

import dev.logreg.io.LoadedData;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import dev.logreg.metrics.BinaryMetrics;
import dev.logreg.metrics.ConfusionMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code logreg evaluate}: metrics of a model on labelled data, and optional plots. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on labelled data: log loss, accuracy, precision, recall, F1, ROC AUC, PR AUC (average precision),",
                "Brier score and the confusion matrix. Every row counts once (sample weights are not applied)."},
        footer = {"", "Examples:",
                "  logreg evaluate --model model.json --data data/breast-cancer.csv",
                "  logreg evaluate --model model.json --data test.csv --json --plot plots/"})
final class EvaluateCommand implements Callable<Integer> {
    @ParentCommand
    LogregCommand parent;

    @Option(names = "--model", required = true, paramLabel = "MODEL.json", description = "Model file written by logreg train.")
    Path model;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--label", paramLabel = "NAME", description = "CSV label column (default: the one the model was trained with).")
    String label;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.5", description = "Probability threshold of the threshold metrics (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--json", description = "Print the metrics as one JSON document.")
    boolean json;

    @Option(names = "--plot", paramLabel = "DIR", description = "Write PNG charts here: objective per iteration, ROC, precision-recall, calibration.")
    Path plot;

    @Option(names = "--verbose", description = "Stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (!(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("--threshold is " + threshold + ", expected a number in [0, 1]");
        SavedModel m = ModelFile.read(model);
        LoadedData d = ScoringData.read(m, dataOptions, label, true);
        double[] z = m.model().decisionFunction(d.dataset());
        float[] y = BinaryMetrics.labels(d.dataset());
        BinaryMetrics metrics = BinaryMetrics.compute(z, y, threshold);
        List<Path> plots = plot == null ? List.of() : Plots.write(plot, m, z, y, metrics.rocAuc(), metrics.averagePrecision());
        PrintWriter out = parent.out;
        if (json) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("model", model.toString());
            s.put("data", dataOptions.data.toString());
            s.putAll(metrics.toMap());
            s.put("plots", plots.stream().map(Path::toString).toList());
            out.println(Json.write(s));
        } else {
            out.printf(Locale.ROOT, "rows               %d%n", metrics.rows());
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
            for (Path p : plots) out.println("plot written to " + p);
        }
        out.flush();
        return Cli.OK;
    }
}
