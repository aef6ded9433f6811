package dev.logreg.cli;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.data.ClassWeights;
import dev.logreg.data.Dataset;
import dev.logreg.io.AtomicFile;
import dev.logreg.io.DataReaders;
import dev.logreg.io.Excerpt;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.LoadedData;
import dev.logreg.io.ModelFile;
import dev.logreg.io.ReadOptions;
import dev.logreg.io.SavedModel;
import dev.logreg.loss.Loss;
import dev.logreg.metrics.BinaryMetrics;
import dev.logreg.metrics.CoefficientStatistics;
import dev.logreg.model.LogisticModel;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.optim.Optimizers;
import dev.logreg.optim.Status;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.BoundData;
import dev.logreg.train.CrossValidation;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.CrossValidationResult;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** {@code logreg train}: fits a model and writes the model file. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a logistic-regression model: binary, or K classes (multinomial or one-vs-rest, --multiclass) where the labels hold more than two.",
        footer = {"", "Examples:",
                "  logreg train --data data/breast-cancer.csv --label benign --out model.json",
                "  logreg train --data data/breast-cancer.csv --label benign --penalty l2 --lambda 1 --standardize --validation-fraction 0.2 --json",
                "  logreg train --data data/breast-cancer.libsvm --penalty l1 --lambda 0.5 --backend cpu --threads 4 --out l1.json",
                "  logreg train --data x.npy --labels y.npy --class-weight balanced --max-iter 200 --out model.json",
                "  logreg train --data data/breast-cancer.csv --label benign --penalty l1 --standardize --cv-folds 5 --cv-rule 1se --out model.json",
                "  logreg train --data data/wine.csv --label cultivar --standardize --penalty l2 --cv-folds 5 --out wine.json",
                "",
                "--standardize follows glmnet: the penalty applies to the coefficients of standardized features (weighted mean 0,",
                "population standard deviation 1; without an intercept only scaled), with the data left as they are (the penalty",
                "is put on each column's scale) and the model on the original scales. The backend is --backend, else",
                "-Dlogreg.backend, else $LOGREG_BACKEND, else auto."})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    LogregCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--label", paramLabel = "NAME", defaultValue = "label", description = "CSV label column (default: ${DEFAULT-VALUE}); labels 0/1 or -1/+1.")
    String label;

    @Option(names = "--weight", paramLabel = "NAME", description = "CSV column of non-negative sample weights.")
    String weight;

    @Option(names = "--penalty", paramLabel = "none|l2|l1|elasticnet", defaultValue = "none",
            description = "Regularization of the coefficients, never the intercept (default: ${DEFAULT-VALUE}).")
    String penalty;

    @Option(names = "--lambda", paramLabel = "X", defaultValue = "1.0", description = "Penalty strength λ >= 0: (λ/2m)Σθ² for l2, (λ/m)Σ|θ| for l1 (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--l1-ratio", paramLabel = "A", defaultValue = "0.5", description = "Elastic net mixing α in [0, 1]: 1 is l1, 0 is l2 (default: ${DEFAULT-VALUE}).")
    double l1Ratio;

    @Option(names = "--loss", paramLabel = "log|mse", defaultValue = "log", description = "Loss (default: ${DEFAULT-VALUE}; mse is non-convex, for comparison only).")
    String loss;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "auto",
            description = "auto|lbfgs|owlqn|newton|tron|gd|sgd|adam (default: ${DEFAULT-VALUE}: L-BFGS, or OWL-QN with an L1 part; tron: truncated Newton, L2 or none).")
    String optimizer;

    @Option(names = "--backend", paramLabel = "auto|cpu|gpu|reference",
            description = "Compute backend, or the name of any backend on the class path (default: -Dlogreg.backend, else $LOGREG_BACKEND, else auto: GPU, then CPU, then reference).")
    String backend;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "Most threads of the CPU backend and of parsing a CSV or LIBSVM file; 0 for all cores (default).")
    int threads;

    @Option(names = "--no-intercept", description = "Fit no intercept (b = 0).")
    boolean noIntercept;

    @Option(names = "--tol", paramLabel = "X", description = "Gradient tolerance: stop when ‖g‖∞ <= X·max(|f|, 1) (default: 1e-8).")
    Double tol;

    @Option(names = "--max-iter", paramLabel = "N", description = "Iteration budget (epochs for sgd and adam; default: 1000).")
    Integer maxIter;

    @Option(names = "--time-budget", paramLabel = "SECONDS", description = "Wall-clock budget of the optimization (default: none).")
    Double timeBudget;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of every random choice: mini-batches, the validation split, the cross-validation folds (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--standardize", description = "Penalize in standardized space, report coefficients in the original space (glmnet's behaviour).")
    boolean standardize;

    @Option(names = "--multiclass", paramLabel = "multinomial|ovr",
            description = "How more than two classes train: 'multinomial' (one softmax model, the default) or 'ovr' (one binary model per class). "
                    + "Two classes stay the binary model unless 'multinomial' is given.")
    String multiclass;

    @Option(names = "--class-weight", paramLabel = "balanced", description = "'balanced': weight each row by m / (K·count(its class)), times any --weight.")
    String classWeight;

    @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0",
            description = "Hold out this fraction of rows (seeded by --seed), train on the rest, print metrics on both.")
    double validationFraction;

    @Option(names = "--init-model", paramLabel = "MODEL.json",
            description = "Start from this model's coefficients (a warm start: same optimum, usually fewer iterations); same features and labels as the data.")
    Path initModel;

    @Mixin
    CrossValidationFlags crossValidation;

    @Option(names = "--stats",
            description = "Print standard errors, z, p-values and confidence intervals of the coefficients (unpenalized log-loss fits; R's summary.glm).")
    boolean stats;

    @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "0.95", description = "With --stats: level of the intervals (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = "--plot", paramLabel = "DIR",
            description = "Write PNG charts here: objective per iteration, and with --cv-folds the cross-validation curve (mean ± 1 standard error per λ).")
    Path plot;

    @Option(names = "--out", paramLabel = "MODEL.json", description = "Write the model file here (atomically).")
    Path out;

    @Mixin
    ForceOption forceOption;

    @Option(names = "--timings", description = "Print the wall time of each phase on standard error (read, backend, bind, statistics, optimizer, write, metrics; K classes: read, backend, fit, write, metrics; in --json also as \"timings\").")
    boolean timings;

    @Option(names = "--json", description = "Print one JSON summary on standard output.")
    boolean json;

    @Option(names = "--quiet", description = "No progress output on standard error.")
    boolean quiet;

    @Mixin
    VerboseOption verboseOption;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = parent.out;
        PrintWriter stderr = parent.err;
        TrainingOptions options = trainingOptions();
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("--validation-fraction is " + validationFraction + ", expected a number in [0, 1)");
        }
        if (classWeight != null && !classWeight.equalsIgnoreCase("balanced")) {
            throw new IllegalArgumentException("--class-weight is " + Excerpt.quoted(classWeight) + ", expected 'balanced'");
        }
        if (threads < 0) throw new IllegalArgumentException("--threads is " + threads + ", expected 0 (all cores) or more");
        CrossValidationOptions cv = crossValidation.options(options, initModel != null, this::matched);
        checkStatistics(options, cv);
        if (out != null) AtomicFile.checkWritable(out, forceOption.force); // a refused --out fails before the training, not after
        BackendFactory factory = BackendFactory.discover();
        factory.resolve(backend, "--backend");  // a bad name fails here, before the data are read

        ReadOptions ro = dataOptions.readOptions(ReadOptions.DEFAULT.withLabelColumn(label).withWeightColumn(weight));
        PhaseTimes phases = new PhaseTimes();
        long t0 = System.nanoTime();
        LoadedData loaded = DataReaders.read(dataOptions.data, ro, threads);
        phases.end("read");
        Dataset all = loaded.dataset();
        if (!quiet) {
            stderr.printf(Locale.ROOT, "data: %s, %d rows x %d features%s (%.2f s)%n", dataOptions.data, all.rows(), all.cols(),
                    all.isSparse() ? String.format(Locale.ROOT, ", sparse: %d nonzeros", all.nonzeros()) : "", (System.nanoTime() - t0) / 1e9);
        }

        if (stats && (long) (all.cols() + 1) * (all.cols() + 1) > Integer.MAX_VALUE - 8) {
            // Refused before the fit rather than after it: the (n+1)² Hessian of the standard errors cannot exist.
            throw new IllegalArgumentException("--stats needs the (features + 1)² Hessian; " + all.cols() + " features are too many (at most 46,339)");
        }
        int[] trainRows = null;
        int[] validationRows = null;
        if (validationFraction > 0) {
            int[][] split = ValidationSplit.split(all.rows(), validationFraction, new SplittableRandom(seed));
            trainRows = split[0];
            validationRows = split[1];
        }
        Dataset train = trainRows == null ? all : all.select(trainRows);
        MulticlassTraining.requireTwoClasses(loaded);
        MulticlassTraining.Strategy strategy = MulticlassTraining.strategy(multiclass, all.classes());
        if (strategy != MulticlassTraining.Strategy.BINARY) {
            return MulticlassTraining.run(this, strategy, options, cv, loaded, all, train, validationRows == null ? null : all.select(validationRows),
                    phases, stdout, stderr);
        }
        if (classWeight != null) {
            try {
                train = ClassWeights.balanced(train);   // the rows' weights only: the rows are shared, not copied
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--class-weight balanced: " + e.getMessage(), e);
            }
        }
        if (standardize && options.penalty().kind() != Penalty.Kind.NONE) {
            // glmnet's standardize, without a standardized copy of the data: the penalty on the columns' scales.
            options = options.withPenalty(options.penalty().onScales(ColumnStatistics.of(train).standardizationScales(options.fitIntercept())));
            // With --cv-folds each fold takes its scales from its own training rows (glmnet's cv.glmnet).
            if (cv != null) cv = cv.withStandardizeFolds(true);
        }

        LogisticModel start = initModel == null ? null : startModel(initModel, all, loaded.labels());

        phases.start();
        BackendFactory.Selection sel = factory.selectByName(backend);
        // openFor: sparse rows go to a backend that takes them (auto passes over one that does not, saying so).
        // The fits expected: the cpu backend runs its SIMD kernels from the first pass where many fits repay their
        // compilation (the cpu module's SimdChoice).
        BackendOptions backendOptions = new BackendOptions(threads, 0).withExpectedFits(LogisticRegression.expectedFits(cv, null, 2));
        BackendFactory.Opened opened = factory.openFor(backend, backendOptions, train);
        String backendName = opened.backend().name();
        phases.end("backend");
        if (!quiet) stderr.println("backend: " + opened.backend().name() + " (" + (opened.note() != null ? opened.note() : sel.reason()) + ")");
        ProgressListener progress = quiet ? null : new ProgressListener(stderr, parent.terminal, options.criteria().maxIterations(), 100);
        TrainingResult result;
        CrossValidationResult cvResult = null;
        CoefficientStatistics statistics = null;
        String statisticsError = null;
        try (Backend b = opened.backend()) {
            if (cv != null) {
                CrossValidationFlags.FoldProgress folds = quiet ? null : new CrossValidationFlags.FoldProgress(stderr, cv.folds());
                cvResult = CrossValidation.run(b, train, options, cv, folds);
                if (folds != null) folds.finish();
                result = cvResult.refit();
            } else if (stats) {
                // One bind serves the fit and the Hessian of the statistics (on the GPU: one upload, not two).
                try (BoundData bound = Trainer.bind(b, train, options)) {
                    result = Trainer.fit(bound, options, start, progress == null ? TrainingListener.NONE : progress);
                    try {
                        statistics = StatisticsOutput.compute(factory, bound.term(), train, result, confidence, threads);
                    } catch (IllegalArgumentException e) {
                        // The model is still written and reported: only its standard errors are undefined (separable
                        // data, collinear columns, an unconverged fit).
                        statisticsError = e.getMessage();
                    }
                }
            } else if (!timings) {
                result = Trainer.fit(b, train, options, start, progress == null ? TrainingListener.NONE : progress);
            } else {
                // Bind, statistics and optimizer one after the other, each timed (Trainer.fit(Backend, ...) does the
                // same in one call with the same result, and refuses options it cannot train before it binds).
                try (BoundData bound = Trainer.bind(b, train, options)) {
                    phases.end("bind");
                    if (options.precondition()) {
                        bound.statistics();
                        phases.end("statistics");
                    }
                    result = Trainer.fit(bound, options, start, progress == null ? TrainingListener.NONE : progress);
                }
            }
            phases.end(cv != null ? "cross-validation" : stats ? "fit and --stats" : timings ? "optimizer" : "fit");
            if (progress != null) progress.finish();
        } finally {
            if (progress != null) progress.finish();
        }
        if (cvResult != null && !quiet) CrossValidationFlags.printPath(stderr, cvResult);
        LogisticModel model = result.model();

        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("standardize", standardize);
        extra.put("classWeight", classWeight == null ? null : "balanced");
        extra.put("validationFraction", validationFraction);
        extra.put("labelColumn", label);
        extra.put("weightColumn", weight);
        extra.put("threads", threads);
        extra.put("data", dataOptions.data.toString());
        extra.put("rows", train.rows());
        if (cvResult != null) {
            extra.put("cvFolds", cvResult.folds());
            extra.put("cvMetric", cvResult.scorer());
            extra.put("cvRule", CrossValidationFlags.ruleName(cvResult.rule()));
            extra.put("cvLambdaCount", cvResult.path().size());
            extra.put("cvScore", Json.finite(cvResult.chosen().mean()));
            extra.put("cvScoreStandardError", Json.finite(cvResult.chosen().standardError()));
        }
        phases.start();
        SavedModel saved = SavedModel.of(result, model, loaded.labels(), extra);
        if (out != null) ModelFile.write(out, saved, forceOption.force);
        List<Path> plots = plot == null ? List.of() : Plots.training(plot, saved, cvResult, forceOption.force);
        phases.end("write");

        Status status = result.status();
        String warning = warning(result);
        if (warning != null) stderr.println("warning: " + warning);
        String cvWarning = cvResult == null ? null : CrossValidationFlags.warning(cvResult);
        if (cvWarning != null) stderr.println("warning: " + cvWarning);
        if (statisticsError != null) stderr.println("warning: --stats: no standard errors: " + statisticsError);

        // Train's summary has always counted every row once; the training rows may carry --class-weight factors,
        // which are a fitting device, not an evaluation choice. Weighted metrics are logreg evaluate --weight.
        phases.start();
        BinaryMetrics trainMetrics = BinaryMetrics.compute(model.decisionFunction(train), BinaryMetrics.labels(train), 0.5);
        BinaryMetrics validationMetrics = null;
        if (validationRows != null) {
            Dataset val = all.select(validationRows);
            validationMetrics = BinaryMetrics.compute(model.decisionFunction(val), BinaryMetrics.labels(val), 0.5);
        }
        phases.end("metrics");
        if (timings) phases.print(stderr);
        double seconds = result.optimization().elapsedNanos() / 1e9;
        if (json) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("status", status.name());
            s.put("converged", status.isConverged());
            s.put("message", result.message());
            s.put("objective", Json.finite(result.objective()));
            s.put("iterations", result.optimization().iterations());
            s.put("seconds", seconds);
            s.put("backend", result.backend());
            s.put("backendName", backendName);
            s.put("optimizer", result.optimizer());
            s.put("rows", train.rows());
            s.put("features", train.cols());
            s.put("model", out == null ? null : out.toString());
            if (plot != null) s.put("plots", plots.stream().map(Path::toString).toList());
            s.put("warning", warning);
            if (cvResult != null) s.put("cvWarning", cvWarning);
            if (cvResult != null) s.put("crossValidation", CrossValidationFlags.toMap(cvResult));
            if (stats) {
                s.put("coefficientStatistics", statistics == null ? null : statistics.toMap());
                s.put("coefficientStatisticsError", statisticsError);
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("training", trainMetrics.toMap());
            if (validationMetrics != null) metrics.put("validation", validationMetrics.toMap());
            s.put("metrics", metrics);
            if (timings) s.put("timings", phases.toMap());
            stdout.println(Json.write(s));
        } else {
            if (cvResult != null) {
                stdout.println(CrossValidationFlags.chosenLine(cvResult));
            }
            stdout.printf(Locale.ROOT, "status %s after %d iterations (%.3f s of training), objective %.10g%n",
                    status.name(), result.optimization().iterations(), seconds, result.objective());
            stdout.printf(Locale.ROOT, "training:   %s%n", summary(trainMetrics));
            if (validationMetrics != null) stdout.printf(Locale.ROOT, "validation: %s%n", summary(validationMetrics));
            if (statistics != null) StatisticsOutput.print(stdout, statistics);
            if (out != null) stdout.println("model written to " + out);
            for (Path p : plots) stdout.println("plot written to " + p);
        }
        return Cli.OK;
    }

    /**
     * The model of {@code file} as a warm start for {@code data}: the same number of features, the same names where
     * both have names, the same label values (another positive class would start from the mirror image).
     */
    static LogisticModel startModel(Path file, Dataset data, LabelMapping labels) throws java.io.IOException {
        SavedModel saved = ModelFile.read(file);
        if (!(saved.classifier() instanceof LogisticModel m)) {
            throw new IllegalArgumentException("--init-model " + file + " has " + saved.classifier().classes() + " classes " + saved.labels()
                    + "; the data have two " + labels);
        }
        if (m.features() != data.cols()) {
            throw new IllegalArgumentException("--init-model " + file + " has " + m.features() + " features, the data have " + data.cols());
        }
        List<String> names = m.featureNames();
        List<String> dataNames = data.featureNames();
        if (names != null && dataNames != null) {
            for (int j = 0; j < names.size(); j++) {
                if (!names.get(j).equals(dataNames.get(j))) {
                    throw new IllegalArgumentException("--init-model " + file + ": feature " + j + " is " + Excerpt.quoted(names.get(j))
                            + " in the model but " + Excerpt.quoted(dataNames.get(j)) + " in the data");
                }
            }
        }
        if (!saved.labels().equals(labels)) {
            throw new IllegalArgumentException("--init-model " + file + " maps labels " + saved.labels() + ", the data " + labels);
        }
        return m;
    }

    private boolean matched(String flag) {
        return spec != null && spec.commandLine() != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** --stats and --confidence against the other flags, before the data are read. */
    private void checkStatistics(TrainingOptions options, CrossValidationOptions cv) {
        if (!stats) {
            if (matched("--confidence")) throw new IllegalArgumentException("--confidence needs --stats");
            return;
        }
        if (!(confidence > 0 && confidence < 1)) throw new IllegalArgumentException("--confidence is " + confidence + ", expected a level in (0, 1)");
        if (cv != null || !options.penalty().isZero()) {
            throw new IllegalArgumentException("--stats needs an unpenalized fit (--penalty none, no --cv-folds): a penalty biases the estimates"
                    + " and the maximum-likelihood standard errors no longer hold");
        }
        if (options.loss().kind() != Loss.Kind.LOG) throw new IllegalArgumentException("--stats needs --loss log (a likelihood)");
        if (classWeight != null) {
            throw new IllegalArgumentException("--stats counts sample weights as frequencies; --class-weight balanced reweights the classes,"
                    + " for which these standard errors do not hold");
        }
    }

    /** The warning line for a run that did not converge, or null. */
    static String warning(TrainingResult r) {
        switch (r.status()) {
            case CONVERGED_GRADIENT:
            case CONVERGED_VALUE:
                return null;
            case MAX_ITERATIONS:
                return "training stopped on its iteration budget (" + r.optimization().iterations()
                        + " iterations) before converging; raise --max-iter or loosen --tol" + secondOrderHint(r);
            case TIME_BUDGET:
                return "training stopped on its time budget after " + r.optimization().iterations()
                        + " iterations, before converging; raise --time-budget";
            default:
                return "training ended with status " + r.status().name() + (r.message() == null || r.message().isEmpty() ? "" : ": " + r.message());
        }
    }

    /** Most features for which the hint suggests Newton: its O(n³) solve and O(m·n²) Hessian pass stay cheap. */
    static final int NEWTON_HINT_MAX_FEATURES = 500;

    /**
     * Where a quasi-Newton method ran out of iterations on few features, Newton (proximal Newton with an L1 part)
     * usually converges in tens: nearly collinear columns slow L-BFGS and OWL-QN, not a second-order method.
     */
    private static String secondOrderHint(TrainingResult r) {
        boolean quasiNewton = r.optimizer().equals("lbfgs") || r.optimizer().equals("owlqn");
        // Newton's Hessian is (n+1)K square: the hint counts every parameter of a K-class model.
        long params = (long) r.classifier().features() * (r.classifier() instanceof LogisticModel ? 1 : r.classifier().classes());
        if (!quasiNewton || params > NEWTON_HINT_MAX_FEATURES) return "";
        return ", or try --optimizer newton (second order: tens of iterations for "
                + r.classifier().features() + " features)";
    }

    private static String summary(BinaryMetrics m) {
        return String.format(Locale.ROOT, "rows %d, log loss %.6f, accuracy %.4f, F1 %.4f, ROC AUC %.4f", m.rows(), m.logLoss(), m.accuracy(), m.f1(), m.rocAuc());
    }

    /** The options these flags describe; every bad value is an IllegalArgumentException naming the flag. */
    TrainingOptions trainingOptions() {
        Penalty p = Penalty.of(penalty, lambda, l1Ratio);
        Loss l;
        switch (loss.trim().toLowerCase(Locale.ROOT)) {
            case "log": l = Loss.log(); break;
            case "mse": l = Loss.mse(); break;
            default: throw new IllegalArgumentException("--loss is " + Excerpt.quoted(loss) + ", expected log or mse");
        }
        String opt = optimizer.trim().toLowerCase(Locale.ROOT);
        if (!Optimizers.NAMES.contains(opt)) {
            throw new IllegalArgumentException("--optimizer is " + Excerpt.quoted(optimizer) + ", expected one of " + String.join(", ", Optimizers.NAMES));
        }
        StoppingCriteria c = StoppingCriteria.DEFAULT;
        if (maxIter != null) {
            if (maxIter < 1) throw new IllegalArgumentException("--max-iter is " + maxIter + ", expected at least 1");
            c = c.withMaxIterations(maxIter);
        }
        if (tol != null) {
            if (!(tol > 0) || !Double.isFinite(tol)) throw new IllegalArgumentException("--tol is " + tol + ", expected a finite number > 0");
            c = c.withGradientTolerance(tol);
        }
        if (timeBudget != null) {
            if (!(timeBudget > 0) || !Double.isFinite(timeBudget)) throw new IllegalArgumentException("--time-budget is " + timeBudget + ", expected seconds > 0");
            c = c.withTimeBudget(Duration.ofNanos((long) (timeBudget * 1e9)));
        }
        return TrainingOptions.DEFAULT.withLoss(l).withPenalty(p).withFitIntercept(!noIntercept).withOptimizer(opt).withCriteria(c).withSeed(seed);
    }
}
