package dev.logreg.train;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.backend.ParamShape;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.optim.Optimizers;
import dev.logreg.optim.Status;
import dev.logreg.penalty.Penalty;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CrossValidation} of K-class fits: the same folds (each class shuffled by the seed and dealt in turn, so every
 * fold holds each class in the data's proportions), the same λ path (largest first, each fit warm-started from the
 * previous λ's), the same rules and refit, with two strategies:
 * <ul>
 *   <li>{@link Multiclass#MULTINOMIAL}: one softmax fit per fold and λ, its held-out logits from the backend
 *       ({@link DataTerm#margins}, K per row) turned into log-probabilities by a stable log-softmax;</li>
 *   <li>{@link Multiclass#ONE_VS_REST}: per fold, the training rows are bound once ({@link Backend#bindOneVsRest})
 *       and each class's binary path runs on that bind; the held-out log-probabilities are one-vs-rest's
 *       log σ(z_c) − log Σ_e σ(z_e) (scikit-learn's normalisation, in the log domain). The listener sees one
 *       result per fold and λ: the K binary fits as a {@link OneVsRestModel}, their objectives summed, the first
 *       status that is not a convergence.</li>
 * </ul>
 *
 * <p>Scorers: {@link Scorer#logLoss()} (the multiclass log loss, the default), {@link Scorer#accuracy()},
 * {@link Scorer#macroF1()}, or any scorer whose {@link Scorer#supportsClasses()} is true; all weighted by the sample
 * weights where given.
 *
 * <p><b>The grid's λ_max.</b> The multinomial data term's gradient at W = 0, with the intercepts at their optimum
 * for W = 0 (every row's softmax then equals the weighted class proportions π_c: ∂D/∂b_c = π_c − π_c = 0), is
 * g_cj = (1/M) Σᵢ wᵢ (π_c − [yᵢ = c]) xᵢⱼ. With the L1 part (λα/M) Σ|W_cj|, W = 0 is optimal exactly while
 * |M·g_cj| ≤ λα for every entry (each entry's subgradient condition, the intercepts free), so
 * λ_max = max_{c,j} |Σᵢ wᵢ (π_c − [yᵢ = c]) xᵢⱼ| / (α sⱼ), sⱼ the penalty's scale of feature j where it has one
 * (glmnet's ungrouped multinomial λ_max; α at least {@link CrossValidation#MIN_GRID_ALPHA} for L2, as for binary).
 * Without intercepts the probabilities at W = 0 are 1/K instead of π_c. One-vs-rest's grid is the largest of the K
 * binary λ_max, whose gradients are the same entries with the binary null model's σ(b₀) = π_c (½ without intercept):
 * so with intercepts both strategies share one grid.
 *
 * <p><b>Refusals.</b> A class with fewer rows than folds is refused up front, naming the class and its count: with
 * stratified dealing every class of at least k rows is in every held-out fold and in every training fold, and a
 * training fold without a class has no multinomial optimum (its free intercept falls without bound) and no
 * one-vs-rest model for it. scikit-learn's {@code StratifiedKFold} only warns there and lets the fit fail or
 * degrade; we refuse before any work. (A training fold missing a class cannot then occur; any fit's refusal is still
 * reported with its fold.)
 */
final class MulticlassCrossValidation {
    private static final int LOGIT_CHUNK = 1 << 14;

    private MulticlassCrossValidation() {}

    static CrossValidationResult run(Backend backend, Dataset data, TrainingOptions options, Multiclass strategy,
                                     CrossValidationOptions cv, CrossValidation.Listener listener) {
        java.util.Objects.requireNonNull(backend, "backend");
        java.util.Objects.requireNonNull(cv, "cv");
        Backend.checkLayout(backend, data);
        CrossValidation.Listener l = listener == null ? CrossValidation.Listener.NONE : listener;
        boolean multinomial = strategy == Multiclass.MULTINOMIAL;
        Loss.Kind kind = options.loss().kind();
        if (multinomial && kind != Loss.Kind.LOG && kind != Loss.Kind.MULTINOMIAL) {
            throw new IllegalArgumentException("the " + options.loss() + " loss is binary, but a " + data.classes()
                    + "-class multinomial cross-validation was asked for: use the log loss");
        }
        if (!multinomial && kind != Loss.Kind.LOG) {
            throw new IllegalArgumentException("one-vs-rest cross-validates binary log-loss fits; the loss is " + options.loss() + ": use the log loss");
        }
        TrainingOptions fitOptions = multinomial ? options.withLoss(Loss.multinomial()) : options;
        Penalty penalty = options.penalty();
        if (penalty.kind() == Penalty.Kind.NONE) {
            throw new IllegalArgumentException("cross-validation chooses the penalty strength λ: give a penalty (l2, l1 or elastic net), not none");
        }
        Optimizers.create(fitOptions).checkSupports(penalty.kind());
        if (cv.standardizeFolds() && penalty.scales() == null) {
            throw new IllegalArgumentException("standardizeFolds recomputes the standardization scales of a penalty on them in each fold,"
                    + " but the penalty is on the coefficients themselves: standardize the fit (LogisticRegression.Builder.standardize,"
                    + " train --standardize) or leave standardizeFolds off");
        }
        if (!cv.scorer().supportsClasses()) {
            throw new IllegalArgumentException("scorer " + cv.scorer().name() + " scores binary models only; a " + data.classes()
                    + "-class cross-validation needs logloss, accuracy or macro-f1");
        }
        if (data.rows() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cross-validation supports at most 2^31 - 9 rows; the data have " + data.rows());
        }
        int k = cv.folds();
        int classes = data.classes();
        long[] counts = data.labelCounts();
        for (int c = 0; c < classes; c++) {
            if (counts[c] < k) {
                throw new IllegalArgumentException(k + " folds need at least " + k + " rows of each class, so that every training fold and every"
                        + " held-out fold has every class; class " + c + " has " + counts[c] + " row" + (counts[c] == 1 ? "" : "s")
                        + ": use fewer folds, or leave the class out");
            }
        }

        int n = data.cols();
        ParamShape shape = new ParamShape(classes, n);   // one parameter slice per class, either strategy
        int[] fold = CrossValidation.stratifiedFolds(data.copyLabels(), k, options.seed());
        double[] lambdas = cv.lambdas() != null ? CrossValidation.descendingDistinct(cv.lambdas())
                : CrossValidation.spaced(lambdaMax(data, options, multinomial), data, cv);
        int grid = lambdas.length;

        double[][] scores = new double[grid][k];
        double[] nonZeroSums = new double[grid];
        int[] unconverged = new int[grid];
        long[] iterations = new long[grid];
        double[][] parameterSums = new double[grid][shape.length()];
        for (int f = 0; f < k; f++) {
            Dataset training;
            Dataset held;
            try {
                training = data.select(CrossValidation.rowsOf(fold, f, false));
                held = data.select(CrossValidation.rowsOf(fold, f, true));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fold " + (f + 1) + " of " + k + ": " + e.getMessage(), e);
            }
            float[] heldLabels = held.copyLabels();
            float[] heldWeights = held.copyWeights();
            TrainingResult[] fits;
            double[][] params;
            try {
                if (multinomial) {
                    fits = new TrainingResult[grid];
                    params = new double[grid][];
                    try (BoundData bound = Trainer.bind(backend, training, fitOptions)) {
                        Penalty foldPenalty = cv.standardizeFolds()
                                ? penalty.onScales(bound.statistics().standardizationScales(options.fitIntercept())) : penalty;
                        SoftmaxModel start = null;
                        for (int g = 0; g < grid; g++) {
                            fits[g] = Trainer.fit(bound, fitOptions.withPenalty(foldPenalty.withLambda(lambdas[g])), start, null);
                            start = (SoftmaxModel) fits[g].classifier();
                            params[g] = parameters(start, shape);
                        }
                    }
                } else {
                    fits = oneVsRestPath(backend, training, options, penalty, cv.standardizeFolds(), lambdas);
                    params = new double[grid][];
                    for (int g = 0; g < grid; g++) params[g] = parameters(fits[g].classifier(), shape);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fold " + (f + 1) + " of " + k + ": " + e.getMessage(), e);
            }
            try (DataTerm heldTerm = multinomial ? backend.bind(held, Loss.multinomial(), BindOptions.DEFAULT) : null;
                 OneVsRestTerms heldTerms = multinomial ? null : backend.bindOneVsRest(held, Loss.log(), BindOptions.DEFAULT)) {
                DataTerm logitsTerm = multinomial ? heldTerm : heldTerms.forClass(0);
                for (int g = 0; g < grid; g++) {
                    double[] logProbabilities = logProbabilities(logitsTerm, params[g], shape, multinomial);
                    double score = cv.scorer().scoreClasses(logProbabilities, classes, heldLabels, heldWeights);
                    if (Double.isNaN(score)) {
                        throw new IllegalArgumentException("the " + cv.scorer().name() + " score of fold " + (f + 1) + " at λ = " + lambdas[g]
                                + " is NaN (" + fits[g].status() + "): the held-out rows cannot be scored");
                    }
                    scores[g][f] = score;
                    for (int c = 0; c < classes; c++) {
                        for (int j = 0; j < n; j++) if (params[g][shape.index(c, j)] != 0) nonZeroSums[g]++;
                    }
                    for (int i = 0; i < shape.length(); i++) parameterSums[g][i] += params[g][i];
                    if (!fits[g].status().isConverged()) unconverged[g]++;
                    iterations[g] += fits[g].optimization().iterations();
                    l.fitted(f, lambdas[g], fits[g], score);
                }
            }
        }

        List<CrossValidationResult.LambdaScore> path = new ArrayList<>(grid);
        double[] mean = new double[grid];
        double[] se = new double[grid];
        for (int g = 0; g < grid; g++) {
            mean[g] = CrossValidation.mean(scores[g]);
            se[g] = CrossValidation.standardError(scores[g], mean[g]);
            path.add(new CrossValidationResult.LambdaScore(lambdas[g], mean[g], se[g], scores[g], nonZeroSums[g] / k, unconverged[g], iterations[g]));
        }
        boolean higher = cv.scorer().higherIsBetter();
        int best = CrossValidation.best(mean, higher);
        int oneSe = CrossValidation.oneStandardError(mean, se, best, higher);
        int chosen = cv.rule() == CrossValidationOptions.Rule.BEST ? best : oneSe;

        TrainingResult refit = null;
        if (cv.refit()) {
            Penalty at = penalty.withLambda(lambdas[chosen]);
            if (multinomial) {
                // The folds' mean model at the chosen λ: a warm start that changes the way to the optimum, never the optimum.
                double[] avg = parameterSums[chosen].clone();
                for (int i = 0; i < avg.length; i++) avg[i] /= k;
                SoftmaxModel start = MultinomialFit.model(avg, shape, options.fitIntercept(), data.featureNames());
                refit = Trainer.fit(backend, data, fitOptions.withPenalty(at), start, null);
            } else {
                refit = OneVsRest.fit(backend, data, rows -> new OneVsRest.Prepared(rows, options.withPenalty(at)), null);
            }
        }
        return new CrossValidationResult(cv.scorer().name(), higher, k, path, best, oneSe, chosen, cv.rule(), refit);
    }

    /**
     * One fold's one-vs-rest path: the training rows bound once, each class's binary fits along the grid warm-started
     * from the previous λ's, then one result per λ combining the K classes.
     */
    private static TrainingResult[] oneVsRestPath(Backend backend, Dataset training, TrainingOptions options, Penalty penalty,
                                                  boolean standardizeFolds, double[] lambdas) {
        int classes = training.classes();
        int grid = lambdas.length;
        TrainingResult[][] byClass = new TrainingResult[classes][grid];
        BindOptions order = Trainer.bindOptions(Optimizers.create(options), options);
        try (OneVsRestTerms terms = backend.bindOneVsRest(training, options.loss(), order)) {
            for (int c = 0; c < classes; c++) {
                Dataset view = training.oneVsRest(c);
                try (BoundData bound = BoundData.wrap(backend, view, options.loss(), order, terms.forClass(c))) {
                    Penalty foldPenalty = standardizeFolds
                            ? penalty.onScales(bound.statistics().standardizationScales(options.fitIntercept())) : penalty;
                    LogisticModel start = null;
                    for (int g = 0; g < grid; g++) {
                        byClass[c][g] = Trainer.fit(bound, options.withPenalty(foldPenalty.withLambda(lambdas[g])), start, null);
                        start = byClass[c][g].model();
                    }
                }
            }
        }
        TrainingResult[] out = new TrainingResult[grid];
        for (int g = 0; g < grid; g++) {
            List<LogisticModel> models = new ArrayList<>(classes);
            double objective = 0;
            TrainingResult reported = null;
            for (int c = 0; c < classes; c++) {
                TrainingResult r = byClass[c][g];
                models.add(r.model());
                objective += r.objective();
                if (reported == null || (!r.status().isConverged() && reported.status().isConverged())) reported = r;
            }
            Status status = reported.status();
            out[g] = new TrainingResult(new OneVsRestModel(models), status, objective, reported.optimization(), reported.optimizer(),
                    reported.backend(), reported.options(), "one-vs-rest, " + classes + " binary fits");
        }
        return out;
    }

    /** A K-class model's parameters in the class-major layout of {@code shape} (intercept last in each slice). */
    private static double[] parameters(LinearClassifier model, ParamShape shape) {
        double[] p = new double[shape.length()];
        int n = shape.features();
        for (int c = 0; c < shape.outputs(); c++) {
            double[] w;
            double b;
            if (model instanceof SoftmaxModel s) {
                w = s.coefficients()[c];
                b = s.intercept(c);
            } else {
                LogisticModel m = ((OneVsRestModel) model).models().get(c);
                w = m.coefficients();
                b = m.intercept();
            }
            System.arraycopy(w, 0, p, shape.index(c, 0), n);
            p[shape.interceptIndex(c)] = b;
        }
        return p;
    }

    /**
     * Log-probabilities of every held-out row, K per row: the log-softmax of the K logits (multinomial), or
     * log σ(z_c) − log Σ_e σ(z_e) (one-vs-rest), both shifted by the row's largest term so nothing overflows. The
     * logits come from the backend a chunk of rows at a time ({@code term} bound multinomial, or one class's binary
     * term whose margins are those of any parameters given).
     */
    private static double[] logProbabilities(DataTerm term, double[] params, ParamShape shape, boolean multinomial) {
        int rows = (int) term.rows();
        int k = shape.outputs();
        int n = shape.features();
        double[] out = new double[rows * k];
        if (multinomial) {
            double[] chunk = new double[Math.min(LOGIT_CHUNK, rows) * k];
            for (int from = 0; from < rows; from += LOGIT_CHUNK) {
                int to = Math.min(rows, from + LOGIT_CHUNK);
                term.margins(from, to, params, chunk);
                System.arraycopy(chunk, 0, out, from * k, (to - from) * k);
            }
        } else {
            double[] slice = new double[n + 1];
            double[] chunk = new double[Math.min(LOGIT_CHUNK, rows)];
            for (int c = 0; c < k; c++) {
                System.arraycopy(params, shape.index(c, 0), slice, 0, n + 1);
                for (int from = 0; from < rows; from += LOGIT_CHUNK) {
                    int to = Math.min(rows, from + LOGIT_CHUNK);
                    term.margins(from, to, slice, chunk);
                    // log σ(z) = −log(1 + e^{−z}) for z ≥ 0, z − log(1 + e^{z}) below: never exp of a large number.
                    for (int i = from; i < to; i++) {
                        double z = chunk[i - from];
                        out[i * k + c] = z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
                    }
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) max = Math.max(max, out[i * k + c]);
            if (Double.isNaN(max) || max == Double.NEGATIVE_INFINITY) {
                for (int c = 0; c < k; c++) out[i * k + c] = Double.NaN;
                continue;
            }
            double sum = 0;
            for (int c = 0; c < k; c++) sum += Math.exp(out[i * k + c] - max);
            double log = max + Math.log(sum);
            for (int c = 0; c < k; c++) out[i * k + c] -= log;
        }
        return out;
    }

    /** λ_max of the class comment: one host pass over the rows, in double. */
    static double lambdaMax(Dataset data, TrainingOptions options, boolean multinomial) {
        int k = data.classes();
        int n = data.cols();
        double m = data.weightSum();
        double[] classWeight = new double[k];
        for (RowBlock block : data.blocks()) {
            FloatBuffer y = block.labels();
            for (int i = 0; i < block.rows(); i++) classWeight[(int) y.get(i)] += block.weight(i);
        }
        double[] prior = new double[k];
        for (int c = 0; c < k; c++) prior[c] = options.fitIntercept() ? classWeight[c] / m : multinomial ? 1.0 / k : 0.5;
        // Σᵢ wᵢ (p_c − [yᵢ = c]) xᵢⱼ = p_c Σᵢ wᵢ xᵢⱼ − Σ_{i in class c} wᵢ xᵢⱼ: one pass for the K class sums.
        double[] total = new double[n];
        double[][] byClass = new double[k][n];
        for (RowBlock block : data.blocks()) {
            FloatBuffer y = block.labels();
            for (int i = 0; i < block.rows(); i++) {
                double w = block.weight(i);
                if (w == 0) continue;
                block.addScaled(i, w, total, 0);   // dense or sparse rows alike (a sparse row: its nonzeros)
                block.addScaled(i, w, byClass[(int) y.get(i)], 0);
            }
        }
        double[] scales = options.penalty().scales();
        double top = 0;
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < n; j++) {
                double s = scales == null ? 1.0 : scales[j];
                if (s > 0) top = Math.max(top, Math.abs(prior[c] * total[j] - byClass[c][j]) / s);
            }
        }
        double alpha = Math.max(options.penalty().alpha(), CrossValidation.MIN_GRID_ALPHA);
        double lambdaMax = top / alpha;
        if (!(lambdaMax > 0) || !Double.isFinite(lambdaMax)) {
            throw new IllegalArgumentException("no grid of λ can be derived: at the null model every feature's gradient is "
                    + lambdaMax + " (constant or zero columns?); give the λ to try");
        }
        return lambdaMax;
    }
}
