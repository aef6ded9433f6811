package dev.logreg.train;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.objective.Preconditioner;
import dev.logreg.objective.ZeroLogits;
import dev.logreg.optim.OptimizationResult;
import dev.logreg.optim.Optimizer;
import dev.logreg.optim.Optimizers;
import dev.logreg.optim.Status;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Trains a {@link LogisticModel} (a binary loss) or a {@link SoftmaxModel} (the multinomial loss over the data's K
 * classes) on a {@link Backend}: binds the data once, composes the objective (data term on the
 * backend, penalty on the host, an exact preconditioner), runs the optimizer and maps the result back to the user's
 * feature scales. Stateless: every call is independent.
 *
 * <p>{@link #fit(Backend, Dataset, TrainingOptions, TrainingListener)} binds the data for the one fit and closes the
 * term before returning. To fit several models on the same rows (a regularization path, a grid of penalties), bind
 * once with {@link #bind(Backend, Dataset, TrainingOptions)} and call {@link #fit(BoundData, TrainingOptions,
 * TrainingListener)} per model: the same results, without the bind and the column statistics each time.
 */
public final class Trainer {
    private Trainer() {}

    /**
     * Trains on {@code backend} (not closed here; the data term bound for the run is).
     *
     * @throws IllegalArgumentException on options that do not fit together (an optimizer with a penalty it does not
     *                                  support, Newton on a backend without a Hessian) or on data with no optimum
     *                                  (every row of one class with a free intercept)
     */
    public static TrainingResult fit(Backend backend, Dataset data, TrainingOptions options, TrainingListener listener) {
        return fit(backend, data, options, null, listener);
    }

    /**
     * As {@link #fit(Backend, Dataset, TrainingOptions, TrainingListener)}, warm-started from {@code start} (see
     * {@link #fit(BoundData, TrainingOptions, LogisticModel, TrainingListener)}; {@code null} starts at zero).
     *
     * @throws IllegalArgumentException where {@code start} has another number of features than the data, and as
     *                                  {@link #fit(Backend, Dataset, TrainingOptions, TrainingListener)}
     */
    public static TrainingResult fit(Backend backend, Dataset data, TrainingOptions options, LogisticModel start,
                                     TrainingListener listener) {
        return fit(backend, data, options, (LinearClassifier) start, listener);
    }

    /**
     * As {@link #fit(Backend, Dataset, TrainingOptions, LogisticModel, TrainingListener)} for any loss: with the
     * multinomial loss {@code start} is a {@link SoftmaxModel} over the data's classes (or {@code null}).
     *
     * @throws IllegalArgumentException where {@code start} does not fit the data and loss (features, classes, kind),
     *                                  where a class of the data has no rows (multinomial; naming the class), and as
     *                                  {@link #fit(Backend, Dataset, TrainingOptions, TrainingListener)}
     */
    public static TrainingResult fit(Backend backend, Dataset data, TrainingOptions options, LinearClassifier start,
                                     TrainingListener listener) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(options, "options");

        if (options.loss().kind() == Loss.Kind.HINGE) return hinge(data, options, start, listener);
        // Everything that can be checked without the data on the backend is checked before paying for the bind.
        Optimizer optimizer = Optimizers.create(options);
        optimizer.checkSupports(options.penalty().kind());
        ParamShape shape = ParamShape.of(data, options.loss());
        checkClasses(data.labelCounts(), shape, options);
        checkStart(start, data, shape);

