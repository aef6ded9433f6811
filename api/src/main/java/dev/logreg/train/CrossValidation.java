package dev.logreg.train;

import dev.logreg.backend.Backend;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.BindOptions;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.Optimizers;
import dev.logreg.penalty.Penalty;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Chooses the penalty strength λ by stratified k-fold cross-validation, as scikit-learn's
 * {@code LogisticRegressionCV} and glmnet's {@code cv.glmnet} do, then (optionally) refits on every row.
 *
 * <p>How: the rows are dealt into k folds, each class shuffled by {@link TrainingOptions#seed()} and dealt in turn,
 * so every fold holds the classes in the data's proportions. For each fold f, the model is trained on the other
 * folds along the whole λ grid, from the largest λ down, each fit warm-started from the previous one (fewer passes
 * over the data than cold fits, as glmnet's paths), and scored on fold f's rows by the {@link Scorer}. The mean and standard error of
 * the k scores per λ choose λ ({@link CrossValidationOptions.Rule}).
 *
 * <p>Each fold's training rows and held-out rows are copied ({@link Dataset#select}, one copy of the data in all,
 * made a fold at a time) and bound to the backend, the training rows as {@link Trainer#bind} would bind them, the
 * held-out rows in their own order for their logits ({@link DataTerm#margins}, on the backend). So every evaluation
 * reads the training rows alone, and scoring a λ reads the held-out rows once. (The first version bound all rows
 * with the held-out fold at weight 0 instead, which copies nothing but reads k/(k−1) times the rows every evaluation
 * and all of them for the logits: 1.3 times the time per evaluation on the CPU backend, measured in
 * benchmarks/cpu/README.md.)
 *
 * <p>Sample weights, where the data have them, weight both the training of each fold and its held-out score. The
 * stopping criteria of the options (iterations, tolerances, time budget) apply to each fit; a fit that stops before
 * converging is counted ({@link CrossValidationResult.LambdaScore#unconverged()}), not hidden.
 *
 * <p>K-class data (or the multinomial loss) are cross-validated the same way, with the multinomial or the
 * one-vs-rest strategy ({@link #run(Backend, Dataset, TrainingOptions, Multiclass, CrossValidationOptions, Listener)};
 * details, the multinomial λ_max and the refusal of a class with fewer rows than folds in
 * {@link MulticlassCrossValidation}), scored by the multiclass log loss (the default), accuracy or macro F1.
 *
 * <p>Stateless: every call is independent. The backend stays the caller's; each fold's bound data are closed before
 * the next is bound, so at most one copy of the data lives on the backend at a time.
 */
public final class CrossValidation {
    /** Rows whose logits are fetched from the backend at a time. */
    private static final int LOGIT_CHUNK = 1 << 16;
    /** glmnet computes λ_max as if α were at least this (for the ridge, which has no λ_max of its own). */
    static final double MIN_GRID_ALPHA = 1e-3;

    private CrossValidation() {}

    /** Called after each fit of each fold; from the calling thread. */
    @FunctionalInterface
    public interface Listener {
        /** Does nothing. */
        Listener NONE = (fold, lambda, fit, score) -> { };

        /**
         * @param fold   the held-out fold, 0-based
         * @param lambda the λ of this fit
         * @param fit    the fit on every other fold
         * @param score  its score on the held-out fold
         */
        void fitted(int fold, double lambda, TrainingResult fit, double score);
    }

    /**
     * Cross-validates {@code options} over a grid of λ on {@code backend} (not closed here) and, where
     * {@code cv.refit()}, trains the final model on every row of {@code data} with the chosen λ.
     *
     * @param options the training options; their penalty gives the kind and the mixing α, its λ is replaced by the
     *                grid's
     * @throws IllegalArgumentException on options without a penalty, an optimizer that does not support the penalty,
     *                                  fewer rows of a class than folds (naming the class and its count), the hinge
     *                                  loss, a scorer of binary models on K-class data, more than 2³¹ − 9 rows, a grid that cannot be
     *                                  derived (no feature moves the null model's gradient) or a score that is not a
     *                                  number (naming the fold and λ)
     */
    public static CrossValidationResult run(Backend backend, Dataset data, TrainingOptions options, CrossValidationOptions cv,
                                            Listener listener) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(cv, "cv");
        Backend.checkLayout(backend, data);
        if (data.classes() != 2 || options.loss().kind() == Loss.Kind.MULTINOMIAL) {
            return MulticlassCrossValidation.run(backend, data, options, Multiclass.MULTINOMIAL, cv, listener);
        }
        if (options.loss().kind() == Loss.Kind.HINGE) {
            throw new IllegalArgumentException("cross-validation of the hinge loss is not implemented (its dual solver takes no warm start"
                    + " and binds nothing); cross-validate the squared hinge, or train the hinge with a fixed λ");
        }
        Listener l = listener == null ? Listener.NONE : listener;
        Penalty penalty = options.penalty();
        if (penalty.kind() == Penalty.Kind.NONE) {
            throw new IllegalArgumentException("cross-validation chooses the penalty strength λ: give a penalty (l2, l1 or elastic net), not none");
        }
        Optimizers.create(options).checkSupports(penalty.kind());
        if (cv.standardizeFolds() && penalty.scales() == null) {
            throw new IllegalArgumentException("standardizeFolds recomputes the standardization scales of a penalty on them in each fold,"
                    + " but the penalty is on the coefficients themselves: standardize the fit (LogisticRegression.Builder.standardize,"
                    + " train --standardize) or leave standardizeFolds off");
        }
        if (data.rows() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cross-validation supports at most 2^31 - 9 rows; the data have " + data.rows());
        }
        long[] counts = data.labelCounts();
        if (Math.min(counts[0], counts[1]) < cv.folds()) {
            throw new IllegalArgumentException(cv.folds() + " folds need at least " + cv.folds() + " rows of each class, so that every"
                    + " held-out fold has both; the data have " + counts[0] + " rows of label 0 and " + counts[1] + " of label 1: use fewer folds");
        }

        int n = data.cols();
        int k = cv.folds();
        int[] fold = stratifiedFolds(data.copyLabels(), k, options.seed());
        double[] lambdas = cv.lambdas() != null ? descendingDistinct(cv.lambdas()) : grid(data, options, cv);
        int grid = lambdas.length;

        double[][] scores = new double[grid][k];
        double[] nonZeroSums = new double[grid];
        int[] unconverged = new int[grid];
        long[] iterations = new long[grid];
        double[][] parameterSums = new double[grid][n + 1];
        for (int f = 0; f < k; f++) {
            Dataset training;
            Dataset held;
            try {
                training = data.select(rowsOf(fold, f, false));
                held = data.select(rowsOf(fold, f, true));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fold " + (f + 1) + " of " + k + ": " + e.getMessage(), e);
            }
            float[] heldLabels = held.copyLabels();
            float[] heldWeights = held.copyWeights();
            try (BoundData bound = Trainer.bind(backend, training, options);
                 DataTerm heldTerm = backend.bind(held, options.loss(), BindOptions.DEFAULT)) {
                // The fold's own scales from its training rows' statistics (kept by the bound data, which the
                // preconditioner reads too: one pass).
                Penalty foldPenalty = cv.standardizeFolds()
                        ? penalty.onScales(bound.statistics().standardizationScales(options.fitIntercept())) : penalty;
                LogisticModel start = null;
                for (int g = 0; g < grid; g++) {
                    TrainingResult fit = Trainer.fit(bound, options.withPenalty(foldPenalty.withLambda(lambdas[g])), start, null);
                    start = fit.model();
                    double score = cv.scorer().score(logits(heldTerm, start), heldLabels, heldWeights);
                    if (Double.isNaN(score)) {
                        throw new IllegalArgumentException("the " + cv.scorer().name() + " score of fold " + (f + 1) + " at λ = " + lambdas[g]
                                + " is NaN (" + fit.status() + "): the held-out rows cannot be scored");
                    }
                    scores[g][f] = score;
                    double[] theta = start.coefficients();
                    for (int j = 0; j < n; j++) {
                        if (theta[j] != 0) nonZeroSums[g]++;
                        parameterSums[g][j] += theta[j];
                    }
                    parameterSums[g][n] += start.intercept();
                    if (!fit.status().isConverged()) unconverged[g]++;
                    iterations[g] += fit.optimization().iterations();
                    l.fitted(f, lambdas[g], fit, score);
                }
            }
        }

        List<CrossValidationResult.LambdaScore> path = new ArrayList<>(grid);
        double[] mean = new double[grid];
        double[] se = new double[grid];
        for (int g = 0; g < grid; g++) {
            mean[g] = mean(scores[g]);
            se[g] = standardError(scores[g], mean[g]);
            path.add(new CrossValidationResult.LambdaScore(lambdas[g], mean[g], se[g], scores[g], nonZeroSums[g] / k, unconverged[g], iterations[g]));
        }
        boolean higher = cv.scorer().higherIsBetter();
        int best = best(mean, higher);
        int oneSe = oneStandardError(mean, se, best, higher);
        int chosen = cv.rule() == CrossValidationOptions.Rule.BEST ? best : oneSe;

        TrainingResult refit = null;
        if (cv.refit()) {
            // The folds' mean model at the chosen λ is close to the optimum on all rows: a warm start that changes
            // the way there, never the optimum.
            double[] avg = parameterSums[chosen];
            double[] theta = new double[n];
            for (int j = 0; j < n; j++) theta[j] = avg[j] / k;
            LogisticModel start = new LogisticModel(theta, avg[n] / k, options.fitIntercept(), data.featureNames());
            refit = Trainer.fit(backend, data, options.withPenalty(penalty.withLambda(lambdas[chosen])), start, null);
        }
        return new CrossValidationResult(cv.scorer().name(), higher, k, path, best, oneSe, chosen, cv.rule(), refit);
    }

    /**
     * As {@link #run(Backend, Dataset, TrainingOptions, CrossValidationOptions, Listener)} with the K-class strategy
     * given: {@link Multiclass#MULTINOMIAL} cross-validates softmax fits (also over two classes),
     * {@link Multiclass#ONE_VS_REST} K binary fits per λ, each class's path on one bind of the fold's rows
     * ({@link Backend#bindOneVsRest}); two classes with one-vs-rest are the binary fit. See
     * {@link MulticlassCrossValidation} for the K-class details (folds, the grid's λ_max, scorers, refusals).
     *
     * @param strategy the K-class strategy, or {@code null} for the default (K &gt; 2 or the multinomial loss:
     *                 multinomial; else binary)
     */
    public static CrossValidationResult run(Backend backend, Dataset data, TrainingOptions options, Multiclass strategy,
                                            CrossValidationOptions cv, Listener listener) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(options, "options");
        if (strategy == Multiclass.ONE_VS_REST && data.classes() > 2) {
            return MulticlassCrossValidation.run(backend, data, options, Multiclass.ONE_VS_REST, cv, listener);
        }
        if (strategy == Multiclass.MULTINOMIAL) {
            return MulticlassCrossValidation.run(backend, data, options, Multiclass.MULTINOMIAL, cv, listener);
        }
        return run(backend, data, options, cv, listener);
    }

    /**
     * Fold of each row: each class's rows shuffled (Fisher-Yates, seeded) and dealt to folds 0, 1, ..., k−1 in
     * turn, the second class continuing where the first stopped, so fold sizes differ by at most one and every
     * fold holds ⌊c/k⌋ or ⌈c/k⌉ rows of a class of c rows. {@link #run} deals its folds so, with
     * {@link TrainingOptions#seed()}: public so that a caller can rebuild them (to score the folds' models another
     * way, or to compare with another tool).
     *
     * @param labels the class index per row: 0 or 1, or 0..K−1 for K classes (classes in ascending order, each
     *               continuing the deal where the previous one stopped)
     * @return the fold, 0 to k−1, of each row
     */
    public static int[] stratifiedFolds(float[] labels, int k, long seed) {
        int rows = labels.length;
        int[] fold = new int[rows];
        SplittableRandom random = new SplittableRandom(seed);
        int classes = 2;
        for (float y : labels) classes = Math.max(classes, (int) y + 1);
        int next = 0;
        for (int c = 0; c < classes; c++) {
            int size = 0;
            for (float y : labels) if (y == c) size++;
            int[] members = new int[size];
            int m = 0;
            for (int i = 0; i < rows; i++) if (labels[i] == c) members[m++] = i;
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = members[i];
                members[i] = members[j];
                members[j] = t;
            }
            for (int member : members) {
                fold[member] = next;
                next = (next + 1) % k;
            }
        }
        return fold;
    }

    /** The given λ, largest first, each once. */
    static double[] descendingDistinct(double[] lambdas) {
        double[] s = Arrays.stream(lambdas).distinct().sorted().toArray();
        double[] d = new double[s.length];
        for (int i = 0; i < s.length; i++) d[i] = s[s.length - 1 - i];
        return d;
    }

    /**
     * glmnet's grid: λ_max, the smallest λ at which the L1 part keeps every coefficient at 0 (the null model, with
     * its optimal intercept), then {@code lambdaCount} values evenly spaced in log scale down to λ_min. At θ = 0 the
     * data term's gradient is gⱼ = (1/m) Σ wᵢ ℓ'(yᵢ, b₀) xᵢⱼ, and 0 is optimal for coefficient j while
     * |gⱼ| ≤ λα/m, so λ_max = m · maxⱼ |gⱼ| / α (α at least {@link #MIN_GRID_ALPHA}). One host pass, in double.
     */
    static double[] grid(Dataset data, TrainingOptions options, CrossValidationOptions cv) {
        Loss loss = options.loss();
        double m = data.weightSum();
        double positives = 0;
        for (RowBlock block : data.blocks()) {
            FloatBuffer y = block.labels();
            for (int i = 0; i < block.rows(); i++) positives += block.weight(i) * y.get(i);
        }
        double b0 = options.fitIntercept() ? Math.log(positives / (m - positives)) : 0.0;
        int n = data.cols();
        double[] g = new double[n];
        for (RowBlock block : data.blocks()) {
            FloatBuffer y = block.labels();
            for (int i = 0; i < block.rows(); i++) {
                double r = block.weight(i) * loss.derivative(y.get(i), b0);
                if (r != 0) block.addScaled(i, r, g, 0);   // a sparse row: its nonzeros only
            }
        }
        // A penalty on scales sⱼ puts c₁sⱼ on |θⱼ|: coefficient j leaves 0 at |gⱼ|/sⱼ (never where sⱼ = 0).
        double[] scales = options.penalty().scales();
        double top = 0;
        for (int j = 0; j < n; j++) {
            double s = scales == null ? 1.0 : scales[j];
            if (s > 0) top = Math.max(top, Math.abs(g[j]) / s);
        }
        double alpha = Math.max(options.penalty().alpha(), MIN_GRID_ALPHA);
        double lambdaMax = top / alpha;  // m · max|gⱼ| with gⱼ the mean: g here is the sum, so no m
        if (!(lambdaMax > 0) || !Double.isFinite(lambdaMax)) {
            throw new IllegalArgumentException("no grid of λ can be derived: at the null model every feature's gradient is "
                    + lambdaMax + " (constant or zero columns?); give the λ to try");
        }
        return spaced(lambdaMax, data, cv);
    }

    /** {@code cv.lambdaCount()} values from λ_max down to λ_min, evenly spaced in log scale (glmnet's path). */
    static double[] spaced(double lambdaMax, Dataset data, CrossValidationOptions cv) {
        int n = data.cols();
        double ratio = Double.isNaN(cv.lambdaMinRatio()) ? (data.rows() > n ? 1e-4 : 1e-2) : cv.lambdaMinRatio();
        int count = cv.lambdaCount();
        double[] lambdas = new double[count];
        for (int i = 0; i < count; i++) {
            lambdas[i] = count == 1 ? lambdaMax : lambdaMax * Math.pow(ratio, (double) i / (count - 1));
        }
        return lambdas;
    }

    /** Index of the best mean; on a tie the earlier one, the larger λ (the simpler model). */
    static int best(double[] mean, boolean higherIsBetter) {
        int best = 0;
        for (int g = 1; g < mean.length; g++) {
            if (higherIsBetter ? mean[g] > mean[best] : mean[g] < mean[best]) best = g;
        }
        return best;
    }

    /** Index of the largest λ (the earliest) whose mean is within one standard error of the best's. */
    static int oneStandardError(double[] mean, double[] se, int best, boolean higherIsBetter) {
        double bound = higherIsBetter ? mean[best] - se[best] : mean[best] + se[best];
        for (int g = 0; g < best; g++) {
            if (higherIsBetter ? mean[g] >= bound : mean[g] <= bound) return g;
        }
        return best;
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    static double standardError(double[] v, double mean) {
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return Math.sqrt(ss / (v.length - 1) / v.length);
    }

    /** The rows of fold {@code f} ({@code held}) or of every other fold, ascending. */
    static int[] rowsOf(int[] fold, int f, boolean held) {
        int count = 0;
        for (int v : fold) if ((v == f) == held) count++;
        int[] rows = new int[count];
        int k = 0;
        for (int i = 0; i < fold.length; i++) if ((fold[i] == f) == held) rows[k++] = i;
        return rows;
    }

    /** The logits of every row of {@code term} under {@code model}, computed by the backend a chunk at a time. */
    private static double[] logits(DataTerm term, LogisticModel model) {
        int n = model.features();
        double[] params = Arrays.copyOf(model.coefficients(), n + 1);
        params[n] = model.intercept();
        int rows = (int) term.rows();
        double[] out = new double[rows];
        double[] chunk = new double[Math.min(LOGIT_CHUNK, rows)];
        for (int from = 0; from < rows; from += LOGIT_CHUNK) {
            int to = Math.min(rows, from + LOGIT_CHUNK);
            term.margins(from, to, params, chunk);
            System.arraycopy(chunk, 0, out, from, to - from);
        }
        return out;
    }
}
