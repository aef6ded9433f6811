package dev.logreg.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code GET /model} document: features, feature names, coefficients, intercept, label encoding, how training
 * ended and with what options, and the library versions. Built once per server.
 *
 * <p>Entries of the training record that are file paths (the training data's {@code "data"}, and any key ending in
 * {@code path}, {@code file} or {@code dir}) are left out unless {@code exposeTrainingPaths}: a path tells every
 * client about the server's disk and users, and scoring needs none of it.
 */
final class ModelDescription {
    private ModelDescription() {}

    /** Whether a training-record key names a file path. */
    static boolean isPath(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.equals("data") || k.endsWith("path") || k.endsWith("file") || k.endsWith("dir") || k.endsWith("directory")
                || k.endsWith("paths") || k.endsWith("files");
    }

    /** The document as UTF-8 JSON. */
    static byte[] of(SavedModel s, boolean exposeTrainingPaths) {
        LogisticModel m = s.model();
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
            g.writeArrayFieldStart("coefficients");
            for (int j = 0; j < m.features(); j++) g.writeNumber(m.coefficient(j));
            g.writeEndArray();
            g.writeNumberField("intercept", m.intercept());
            g.writeBooleanField("fitIntercept", m.fitIntercept());
            g.writeObjectFieldStart("labels");
            g.writeNumberField("negative", (long) s.labels().negative());
            g.writeNumberField("positive", (long) s.labels().positive());
            g.writeEndObject();
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
