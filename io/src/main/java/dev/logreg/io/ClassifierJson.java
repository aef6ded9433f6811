package dev.logreg.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logreg.data.Dataset;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The model part of a version-2 model file: the classes, the strategy and the coefficient rows.
 *
 * <pre>{@code
 * "strategy": "multinomial" | "ovr" | "binary",
 * "classes": ["class_0", "class_1", "class_2"] | [1, 2, 3],
 * "coefficients": [[..n..], [..n..], [..n..]],   // K rows (one row, of the second class, for "binary")
 * "intercepts": [b_0, b_1, b_2],                 // K (one for "binary")
 * }</pre>
 *
 * In a version-3 file ({@link ModelFile#SPARSE_FORMAT_VERSION}) each row may be sparse ({@link CoefficientsJson}),
 * with {@code "features": n} beside. Classes are written as the training file held them: JSON numbers for numeric labels, strings for text. Every
 * check of the first version holds per row: finite values, and Σⱼ|θ_cj|·{@link Float#MAX_VALUE} + |b_c| at most
 * {@link ModelFile#LARGEST_LOGIT} for every class c, so that no logit of a row of finite features overflows. Stateless.
 */
final class ClassifierJson {
    private ClassifierJson() {}

    /**
     * Writes the classes, strategy, coefficient rows and intercepts of {@code m} into {@code root}; the rows as sparse
     * objects where {@code sparse} ({@link CoefficientsJson}).
     */
    static void write(ObjectNode root, SavedModel m, boolean sparse) {
        root.put("strategy", m.strategy());
        ArrayNode classes = root.putArray("classes");
        LabelMapping labels = m.labels();
        for (int c = 0; c < labels.classes(); c++) {
            if (labels.numeric()) classes.add((long) labels.value(c));
            else classes.add(labels.name(c));
        }
        ArrayNode coef = root.putArray("coefficients");
        ArrayNode icpt = root.putArray("intercepts");
        LinearClassifier k = m.classifier();
        for (double[] r : CoefficientsJson.rows(k)) row(coef, r, sparse);
        if (k instanceof LogisticModel b) {
            icpt.add(b.intercept());
        } else if (k instanceof SoftmaxModel s) {
            for (double b : s.intercepts()) icpt.add(b);
        } else {
            for (LogisticModel b : ((OneVsRestModel) k).models()) icpt.add(b.intercept());
        }
    }

    private static void row(ArrayNode coef, double[] values, boolean sparse) {
        if (sparse) {
            CoefficientsJson.writeSparse(coef.addObject(), values);
            return;
        }
        ArrayNode r = coef.addArray();
        for (double v : values) r.add(v);
    }

    /** What {@link #read} found. */
    record Read(LinearClassifier classifier, LabelMapping labels) {
    }

    /**
     * Reads the model of a version-2 file.
     *
     * @throws IllegalArgumentException on a missing or bad field, naming it (the caller adds the file)
     */
    static Read read(JsonNode root, boolean fitIntercept, List<String> names, boolean sparseAllowed) {
        String strategy = ModelFile.required(root, "strategy").asText();
        if (!strategy.equals("binary") && !strategy.equals("multinomial") && !strategy.equals("ovr")) {
            throw new IllegalArgumentException("field \"strategy\" is " + ModelFile.show(root.get("strategy")) + ", expected \"binary\", \"multinomial\" or \"ovr\"");
        }
        LabelMapping labels = classes(ModelFile.required(root, "classes"));
        int k = labels.classes();
        JsonNode coef = ModelFile.required(root, "coefficients");
        JsonNode icpt = ModelFile.required(root, "intercepts");
        int rows = strategy.equals("binary") ? 1 : k;
        if (strategy.equals("binary") && k != 2) throw new IllegalArgumentException("a binary model has 2 classes, \"classes\" lists " + k);
        if (!coef.isArray() || coef.size() != rows) {
            throw new IllegalArgumentException("field \"coefficients\" is not an array of " + rows + " rows (one per " + (rows == 1 ? "binary model" : "class") + ")");
        }
        if (!icpt.isArray() || icpt.size() != rows) throw new IllegalArgumentException("field \"intercepts\" is not an array of " + rows + " numbers");
        double[][] w = new double[rows][];
        double[] b = new double[rows];
        int features = sparseAllowed ? CoefficientsJson.features(root, rows) : 0;
        for (int c = 0; c < rows; c++) {
            w[c] = CoefficientsJson.read(coef.get(c), features, sparseAllowed, "coefficients[" + c + "]");
            if (c > 0 && w[c].length != w[0].length) {
                throw new IllegalArgumentException("coefficients[" + c + "] has " + w[c].length + " entries, coefficients[0] " + w[0].length);
            }
            b[c] = ModelFile.number(icpt.get(c), "intercepts[" + c + "]");
            LogisticModel one = new LogisticModel(w[c], b[c], fitIntercept, names);
            ModelFile.checkLogit(one.largestLogit(), rows == 1 ? "" : " of class " + Excerpt.quoted(labels.name(c)));
        }
        LinearClassifier model;
        if (strategy.equals("binary")) {
            model = new LogisticModel(w[0], b[0], fitIntercept, names);
        } else if (strategy.equals("multinomial")) {
            model = new SoftmaxModel(w, b, fitIntercept, names);
        } else {
            List<LogisticModel> models = new ArrayList<>();
            for (int c = 0; c < k; c++) models.add(new LogisticModel(w[c], b[c], fitIntercept, names));
            model = new OneVsRestModel(models);
        }
        return new Read(model, labels);
    }

    /** The {@code classes} field: at least 2, distinct, all integers or all non-empty strings. */
    private static LabelMapping classes(JsonNode n) {
        if (!n.isArray() || n.size() < 2) throw new IllegalArgumentException("field \"classes\" is not an array of at least 2 class labels");
        if (n.size() > Dataset.MAX_CLASSES) throw new IllegalArgumentException("field \"classes\" lists " + n.size() + " classes, more than " + Dataset.MAX_CLASSES);
        boolean numbers = n.get(0).isNumber();
        List<String> text = new ArrayList<>();
        double[] values = new double[n.size()];
        for (int c = 0; c < n.size(); c++) {
            JsonNode e = n.get(c);
            if (numbers) {
                if (!e.isNumber() || !LabelMapping.isClassNumber(e.asDouble())) {
                    throw new IllegalArgumentException("classes[" + c + "] is " + ModelFile.show(e) + ", expected an integer (as classes[0])");
                }
                values[c] = e.asDouble();
            } else {
                if (!e.isTextual()) throw new IllegalArgumentException("classes[" + c + "] is " + ModelFile.show(e) + ", expected a string (as classes[0])");
                text.add(e.asText());
            }
        }
        LabelMapping m = numbers ? LabelMapping.ofNumbers(values) : LabelMapping.ofStrings(text);
        // The rows follow the listed order, so the list must already be in the sorted class order.
        for (int c = 0; c < n.size(); c++) {
            String listed = numbers ? LabelMapping.format(values[c]) : text.get(c);
            if (!listed.equals(m.name(c))) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "field \"classes\" is not in class order (%s before %s); "
                        + "classes are sorted, numbers numerically and strings lexicographically", Excerpt.quoted(m.name(c)), Excerpt.quoted(listed)));
            }
        }
        return m;
    }
}
