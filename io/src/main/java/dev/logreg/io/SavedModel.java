package dev.logreg.io;

import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.optim.IterationState;
import dev.logreg.optim.Status;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model and everything the model file records about how it was made. Immutable (the maps and lists are
 * unmodifiable copies) and thread-safe.
 *
 * @param classifier     the model: binary ({@link LogisticModel}), multinomial ({@link SoftmaxModel}) or one-vs-rest
 *                       ({@link OneVsRestModel}), with its coefficients, intercepts and feature names
 * @param labels         the classes of the training file in class order, used to write predictions back in its
 *                       encoding; as many as the model has classes
 * @param training       the training options as name → value (String, Number, Boolean or null), in a stable order
 * @param backend        description of the backend that trained it
 * @param optimizer      the optimizer used ({@code auto} resolved)
 * @param objective      final objective value (penalty included); NaN where unknown
 * @param status         why training ended
 * @param message        one line for people about how training ended (may be empty)
 * @param iterations     iterations done
 * @param seconds        wall time of the optimization, in seconds
 * @param history        objective and gradient norm per iteration
 * @param libraryVersion the logreg version that wrote the file
 */
public record SavedModel(LinearClassifier classifier, LabelMapping labels, Map<String, Object> training, String backend, String optimizer,
                         double objective, Status status, String message, int iterations, double seconds,
                         List<HistoryPoint> history, String libraryVersion) {

    /**
     * One iteration of the training history.
     *
     * @param iteration    1-based iteration number
     * @param objective    objective after the iteration
     * @param gradientNorm ‖g‖∞ after the iteration, in the optimizer's coordinates
     * @param seconds      wall time since the optimization started
     */
    public record HistoryPoint(int iteration, double objective, double gradientNorm, double seconds) {
    }

    public SavedModel {
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(labels, "labels");
        if (labels.classes() != classifier.classes()) {
            throw new IllegalArgumentException(labels.classes() + " class labels " + labels + " for a model of " + classifier.classes() + " classes");
        }
        Objects.requireNonNull(status, "status");
        training = training == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(training));
        history = history == null ? List.of() : List.copyOf(history);
        backend = backend == null ? "" : backend;
        optimizer = optimizer == null ? "" : optimizer;
        message = message == null ? "" : message;
        libraryVersion = libraryVersion == null ? ModelFile.libraryVersion() : libraryVersion;
        if (iterations < 0) throw new IllegalArgumentException("iterations is " + iterations + ", expected >= 0");
    }

    /**
     * The binary model, for callers that handle two classes only.
     *
     * @throws IllegalStateException where the model has more than two classes (use {@link #classifier()})
     */
    public LogisticModel model() {
        if (classifier instanceof LogisticModel m) return m;
        throw new IllegalStateException("the model has " + classifier.classes() + " classes " + labels + "; use classifier() for K-class models");
    }

    /** How the model scores K classes: {@code binary}, {@code multinomial} or {@code ovr} (one-vs-rest). */
    public String strategy() {
        return strategyOf(classifier);
    }

    /** The strategy name of {@code c} (see {@link #strategy()}). */
    public static String strategyOf(LinearClassifier c) {
        if (c instanceof LogisticModel) return "binary";
        if (c instanceof SoftmaxModel) return "multinomial";
        return "ovr";
    }

    /**
     * The record of a training run.
     *
     * @param result   what {@link dev.logreg.train.Trainer#fit} returned
     * @param model    the model to save (normally {@code result.classifier()}; differs where the CLI trained on
     *                 standardized data and mapped the coefficients back)
     * @param labels   the training file's classes
     * @param extra    options beyond {@link TrainingOptions} (standardize, class weights, ...), added after them; may be null
     */
    public static SavedModel of(TrainingResult result, LinearClassifier model, LabelMapping labels, Map<String, Object> extra) {
        Map<String, Object> t = describe(result.options());
        if (extra != null) t.putAll(extra);
        List<HistoryPoint> h = new ArrayList<>();
        for (IterationState s : result.optimization().history()) {
            h.add(new HistoryPoint(s.iteration(), s.objective(), s.gradientNorm(), s.elapsedNanos() / 1e9));
        }
        return new SavedModel(model, labels, t, result.backend(), result.optimizer(), result.objective(), result.status(),
                result.message(), result.optimization().iterations(), result.optimization().elapsedNanos() / 1e9, h, ModelFile.libraryVersion());
    }

    /** The options as name → value, in a stable order (what the model file's {@code training} object holds). */
    public static Map<String, Object> describe(TrainingOptions o) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("loss", o.loss().kind().name().toLowerCase(java.util.Locale.ROOT));
        t.put("penalty", o.penalty().kind().name().toLowerCase(java.util.Locale.ROOT).replace("_", ""));
        t.put("lambda", o.penalty().lambda());
        t.put("l1Ratio", o.penalty().alpha());
        // Whether the penalty applied to the standardized features' coefficients (Penalty.onScales: the scales
        // themselves follow from the training data).
        t.put("penaltyOnScales", o.penalty().scales() != null);
        t.put("fitIntercept", o.fitIntercept());
        t.put("optimizer", o.optimizer());
        t.put("maxIterations", o.criteria().maxIterations());
        t.put("gradientTolerance", o.criteria().gradientTolerance());
        t.put("relativeObjectiveTolerance", o.criteria().relativeObjectiveTolerance());
        t.put("timeBudgetSeconds", o.criteria().timeBudget() == null ? null : o.criteria().timeBudget().toNanos() / 1e9);
        t.put("precondition", o.precondition());
        t.put("seed", o.seed());
        t.put("batchSize", o.batchSize());
        t.put("learningRate", Double.isNaN(o.learningRate()) ? null : o.learningRate());
        return t;
    }
}
