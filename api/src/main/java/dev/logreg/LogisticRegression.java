package dev.logreg;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendChoice;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.BoundData;
import dev.logreg.train.CrossValidation;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.CrossValidationResult;
import dev.logreg.train.Multiclass;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.time.Duration;
import java.util.Objects;

/**
 * The entry point for embedders: a configured, reusable trainer of logistic-regression models: binary, or over K
 * classes (multinomial or one-vs-rest, {@link Builder#multiclass}; the data state K, {@link Dataset#classes()}).
 *
 * <pre>{@code
 * LogisticRegression lr = LogisticRegression.builder()
 *         .penalty(Penalty.l2(1.0))
 *         .optimizer("lbfgs")
 *         .backend(BackendChoice.AUTO)     // or null: -Dlogreg.backend, then LOGREG_BACKEND, then auto
 *         .threads(4)
 *         .build();
 * TrainingResult fit = lr.fit(Dataset.wrap(features, cols, labels, null));
 * LogisticModel model = fit.model();       // immutable, thread-safe scoring
 *
 * TrainingResult three = lr.fit(Dataset.wrap(features, cols, classIndices, null, 3));   // labels 0, 1, 2
 * LinearClassifier softmax = three.classifier();                                        // a SoftmaxModel
 * }</pre>
 *
 * <p>Sparse (CSR) data ({@link Dataset#wrapCsr}, {@link Dataset#sparseBuilder}) train exactly as dense data do, with
 * every option; {@code auto} passes over a backend that does not take them ({@link Backend#supportsSparse()}) and the
 * result's message says so, and an explicit such choice is refused by name ({@link BackendFactory#openFor}).
 *
 * <p>With the multinomial loss, {@code auto} passes over the GPU backend (it does not implement it yet) for the next
 * usable one, the CPU backend where it starts, and the result's message says so; an explicit {@code gpu} is refused
 * with that reason.
 *
 * <p>{@link #fit(Dataset)} opens a backend through {@link BackendFactory#discover()} (or the factory given to the
 * builder), trains with {@link Trainer}, and closes the backend before returning, so nothing native outlives the
 * call. A service that trains often may keep a backend open itself and call {@link #fit(Backend, Dataset)}; one that
 * fits several configurations on the same rows (a regularization path) may bind them once and call
 * {@link #fitBound(BoundData)}.
 *
 * <p>Immutable and thread-safe: every call to {@code fit} is independent (each opens its own backend). The listener,
 * if any, is called from the training thread of each call; it must be thread-safe where calls overlap.
 */
public final class LogisticRegression {
    private final TrainingOptions options;
    private final String backend;
    private final BackendOptions backendOptions;
    private final TrainingListener listener;
    private final BackendFactory factory;
    private final boolean standardize;
    private final boolean balanceClasses;
    private final Multiclass multiclass;
    private final FitRunner runner;

    private LogisticRegression(Builder b) {
        this.options = b.options;
        this.backend = b.backend;
        this.backendOptions = b.backendOptions;
        this.listener = b.listener;
        this.factory = b.factory;
        this.standardize = b.standardize;
        this.balanceClasses = b.balanceClasses;
        this.multiclass = b.multiclass;
        this.runner = new FitRunner(options, listener, standardize, balanceClasses);
    }

    /** A builder with the defaults of {@link TrainingOptions#DEFAULT}, backend {@code null} (deferred) and all cores. */
    public static Builder builder() {
        return new Builder();
    }

    /** The training options in force (loss, penalty, intercept, optimizer, stopping criteria, seed, ...). */
    public TrainingOptions options() { return options; }

    /**
     * The backend asked for ({@code auto}, {@code cpu}, {@code gpu}, {@code reference} or a third-party backend's
     * name), or {@code null} where the choice is deferred to {@code -Dlogreg.backend}, {@code LOGREG_BACKEND}, then auto.
     */
    public String backend() { return backend; }

    /** The options the backend is opened with (threads, device). */
    public BackendOptions backendOptions() { return backendOptions; }

    /** Whether the penalty applies to the coefficients of standardized features ({@link Builder#standardize}). */
    public boolean standardize() { return standardize; }

    /** Whether each class weighs half of every mean ({@link Builder#balanceClasses}). */
    public boolean balanceClasses() { return balanceClasses; }

