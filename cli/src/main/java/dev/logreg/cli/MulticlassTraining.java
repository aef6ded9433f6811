package dev.logreg.cli;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.data.ClassWeights;
import dev.logreg.data.Dataset;
import dev.logreg.io.Excerpt;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.LoadedData;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import dev.logreg.loss.Loss;
import dev.logreg.metrics.ClassLogProbabilities;
import dev.logreg.metrics.MulticlassMetrics;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.penalty.Penalty;
import dev.logreg.optim.TrainingListener;
import dev.logreg.train.CrossValidation;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.CrossValidationResult;
import dev.logreg.train.Multiclass;
import dev.logreg.train.OneVsRest;
import dev.logreg.train.Scorer;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code logreg train} on K-class data, or with {@code --multiclass multinomial} on two: the multinomial (softmax) or
 * one-vs-rest fit, its multiclass metrics (log loss, accuracy) and the version-2 model file. Kept apart from
 * {@link TrainCommand}, whose binary path (metrics, statistics, plots) is unchanged. Stateless.
 */
final class MulticlassTraining {
    private MulticlassTraining() {}

    /** How K classes train. */
    enum Strategy { BINARY, MULTINOMIAL, OVR }

    /**
     * The strategy for {@code flag} ({@code null}, {@code multinomial} or {@code ovr}) on data of {@code k} classes:
     * by default multinomial for K &gt; 2 and binary for two; two classes stay binary with {@code ovr} too.
     */
    static Strategy strategy(String flag, int k) {
        if (flag == null) return k > 2 ? Strategy.MULTINOMIAL : Strategy.BINARY;
        switch (flag.trim().toLowerCase(Locale.ROOT)) {
            case "multinomial": return Strategy.MULTINOMIAL;
            case "ovr": case "one-vs-rest": return k > 2 ? Strategy.OVR : Strategy.BINARY;
            default: throw new IllegalArgumentException("--multiclass is " + Excerpt.quoted(flag) + ", expected 'multinomial' or 'ovr'");
        }
    }

