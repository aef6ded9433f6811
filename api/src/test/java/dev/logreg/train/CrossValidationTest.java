package dev.logreg.train;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.backend.reference.ReferenceBackendProvider;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.SyntheticData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CrossValidation}: folds, the grid, the rules, and each fold's score against an independent computation. */
class CrossValidationTest {
    private static final StoppingCriteria TIGHT = new StoppingCriteria(2000, 1e-9, 1e-15, null);

    /** 240 rows x 5 features, logistic labels, integer weights 1..3 (so weighting matters everywhere). */
    private static Dataset weightedData() {
        Dataset d = SyntheticData.isotropic(240, 5, 11);
        float[] w = new float[(int) d.rows()];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < w.length; i++) w[i] = 1 + r.nextInt(3);
        return Dataset.wrap(rowMajor(d), d.cols(), d.copyLabels(), w);
    }

    @Test
    void fitsCountEveryFoldsPathAndTheRefit() {
        assertEquals(5 * 20 + 1, CrossValidationOptions.DEFAULT.fits(), "5 folds of 20 λ, and the refit");
        assertEquals(3 * 2 + 1, CrossValidationOptions.DEFAULT.withFolds(3).withLambdas(2, 0.2).fits());
        assertEquals(4 * 7, CrossValidationOptions.DEFAULT.withFolds(4).withLambdaCount(7).withRefit(false).fits());
    }

    @Test
    void foldsAreStratifiedBalancedAndSeeded() {
        float[] labels = new float[103];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 3 == 0 ? 1f : 0f;   // 35 ones, 68 zeros
        int k = 5;
        int[] fold = CrossValidation.stratifiedFolds(labels, k, 42);
        int[][] perClass = new int[k][2];
        for (int i = 0; i < fold.length; i++) perClass[fold[i]][(int) labels[i]]++;
        for (int f = 0; f < k; f++) {
            assertTrue(perClass[f][1] == 7, "fold " + f + " has " + perClass[f][1] + " ones, expected 35/5 = 7");
            assertTrue(perClass[f][0] == 13 || perClass[f][0] == 14, "fold " + f + " has " + perClass[f][0] + " zeros, expected 13 or 14");
            int size = perClass[f][0] + perClass[f][1];
            assertTrue(size == 20 || size == 21, "fold " + f + " has " + size + " rows, expected 20 or 21 of 103");
        }
        assertArrayEquals(fold, CrossValidation.stratifiedFolds(labels, k, 42), "the same seed deals the same folds");
        assertFalse(java.util.Arrays.equals(fold, CrossValidation.stratifiedFolds(labels, k, 43)), "another seed deals other folds");
    }

    /**
     * The heart of it: fold f's score is the score, on fold f's rows, of a model trained cold on a copy of the other
     * folds' rows alone (no zero weights, no warm start), and the refit is a cold fit on all rows at the chosen λ.
     */
    @Test
    void eachFoldsScoreIsThatOfAModelTrainedOnTheOtherRowsAlone() {
        Dataset data = weightedData();
        TrainingOptions options = TrainingOptions.DEFAULT.withOptimizer("lbfgs").withCriteria(TIGHT).withSeed(3);
        double[] lambdas = {30, 3, 0.3};
        CrossValidationOptions cv = CrossValidationOptions.DEFAULT.withFolds(4).withLambdas(0.3, 30, 3, 30);
        CrossValidationResult result;
        try (ReferenceBackend backend = new ReferenceBackend()) {
            result = CrossValidation.run(backend, data, options.withPenalty(Penalty.l2(1)), cv, null);
        }
        assertEquals(3, result.path().size(), "duplicates dropped");
        int[] fold = CrossValidation.stratifiedFolds(labels(data), 4, 3);
        for (int g = 0; g < lambdas.length; g++) {
            CrossValidationResult.LambdaScore s = result.path().get(g);
            assertEquals(lambdas[g], s.lambda(), "λ in descending order");
            double sum = 0;
            for (int f = 0; f < 4; f++) {
                Dataset train = subset(data, fold, f, false);
                Dataset held = subset(data, fold, f, true);
                TrainingResult cold;
                try (ReferenceBackend backend = new ReferenceBackend()) {
                    cold = Trainer.fit(backend, train, options.withPenalty(Penalty.l2(lambdas[g])), null);
                }
                double expected = weightedLogLoss(cold.model(), held);
                assertEquals(expected, s.foldScores()[f], 1e-7 * expected, "λ " + lambdas[g] + " fold " + f);
                sum += expected;
            }
            assertEquals(sum / 4, s.mean(), 1e-7 * s.mean(), "mean at λ " + lambdas[g]);
            assertEquals(5.0, s.meanNonZeros(), "L2 keeps every coefficient");
            assertEquals(0, s.unconverged());
        }
        // The grid must matter for the test to mean anything: the scores differ by λ.
        assertTrue(Math.abs(result.path().get(0).mean() - result.path().get(2).mean()) > 1e-3, "scores along the grid: " + result.path());

        TrainingResult refit = result.refit();
        assertNotNull(refit);
        assertEquals(result.chosenLambda(), refit.options().penalty().lambda());
        try (ReferenceBackend backend = new ReferenceBackend()) {
            TrainingResult cold = Trainer.fit(backend, data, options.withPenalty(Penalty.l2(result.chosenLambda())), null);
            assertArrayEquals(cold.model().coefficients(), refit.model().coefficients(), 1e-7, "refit against a cold fit on all rows");
            assertEquals(cold.model().intercept(), refit.model().intercept(), 1e-7);
        }
    }

    /**
     * standardizeFolds: each fold is penalized on the scales of its own training rows, so its score is that of a cold
     * standardized fit on those rows alone; the refit keeps all rows' scales. Columns of scales 10⁻² to 10² make
     * the scales matter; the all-rows variant gives other fold scores (or the test would not tell them apart).
     */
    @Test
    void standardizedFoldsTakeTheirScalesFromTheirOwnTrainingRows() {
        Dataset data = SyntheticData.hard(300, 6, 21);
        TrainingOptions options = TrainingOptions.DEFAULT.withOptimizer("owlqn").withCriteria(TIGHT).withSeed(4);
        double[] allScales = ColumnStatistics.of(data).standardizationScales(true);
        TrainingOptions onAll = options.withPenalty(Penalty.l1(1).onScales(allScales));
        CrossValidationOptions cv = CrossValidationOptions.DEFAULT.withFolds(3).withLambdas(2, 0.2);
        CrossValidationResult perFold;
        CrossValidationResult shared;
        try (ReferenceBackend backend = new ReferenceBackend()) {
            perFold = CrossValidation.run(backend, data, onAll, cv.withStandardizeFolds(true), null);
            shared = CrossValidation.run(backend, data, onAll, cv, null);
        }
        int[] fold = CrossValidation.stratifiedFolds(labels(data), 3, 4);
        boolean differ = false;
        for (int g = 0; g < 2; g++) {
            double lambda = perFold.path().get(g).lambda();
            for (int f = 0; f < 3; f++) {
                Dataset train = subset(data, fold, f, false);
                double[] own = ColumnStatistics.of(train).standardizationScales(true);
                TrainingResult cold;
                try (ReferenceBackend backend = new ReferenceBackend()) {
                    cold = Trainer.fit(backend, train, options.withPenalty(Penalty.l1(lambda).onScales(own)), null);
                }
                double expected = weightedLogLoss(cold.model(), subset(data, fold, f, true));
                assertEquals(expected, perFold.path().get(g).foldScores()[f], 1e-6 * expected, "λ " + lambda + " fold " + f);
                differ |= Math.abs(shared.path().get(g).foldScores()[f] - expected) > 1e-6 * expected;
            }
        }
        assertTrue(differ, "all rows' scales gave the same fold scores: the test cannot tell the two apart");
        try (ReferenceBackend backend = new ReferenceBackend()) {
            Penalty chosen = Penalty.l1(perFold.chosenLambda());
            double[] cold = Trainer.fit(backend, data, options.withPenalty(chosen.onScales(allScales)), null).model().coefficients();
            double[] refit = perFold.refit().model().coefficients();
            // Relative to the largest coefficient (~1e3 on these scales): two fits that both stop at TIGHT's gradient
            // tolerance, from different starts, agree to about 1e-8 of it, not to 1e-6 absolute.
            double tolerance = 1e-7 * Arrays.stream(cold).map(Math::abs).max().orElseThrow();
            assertArrayEquals(cold, refit, tolerance, "the refit on all rows' scales");
            double[] onFoldScales = Trainer.fit(backend, data, options.withPenalty(chosen.onScales(
                    ColumnStatistics.of(subset(data, fold, 0, false)).standardizationScales(true))), null).model().coefficients();
            double apart = 0;
            for (int j = 0; j < refit.length; j++) apart = Math.max(apart, Math.abs(onFoldScales[j] - refit[j]));
            assertTrue(apart > 10 * tolerance, "a fold's scales gave the same refit to " + apart + ": the tolerance cannot tell them apart");
        }
        IllegalArgumentException e;
        try (ReferenceBackend backend = new ReferenceBackend()) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> CrossValidation.run(backend, data, options.withPenalty(Penalty.l1(1)), cv.withStandardizeFolds(true), null));
        }
        assertTrue(e.getMessage().contains("standardizeFolds") && e.getMessage().contains("on the coefficients themselves"), e.getMessage());
    }

    /**
     * Held-out logits come from the bound term, whose rows a stochastic optimizer permutes: every fold's score equals
     * the score the model it reports gives its held-out rows on the host, with either row order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "sgd"})
    void heldOutScoresAreThoseOfTheHeldOutRowsInEitherRowOrder(String optimizer) {
        Dataset data = weightedData();
        TrainingOptions options = TrainingOptions.DEFAULT.withOptimizer(optimizer).withSeed(9)
                .withCriteria(new StoppingCriteria(optimizer.equals("sgd") ? 3 : 500, 1e-8, 1e-14, null));
        List<double[]> seen = new ArrayList<>();   // fold, score, then the model's parameters
        CrossValidation.Listener capture = (f, lambda, fit, score) -> {
            double[] row = new double[3 + data.cols()];
            row[0] = f;
            row[1] = score;
            row[2] = fit.model().intercept();
            System.arraycopy(fit.model().coefficients(), 0, row, 3, data.cols());
            seen.add(row);
        };
        try (ReferenceBackend backend = new ReferenceBackend()) {
            CrossValidation.run(backend, data, options.withPenalty(Penalty.l2(1)),
                    CrossValidationOptions.DEFAULT.withFolds(3).withLambdas(5, 0.5).withRefit(false), capture);
        }
        assertEquals(6, seen.size(), "3 folds x 2 λ");
        int[] fold = CrossValidation.stratifiedFolds(labels(data), 3, 9);
        for (double[] row : seen) {
            int f = (int) row[0];
            LogisticModel m = new LogisticModel(java.util.Arrays.copyOfRange(row, 3, row.length), row[2], true, null);
            double expected = weightedLogLoss(m, subset(data, fold, f, true));
            assertEquals(expected, row[1], 1e-12 * expected, optimizer + " fold " + f);
        }
    }

    @Test
    void theGridStartsWhereL1ZeroesEveryCoefficient() {
        Dataset data = SyntheticData.hard(400, 8, 4);
        TrainingOptions options = TrainingOptions.DEFAULT.withOptimizer("owlqn").withPenalty(Penalty.l1(1)).withCriteria(TIGHT);
        double[] grid = CrossValidation.grid(data, options, CrossValidationOptions.DEFAULT.withLambdaCount(7));
        assertEquals(7, grid.length);
        assertEquals(1e-4, grid[6] / grid[0], 1e-12, "more rows than features: glmnet's ratio 1e-4");
        for (int i = 1; i < grid.length; i++) assertEquals(grid[1] / grid[0], grid[i] / grid[i - 1], 1e-12, "evenly spaced in log scale");
        try (ReferenceBackend backend = new ReferenceBackend()) {
            LogisticModel above = Trainer.fit(backend, data, options.withPenalty(Penalty.l1(grid[0] * 1.001)), null).model();
            for (int j = 0; j < data.cols(); j++) assertEquals(0.0, above.coefficient(j), "coefficient " + j + " just above λ_max");
            LogisticModel below = Trainer.fit(backend, data, options.withPenalty(Penalty.l1(grid[0] * 0.95)), null).model();
            long nonZero = java.util.Arrays.stream(below.coefficients()).filter(v -> v != 0).count();
            assertTrue(nonZero >= 1, "just below λ_max a coefficient enters: " + java.util.Arrays.toString(below.coefficients()));
        }
        // Elastic net's λ_max scales with 1/α; the ridge's is that of α = 0.001, as glmnet's.
        double[] en = CrossValidation.grid(data, options.withPenalty(Penalty.elasticNet(1, 0.25)), CrossValidationOptions.DEFAULT.withLambdaCount(1));
        assertEquals(grid[0] * 4, en[0], 1e-9 * en[0]);
        double[] ridge = CrossValidation.grid(data, options.withPenalty(Penalty.l2(1)), CrossValidationOptions.DEFAULT.withLambdaCount(1));
        assertEquals(grid[0] * 1000, ridge[0], 1e-9 * ridge[0]);
        double[] wide = CrossValidation.grid(SyntheticData.isotropic(6, 8, 1), options, CrossValidationOptions.DEFAULT.withLambdaCount(3));
        assertEquals(1e-2, wide[2] / wide[0], 1e-12, "fewer rows than features: glmnet's ratio 1e-2");
    }

    @Test
    void theRulesPickTheBestAndTheSimplestWithinOneStandardError() {
        double[] loss = {0.60, 0.45, 0.41, 0.40, 0.40, 0.43};
        double[] se = {0.01, 0.01, 0.02, 0.015, 0.01, 0.01};
        int best = CrossValidation.best(loss, false);
        assertEquals(3, best, "lowest loss; the tie at index 4 goes to the larger λ");
        assertEquals(2, CrossValidation.oneStandardError(loss, se, best, false), "0.41 <= 0.40 + 0.015, 0.45 is not");
        double[] auc = {0.70, 0.86, 0.90, 0.89};
        double[] aucSe = {0.02, 0.03, 0.05, 0.02};
        assertEquals(2, CrossValidation.best(auc, true));
        assertEquals(1, CrossValidation.oneStandardError(auc, aucSe, 2, true), "0.86 >= 0.90 - 0.05; 0.70 is not");
    }

    @Test
    void l1PathCountsNonZerosAndTheOneStandardErrorRuleChoosesASparserModel() {
        Dataset data = SyntheticData.hard(600, 10, 8);
        TrainingOptions options = TrainingOptions.DEFAULT.withOptimizer("newton").withPenalty(Penalty.l1(1)).withCriteria(TIGHT);
        CrossValidationResult r;
        try (ReferenceBackend backend = new ReferenceBackend()) {
            r = CrossValidation.run(backend, data, options, CrossValidationOptions.DEFAULT.withLambdaCount(12)
                    .withRule(CrossValidationOptions.Rule.ONE_STANDARD_ERROR), null);
        }
        List<CrossValidationResult.LambdaScore> path = r.path();
        assertEquals(0.0, path.get(0).meanNonZeros(), 0.5, "at λ_max (full data) the folds keep at most a stray coefficient");
        assertTrue(path.get(path.size() - 1).meanNonZeros() > path.get(0).meanNonZeros(), "coefficients enter as λ falls: " + path);
        assertTrue(r.oneStandardErrorIndex() <= r.bestIndex());
        assertEquals(r.oneStandardErrorIndex(), r.chosenIndex());
        assertTrue(r.chosen().meanNonZeros() <= path.get(r.bestIndex()).meanNonZeros());
        assertEquals(0, r.unconvergedFits());
        CrossValidationResult.LambdaScore best = path.get(r.bestIndex());
        assertTrue(r.chosen().mean() <= best.mean() + best.standardError(), "within one standard error of the best");
        assertEquals(r.chosenLambda(), r.refit().options().penalty().lambda());
    }

    @Test
    void theEntryPointCrossValidatesOnTheBackendItOpens() {
        Dataset data = weightedData();
        CrossValidationResult r = LogisticRegression.builder().penalty(Penalty.l2(1)).backendName("reference")
                .factory(BackendFactory.of(List.of(new ReferenceBackendProvider()), java.util.Map.of(), new java.util.Properties()))
                .build().crossValidate(data, CrossValidationOptions.DEFAULT.withFolds(3).withLambdaCount(4).withRefit(false));
        assertEquals(4, r.path().size());
        assertNull(r.refit());
        assertEquals("logloss", r.scorer());
    }

    @Test
    void badRequestsAreRefusedWithTheirReason() {
        Dataset data = weightedData();
        TrainingOptions options = TrainingOptions.DEFAULT;
        try (ReferenceBackend backend = new ReferenceBackend()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CrossValidation.run(backend, data, options, CrossValidationOptions.DEFAULT, null));
            assertTrue(e.getMessage().contains("give a penalty"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> CrossValidation.run(backend, data, options.withPenalty(Penalty.l1(1)).withOptimizer("lbfgs"), CrossValidationOptions.DEFAULT, null));
            assertTrue(e.getMessage().contains("lbfgs"), e.getMessage());
            Dataset few = Dataset.wrap(new float[] {0, 1, 2, 3, 4, 5}, 1, new float[] {0, 0, 0, 0, 1, 1}, null);
            e = assertThrows(IllegalArgumentException.class,
                    () -> CrossValidation.run(backend, few, options.withPenalty(Penalty.l2(1)), CrossValidationOptions.DEFAULT.withFolds(3), null));
            assertTrue(e.getMessage().contains("3 folds need at least 3 rows of each class") && e.getMessage().contains("2 of label 1"), e.getMessage());
            Scorer nan = new Scorer() {
                @Override public String name() { return "broken"; }
                @Override public boolean higherIsBetter() { return true; }
                @Override public double score(double[] logits, float[] labels, float[] weights) { return Double.NaN; }
            };
            e = assertThrows(IllegalArgumentException.class, () -> CrossValidation.run(backend, data, options.withPenalty(Penalty.l2(1)),
                    CrossValidationOptions.DEFAULT.withLambdas(1).withScorer(nan), null));
            assertTrue(e.getMessage().contains("broken score of fold 1 at λ = 1.0 is NaN"), e.getMessage());
            // A fold whose held-out rows all weigh 0: named, not a bare "every sample weight is zero".
            float[] w = new float[(int) data.rows()];
            int[] fold = CrossValidation.stratifiedFolds(data.copyLabels(), 2, options.seed());
            for (int i = 0; i < w.length; i++) w[i] = fold[i] == 1 ? 1 : 0;
            Dataset lopsided = Dataset.wrap(rowMajor(data), data.cols(), data.copyLabels(), w);
            e = assertThrows(IllegalArgumentException.class, () -> CrossValidation.run(backend, lopsided, options.withPenalty(Penalty.l2(1)),
                    CrossValidationOptions.DEFAULT.withFolds(2).withLambdas(1), null));
            assertTrue(e.getMessage().contains("fold 1 of 2: every sample weight is zero"), e.getMessage());
            Dataset constant = Dataset.wrap(new float[] {2, 2, 2, 2, 2, 2}, 1, new float[] {0, 1, 0, 1, 0, 1}, null);
            e = assertThrows(IllegalArgumentException.class,
                    () -> CrossValidation.run(backend, constant, options.withPenalty(Penalty.l1(1)).withOptimizer("owlqn"), CrossValidationOptions.DEFAULT.withFolds(2), null));
            assertTrue(e.getMessage().contains("no grid of λ can be derived"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> CrossValidationOptions.DEFAULT.withFolds(1));
        assertThrows(IllegalArgumentException.class, () -> CrossValidationOptions.DEFAULT.withLambdas(1, -2));
        assertThrows(IllegalArgumentException.class, () -> CrossValidationOptions.DEFAULT.withLambdas(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> CrossValidationOptions.DEFAULT.withLambdaMinRatio(1));
        assertThrows(IllegalArgumentException.class, () -> CrossValidationOptions.DEFAULT.withLambdaCount(0));
    }

    private static float[] rowMajor(Dataset d) {
        float[] x = new float[(int) d.rows() * d.cols()];
        float[] row = new float[d.cols()];
        for (int i = 0; i < d.rows(); i++) {
            d.copyRow(i, row);
            System.arraycopy(row, 0, x, i * row.length, row.length);
        }
        return x;
    }

    private static float[] labels(Dataset d) {
        float[] y = new float[(int) d.rows()];
        for (int i = 0; i < y.length; i++) y[i] = d.label(i);
        return y;
    }

    /** A copy of the rows of fold f ({@code held}) or of every other fold, with their weights. */
    private static Dataset subset(Dataset d, int[] fold, int f, boolean held) {
        List<float[]> rows = new ArrayList<>();
        List<Float> y = new ArrayList<>();
        List<Float> w = new ArrayList<>();
        for (int i = 0; i < fold.length; i++) {
            if ((fold[i] == f) != held) continue;
            float[] row = new float[d.cols()];
            d.copyRow(i, row);
            rows.add(row);
            y.add(d.label(i));
            w.add(d.weight(i));
        }
        float[] ya = new float[y.size()];
        float[] wa = new float[w.size()];
        for (int i = 0; i < ya.length; i++) {
            ya[i] = y.get(i);
            wa[i] = w.get(i);
        }
        return Dataset.fromRows(rows.toArray(new float[0][]), ya, wa);
    }

    private static double weightedLogLoss(LogisticModel m, Dataset d) {
        double s = 0;
        double ws = 0;
        float[] row = new float[d.cols()];
        for (long i = 0; i < d.rows(); i++) {
            d.copyRow(i, row);
            s += d.weight(i) * Loss.log().value(d.label(i), m.decisionFunction(row));
            ws += d.weight(i);
        }
        return s / ws;
    }
}
