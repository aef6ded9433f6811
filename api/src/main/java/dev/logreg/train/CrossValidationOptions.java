package dev.logreg.train;

import java.util.Arrays;
import java.util.Objects;

/**
 * How {@link CrossValidation} chooses the penalty strength λ. Immutable; change it with the {@code with...} methods.
 *
 * @param folds          k, the number of stratified folds (at least 2, and at most the row count of the smallest
 *                       class, so that every training and held-out fold has rows of every class)
 * @param lambdas        the λ to try, each finite and &ge; 0 (fitted from the largest down, each warm-started from
 *                       the previous), or {@code null} for a grid from the data (see {@code lambdaCount})
 * @param lambdaCount    where {@code lambdas} is null: how many λ, spaced evenly in log scale from λ<sub>max</sub>
 *                       down to {@code lambdaMinRatio}·λ<sub>max</sub> (glmnet's path; λ<sub>max</sub> is the
 *                       smallest λ at which the L1 part zeroes every coefficient, computed as if α were at least
 *                       0.001 for L2, as glmnet does)
 * @param lambdaMinRatio where {@code lambdas} is null: λ<sub>min</sub> / λ<sub>max</sub> in (0, 1), or NaN for
 *                       glmnet's default (10⁻⁴ where there are more rows than features, else 10⁻²)
 * @param scorer         the held-out score; default {@link Scorer#logLoss()} (the multiclass log loss for K classes)
 * @param rule           which λ of the grid to keep
 * @param refit          whether to train the final model on all rows with the chosen λ
 * @param standardizeFolds where the penalty is on standardization scales ({@code LogisticRegression.Builder
 *                       .standardize}, {@code train --standardize}): take each fold's scales from its own training
 *                       rows, as glmnet's {@code cv.glmnet} and a scaler inside a cross-validated scikit-learn
 *                       pipeline do, so that no held-out row shapes the penalty its fold is scored under; the λ grid
 *                       and the refit keep all rows' scales. Default false (all rows' scales everywhere)
 */
public record CrossValidationOptions(int folds, double[] lambdas, int lambdaCount, double lambdaMinRatio, Scorer scorer,
                                     Rule rule, boolean refit, boolean standardizeFolds) {

    /** Which λ cross-validation keeps. */
    public enum Rule {
        /** The λ of the best mean held-out score (glmnet's {@code lambda.min}; scikit-learn's choice). */
        BEST,
        /**
         * The largest λ whose mean held-out score is within one standard error of the best (glmnet's
         * {@code lambda.1se}): a simpler, sparser model that the folds cannot tell apart from the best one.
         */
        ONE_STANDARD_ERROR
    }

    /** 5 folds, 20 λ from the data with glmnet's ratio, log loss, the best λ, refit on all rows, all rows' scales. */
    public static final CrossValidationOptions DEFAULT = new CrossValidationOptions(5, null, 20, Double.NaN, Scorer.logLoss(),
            Rule.BEST, true, false);

    public CrossValidationOptions {
        if (folds < 2) throw new IllegalArgumentException("folds is " + folds + ", expected at least 2");
        if (lambdas != null) {
            if (lambdas.length == 0) throw new IllegalArgumentException("no λ given: expected at least one, or null for a grid from the data");
            for (int i = 0; i < lambdas.length; i++) {
                if (!(lambdas[i] >= 0) || !Double.isFinite(lambdas[i])) {
                    throw new IllegalArgumentException("λ number " + (i + 1) + " is " + lambdas[i] + ", expected a finite number >= 0");
                }
            }
            lambdas = lambdas.clone();
        }
        if (lambdaCount < 1) throw new IllegalArgumentException("lambda count is " + lambdaCount + ", expected at least 1");
        if (!Double.isNaN(lambdaMinRatio) && !(lambdaMinRatio > 0 && lambdaMinRatio < 1)) {
            throw new IllegalArgumentException("lambda min ratio is " + lambdaMinRatio + ", expected a number in (0, 1) (or NaN for the default)");
        }
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(rule, "rule");
    }

    /** How many fits a run makes: every fold's λ path, and the refit where asked (a hint for the backend). */
    public int fits() {
        long perFold = lambdas != null ? lambdas.length : lambdaCount;
        return (int) Math.min(Integer.MAX_VALUE, folds * perFold + (refit ? 1 : 0));
    }

    /** The λ given, or {@code null} for a grid from the data (a copy). */
    @Override
    public double[] lambdas() {
        return lambdas == null ? null : lambdas.clone();
    }

    public CrossValidationOptions withFolds(int k) { return new CrossValidationOptions(k, lambdas, lambdaCount, lambdaMinRatio, scorer, rule, refit, standardizeFolds); }

    public CrossValidationOptions withLambdas(double... l) { return new CrossValidationOptions(folds, l, lambdaCount, lambdaMinRatio, scorer, rule, refit, standardizeFolds); }

    public CrossValidationOptions withLambdaCount(int c) { return new CrossValidationOptions(folds, lambdas, c, lambdaMinRatio, scorer, rule, refit, standardizeFolds); }

    public CrossValidationOptions withLambdaMinRatio(double r) { return new CrossValidationOptions(folds, lambdas, lambdaCount, r, scorer, rule, refit, standardizeFolds); }

    public CrossValidationOptions withScorer(Scorer s) { return new CrossValidationOptions(folds, lambdas, lambdaCount, lambdaMinRatio, s, rule, refit, standardizeFolds); }

    public CrossValidationOptions withRule(Rule r) { return new CrossValidationOptions(folds, lambdas, lambdaCount, lambdaMinRatio, scorer, r, refit, standardizeFolds); }

    public CrossValidationOptions withRefit(boolean r) { return new CrossValidationOptions(folds, lambdas, lambdaCount, lambdaMinRatio, scorer, rule, r, standardizeFolds); }

    public CrossValidationOptions withStandardizeFolds(boolean f) {
        return new CrossValidationOptions(folds, lambdas, lambdaCount, lambdaMinRatio, scorer, rule, refit, f);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrossValidationOptions c && folds == c.folds && Arrays.equals(lambdas, c.lambdas) && lambdaCount == c.lambdaCount
                && Double.compare(lambdaMinRatio, c.lambdaMinRatio) == 0 && scorer.equals(c.scorer) && rule == c.rule && refit == c.refit
                && standardizeFolds == c.standardizeFolds;
    }

    @Override
    public int hashCode() {
        return Objects.hash(folds, Arrays.hashCode(lambdas), lambdaCount, lambdaMinRatio, scorer, rule, refit, standardizeFolds);
    }

    @Override
    public String toString() {
        return "CrossValidationOptions[folds=" + folds + ", lambdas=" + (lambdas == null ? lambdaCount + " from the data" : Arrays.toString(lambdas))
                + ", lambdaMinRatio=" + lambdaMinRatio + ", scorer=" + scorer.name() + ", rule=" + rule + ", refit=" + refit + ", standardizeFolds=" + standardizeFolds + "]";
    }
}
