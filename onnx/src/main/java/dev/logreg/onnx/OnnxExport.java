package dev.logreg.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.io.AtomicFile;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.onnx.proto.OnnxMl.ModelProto;
import dev.logreg.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.logreg.onnx.proto.OnnxMl.StringStringEntryProto;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Exports a logreg model to ONNX, so that ONNX Runtime (Python, C#, JavaScript, C++, Java) and other ONNX runtimes
 * score it. The graph has the inputs and outputs of scikit-learn's converter (skl2onnx):
 *
 * <ul>
 *   <li>input {@code X}: [N, n], float32 (or float64, {@link Options#withInput}), the features in the model's order
 *   (metadata {@code logreg.feature_names} where the model has names);</li>
 *   <li>output {@code label}: [N], the most probable class in the training file's encoding: int64 where its labels
 *   were numbers (0/1, -1/+1, 1/2/3), string where they were text;</li>
 *   <li>output {@code probabilities}: [N, K], one column per class in the order of metadata {@code logreg.classes}
 *   (binary: [1 − P, P], P the probability of the second class).</li>
 * </ul>
 *
 * The logits are {@code MatMul(X, W) + b} with the model's coefficients, then {@code Sigmoid} (binary),
 * {@code Softmax} (multinomial) or, for one-vs-rest, scikit-learn's normalisation σ(z_c)/Σσ(z_e) computed as logreg
 * computes it, in the log domain: Softmax of log σ(z) = min(z, 0) − log(1 + e^−|z|). Labels follow logreg exactly:
 * binary, the second class where P ≥ 0.5 ({@code predict}'s default threshold); K classes, the largest logit, the
 * lowest class among ties ({@code ArgMax}).
 *
 * <p><b>Precision.</b> {@link Precision#DOUBLE} (the default) keeps the coefficients, the products, the sums and the
 * probabilities in float64, as logreg scores (a float32 input is cast to float64 first): the probabilities agree with
 * logreg's to about 1e-15, checked to 1e-6 in the tests. {@link Precision#FLOAT} rounds the coefficients to float32
 * and computes in float32, for runtimes without float64 kernels (the browser, some accelerators): probabilities within
 * 1e-5 of logreg's on the bundled data, and a label can differ on a row whose probability is within about 1e-6 of 0.5
 * (or whose top two logits are that close).
 *
 * <p><b>Versions.</b> ONNX IR version {@value #IR_VERSION} and opset {@value #OPSET} of the default domain only (no
 * {@code ai.onnx.ml} operator): ONNX 1.8 (2020) and every ONNX Runtime since 1.6 read it. Provenance goes into the
 * model's {@code metadata_props}: the logreg version that trained the model and the one that exported it, the
 * objective, status, optimizer, backend and the training options of the model file (as JSON).
 *
 * <p>Stateless and thread-safe. The coefficients are read through the models' public accessors, so a model of any
 * storage (one trained on sparse rows too) exports to the same dense graph, which scores dense input.
 */
public final class OnnxExport {
    private OnnxExport() {}

    /** The ONNX IR version written (ONNX 1.8, 2020). */
    public static final long IR_VERSION = 7;
    /** The opset of the default ONNX domain the graph uses (GreaterOrEqual needs 12; Softmax's one-axis form 13). */
    public static final long OPSET = 13;
    /**
     * The most bytes of coefficients and names an export writes: protobuf, ONNX's encoding, holds messages of less
     * than 2 GiB; 64 MiB is left for everything else.
     */
    public static final long MAX_BYTES = Integer.MAX_VALUE - (64L << 20);

    /** The element type of the graph's arithmetic or of its input. */
    public enum Precision {
        /** float32. */
        FLOAT,
        /** float64. */
        DOUBLE;

        int onnxType() {
            return this == DOUBLE ? OnnxGraph.DOUBLE : OnnxGraph.FLOAT;
        }

        /** {@code float32} or {@code float64}. */
        public String typeName() {
            return this == DOUBLE ? "float64" : "float32";
        }
    }

    /**
     * What graph to write.
     *
     * @param graph the arithmetic: coefficients, logits and probabilities ({@link Precision#DOUBLE}: as logreg)
     * @param input the element type of input {@code X} (cast to {@code graph} where they differ)
     */
    public record Options(Precision graph, Precision input) {
        /** A float64 graph on a float32 input {@code X}. */
        public static final Options DEFAULT = new Options(Precision.DOUBLE, Precision.FLOAT);

        public Options {
            Objects.requireNonNull(graph, "graph");
            Objects.requireNonNull(input, "input");
        }

        /** These options with the arithmetic in {@code p}. */
        public Options withGraph(Precision p) {
            return new Options(p, input);
        }

        /** These options with input {@code X} of element type {@code p}. */
        public Options withInput(Precision p) {
            return new Options(graph, p);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The ONNX model of {@code saved} (its classifier, classes and provenance).
     *
     * @throws IllegalArgumentException where the model is too large for one ONNX file ({@link #MAX_BYTES})
     */
    public static ModelProto toOnnx(SavedModel saved, Options options) {
        Objects.requireNonNull(saved, "saved");
        Objects.requireNonNull(options, "options");
        LinearClassifier m = saved.classifier();
        int n = m.features();
        int k = m.classes();
        int columns = m instanceof LogisticModel ? 1 : k; // the binary model has one logit
        checkSize(n, columns, m.featureNames(), options.graph());
        int t = options.graph().onnxType();
        String strategy = saved.strategy();

        OnnxGraph g = new OnnxGraph("logreg_" + strategy, describe(saved, options));
        g.input(OnnxGraph.value("X", options.input().onnxType(), n + " features per row, in the model's order"
                + (m.featureNames() == null ? "" : " (metadata logreg.feature_names)"), "N", (long) n));
        String x = "X";
        if (options.input() != options.graph()) x = g.node("Cast", "X_cast", List.of("X"), OnnxGraph.intAttribute("to", t));

        String w = g.real("coefficients", t, transposedCoefficients(m, n, columns), n, columns);
        String z = g.node("MatMul", m.fitIntercept() ? "products" : "logits", List.of(x, w));
        if (m.fitIntercept()) z = g.node("Add", "logits", List.of(z, g.real("intercepts", t, intercepts(m, columns), columns)));

        String index;
        if (m instanceof LogisticModel) {
            String p = g.node("Sigmoid", "p1", List.of(z));
            String q = g.node("Sub", "p0", List.of(g.scalar("one", t, 1.0), p));
            g.node("Concat", "probabilities", List.of(q, p), OnnxGraph.intAttribute("axis", 1));
            // P >= 0.5, as logreg predicts (not z >= 0: they differ where |z| < 1e-16 and σ(z) rounds to 0.5).
            String positive = g.node("GreaterOrEqual", "positive", List.of(p, g.scalar("half", t, 0.5)));
            String column = g.node("Cast", "class_column", List.of(positive), OnnxGraph.intAttribute("to", OnnxGraph.INT64));
            index = g.node("Squeeze", "class_index", List.of(column, g.int64("column_axis", new long[] {1}, 1)));
        } else {
            String scores = z;
            if (m instanceof OneVsRestModel) {
                // log σ(z) = min(z, 0) − log(1 + e^−|z|): finite for every finite z, so rows far from every class
                // (all σ(z_c) underflowing to 0, where σ/Σσ is 0/0) still get probabilities, as in OneVsRestModel.
                String e = g.node("Exp", "exp_neg_abs", List.of(g.node("Neg", "neg_abs", List.of(g.node("Abs", "abs_logits", List.of(z))))));
                String log1p = g.node("Log", "log1p_exp", List.of(g.node("Add", "one_plus_exp", List.of(e, g.scalar("one", t, 1.0)))));
                String low = g.node("Min", "min_logits_zero", List.of(z, g.scalar("zero", t, 0.0)));
                scores = g.node("Sub", "log_sigmoid", List.of(low, log1p));
            }
            g.node("Softmax", "probabilities", List.of(scores), OnnxGraph.intAttribute("axis", 1));
            index = g.node("ArgMax", "class_index", List.of(z), OnnxGraph.intAttribute("axis", 1), OnnxGraph.intAttribute("keepdims", 0));
        }
        LabelMapping labels = saved.labels();
        String classes = labels.numeric() ? g.int64("classes", classValues(labels), k) : g.strings("classes", labels.names());
        g.node("Gather", "label", List.of(classes, index), OnnxGraph.intAttribute("axis", 0));
        g.output(OnnxGraph.value("label", labels.numeric() ? OnnxGraph.INT64 : OnnxGraph.STRING,
                "the most probable class, as the training file wrote it", "N"));
        g.output(OnnxGraph.value("probabilities", t, "one column per class, in the order of metadata logreg.classes", "N", (long) k));

        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("logreg")
                .setProducerVersion(ModelFile.libraryVersion())
                .setDomain("dev.logreg")
                .setDocString(describe(saved, options))
                .setGraph(g.build());
        metadata(saved, options).forEach((key, value) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }

    /** The serialized ONNX model of {@code saved} ({@link #toOnnx}); what {@link #write} writes. */
    public static byte[] toBytes(SavedModel saved, Options options) {
        return toOnnx(saved, options).toByteArray();
    }

    /**
     * Writes the ONNX model of {@code saved} to {@code file} atomically ({@link AtomicFile}: a temporary file beside
     * it, forced to disk and renamed over it; a failure leaves an existing file as it was).
     *
     * @param replaceReadOnly whether an existing read-only file is replaced (the command line's {@code --force})
     * @throws dev.logreg.io.OutputRefusedException where {@code file} is a directory, or read-only without
     *                                              {@code replaceReadOnly}
     * @throws IllegalArgumentException             where the model is too large for one ONNX file
     * @throws IOException                          where the file cannot be written
     */
    public static void write(Path file, SavedModel saved, Options options, boolean replaceReadOnly) throws IOException {
        ModelProto model = toOnnx(saved, options);
        AtomicFile.write(file, replaceReadOnly, model::writeTo);
    }

    /** {@link #write(Path, SavedModel, Options, boolean)}, refusing a read-only {@code file}. */
    public static void write(Path file, SavedModel saved, Options options) throws IOException {
        write(file, saved, options, false);
    }

    /** Refuses a model whose coefficients (of {@code p}) and names exceed {@link #MAX_BYTES}. */
    static void checkSize(int features, int columns, List<String> names, Precision p) {
        long bytes = (long) features * columns * (p == Precision.DOUBLE ? Double.BYTES : Float.BYTES);
        if (names != null) {
            for (String s : names) bytes += 3L * s.length() + 4; // UTF-8 and JSON quoting, at most
        }
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the model's %d x %d coefficients%s take %,d bytes in %s, "
                            + "more than one ONNX file holds (protobuf's 2 GiB)%s", columns, features,
                    names == null ? "" : " and feature names", bytes, p.typeName(),
                    p == Precision.DOUBLE ? "; float32 coefficients (--precision float) take half" : ""));
        }
    }

    /** W as [n, columns], row-major: feature j's coefficient of class c at j·columns + c. */
    private static double[] transposedCoefficients(LinearClassifier m, int n, int columns) {
        double[] w = new double[Math.multiplyExact(n, columns)];
        if (m instanceof LogisticModel b) {
            for (int j = 0; j < n; j++) w[j] = b.coefficient(j);
        } else if (m instanceof SoftmaxModel s) {
            for (int c = 0; c < columns; c++) for (int j = 0; j < n; j++) w[j * columns + c] = s.coefficient(c, j);
        } else {
            OneVsRestModel o = (OneVsRestModel) m;
            for (int c = 0; c < columns; c++) {
                LogisticModel b = o.model(c);
                for (int j = 0; j < n; j++) w[j * columns + c] = b.coefficient(j);
            }
        }
        return w;
    }

    private static double[] intercepts(LinearClassifier m, int columns) {
        double[] b = new double[columns];
        if (m instanceof LogisticModel l) b[0] = l.intercept();
        else if (m instanceof SoftmaxModel s) for (int c = 0; c < columns; c++) b[c] = s.intercept(c);
        else for (int c = 0; c < columns; c++) b[c] = ((OneVsRestModel) m).model(c).intercept();
        return b;
    }

    private static long[] classValues(LabelMapping labels) {
        long[] v = new long[labels.classes()];
        for (int c = 0; c < v.length; c++) v[c] = (long) labels.value(c); // integers of magnitude ≤ 2^53
        return v;
    }

    /** One paragraph for the model's and the graph's doc_string. */
    private static String describe(SavedModel saved, Options o) {
        LinearClassifier m = saved.classifier();
        String what = switch (saved.strategy()) {
            case "binary" -> "binary logistic regression: probabilities [1 - P, P] with P = sigmoid(X W + b), label the second class where P >= 0.5";
            case "multinomial" -> "multinomial logistic regression: probabilities softmax(X W + b), label the class of the largest logit";
            default -> "one-vs-rest logistic regression: probabilities sigmoid(z_c) / sum_e sigmoid(z_e) with z = X W + b, "
                    + "label the class of the largest logit";
        };
        return "logreg " + what + "; " + m.classes() + " classes " + saved.labels() + ", " + m.features() + " features, "
                + (m.fitIntercept() ? "with" : "no") + " intercept; computed in " + o.graph().typeName() + " on an input X of "
                + o.input().typeName() + ".";
    }

    /** The model's provenance as metadata_props, in a stable order. */
    static Map<String, String> metadata(SavedModel saved, Options o) {
        LinearClassifier m = saved.classifier();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("logreg.version", saved.libraryVersion());
        p.put("logreg.exported_by", "logreg " + ModelFile.libraryVersion());
        p.put("logreg.strategy", saved.strategy());
        List<Object> classes = new ArrayList<>();
        LabelMapping labels = saved.labels();
        for (int c = 0; c < labels.classes(); c++) classes.add(labels.numeric() ? (Object) (long) labels.value(c) : labels.name(c));
        p.put("logreg.classes", json(classes));
        p.put("logreg.features", Integer.toString(m.features()));
        if (m.featureNames() != null) p.put("logreg.feature_names", json(m.featureNames()));
        p.put("logreg.fit_intercept", Boolean.toString(m.fitIntercept()));
        p.put("logreg.precision", o.graph().typeName());
        p.put("logreg.input", o.input().typeName());
        if (Double.isFinite(saved.objective())) p.put("logreg.objective", Double.toString(saved.objective()));
        p.put("logreg.status", saved.status().name());
        p.put("logreg.iterations", Integer.toString(saved.iterations()));
        if (!saved.optimizer().isEmpty()) p.put("logreg.optimizer", saved.optimizer());
        if (!saved.backend().isEmpty()) p.put("logreg.backend", saved.backend());
        p.put("logreg.training", json(saved.training()));
        return p;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }
}
