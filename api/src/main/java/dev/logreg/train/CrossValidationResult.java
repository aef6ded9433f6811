package dev.logreg.train;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CrossValidation} measured and chose.
 *
 * @param scorer                 the held-out score's name ({@link Scorer#name()})
 * @param higherIsBetter         whether a larger score is better
 * @param folds                  k
 * @param path                   one entry per λ tried, from the largest λ down
 * @param bestIndex              index in {@code path} of the best mean score (ties go to the larger λ)
 * @param oneStandardErrorIndex  index of the largest λ whose mean score is within one standard error of the best
 * @param chosenIndex            the index the rule picked ({@code bestIndex} or {@code oneStandardErrorIndex})
 * @param rule                   the rule in force
 * @param refit                  the final model, trained on every row with the chosen λ; {@code null} where
 *                               {@link CrossValidationOptions#refit()} was false
 */
public record CrossValidationResult(String scorer, boolean higherIsBetter, int folds, List<LambdaScore> path, int bestIndex,
                                    int oneStandardErrorIndex, int chosenIndex, CrossValidationOptions.Rule rule,
                                    TrainingResult refit) {

    /**
     * The held-out scores of one λ.
     *
     * @param lambda          the penalty strength
     * @param mean            the mean of the folds' scores
     * @param standardError   their standard deviation (k − 1 in the denominator) over √k, as glmnet's {@code cvsd}
     * @param foldScores      the score of each fold (fold f's model trained on every other fold)
     * @param meanNonZeros    the mean count, over the folds' models, of coefficients that are not exactly 0
     * @param unconverged     how many of the folds' fits stopped before converging (iteration or time budget)
     * @param iterations      the iterations of the folds' fits, summed
     */
    public record LambdaScore(double lambda, double mean, double standardError, double[] foldScores, double meanNonZeros,
                              int unconverged, long iterations) {
        public LambdaScore {
            foldScores = foldScores.clone();
        }

        /** The score of each fold (a copy). */
        @Override
        public double[] foldScores() {
            return foldScores.clone();
        }
    }

    public CrossValidationResult {
        Objects.requireNonNull(scorer, "scorer");
        path = List.copyOf(path);
        Objects.requireNonNull(rule, "rule");
    }

    /** The λ the rule chose. */
    public double chosenLambda() {
        return path.get(chosenIndex).lambda();
    }

    /** The held-out scores of the chosen λ. */
    public LambdaScore chosen() {
        return path.get(chosenIndex);
    }

    /** Fits that stopped before converging, over the whole grid and every fold. */
    public int unconvergedFits() {
        int u = 0;
        for (LambdaScore s : path) u += s.unconverged();
        return u;
    }
}