    /** The K-class strategy asked for, or {@code null} for the default (see {@link Builder#multiclass}). */
    public Multiclass multiclass() { return multiclass; }

    private FitStrategy strategy(int classes) {
        return FitStrategy.of(options.loss(), multiclass, classes);
    }

    /**
     * The backend a fit of {@code loss} opens where {@code backend} is asked for, and why where {@code auto} was
     * replaced. Every backend computes the log loss, the squared error and the multinomial loss; the squared hinge, a
     * comparison loss, only the reference backend: there {@code auto} becomes {@code reference}. An explicit choice
     * is always kept, so a backend that cannot compute the loss refuses it by name rather than being replaced. One
     * rule for this class and the command line.
     *
     * @param backend a backend name, or {@code null} for the usual order (system property, environment, auto)
     */
    public static BackendPick backendFor(BackendFactory f, String backend, Loss loss) {
        if (loss.kind() == Loss.Kind.SQUARED_HINGE && f.resolve(backend).getKey().equals(BackendChoice.AUTO.id())) {
            return new BackendPick(BackendChoice.REFERENCE.id(), "auto chose the reference backend: the squared hinge loss is implemented there only");
        }
        return new BackendPick(backend, null);
    }

    /**
     * A backend to open for a fit ({@link #backendFor}).
     *
     * @param name the name to open ({@code null}: the usual order)
     * @param note why {@code auto} was replaced, for the result's message; {@code null} where it was not
     */
    public record BackendPick(String name, String note) {}

    /**
     * Trains on {@code data}: opens the chosen backend, trains, closes the backend.
     *
     * @param data the training rows (not copied by this call; a backend may copy them to its own memory)
     * @return the model with its status, objective and provenance (optimizer, backend description, options)
     * @throws dev.logreg.backend.BackendUnavailableException where the chosen backend cannot start (an explicit
     *                                                        choice is never silently replaced)
     * @throws IllegalArgumentException                       on options that do not fit the data or each other, or
     *                                                        sparse data on an explicitly chosen backend that does
     *                                                        not take them
     */
    public TrainingResult fit(Dataset data) {
        Objects.requireNonNull(data, "data");
        BackendFactory f = factory != null ? factory : BackendFactory.discover();
        FitStrategy s = strategy(data.classes());
        BackendPick pick = backendFor(f, backend, options.loss());
        BackendFactory.Opened opened = f.openFor(pick.name(), backendOptions.withExpectedFits(expectedFits(null, s.multiclass(), data.classes())), data);
        String note = pick.note() == null ? opened.note() : opened.note() == null ? pick.note() : pick.note() + "; " + opened.note();
        try (Backend b = opened.backend()) {
            return runner.fitOn(b, data, s, note);
        }
    }