        try (BoundData bound = BoundData.bind(backend, data, options.loss(), bindOptions(optimizer, options))) {
            return train(bound, optimizer, options, start, listener);
        }
    }

    /**
     * The plain hinge loss: not differentiable, so not through the optimizers and the backend but by dual coordinate
     * descent on the host ({@link HingeDualSolver}); the backend is not used.
     */
    private static TrainingResult hinge(Dataset data, TrainingOptions options, LinearClassifier start, TrainingListener listener) {
        if (!options.optimizer().equals("auto")) {
            throw new IllegalArgumentException("the hinge loss is not differentiable: it is trained by dual coordinate descent, not by optimizer "
                    + options.optimizer() + "; leave the optimizer auto (or use the squared hinge, which the optimizers train)");
        }
        if (start != null) {
            throw new IllegalArgumentException("the hinge loss's dual coordinate descent starts from α = 0 and takes no start model: pass null");
        }
        ParamShape.of(data, options.loss()); // binary labels only, refused by name
        return HingeDualSolver.train(data, options, listener);
    }

    /**
     * Binds {@code data} to {@code backend} as a fit with {@code options} would (its loss; rows permuted by
     * {@code options.seed()} where the optimizer is stochastic, else in their own order), for any number of
     * {@link #fit(BoundData, TrainingOptions, TrainingListener) fits} whose options need the same loss and row order.
     * Caller closes the result; {@code backend} stays the caller's and must outlive it.
     *
     * @throws IllegalArgumentException on an unknown optimizer name, or where the backend cannot hold the data
     */
    public static BoundData bind(Backend backend, Dataset data, TrainingOptions options) {
        Objects.requireNonNull(options, "options");
        return BoundData.bind(backend, data, options.loss(), bindOptions(Optimizers.create(options), options));
    }

    /**
     * Trains on data bound earlier; {@code bound} stays open (the caller closes it) and may be used for further fits.
     * The result equals that of {@link #fit(Backend, Dataset, TrainingOptions, TrainingListener)} with
     * {@code bound}'s backend and data and the same options. The column statistics of the preconditioner are
     * computed on the first fit that needs them and kept in {@code bound}.
     *
     * @throws IllegalArgumentException where {@code options} need another loss or another row order than
     *                                  {@code bound} holds (the message says which and how to bind), and as
     *                                  {@link #fit(Backend, Dataset, TrainingOptions, TrainingListener)}
     * @throws IllegalStateException    where {@code bound} or its backend is closed
     */
    public static TrainingResult fit(BoundData bound, TrainingOptions options, TrainingListener listener) {
        return fit(bound, options, null, listener);
    }

    /**
     * As {@link #fit(BoundData, TrainingOptions, TrainingListener)}, started from {@code start}'s coefficients and
     * intercept instead of zero: a warm start, as along a regularization path (each λ from the previous one's
     * solution, as glmnet and scikit-learn's {@code warm_start} do) or when refitting on updated data. The optimum is
     * the same; only the way there is shorter. Without an intercept in {@code options}, {@code start}'s intercept is
     * not used (b stays 0).
     *
     * @param start a model with as many features as the data, or {@code null} for the usual start at zero
     * @throws IllegalArgumentException where {@code start} has another number of features than the data, and as
     *                                  {@link #fit(BoundData, TrainingOptions, TrainingListener)}
     */
    public static TrainingResult fit(BoundData bound, TrainingOptions options, LogisticModel start, TrainingListener listener) {
        return fit(bound, options, (LinearClassifier) start, listener);
    }

    /**
     * As {@link #fit(BoundData, TrainingOptions, LogisticModel, TrainingListener)} for any loss: with the multinomial
     * loss {@code start} is a {@link SoftmaxModel} over the data's classes (or {@code null}).
     */
    public static TrainingResult fit(BoundData bound, TrainingOptions options, LinearClassifier start, TrainingListener listener) {
        Objects.requireNonNull(bound, "bound");
        Objects.requireNonNull(options, "options");
        bound.ensureOpen();
        Optimizer optimizer = Optimizers.create(options);
        optimizer.checkSupports(options.penalty().kind());
        if (options.loss().kind() != bound.loss().kind()) {
            throw new IllegalArgumentException("options ask for loss " + options.loss().kind() + ", but the data were bound for loss "
                    + bound.loss().kind() + ": bind again with Trainer.bind(backend, data, options)");
        }
        BindOptions needed = bindOptions(optimizer, options);
        if (!needed.equals(bound.bindOptions())) {
            throw new IllegalArgumentException("optimizer " + optimizer.name() + " with seed " + options.seed() + " needs rows "
                    + describe(needed) + ", but the data were bound with rows " + describe(bound.bindOptions())
                    + ": bind again with Trainer.bind(backend, data, options)");
        }
        ParamShape shape = bound.term().shape();
        checkClasses(bound.labelCounts(), shape, options);
        checkStart(start, bound.data(), shape);
        return train(bound, optimizer, options, start, listener);
    }

    private static void checkStart(LinearClassifier start, Dataset data, ParamShape shape) {
        if (start == null) return;
        if (start.features() != data.cols()) {
            throw new IllegalArgumentException("the start model has " + start.features() + " features, the data have " + data.cols());
        }
        if (shape.outputs() == 1 && !(start instanceof LogisticModel)) {
            throw new IllegalArgumentException("the start model is a " + start.classes() + "-class " + start.getClass().getSimpleName()
                    + ", but a binary loss trains a LogisticModel: start from one, or from null");
        }
        if (shape.outputs() > 1 && !(start instanceof SoftmaxModel && start.classes() == shape.outputs())) {
            throw new IllegalArgumentException("the start model is a " + start.classes() + "-class " + start.getClass().getSimpleName()
                    + ", but the multinomial loss over these data trains a " + shape.outputs() + "-class SoftmaxModel: start from one, or from null");
        }
    }

    /** The model's parameters, in the layout of {@code shape}, of a start model checked by {@link #checkStart}. */
    private static double[] startParameters(LinearClassifier start, ParamShape shape, boolean fitIntercept) {
        int n = shape.features();
        double[] p = new double[shape.length()];
        if (start instanceof LogisticModel) {
            LogisticModel m = (LogisticModel) start;
            System.arraycopy(m.coefficients(), 0, p, 0, n);
            p[n] = fitIntercept ? m.intercept() : 0.0;
        } else {
            SoftmaxModel m = (SoftmaxModel) start;
            double[][] w = m.coefficients();
            for (int c = 0; c < shape.outputs(); c++) {
                System.arraycopy(w[c], 0, p, shape.index(c, 0), n);
                p[shape.interceptIndex(c)] = fitIntercept ? m.intercept(c) : 0.0;
            }
        }
        return p;
    }

    /** The row order a fit with {@code optimizer} needs: permuted by the seed for mini-batches, else as given. */
    static BindOptions bindOptions(Optimizer optimizer, TrainingOptions options) {
        return optimizer.isStochastic() ? BindOptions.permuted(options.seed()) : BindOptions.DEFAULT;
    }

    private static String describe(BindOptions b) {
        return b.permutationSeed().isPresent() ? "permuted by seed " + b.permutationSeed().getAsLong() : "in their own order";
    }

    /** One fit on bound data; {@code bound} is left open. */
    private static TrainingResult train(BoundData bound, Optimizer optimizer, TrainingOptions options, LinearClassifier start,
                                        TrainingListener listener) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        Backend backend = bound.backend();
        Dataset data = bound.data();
        DataTerm term = bound.term();
        if (optimizer.name().equals("newton") && !term.supportsHessian()) {
            String use = options.penalty().isSmooth() ? "lbfgs" : "owlqn";
            // The size bound is the reason only past it (the GPU's sparse terms form no Hessian at any size).
            if (term.shape().outputs() > 1 && !term.shape().hessianFits()) {
                throw new IllegalArgumentException("optimizer newton needs the Hessian, which for the multinomial loss over " + term.shape().describe()
                        + " parameters is not computed (at most " + ParamShape.MAX_HESSIAN_LENGTH + " on backend " + backend.name() + "); use " + use);
            }
            throw new IllegalArgumentException("optimizer newton needs the Hessian, which backend " + backend.name()
                    + " does not compute; use " + use);
        }
        if (optimizer.name().equals("tron") && !term.supportsHessianVector()) {
            throw new IllegalArgumentException("optimizer tron needs Hessian-vector products, which backend " + backend.name()
                    + " does not compute; use lbfgs");
        }
        Preconditioner pre = options.precondition()
                ? Preconditioner.fromStatistics(bound.statistics(), options.fitIntercept(),
                        options.penalty().l2Coefficients(data.weightSum(), data.cols()))
                : Preconditioner.identity(data.cols());
        // A cold binary fit's first point, every logit 0, from the read's sums where it gathered them for these rows.
        // Only with the preconditioner, which depends on those sums already: without it a fit depends on the term's
        // passes alone, and dense and sparse rows of the same data give the same bits (SparseTrainingTest).
        ZeroLogits atZero = start == null && options.precondition() && term.shape().outputs() == 1 && term.rows() == data.rows()
                ? ZeroLogits.of(data, options.loss()).orElse(null) : null;
        LogisticObjective objective = new LogisticObjective(term, options.loss(), options.penalty(), options.fitIntercept(), pre, atZero);
        ParamShape shape = term.shape();
        double[] u0 = new double[objective.dimension()];
        if (start != null) u0 = objective.optimizerVariables(startParameters(start, shape, options.fitIntercept()));
        OptimizationResult r = optimizer.minimize(objective, u0, options.criteria(), l);
        double[] params = objective.modelParameters(r.solution());
        int n = data.cols();
        LinearClassifier model;
        boolean separable;
        if (shape.outputs() == 1) {
            double[] theta = java.util.Arrays.copyOf(params, n);
            LogisticModel binary = new LogisticModel(theta, options.fitIntercept() ? params[n] : 0.0, options.fitIntercept(), data.featureNames());
            model = binary;
            separable = r.status() != Status.NUMERIC_ERROR && unboundedWithoutPenalty(options) && separates(binary, data);
        } else {
            shape.centerAcrossClasses(params, objective.flatCoordinates());
            SoftmaxModel softmax = MultinomialFit.model(params, shape, options.fitIntercept(), data.featureNames());
            model = softmax;
            separable = r.status() != Status.NUMERIC_ERROR && options.penalty().isZero() && MultinomialFit.separates(softmax, data);
        }
        double j = objective.objectiveAtModel(params);

        Status status = r.status();
        String message = r.message();
        if (separable) {
            status = Status.UNBOUNDED_COEFFICIENTS;
            message = "every training row is classified correctly with a positive margin: the data are linearly separable"
                    + " and without a penalty the coefficients grow without bound; add an L2 penalty (for example --penalty l2 --lambda 1)"
                    + " for a finite optimum. The last finite iterate is returned.";
        }
        return new TrainingResult(model, status, j, r, optimizer.name(), backend.description(), options, message);
    }

    /** Nothing keeps the optimum finite on separable data: no penalty, or λ = 0. */
    private static boolean unboundedWithoutPenalty(TrainingOptions options) {
        Penalty p = options.penalty();
        return options.loss().kind() == Loss.Kind.LOG && p.isZero();
    }

    /**
     * Whether {@code model} separates the data: (2yᵢ − 1)·zᵢ > 0 for every row of positive weight. One host pass in
     * double precision, after training.
     */
    private static boolean separates(LogisticModel model, Dataset data) {
        double[] theta = model.coefficients();
        double b = model.intercept();
        for (RowBlock block : data.blocks()) {
            FloatBuffer y = block.labels();
            for (int i = 0; i < block.rows(); i++) {
                if (block.weight(i) == 0f) continue;
                double z = b + block.dot(i, theta, 0);   // dense or sparse rows alike
                if (!((y.get(i) == 1f ? z : -z) > 0)) return false;
            }
        }
        return true;
    }

    /**
     * Binary loss with a free intercept: both classes must have rows. Multinomial: every class must, intercept or not
     * (with an intercept no optimum exists; without one the class's row of W would be set by the penalty alone, which
     * is never what a fit on those classes means: a cross-validation fold missing a class, say).
     */
    private static void checkClasses(long[] counts, ParamShape shape, TrainingOptions options) {
        if (shape.outputs() == 1) {
            if (options.fitIntercept()) checkBothClasses(counts);
            return;
        }
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("class " + c + " of " + counts.length + " has no training rows: the multinomial model cannot learn it"
                        + " (with a free intercept its logit would fall without bound); give rows of every class, or state fewer classes");
            }
        }
    }

    private static void checkBothClasses(long[] counts) {
        if (counts[0] == 0 || counts[1] == 0) {
            throw new IllegalArgumentException("every row has label " + (counts[0] == 0 ? 1 : 0)
                    + ": with a free intercept no optimum exists (the intercept would grow without bound); give rows of both classes");
        }
    }
}