    /**
     * Refuses data whose labels hold fewer than two classes, naming the file and the one class seen.
     */
    static void requireTwoClasses(LoadedData loaded) {
        long[] counts = loaded.dataset().labelCounts();
        int seen = 0;
        int which = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] > 0) {
                seen++;
                which = c;
            }
        }
        if (seen < 2) {
            throw new IllegalArgumentException(loaded.source() + " holds one class only (label " + Excerpt.quoted(loaded.labels().name(which))
                    + "); training needs rows of at least two classes");
        }
    }

    /**
     * Trains, reports and writes the model of a K-class run of {@code cmd}; returns the exit code. {@code phases} has
     * the read timed; the backend, the fit, the write and the metrics are added to it (printed with --timings).
     */
    static int run(TrainCommand cmd, Strategy strategy, TrainingOptions options, CrossValidationOptions cv, LoadedData loaded,
                   Dataset all, Dataset train, Dataset validation, PhaseTimes phases, PrintWriter stdout, PrintWriter stderr) throws Exception {
        if (cmd.stats) throw new IllegalArgumentException("--stats gives standard errors of binary models only; this model has " + all.classes() + " classes");
        if (cmd.plot != null) throw new IllegalArgumentException("--plot draws binary models only; this model has " + all.classes() + " classes");
        LabelMapping labels = loaded.labels();
        boolean balanced = cmd.classWeight != null;
        cv = CrossValidationFlags.forClasses(cv, all.classes());
        if (strategy == Strategy.OVR) {
            // OneVsRest.fit takes no starting model (the api warm starts binary and multinomial fits only).
            if (cmd.initModel != null) throw new IllegalArgumentException("--init-model warm starts a binary or multinomial model, not --multiclass ovr");
            if (cv != null && balanced) {
                // The api's one-vs-rest cross-validation fits every class on the rows' own weights; the balanced weights
                // of one-vs-rest differ per binary problem, so its folds would not score the model train writes.
                throw new IllegalArgumentException("--cv-folds with --multiclass ovr and --class-weight balanced is not supported: one-vs-rest"
                        + " balances each class's binary problem on its own; leave out --class-weight, or use --multiclass multinomial");
            }
        } else {
            if (options.loss().kind() != Loss.Kind.LOG) {
                // The multinomial model has one loss, the multiclass log loss; another binary loss was asked for by name.
                throw new IllegalArgumentException("--loss " + options.loss() + " is a binary loss; the multinomial model trains the multiclass log loss"
                        + " (leave out --loss, or use --multiclass ovr for one binary " + options.loss() + " fit per class)");
            }
            options = options.withLoss(Loss.multinomial());
        }
        if (cmd.standardize && options.penalty().kind() != Penalty.Kind.NONE) {
            // As the binary path: the penalty on the columns' scales of the rows the fit sees (balanced where asked).
            Dataset rows = balanced && strategy != Strategy.OVR ? ClassWeights.balanced(train) : train;
            options = options.withPenalty(options.penalty().onScales(ColumnStatistics.of(rows).standardizationScales(options.fitIntercept())));
            if (cv != null) cv = cv.withStandardizeFolds(true);
        }
        LinearClassifier start = cmd.initModel == null ? null : startModel(cmd.initModel, all, labels);
        phases.start();
        BackendFactory factory = BackendFactory.discover();
        // The library's rule for which backend auto opens for a loss (one rule, not a copy).
        LogisticRegression.BackendPick pick = LogisticRegression.backendFor(factory, cmd.backend, options.loss());
        BackendFactory.Selection sel = factory.selectByName(pick.name());
        // openFor: sparse rows go to a backend that takes them (auto passes over one that does not, saying so).
        // The fits expected (one-vs-rest: one a class): the library's rule, as for the backend above.
        int fits = LogisticRegression.expectedFits(cv, strategy == Strategy.OVR ? Multiclass.ONE_VS_REST : Multiclass.MULTINOMIAL, all.classes());
        BackendOptions backendOptions = new BackendOptions(cmd.threads, 0).withExpectedFits(fits);
        BackendFactory.Opened opened = factory.openFor(pick.name(), backendOptions, train);
        String backendName = opened.backend().name();
        phases.end("backend");
        if (!cmd.quiet) {
            String why = pick.note() != null ? pick.note() + (opened.note() != null ? "; " + opened.note() : "")
                    : opened.note() != null ? opened.note() : sel.reason();
            stderr.println("backend: " + opened.backend().name() + " (" + why + ")");
        }
        ProgressListener progress = cmd.quiet ? null : new ProgressListener(stderr, cmd.parent.terminal, options.criteria().maxIterations(), 100);
        TrainingListener listener = progress == null ? TrainingListener.NONE : progress;
        TrainingResult result;
        CrossValidationResult cvResult = null;
        try (Backend b = opened.backend()) {
            if (cv != null) {
                Dataset rows = balanced ? ClassWeights.balanced(train) : train;
                CrossValidationFlags.FoldProgress folds = cmd.quiet ? null : new CrossValidationFlags.FoldProgress(stderr, cv.folds());
                try {
                    cvResult = CrossValidation.run(b, rows, options, strategy == Strategy.OVR ? Multiclass.ONE_VS_REST : Multiclass.MULTINOMIAL, cv, folds);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--cv-folds with " + all.classes() + " classes: " + e.getMessage(), e);
                }
                if (folds != null) folds.finish();
                result = cvResult.refit();
            } else if (strategy == Strategy.OVR) {
                TrainingOptions o = options;
                // Balanced weights per binary problem, as scikit-learn's one-vs-rest (and LogisticRegression) do.
                result = OneVsRest.fit(b, train, rows -> new OneVsRest.Prepared(balanced ? ClassWeights.balanced(rows) : rows, o), listener);
            } else {
                result = Trainer.fit(b, balanced ? ClassWeights.balanced(train) : train, options, start, listener);
            }
            phases.end(cv != null ? "cross-validation" : "fit");
        } finally {
            if (progress != null) progress.finish();
        }
        if (cvResult != null && !cmd.quiet) CrossValidationFlags.printPath(stderr, cvResult);
        LinearClassifier model = result.classifier();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("multiclass", SavedModel.strategyOf(model));
        extra.put("standardize", cmd.standardize);
        extra.put("classWeight", balanced ? "balanced" : null);
        extra.put("validationFraction", cmd.validationFraction);
        extra.put("labelColumn", cmd.label);
        extra.put("weightColumn", cmd.weight);
        extra.put("threads", cmd.threads);
        extra.put("data", cmd.dataOptions.data.toString());
        extra.put("rows", train.rows());
        if (cvResult != null) {
            // The same record of the choice as a binary model file's.
            extra.put("cvFolds", cvResult.folds());
            extra.put("cvMetric", cvResult.scorer());
            extra.put("cvRule", CrossValidationFlags.ruleName(cvResult.rule()));
            extra.put("cvLambdaCount", cvResult.path().size());
            extra.put("cvScore", Json.finite(cvResult.chosen().mean()));
            extra.put("cvScoreStandardError", Json.finite(cvResult.chosen().standardError()));
        }
        phases.start();
        SavedModel saved = SavedModel.of(result, model, labels, extra);
        if (cmd.out != null) ModelFile.write(cmd.out, saved, cmd.forceOption.force);
        phases.end("write");
        String warning = TrainCommand.warning(result);
        if (warning != null) stderr.println("warning: " + warning);
        String cvWarning = cvResult == null ? null : CrossValidationFlags.warning(cvResult);
        if (cvWarning != null) stderr.println("warning: " + cvWarning);

        phases.start();
        double[] trainMetrics = metrics(model, train);
        double[] validationMetrics = validation == null ? null : metrics(model, validation);
        phases.end("metrics");
        if (cmd.timings) phases.print(stderr);
        double seconds = result.optimization().elapsedNanos() / 1e9;
        if (cmd.json) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("status", result.status().name());
            s.put("converged", result.status().isConverged());
            s.put("message", result.message());
            s.put("objective", Json.finite(result.objective()));
            s.put("iterations", result.optimization().iterations());
            s.put("seconds", seconds);
            s.put("backend", result.backend());
            s.put("backendName", backendName);
            s.put("optimizer", result.optimizer());
            s.put("multiclass", SavedModel.strategyOf(model));
            s.put("classes", labels.names());
            s.put("rows", train.rows());
            s.put("features", train.cols());
            s.put("model", cmd.out == null ? null : cmd.out.toString());
            s.put("warning", warning);
            if (cvResult != null) s.put("cvWarning", cvWarning);
            if (cvResult != null) s.put("crossValidation", CrossValidationFlags.toMap(cvResult));
            if (cmd.timings) s.put("timings", phases.toMap());
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("training", toMap(trainMetrics, train.rows()));
            if (validationMetrics != null) metrics.put("validation", toMap(validationMetrics, validation.rows()));
            s.put("metrics", metrics);
            stdout.println(Json.write(s));
        } else {
            if (cvResult != null) stdout.println(CrossValidationFlags.chosenLine(cvResult));
            stdout.printf(Locale.ROOT, "status %s after %d iterations (%.3f s of training), objective %.10g%n",
                    result.status().name(), result.optimization().iterations(), seconds, result.objective());
            stdout.printf(Locale.ROOT, "%s, %d classes: %s%n", SavedModel.strategyOf(model), labels.classes(), labels);
            stdout.printf(Locale.ROOT, "training:   %s%n", summary(trainMetrics, train.rows()));
            if (validationMetrics != null) stdout.printf(Locale.ROOT, "validation: %s%n", summary(validationMetrics, validation.rows()));
            if (cmd.out != null) stdout.println("model written to " + cmd.out);
        }
        return Cli.OK;
    }

    /**
     * {log loss, accuracy} of {@code model} on {@code data}, every row counted once (train's summary has always
     * been unweighted; weights are a fitting device): the api's K-class scorers, as cross-validation scores held-out
     * rows, on io's stable log-probabilities, as {@code evaluate} computes its log loss ({@link MulticlassMetrics}
     * agrees to rounding). Linear in rows × K: no K × K matrix, no per-class ROC curve.
     */
    static double[] metrics(LinearClassifier model, Dataset data) {
        int k = model.classes();
        double[] logP = ClassLogProbabilities.of(model, data);
        for (double v : logP) {
            if (Double.isNaN(v)) {
                // A NaN logit: predictProbabilities names its row (UndefinedLogitException). Only here, not always:
                // it is a second pass of K·n multiply-adds a row.
                model.predictProbabilities(data);
                break;
            }
        }
        float[] y = data.copyLabels();
        return new double[] {Scorer.logLoss().scoreClasses(logP, k, y, null), Scorer.accuracy().scoreClasses(logP, k, y, null)};
    }

    private static String summary(double[] m, long rows) {
        return String.format(Locale.ROOT, "rows %d, multiclass log loss %.6f, accuracy %.4f", rows, m[0], m[1]);
    }

    private static Map<String, Object> toMap(double[] m, long rows) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rows", rows);
        r.put("logLoss", Json.finite(m[0]));
        r.put("accuracy", m[1]);
        return r;
    }

    /**
     * The model of {@code file} as a warm start for K-class {@code data}: a multinomial model with the same classes,
     * features and feature names.
     */
    static LinearClassifier startModel(Path file, Dataset data, LabelMapping labels) throws java.io.IOException {
        SavedModel saved = ModelFile.read(file);
        LinearClassifier m = saved.classifier();
        if (!(m instanceof SoftmaxModel)) {
            throw new IllegalArgumentException("--init-model " + file + " is a " + saved.strategy() + " model; a multinomial fit starts from a multinomial model");
        }
        if (!saved.labels().equals(labels)) {
            throw new IllegalArgumentException("--init-model " + file + " has classes " + saved.labels() + ", the data " + labels);
        }
        if (m.features() != data.cols()) {
            throw new IllegalArgumentException("--init-model " + file + " has " + m.features() + " features, the data have " + data.cols());
        }
        List<String> names = m.featureNames();
        if (names != null && data.featureNames() != null && !names.equals(data.featureNames())) {
            throw new IllegalArgumentException("--init-model " + file + ": the model's feature names " + Excerpt.list(names)
                    + " differ from the data's " + Excerpt.list(data.featureNames()));
        }
        return m;
    }
}