    /**
     * Trains on a backend the caller opened and keeps ownership of (it is not closed here).
     *
     * @param backend an open backend
     * @param data    the training rows
     */
    public TrainingResult fit(Backend backend, Dataset data) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(data, "data");
        return runner.fitOn(backend, data, strategy(data.classes()), null);
    }

    /**
     * Trains on data the caller bound once ({@link Trainer#bind}) and keeps ownership of (it stays open), for
     * several configurations over the same rows without binding them again:
     * <pre>{@code
     * try (Backend backend = BackendFactory.discover().open(BackendChoice.AUTO, BackendOptions.DEFAULT);
     *      BoundData bound = Trainer.bind(backend, data, TrainingOptions.DEFAULT)) {
     *     for (double lambda : new double[] {10, 1, 0.1}) {
     *         TrainingResult r = LogisticRegression.builder().penalty(Penalty.l2(lambda)).build().fitBound(bound);
     *     }
     * }
     * }</pre>
     * Not for concurrent calls on one {@code bound} (a bound term is not thread-safe). (Not an overload of
     * {@code fit}: {@code fit(null)} must stay unambiguous for existing callers.)
     *
     * @throws IllegalArgumentException where this configuration needs another loss or row order than {@code bound}
     *                                  holds (see {@link Trainer#fit(BoundData, TrainingOptions, TrainingListener)})
     */
    public TrainingResult fitBound(BoundData bound) {
        return fitBound(bound, null);
    }

    /**
     * As {@link #fitBound(BoundData)}, warm-started from {@code start} (see
     * {@link Trainer#fit(BoundData, TrainingOptions, LogisticModel, TrainingListener)}): along a regularization path,
     * pass each fit's model to the next.
     * <pre>{@code
     * LogisticModel previous = null;
     * for (double lambda : new double[] {100, 10, 1, 0.1}) {
     *     TrainingResult r = LogisticRegression.builder().penalty(Penalty.l1(lambda)).build().fitBound(bound, previous);
     *     previous = r.model();
     * }
     * }</pre>
     *
     * @param start the model to start from, or {@code null} for zero
     */
    public TrainingResult fitBound(BoundData bound, LogisticModel start) {
        return fitBound(bound, (dev.logreg.model.LinearClassifier) start);
    }

    /**
     * As {@link #fitBound(BoundData, LogisticModel)} for any model the bound loss trains: a
     * {@link dev.logreg.model.SoftmaxModel} start for data bound with the multinomial loss. One-vs-rest binds each
     * class's labels itself and is not available here ({@link #fit(Dataset)}).
     */
    public TrainingResult fitBound(BoundData bound, dev.logreg.model.LinearClassifier start) {
        Objects.requireNonNull(bound, "bound");
        if (strategy(bound.data().classes()) == FitStrategy.ONE_VS_REST) {
            throw new IllegalArgumentException("one-vs-rest binds each class's binary labels itself: use fit(data), not fitBound");
        }
        if (balanceClasses) {
            throw new IllegalArgumentException("balanceClasses reweights the rows before they are bound: bind ClassWeights.balanced(data)"
                    + " and fit it with balanceClasses(false)");
        }
        TrainingOptions o = runner.optionsFor(bound);
        if (bound.loss().kind() == Loss.Kind.MULTINOMIAL) o = o.withLoss(Loss.multinomial());
        return Trainer.fit(bound, o, start, listener);
    }

    /**
     * Chooses λ for this configuration's penalty by stratified k-fold cross-validation on {@code data}, then refits
     * on every row (see {@link CrossValidation}): opens the chosen backend, runs, closes it. K-class data are
     * cross-validated with this configuration's strategy ({@link Builder#multiclass}; multinomial by default, where
     * {@code auto} picks the reference backend as {@link #fit(Dataset)} does); with balanced classes the weights are
     * the K-class ones (m/(K·count)) for either strategy.
     * <pre>{@code
     * CrossValidationResult cv = LogisticRegression.builder().penalty(Penalty.l1(1)).build()
     *         .crossValidate(data, CrossValidationOptions.DEFAULT.withFolds(10));
     * LogisticModel model = cv.refit().model();   // trained on all rows with λ = cv.chosenLambda()
     * }</pre>
     *
     * @param cv folds, the λ grid, the score and the rule
     * @throws IllegalArgumentException as {@link CrossValidation#run}
     */
    public CrossValidationResult crossValidate(Dataset data, CrossValidationOptions cv) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(cv, "cv");
        BackendFactory f = factory != null ? factory : BackendFactory.discover();
        FitStrategy s = strategy(data.classes());
        String name = backendFor(f, backend, options.loss()).name();
        try (Backend b = f.openFor(name, backendOptions.withExpectedFits(expectedFits(cv, s.multiclass(), data.classes())), data).backend()) {
            Dataset rows = runner.rowsFor(data);
            // Standardized: each fold's scales from its own training rows (glmnet's cv.glmnet).
            TrainingOptions options = runner.optionsFor(rows);
            boolean onScales = standardize && options.penalty().kind() != Penalty.Kind.NONE;
            return CrossValidation.run(b, rows, options, s.multiclass(), onScales ? cv.withStandardizeFolds(true) : cv, null);
        }
    }

    /**
     * The fits a run makes, which it announces to its backend ({@link BackendOptions#expectedFits}): one, or every
     * fold's λ path and the refit where {@code cv} is given ({@link CrossValidationOptions#fits}), each of them K
     * binary fits where {@code multiclass} is one-vs-rest over {@code classes} classes. One rule for this class and
     * the command line.
     *
     * @param cv         the cross-validation, or null for one fit
     * @param multiclass the multiclass strategy, or null for a binary or multinomial fit
     */
    public static int expectedFits(CrossValidationOptions cv, Multiclass multiclass, int classes) {
        long fits = (long) (cv != null ? cv.fits() : 1) * (multiclass == Multiclass.ONE_VS_REST ? classes : 1);
        return (int) Math.min(Integer.MAX_VALUE, fits);
    }

    @Override
    public String toString() {
        return "LogisticRegression[" + options + (multiclass == null ? "" : ", " + multiclass) + (standardize ? ", standardized" : "") + (balanceClasses ? ", balanced classes" : "") + ", backend=" + (backend == null ? "deferred" : backend)
                + ", threads=" + backendOptions.threads() + "]";
    }

    /**
     * Collects the configuration of a {@link LogisticRegression}. Each setter validates its argument at once
     * (an {@link IllegalArgumentException} naming the value); {@link #build()} checks the combination. Not
     * thread-safe; the built object is.
     */
    public static final class Builder {
        private TrainingOptions options = TrainingOptions.DEFAULT;
        private String backend;
        private BackendOptions backendOptions = BackendOptions.DEFAULT;
        private TrainingListener listener;
        private BackendFactory factory;
        private boolean standardize;
        private boolean balanceClasses;
        private Multiclass multiclass;

        private Builder() {}

        /**
         * How data of more than two classes train: {@link Multiclass#MULTINOMIAL} (one softmax model) or
         * {@link Multiclass#ONE_VS_REST} (K binary models); {@code null}, the default, trains multinomial where the data
         * have K &gt; 2 classes and the binary model where K = 2. Asking for multinomial trains the two-class softmax
         * model even where K = 2; one-vs-rest on two classes is the binary model.
         */
        public Builder multiclass(Multiclass strategy) {
            this.multiclass = strategy;
            return this;
        }

        /**
         * Weigh each class equally in every mean, as scikit-learn's {@code class_weight="balanced"}: each row's weight
         * times m / (K · count(its class)) (for one-vs-rest, per binary problem, K = 2) ({@link dev.logreg.data.ClassWeights#balanced}; the rows are not copied).
         * Default false. Not with {@link #fitBound} (the weights are part of what is bound).
         */
        public Builder balanceClasses(boolean balance) {
            this.balanceClasses = balance;
            return this;
        }

        /**
         * Penalize the coefficients of standardized features (glmnet's {@code standardize = TRUE}, Spark MLlib's
         * {@code standardization}): the penalty applies to sⱼθⱼ, sⱼ each feature's weighted population standard
         * deviation (its root mean square without an intercept), while the model keeps the original features' scales.
         * No copy of the data: the scales go into the penalty ({@link dev.logreg.penalty.Penalty#onScales}). Default
         * false; no effect without a penalty. In {@link #crossValidate} each fold's scales are those of its own
         * training rows (the grid's and the refit's, all rows').
         */
        public Builder standardize(boolean standardize) {
            this.standardize = standardize;
            return this;
        }

        /** The penalty on the coefficients (never on the intercept); default none. */
        public Builder penalty(Penalty penalty) {
            options = options.withPenalty(Objects.requireNonNull(penalty, "penalty"));
            return this;
        }

        /**
         * The pointwise loss; default {@link Loss#log()}. {@link Loss#mse()} is non-convex, for comparison only.
         * {@link Loss#squaredHinge()} and {@link Loss#hinge()} are the losses of the linear support vector machine,
         * <b>not logistic regression</b>, for comparison only (binary): the squared hinge through the optimizers (on the
         * reference backend, which {@code auto} then picks), the hinge by dual coordinate descent on the host
         * ({@link dev.logreg.train.HingeDualSolver}: L2 only, the intercept penalised). Either trains a
         * {@link LogisticModel} whose decision function is the SVM's; its {@code predictProbability} is σ of the
         * margin, not a probability.
         */
        public Builder loss(Loss loss) {
            options = options.withLoss(Objects.requireNonNull(loss, "loss"));
            return this;
        }

        /**
         * The optimizer by name: {@code auto | lbfgs | owlqn | newton | tron | gd | sgd | adam} (default
         * {@code auto}: L-BFGS for smooth penalties, OWL-QN for L1 and elastic net; {@code tron}, the truncated Newton
         * method, for L2 or no penalty).
         */
        public Builder optimizer(String name) {
            Objects.requireNonNull(name, "optimizer");
            String n = name.trim().toLowerCase(java.util.Locale.ROOT);
            if (!dev.logreg.optim.Optimizers.NAMES.contains(n)) {
                throw new IllegalArgumentException("optimizer '" + name + "' is not one of " + dev.logreg.optim.Optimizers.NAMES);
            }
            options = options.withOptimizer(n);
            return this;
        }

        /** Whether to learn the intercept b (default true); without it b = 0. */
        public Builder fitIntercept(boolean fit) {
            options = options.withFitIntercept(fit);
            return this;
        }

        /**
         * Which backend to train on; {@code null} (the default) defers to {@code -Dlogreg.backend}, then
         * {@code LOGREG_BACKEND}, then {@link BackendChoice#AUTO}.
         */
        public Builder backend(BackendChoice choice) {
            backend = choice == null ? null : choice.id();
            return this;
        }

        /**
         * Which backend to train on, by name: {@code auto}, a built-in backend's, or that of any
         * {@link dev.logreg.backend.BackendProvider} on the class path ({@link BackendFactory}); {@code null} defers as
         * {@link #backend(BackendChoice)} does. The name is checked when {@code fit} opens the backend. (Not an
         * overload of {@code backend}: {@code backend(null)} must stay unambiguous.)
         */
        public Builder backendName(String name) {
            backend = name;
            return this;
        }

        /** The most threads a CPU backend may use; 0 (the default) means all cores. */
        public Builder threads(int threads) {
            backendOptions = backendOptions.withThreads(threads);
            return this;
        }

        /** Which CUDA device a GPU backend uses (default 0). */
        public Builder device(int index) {
            backendOptions = backendOptions.withDeviceIndex(index);
            return this;
        }

        /** Most iterations (epochs for SGD and Adam), at least 1; default 1000. */
        public Builder maxIterations(int n) {
            options = options.withCriteria(options.criteria().withMaxIterations(n));
            return this;
        }

        /** Gradient tolerance: stop when ‖g‖∞ ≤ tol · max(|J|, 1); &gt; 0, default 1e-8. */
        public Builder tolerance(double tol) {
            options = options.withCriteria(options.criteria().withGradientTolerance(tol));
            return this;
        }

        /** Relative objective-change tolerance (≥ 0; 0 disables it); default 1e-14. */
        public Builder objectiveTolerance(double tol) {
            options = options.withCriteria(options.criteria().withRelativeObjectiveTolerance(tol));
            return this;
        }

        /** Wall-clock budget of the optimization, or {@code null} for none (the default). */
        public Builder timeBudget(Duration budget) {
            options = options.withCriteria(options.criteria().withTimeBudget(budget));
            return this;
        }

        /** All stopping criteria at once. */
        public Builder criteria(StoppingCriteria criteria) {
            options = options.withCriteria(Objects.requireNonNull(criteria, "criteria"));
            return this;
        }

        /** Seed of every random choice (the mini-batch order of SGD and Adam); default 42. */
        public Builder seed(long seed) {
            options = options.withSeed(seed);
            return this;
        }

        /** Rows per mini-batch for {@code sgd} and {@code adam}; default 256. */
        public Builder batchSize(int rows) {
            options = options.withBatchSize(rows);
            return this;
        }

        /** Initial step for {@code sgd} and {@code adam}; NaN (the default) for the optimizer's own. */
        public Builder learningRate(double rate) {
            options = options.withLearningRate(rate);
            return this;
        }

        /** Whether the optimizer works on the exactly equivalent standardized problem (default true; never changes the optimum). */
        public Builder precondition(boolean precondition) {
            options = options.withPrecondition(precondition);
            return this;
        }

        /** Every training option at once (replaces what the setters above set). */
        public Builder options(TrainingOptions all) {
            options = Objects.requireNonNull(all, "options");
            return this;
        }

        /** Called after every iteration, and asked whether to stop; {@code null} for none. */
        public Builder listener(TrainingListener l) {
            listener = l;
            return this;
        }

        /** Where backends come from; default {@link BackendFactory#discover()} at each {@code fit}. */
        public Builder factory(BackendFactory f) {
            factory = f;
            return this;
        }

        /**
         * The configured trainer.
         *
         * @throws IllegalArgumentException where the optimizer cannot minimize the penalty (for example L-BFGS with
         *                                  an L1 penalty; use owlqn or auto)
         */
        public LogisticRegression build() {
            dev.logreg.optim.Optimizers.create(options).checkSupports(options.penalty().kind());
            return new LogisticRegression(this);
        }
    }
}
