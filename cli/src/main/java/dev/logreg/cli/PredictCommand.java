package dev.logreg.cli;

import dev.logreg.io.LoadedData;
import dev.logreg.io.AtomicFile;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code logreg predict}: probabilities and labels, one row per input row. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict with a model: writes CSV with a header and one row per input row.",
                "A binary model: the probability (of label 1) and the predicted label (in the",
                "training file's encoding: 0/1 or -1/+1). A K-class model: one probability per",
                "class (p_<class>) and the predicted class. CSV columns are matched to the",
                "model's features by header name (any order, extra columns ignored, a missing",
                "feature is an error); the label column is optional."},
        footer = {"", "Examples:",
                "  logreg predict --model model.json --data data/breast-cancer.csv",
                "  logreg predict --model model.json --data new.csv --threshold 0.3 --out predictions.csv"})
final class PredictCommand implements Callable<Integer> {
    @ParentCommand
    LogregCommand parent;

    @Mixin
    ModelOption modelOption;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--label", paramLabel = "NAME", description = "CSV label column, ignored if present (default: the one the model was trained with).")
    String label;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the predictions here (default: standard output).")
    Path out;

    @Mixin
    ForceOption forceOption;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.5", description = "Binary models: predict label 1 where the probability is >= T (default: ${DEFAULT-VALUE}). "
            + "K-class models predict the most probable class.")
    double threshold;

    @Mixin
    VerboseOption verboseOption;

    @Override
    public Integer call() throws Exception {
        if (!(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("--threshold is " + threshold + ", expected a number in [0, 1]");
        if (out != null) AtomicFile.checkWritable(out, forceOption.force); // refused before the data are read
        SavedModel m = ModelFile.read(modelOption.model);
        LoadedData d = ScoringData.read(m, dataOptions, label, false);
        // Binary models keep their two columns; K-class models write one probability column per class.
        boolean binary = m.classifier() instanceof dev.logreg.model.LogisticModel;
        double[] p = binary ? ScoringData.probabilities(m, d, dataOptions) : ScoringData.classProbabilities(m, d, dataOptions);
        if (out == null) {
            if (binary) write(parent.out, p, m);
            else writeClasses(parent.out, p, m);
            parent.out.flush();
        } else {
            AtomicFile.write(out, forceOption.force, stream -> {
                BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8));
                if (binary) write(w, p, m);
                else writeClasses(w, p, m);
                w.flush();
            });
        }
        return Cli.OK;
    }

    /**
     * K-class predictions: a header {@code p_<class>,...,label} (the classes as the training file wrote them, in class
     * order), then per row the K probabilities and the most probable class in the file's own encoding.
     */
    private static void writeClasses(Writer w, double[] p, SavedModel m) throws IOException {
        int k = m.classifier().classes();
        StringBuilder sb = new StringBuilder(64);
        for (int c = 0; c < k; c++) sb.append(csv("p_" + m.labels().name(c))).append(',');
        w.append(sb).append("label\n");
        for (int i = 0; i < p.length; i += k) {
            sb.setLength(0);
            int best = 0;
            for (int c = 0; c < k; c++) {
                sb.append(p[i + c]).append(',');
                if (p[i + c] > p[i + best]) best = c;
            }
            sb.append(csv(m.labels().name(best))).append('\n');
            w.append(sb);
        }
    }

    /** A CSV field: quoted where it holds a comma, quote or line break. */
    static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private void write(Writer w, double[] p, SavedModel m) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        w.write("probability,label\n");
        for (double v : p) {
            sb.setLength(0);
            sb.append(v).append(',').append(m.labels().format(v >= threshold ? 1 : 0)).append('\n');
            w.append(sb);
        }
    }
}
