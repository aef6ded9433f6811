package dev.logreg.cli;

import dev.logreg.io.AtomicFile;
import dev.logreg.io.Excerpt;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LinearClassifier;
import dev.logreg.onnx.OnnxExport;
import dev.logreg.onnx.OnnxExport.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code logreg export}: the model in a format other runtimes score (ONNX, {@link OnnxExport}). */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a model for other runtimes: ONNX, scored by ONNX Runtime from Python,",
                "C#, JavaScript, C++ or Java. The graph takes X, float32 [N, n] (the model's",
                "features in order) and gives label [N] (the training file's labels: int64, or",
                "string for text labels) and probabilities [N, K] (binary: [1-P, P]), as",
                "scikit-learn's converter does."},
        footer = {"", "Examples:",
                "  logreg export --model model.json --format onnx --out model.onnx",
                "  logreg export --model model.json --out model-f32.onnx --precision float",
                "", "Exit codes: 0 written, 2 bad usage, a bad model file or a read-only or unwritable --out, 1 other failures."})
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    LogregCommand parent;

    @Mixin
    ModelOption modelOption;

    @Option(names = "--format", paramLabel = "onnx", defaultValue = "onnx", description = "Export format (default: ${DEFAULT-VALUE}; the only one so far).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Write the exported model here (atomically).")
    Path out;

    @Option(names = "--precision", paramLabel = "double|float", defaultValue = "double",
            description = "Arithmetic of the graph: double keeps the coefficients and probabilities in float64, as logreg scores "
                    + "(default); float rounds them to float32, for runtimes without float64 (probabilities within about 1e-5).")
    String precision;

    @Option(names = "--double-input", description = "Input X as float64 rather than float32.")
    boolean doubleInput;

    @Mixin
    ForceOption forceOption;

    @Mixin
    VerboseOption verboseOption;

    @Override
    public Integer call() throws Exception {
        if (!format.equalsIgnoreCase("onnx")) throw new IllegalArgumentException("--format is " + Excerpt.quoted(format) + ", expected onnx");
        OnnxExport.Options options = OnnxExport.Options.DEFAULT.withGraph(precision()).withInput(doubleInput ? Precision.DOUBLE : Precision.FLOAT);
        AtomicFile.checkWritable(out, forceOption.force); // refused before the model is read
        SavedModel saved = ModelFile.read(modelOption.model);
        OnnxExport.write(out, saved, options, forceOption.force);
        LinearClassifier m = saved.classifier();
        int k = m.classes();
        parent.out.println("wrote " + out + ": " + saved.strategy() + " model, " + k + " classes " + saved.labels() + ", " + m.features()
                + " features; input X " + options.input().typeName() + " [N, " + m.features() + "], outputs label ("
                + (saved.labels().numeric() ? "int64" : "string") + " [N]) and probabilities (" + options.graph().typeName()
                + " [N, " + k + "]); ONNX IR version " + OnnxExport.IR_VERSION + ", opset " + OnnxExport.OPSET);
        parent.out.flush();
        return Cli.OK;
    }

    private Precision precision() {
        return switch (precision.toLowerCase(Locale.ROOT)) {
            case "double" -> Precision.DOUBLE;
            case "float" -> Precision.FLOAT;
            default -> throw new IllegalArgumentException("--precision is " + Excerpt.quoted(precision) + ", expected double or float");
        };
    }
}
