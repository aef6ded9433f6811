package dev.logreg.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.Status;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The model file: versioned JSON, for the CLI and for embedders. No Java serialization.
 *
 * <pre>{@code
 * { "format": "logreg-model", "formatVersion": 1, "libraryVersion": "0.1.0",
 *   "featureNames": ["a", "b"] | null, "coefficients": [..], "intercept": 0.5, "fitIntercept": true,
 *   "labels": {"negative": 0, "positive": 1},
 *   "training": {"loss": "log", "penalty": "l2", "lambda": 1.0, ...},
 *   "backend": "...", "optimizer": "lbfgs", "objective": 0.07, "status": "CONVERGED_GRADIENT", "message": "...",
 *   "iterations": 42, "seconds": 0.01,
 *   "history": [{"iteration": 1, "objective": .., "gradientNorm": .., "seconds": ..}, ..] }
 * }</pre>
 *
 * <p><b>Version 2</b> (K-class models, and binary models whose labels are not 0/1 or -1/+1, text say) replaces
 * {@code coefficients}, {@code intercept} and {@code labels} by {@code strategy} ({@code "multinomial"}, {@code "ovr"}
 * or {@code "binary"}), {@code classes} (as the training file held them, numbers or strings, in class order),
 * {@code coefficients} (K rows of n) and {@code intercepts} (K); see {@code ClassifierJson}. A binary model with 0/1
 * or -1/+1 labels is still written as version 1, byte for byte as before, so that every logreg that could read it
 * still can (scoring services are upgraded later than training jobs). Files of both versions load.
 *
 * <p><b>Version 3</b> stores coefficients sparse, where fewer than a third of them are nonzero (an L1 fit on a million
 * hashed features, say): the layout of version 1 or 2 as above, plus {@code "features": n}, with each coefficient row
 * written as {@code {"indices": [j, ...], "values": [θⱼ, ...]}} (0-based, strictly increasing; coefficients not listed
 * are 0). Only such models write 3; every other model writes 1 or 2 as before, byte for byte. A logreg that reads at
 * most version 2 refuses a version-3 file as newer (its message says to upgrade) rather than misread it.
 *
 * <p>Doubles are written in shortest round-trip form, so a model read back predicts bit-identically. Non-finite
 * history values are written as {@code null}. Writing is atomic: the JSON goes to a temporary file in the target's
 * directory, is forced to disk, and is renamed over the target with {@code ATOMIC_MOVE}, so a crash or an error
 * mid-write leaves the old file intact. Reading a corrupt, truncated or newer-version file is an
 * {@link IllegalArgumentException} saying which, in words of its own (no JSON library's internals), quoting at most
 * a bounded piece of the file ({@link Excerpt}).
 *
 * <p>A model that cannot score every row is refused at load, with the reason: feature names that repeat (columns
 * are matched by name), and coefficients so large that a row of finite float32 features could overflow its float64
 * logit. The rule: refuse where Σⱼ|θⱼ|·{@link Float#MAX_VALUE} + |b| ({@link LogisticModel#largestLogit()}) exceeds
 * {@link #LARGEST_LOGIT}, half of {@link Double#MAX_VALUE}. Below it, every term |θⱼxⱼ| and every partial sum of the
 * dot product is bounded by that sum (up to float64 rounding, a relative n·2⁻⁵³ far inside the factor 2), so no
 * logit of such a row is ±∞ and none is NaN (∞ − ∞); above it, some finite row overflows, and where terms of both
 * signs overflow its probability is undefined. The bound costs nothing a trained model could need: it allows
 * Σ|θⱼ| up to about 2.6e269 (a file with coefficients of ±1e308, the issue's example, is refused). Stateless and
 * thread-safe.
 */
public final class ModelFile {
    private ModelFile() {}

    /** The value of the {@code format} field. */
    public static final String FORMAT = "logreg-model";
    /**
     * The newest format version this library writes and reads: 3 where coefficients are stored sparse
     * ({@link #SPARSE_FORMAT_VERSION}); otherwise K-class models write 2 and binary 0/1, -1/+1 models 1.
     */
    public static final int FORMAT_VERSION = 3;

    /**
     * The format version of a file whose coefficients are stored sparse (fewer than a third nonzero): the layout of
     * version 1 or 2, with {@code "features": n} and each coefficient row as {@code {"indices": [...], "values": [...]}}.
     * A logreg that reads at most version 2 refuses such a file as newer, rather than misread it.
     */
    public static final int SPARSE_FORMAT_VERSION = 3;

    /** The format version of binary models with 0/1 or -1/+1 labels (what every earlier logreg reads). */
    public static final int BINARY_FORMAT_VERSION = 1;

    /**
     * The largest {@link LogisticModel#largestLogit()} a model file may have: {@code Double.MAX_VALUE / 2} (see the
     * class comment for why).
     */
    public static final double LARGEST_LOGIT = Double.MAX_VALUE / 2;

    /**
     * Whether {@code m}'s coefficients are stored sparse (fewer than a third nonzero, format version
     * {@value #SPARSE_FORMAT_VERSION}): what the file does, and what the server's {@code GET /model} follows.
     */
    public static boolean storesSparse(LinearClassifier m) {
        return CoefficientsJson.sparse(m);
    }

    /** The logreg version (from the io jar's build), or {@code "unknown"}. */
    public static String libraryVersion() {
        try (InputStream in = ModelFile.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The JSON tree of {@code m} (what {@link #write} writes). */
    public static ObjectNode toJson(SavedModel m) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", FORMAT);
        boolean v1 = m.classifier() instanceof LogisticModel && m.labels().isNumericBinary();
        boolean sparse = CoefficientsJson.sparse(m.classifier());
        root.put("formatVersion", sparse ? SPARSE_FORMAT_VERSION : v1 ? BINARY_FORMAT_VERSION : 2);
        root.put("libraryVersion", m.libraryVersion());
        if (sparse) root.put("features", m.classifier().features());
        if (m.classifier().featureNames() == null) root.putNull("featureNames");
        else {
            ArrayNode names = root.putArray("featureNames");
            m.classifier().featureNames().forEach(names::add);
        }
        if (v1) {
            LogisticModel model = m.model();
            if (sparse) {
                CoefficientsJson.writeSparse(root.putObject("coefficients"), model.coefficients());
            } else {
                ArrayNode coef = root.putArray("coefficients");
                for (double c : model.coefficients()) coef.add(c);
            }
            root.put("intercept", model.intercept());
            root.put("fitIntercept", model.fitIntercept());
            ObjectNode labels = root.putObject("labels");
            labels.put("negative", (long) m.labels().negative());
            labels.put("positive", (long) m.labels().positive());
        } else {
            root.put("fitIntercept", m.classifier().fitIntercept());
            ClassifierJson.write(root, m, sparse);
        }
        root.set("training", PlainJsonTree.of(m.training()));
        root.put("backend", m.backend());
        root.put("optimizer", m.optimizer());
        putFinite(root, "objective", m.objective());
        root.put("status", m.status().name());
        root.put("message", m.message());
        root.put("iterations", m.iterations());
        putFinite(root, "seconds", m.seconds());
        ArrayNode hist = root.putArray("history");
        for (SavedModel.HistoryPoint p : m.history()) {
            ObjectNode e = hist.addObject();
            e.put("iteration", p.iteration());
            putFinite(e, "objective", p.objective());
            putFinite(e, "gradientNorm", p.gradientNorm());
            putFinite(e, "seconds", p.seconds());
        }
        return root;
    }

    private static void putFinite(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) o.put(name, v);
        else o.putNull(name);
    }

    /**
     * Writes {@code model} to {@code file} atomically (see the class comment); the directory must exist.
     *
     * @throws IOException where the file cannot be written; the previous file, if any, is then left as it was
     */
    public static void write(Path file, SavedModel model) throws IOException {
        write(file, model, false);
    }

    /**
     * Writes {@code model} to {@code file} atomically, through symbolic links and keeping an existing file's
     * permissions ({@link AtomicFile}).
     *
     * @param replaceReadOnly whether an existing read-only file is replaced (the command line's {@code --force})
     * @throws OutputRefusedException where {@code file} is a directory, or read-only without {@code replaceReadOnly}
     * @throws IOException            where the file cannot be written; the previous file, if any, is then left as it was
     */
    public static void write(Path file, SavedModel model, boolean replaceReadOnly) throws IOException {
        byte[] json = JsonTreeWriter.write(toJson(model));
        AtomicFile.write(file, replaceReadOnly, out -> {
            out.write(json);
            out.write('\n');
        });
    }

    /**
     * Reads a model file.
     *
     * @throws java.nio.file.NoSuchFileException where it does not exist
     * @throws IllegalArgumentException          where it is not a logreg model file, is corrupt or truncated, was
     *                                           written by a newer format version, or has a missing or bad field
     */
    public static SavedModel read(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a directory, expected a model file");
        JsonNode root;
        byte[] bytes = new byte[0];
        try {
            bytes = Files.readAllBytes(file);
            root = JsonTreeReader.read(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not a valid model file (" + describe(e, bytes.length) + ")", e);
        } catch (java.io.CharConversionException e) {
            // Jackson guesses the encoding from the first bytes (UTF-32 after four zero bytes, say) and refuses what
            // does not decode with this IOException, not a JsonProcessingException: bad content all the same.
            throw new IllegalArgumentException(file + " is not a valid model file (its bytes are not JSON text in UTF-8, UTF-16 or UTF-32)", e);
        }
        if (root == null || root.isMissingNode()) throw new IllegalArgumentException(file + " is empty, expected a model file");
        if (!root.isObject()) throw new IllegalArgumentException(file + " is not a model file (the JSON is not an object)");
        if (!FORMAT.equals(root.path("format").asText(null))) {
            throw new IllegalArgumentException(file + " is not a logreg model file (field \"format\" is " + show(root.get("format")) + ", expected \"" + FORMAT + "\")");
        }
        JsonNode v = root.get("formatVersion");
        if (v == null || !v.canConvertToInt()) throw new IllegalArgumentException(file + ": field \"formatVersion\" is missing or not an integer");
        if (v.asInt() > FORMAT_VERSION) {
            throw new IllegalArgumentException(file + " has model format version " + v.asInt() + ", newer than the version " + FORMAT_VERSION
                    + " this logreg (" + libraryVersion() + ") reads; upgrade logreg (written by " + Excerpt.of(root.path("libraryVersion").asText("?")) + ")");
        }
        if (v.asInt() < 1) throw new IllegalArgumentException(file + ": format version " + v.asInt() + ", expected 1 to " + FORMAT_VERSION);
        try {
            List<String> names = null;
            JsonNode fn = root.get("featureNames");
            if (fn != null && !fn.isNull()) {
                if (!fn.isArray()) throw new IllegalArgumentException("field \"featureNames\" is not an array");
                names = new ArrayList<>();
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (JsonNode n : fn) {
                    if (!n.isTextual()) throw new IllegalArgumentException("feature name " + show(n) + " is not a string");
                    // Columns are matched to features by name: a name given twice would be matched to one column.
                    if (!seen.add(n.asText())) {
                        throw new IllegalArgumentException("feature name " + Excerpt.quoted(n.asText()) + " appears twice in \"featureNames\"; names must be distinct");
                    }
                    names.add(n.asText());
                }
            }
            boolean fit = bool(required(root, "fitIntercept"), "fitIntercept");
            LinearClassifier model;
            LabelMapping labels;
            // Version 3 keeps the layout of 1 (binary 0/1 or -1/+1) or 2 (a "strategy" and "classes"), rows sparse or dense.
            boolean sparseAllowed = v.asInt() >= SPARSE_FORMAT_VERSION;
            if (v.asInt() == 1 || (sparseAllowed && !root.has("strategy"))) {
                double[] c = CoefficientsJson.read(required(root, "coefficients"), sparseAllowed ? CoefficientsJson.features(root, 1) : 0, sparseAllowed, "coefficients");
                double b = number(required(root, "intercept"), "intercept");
                LogisticModel binary = new LogisticModel(c, b, fit, names);
                checkLogit(binary.largestLogit(), "");
                model = binary;
                JsonNode lab = required(root, "labels");
                double neg = number(required(lab, "negative"), "labels.negative");
                double pos = number(required(lab, "positive"), "labels.positive");
                if (!(neg == 0 || neg == -1) || pos != 1) {
                    throw new IllegalArgumentException("labels " + Excerpt.of(lab.toString()) + " are not 0/1 or -1/+1");
                }
                labels = LabelMapping.ofNumbers(neg, pos);
            } else {
                ClassifierJson.Read r = ClassifierJson.read(root, fit, names, sparseAllowed);
                model = r.classifier();
                labels = r.labels();
            }
            Map<String, Object> training = new LinkedHashMap<>();
            JsonNode t = root.get("training");
            if (t != null && t.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    training.put(e.getKey(), plain(e.getValue()));
                }
            }
            Status status;
            String s = required(root, "status").asText();
            try {
                status = Status.valueOf(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("status " + Excerpt.quoted(s) + " is not a known status");
            }
            List<SavedModel.HistoryPoint> history = new ArrayList<>();
            JsonNode h = root.get("history");
            if (h != null && h.isArray()) {
                for (JsonNode e : h) {
                    history.add(new SavedModel.HistoryPoint(e.path("iteration").asInt(), orNaN(e.get("objective")),
                            orNaN(e.get("gradientNorm")), orNaN(e.get("seconds"))));
                }
            }
            return new SavedModel(model, labels, training, root.path("backend").asText(""), root.path("optimizer").asText(""),
                    orNaN(root.get("objective")), status, root.path("message").asText(""), root.path("iterations").asInt(0),
                    orNaN(root.get("seconds")), history, root.path("libraryVersion").asText("unknown"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a valid model file: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a model file: the model ({@link SavedModel#classifier()}, ready to score) with everything the file records
     * about how it was made (status, objective, options, backend, library version). The same as {@link #read}, named
     * for embedders.
     *
     * @throws java.nio.file.NoSuchFileException where it does not exist
     * @throws IllegalArgumentException          where it is not a valid model file (the message says why)
     */
    public static SavedModel load(Path file) throws IOException {
        return read(file);
    }

    /**
     * Writes the model of a training run to {@code file} atomically, with labels recorded as 0/1 (what a binary
     * {@link dev.logreg.data.Dataset} holds); a K-class model records its classes as 0 .. K-1. The file is the one {@code logreg train --out} writes, and
     * {@code logreg predict}, {@code evaluate} and {@code serve} read.
     *
     * @param result what {@link dev.logreg.train.Trainer#fit} or {@code LogisticRegression.fit} returned
     * @throws IOException where the file cannot be written; a previous file is then left as it was
     */
    public static void save(Path file, dev.logreg.train.TrainingResult result) throws IOException {
        LabelMapping labels = LabelMapping.ZERO_ONE;
        int k = java.util.Objects.requireNonNull(result, "result").classifier().classes();
        if (k > 2) {
            double[] v = new double[k];
            for (int c = 0; c < k; c++) v[c] = c;
            labels = LabelMapping.ofNumbers(v);
        }
        save(file, result, labels);
    }

    /**
     * As {@link #save(Path, dev.logreg.train.TrainingResult)}, recording the label encoding of the training file
     * (for example {@link LabelMapping#MINUS_ONE_PLUS_ONE}, or the classes a reader found) so that predictions are
     * written back in it.
     */
    public static void save(Path file, dev.logreg.train.TrainingResult result, LabelMapping labels) throws IOException {
        java.util.Objects.requireNonNull(result, "result");
        write(file, SavedModel.of(result, result.classifier(), java.util.Objects.requireNonNull(labels, "labels"), null));
    }

    /** Refuses a model whose logit bound {@code largest} (Σ|θ|·FLT_MAX + |b|) is above {@link #LARGEST_LOGIT}. */
    static void checkLogit(double largest, String ofWhat) {
        if (!(largest <= LARGEST_LOGIT)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "the coefficients%s are too large to score every row: "
                    + "sum of |coefficient| x %.4g (the largest float32) + |intercept| is %s, above %.4g, so a row of finite "
                    + "features could overflow its logit and have no probability", ofWhat, (double) Float.MAX_VALUE,
                    Double.isInfinite(largest) ? "beyond float64" : String.format(java.util.Locale.ROOT, "%.4g", largest), LARGEST_LOGIT));
        }
    }

    static JsonNode required(JsonNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null || n.isNull()) throw new IllegalArgumentException("field \"" + name + "\" is missing");
        return n;
    }

    static double number(JsonNode n, String name) {
        if (n == null || !n.isNumber()) throw new IllegalArgumentException("field \"" + name + "\" is " + show(n) + ", expected a number");
        return n.asDouble();
    }

    private static boolean bool(JsonNode n, String name) {
        if (!n.isBoolean()) throw new IllegalArgumentException("field \"" + name + "\" is " + show(n) + ", expected true or false");
        return n.asBoolean();
    }

    /** A JSON value of the file for a message: its text, bounded ({@link Excerpt}). */
    static String show(JsonNode n) {
        return n == null ? "missing" : Excerpt.of(n.toString());
    }

    /**
     * What is wrong with JSON that does not parse, in our words: the JSON library's messages name its own features
     * and classes ({@code ALLOW_NON_NUMERIC_NUMBERS}, {@code Source: REDACTED}), which mean nothing to a user.
     */
    static String describe(JsonProcessingException e, long inputLength) {
        // A file cut inside a literal or a number ("tru", "0." then the end) fails as a bad token at the very end of
        // the input, not as the library's end-of-input error: it is truncated all the same, whatever the cut.
        String message = String.valueOf(e.getOriginalMessage()).toLowerCase(java.util.Locale.ROOT);
        if (!(e instanceof com.fasterxml.jackson.core.io.JsonEOFException) && e.getLocation() != null
                && (e.getLocation().getByteOffset() >= inputLength || message.contains("end-of-input")
                    // "1." then the end: the library points at the '.', the input's last byte
                    || e.getLocation().getByteOffset() >= inputLength - 1 && message.contains("numeric value"))) {
            return "truncated JSON: the file ends inside a value at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        }
        return describe(e);
    }

    static String describe(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        // The library's words are matched only to choose among our own; anything unforeseen is "malformed JSON".
        String m = String.valueOf(e.getOriginalMessage()).toLowerCase(java.util.Locale.ROOT);
        if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException) return "truncated JSON: the file ends inside a value" + where;
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            String what = m.contains("nesting") ? "arrays or objects nested too deeply"
                    : m.contains("number") ? "a number with too many digits"
                    : m.contains("string") || m.contains("name") ? "a string too long" : "a value too large";
            return "JSON beyond this reader's limits: " + what + where;
        }
        if (m.contains("non_numeric_numbers") || m.contains("'nan'") || m.contains("infinity")) {
            return "NaN and Infinity are not JSON numbers" + where;
        }
        if (m.contains("numeric value") || m.contains("leading_zeros") || m.contains("decimal_point")) return "malformed JSON number" + where;
        if (m.contains("trailing token")) return "something follows the model's JSON object" + where;
        return "malformed JSON" + where;
    }

    /** A {@code training} value as a plain Java value (String, Number, Boolean, null, List or Map). */
    private static Object plain(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (n.isTextual()) return n.asText();
        if (n.isBoolean()) return n.asBoolean();
        if (n.isIntegralNumber()) return n.canConvertToInt() ? (Object) n.asInt() : n.canConvertToLong() ? (Object) n.asLong() : n.bigIntegerValue();
        if (n.isNumber()) return n.asDouble();
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            for (JsonNode e : n) l.add(plain(e));
            return l;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), plain(e.getValue()));
        }
        return m;
    }

    private static double orNaN(JsonNode n) {
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }
}
