package dev.logreg.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code GET /model} document: features, feature names, coefficients, intercept, label encoding (for K classes:
 * strategy, classes, coefficient rows, intercepts), how training
 * ended and with what options, and the library versions. Built once per server.
 *
 * <p>Entries of the training record that are file paths (the training data's {@code "data"}, and any key ending in
 * {@code path}, {@code file} or {@code dir}) are left out unless {@code exposeTrainingPaths}: a path tells every
 * client about the server's disk and users, and scoring needs none of it. Coefficients are written as the model file
 * writes them: sparse ({@code {"indices": [...], "values": [...]}} per row) where fewer than a third are nonzero.
 */
final class ModelDescription {
    private ModelDescription() {}

    /** Whether a training-record key names a file path. */
    static boolean isPath(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.equals("data") || k.endsWith("path") || k.endsWith("file") || k.endsWith("dir") || k.endsWith("directory")
                || k.endsWith("paths") || k.endsWith("files");
    }

    /**
     * A K-class model (or a binary one with labels other than 0/1, -1/+1) as the version-2 model file has it:
     * {@code strategy}, {@code classes} (numbers or strings, in class order), {@code coefficients} (one row per class;
     * one row for binary), {@code intercepts}, {@code fitIntercept}.
     */
    private static void classes(JsonGenerator g, SavedModel s) throws IOException {
        LinearClassifier m = s.classifier();
        g.writeStringField("strategy", s.strategy());
        g.writeArrayFieldStart("classes");
        for (int c = 0; c < s.labels().classes(); c++) {
            if (s.labels().numeric()) g.writeNumber((long) s.labels().value(c));
            else g.writeString(s.labels().name(c));
        }
        g.writeEndArray();
        List<double[]> rows = new ArrayList<>();
        List<Double> intercepts = new ArrayList<>();
        if (m instanceof LogisticModel l) {
            rows.add(l.coefficients());
            intercepts.add(l.intercept());
        } else if (m instanceof SoftmaxModel sm) {
            rows.addAll(List.of(sm.coefficients()));
            for (double v : sm.intercepts()) intercepts.add(v);
        } else {
            for (LogisticModel l : ((OneVsRestModel) m).models()) {
                rows.add(l.coefficients());
                intercepts.add(l.intercept());
            }
        }
        boolean sparse = ModelFile.storesSparse(m);
        g.writeArrayFieldStart("coefficients");
        for (double[] r : rows) row(g, r, sparse);
        g.writeEndArray();
        g.writeArrayFieldStart("intercepts");
        for (double v : intercepts) g.writeNumber(v);
        g.writeEndArray();
        g.writeBooleanField("fitIntercept", m.fitIntercept());
    }

    /** One coefficient row: an array, or where {@code sparse} (as the model file) {@code {"indices": [...], "values": [...]}}. */
    private static void row(JsonGenerator g, double[] r, boolean sparse) throws IOException {
        if (!sparse) {
            g.writeStartArray();
            for (double v : r) g.writeNumber(v);
            g.writeEndArray();
            return;
        }
        g.writeStartObject();
        g.writeArrayFieldStart("indices");
        for (int j = 0; j < r.length; j++) if (r[j] != 0) g.writeNumber(j);
        g.writeEndArray();
        g.writeArrayFieldStart("values");
        for (double v : r) if (v != 0) g.writeNumber(v);
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The document as UTF-8 JSON. */
    static byte[] of(SavedModel s, boolean exposeTrainingPaths) {
        LinearClassifier m = s.classifier();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(b, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("features", m.features());
            if (m.featureNames() == null) g.writeNullField("featureNames");
            else {
                g.writeArrayFieldStart("featureNames");
                for (String name : m.featureNames()) g.writeString(name);
                g.writeEndArray();
            }
            if (m instanceof LogisticModel binary && s.labels().isNumericBinary()) {
                // The binary description, as it has always been.
                g.writeFieldName("coefficients");
                row(g, binary.coefficients(), ModelFile.storesSparse(binary));
                g.writeNumberField("intercept", binary.intercept());
                g.writeBooleanField("fitIntercept", binary.fitIntercept());
                g.writeObjectFieldStart("labels");
                g.writeNumberField("negative", (long) s.labels().negative());
                g.writeNumberField("positive", (long) s.labels().positive());
                g.writeEndObject();
            } else {
                classes(g, s);
            }
            g.writeStringField("status", s.status().name());
            if (Double.isFinite(s.objective())) g.writeNumberField("objective", s.objective());
            else g.writeNullField("objective");
            g.writeStringField("optimizer", s.optimizer());
            g.writeStringField("backend", s.backend());
            g.writeNumberField("iterations", s.iterations());
            g.writeObjectFieldStart("training");
            for (Map.Entry<String, Object> e : s.training().entrySet()) {
                if (!exposeTrainingPaths && isPath(e.getKey())) continue;
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v == null) g.writeNull();
                else if (v instanceof Boolean) g.writeBoolean((Boolean) v);
                else if (v instanceof Integer || v instanceof Long) g.writeNumber(((Number) v).longValue());
                else if (v instanceof Number) {
                    double d = ((Number) v).doubleValue();
                    if (Double.isFinite(d)) g.writeNumber(d);
                    else g.writeNull(); // JSON has no NaN or infinity
                } else g.writeString(v.toString());
            }
            g.writeEndObject();
            g.writeStringField("modelLibraryVersion", s.libraryVersion());
            g.writeStringField("libraryVersion", ModelFile.libraryVersion());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return b.toByteArray();
    }
}
