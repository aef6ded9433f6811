package dev.logreg.train;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.backend.reference.ReferenceBackendProvider;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** K-class {@link CrossValidation}: folds, each fold's score against a cold fit, the grid's λ_max, scorers, refusals. */
class MulticlassCrossValidationTest {
    private static final StoppingCriteria TIGHT = new StoppingCriteria(3000, 1e-10, 1e-15, null);
    private static final TrainingOptions OPTIONS = TrainingOptions.DEFAULT.withOptimizer("lbfgs").withCriteria(TIGHT).withSeed(6);

    @Test
    void kClassFoldsAreStratifiedAndSeeded() {
        float[] labels = new float[100];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2;   // 50, 30, 20
        int[] fold = CrossValidation.stratifiedFolds(labels, 4, 1);
        int[][] perClass = new int[4][3];
        for (int i = 0; i < fold.length; i++) perClass[fold[i]][(int) labels[i]]++;
        int[] sizes = {50, 30, 20};
        for (int f = 0; f < 4; f++) {
            for (int c = 0; c < 3; c++) {
                int lo = sizes[c] / 4;
                assertTrue(perClass[f][c] == lo || perClass[f][c] == lo + 1, "fold " + f + " class " + c + ": " + perClass[f][c]);
            }
        }
        assertArrayEquals(fold, CrossValidation.stratifiedFolds(labels, 4, 1));
        assertFalse(java.util.Arrays.equals(fold, CrossValidation.stratifiedFolds(labels, 4, 2)));
    }

    /** Fold f's score is that of a model trained cold on the other folds' rows alone, scored here independently. */
    @Test
    void eachFoldsScoreIsThatOfAColdFitOnTheOtherRows() {
        Dataset data = MulticlassData.generate(240, 3, 3, true, 21);
        double[] lambdas = {20, 2, 0.2};
        for (Multiclass strategy : Multiclass.values()) {
            for (Scorer scorer : new Scorer[] {Scorer.logLoss(), Scorer.accuracy(), Scorer.macroF1()}) {
                CrossValidationOptions cv = CrossValidationOptions.DEFAULT.withFolds(3).withLambdas(lambdas).withScorer(scorer).withRefit(false);
                CrossValidationResult result;
                try (ReferenceBackend backend = new ReferenceBackend()) {
                    result = CrossValidation.run(backend, data, OPTIONS.withPenalty(Penalty.l2(1)), strategy, cv, null);
                }
                int[] fold = CrossValidation.stratifiedFolds(data.copyLabels(), 3, OPTIONS.seed());
                for (int g = 0; g < lambdas.length; g++) {
                    assertEquals(lambdas[g], result.path().get(g).lambda());
                    for (int f = 0; f < 3; f++) {
                        Dataset train = data.select(CrossValidation.rowsOf(fold, f, false));
                        Dataset held = data.select(CrossValidation.rowsOf(fold, f, true));
                        LinearClassifier cold = coldFit(train, strategy, lambdas[g]);
                        double expected = independentScore(scorer.name(), cold, held);
                        double got = result.path().get(g).foldScores()[f];
                        assertTrue(Math.abs(got - expected) <= 1e-6 * Math.max(1, Math.abs(expected)),
                                strategy + " " + scorer.name() + " λ " + lambdas[g] + " fold " + f + ": " + got + " vs " + expected);
                    }
                }
                int best = 0;
                for (int g = 1; g < lambdas.length; g++) {
                    double m = result.path().get(g).mean();
                    if (scorer.higherIsBetter() ? m > result.path().get(best).mean() : m < result.path().get(best).mean()) best = g;
                }
                assertEquals(best, result.bestIndex(), strategy + " " + scorer.name());
                assertEquals(lambdas[best], result.chosenLambda());
                assertEquals(scorer.name(), result.scorer());
            }
        }
    }

    /** standardizeFolds: each fold's penalty on the scales of its own training rows, as for binary fits. */
    @Test
    void standardizedFoldsTakeTheirScalesFromTheirOwnTrainingRows() {
        Dataset data = MulticlassData.generate(180, 3, 3, true, 12);
        double[] allScales = dev.logreg.objective.ColumnStatistics.of(data).standardizationScales(true);
        TrainingOptions onAll = OPTIONS.withPenalty(Penalty.l2(1).onScales(allScales));
        for (Multiclass strategy : Multiclass.values()) {
            CrossValidationResult r;
            try (ReferenceBackend backend = new ReferenceBackend()) {
                r = CrossValidation.run(backend, data, onAll, strategy, CrossValidationOptions.DEFAULT.withFolds(3).withLambdas(3)
                        .withStandardizeFolds(true).withRefit(false), null);
            }
            int[] fold = CrossValidation.stratifiedFolds(data.copyLabels(), 3, OPTIONS.seed());
            for (int f = 0; f < 3; f++) {
                Dataset train = data.select(CrossValidation.rowsOf(fold, f, false));
                Penalty own = Penalty.l2(3).onScales(dev.logreg.objective.ColumnStatistics.of(train).standardizationScales(true));
                LinearClassifier cold;
                try (ReferenceBackend backend = new ReferenceBackend()) {
                    if (strategy == Multiclass.MULTINOMIAL) {
                        cold = Trainer.fit(backend, train, OPTIONS.withPenalty(own).withLoss(Loss.multinomial()), null).classifier();
                    } else {
                        List<dev.logreg.model.LogisticModel> models = new ArrayList<>();
                        for (int c = 0; c < 3; c++) {
                            Dataset view = train.oneVsRest(c);
                            Penalty ownView = Penalty.l2(3).onScales(dev.logreg.objective.ColumnStatistics.of(view).standardizationScales(true));
                            models.add(Trainer.fit(backend, view, OPTIONS.withPenalty(ownView), null).model());
                        }
                        cold = new OneVsRestModel(models);
                    }
                }
                double expected = independentScore("logloss", cold, data.select(CrossValidation.rowsOf(fold, f, true)));
                assertEquals(expected, r.path().get(0).foldScores()[f], 1e-6 * expected, strategy + " fold " + f);
            }
        }
    }

    private static LinearClassifier coldFit(Dataset train, Multiclass strategy, double lambda) {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            TrainingOptions o = OPTIONS.withPenalty(Penalty.l2(lambda));
            if (strategy == Multiclass.MULTINOMIAL) {
                return Trainer.fit(backend, train, o.withLoss(Loss.multinomial()), null).classifier();
            }
            List<dev.logreg.model.LogisticModel> models = new ArrayList<>();
            for (int c = 0; c < train.classes(); c++) models.add(Trainer.fit(backend, train.oneVsRest(c), o, null).model());
            return new OneVsRestModel(models);
        }
    }

    /** The score from the model's own probabilities and predictions, weighted, computed here. */
    private static double independentScore(String scorer, LinearClassifier model, Dataset held) {
        int k = model.classes();
        double[] p = model.predictProbabilities(held);
        int[] predicted = model.predictClasses(held);
        float[] y = held.copyLabels();
        float[] w = held.copyWeights();
        double sum = 0;
        double total = 0;
        double[] tp = new double[k];
        double[] actual = new double[k];
        double[] called = new double[k];
        for (int i = 0; i < y.length; i++) {
            int label = (int) y[i];
            double weight = w == null ? 1 : w[i];
            total += weight;
            sum += weight * (scorer.equals("logloss") ? -Math.log(p[i * k + label]) : predicted[i] == label ? 1 : 0);
            actual[label] += weight;
            called[predicted[i]] += weight;
            if (predicted[i] == label) tp[label] += weight;
        }
        if (!scorer.equals("macro-f1")) return sum / total;
        double f1 = 0;
        int present = 0;
        for (int c = 0; c < k; c++) {
            if (actual[c] + called[c] == 0) continue;
            present++;
            f1 += 2 * tp[c] / (actual[c] + called[c]);
        }
        return f1 / present;
    }

    /**
     * The grid starts at λ_max: with L1 at λ_max the multinomial fit on all rows has W = 0 (only intercepts), a little
     * below it does not; one-vs-rest's largest binary λ_max is the same number with intercepts.
     */
    @Test
    void theGridStartsWhereL1ZeroesEveryCoefficient() {
        Dataset data = MulticlassData.generate(300, 4, 3, true, 4);
        TrainingOptions l1 = OPTIONS.withOptimizer("owlqn").withPenalty(Penalty.l1(1));
        double lambdaMax = MulticlassCrossValidation.lambdaMax(data, l1, true);
        assertEquals(lambdaMax, MulticlassCrossValidation.lambdaMax(data, l1, false), 1e-12 * lambdaMax);
        try (ReferenceBackend backend = new ReferenceBackend()) {
            SoftmaxModel at = (SoftmaxModel) Trainer.fit(backend, data, l1.withLoss(Loss.multinomial()).withPenalty(Penalty.l1(lambdaMax * (1 + 1e-9))), null).classifier();
            for (double[] row : at.coefficients()) for (double v : row) assertEquals(0.0, v, "W at λ_max");
            SoftmaxModel below = (SoftmaxModel) Trainer.fit(backend, data, l1.withLoss(Loss.multinomial()).withPenalty(Penalty.l1(lambdaMax * 0.97)), null).classifier();
            int nonZero = 0;
            for (double[] row : below.coefficients()) for (double v : row) if (v != 0) nonZero++;
            assertTrue(nonZero > 0, "below λ_max some coefficient leaves 0");
            // The binary λ_max of the class with the largest gradient is the same number.
            double largest = 0;
            for (int c = 0; c < 3; c++) largest = Math.max(largest, CrossValidation.grid(data.oneVsRest(c), l1,
                    CrossValidationOptions.DEFAULT.withLambdaCount(1))[0]);
            assertEquals(largest, lambdaMax, 1e-9 * lambdaMax);
        }
        CrossValidationResult r;
        try (ReferenceBackend backend = new ReferenceBackend()) {
            r = CrossValidation.run(backend, data, l1, CrossValidationOptions.DEFAULT.withFolds(3).withLambdaCount(3).withRefit(true), null);
        }
        assertEquals(lambdaMax, r.path().get(0).lambda(), 1e-12 * lambdaMax);
        assertInstanceOf(SoftmaxModel.class, r.refit().classifier(), "K > 2 defaults to multinomial, refit on all rows");
    }

    @Test
    void scorersCountWeightedClassesAsScikitLearnDoes() {
        // Rows: labels 0 0 1 2, predictions (argmax) 0 1 1 1, weights 1 2 1 1.
        double[] logP = {
                Math.log(0.8), Math.log(0.1), Math.log(0.1),
                Math.log(0.2), Math.log(0.7), Math.log(0.1),
                Math.log(0.1), Math.log(0.6), Math.log(0.3),
                Math.log(0.3), Math.log(0.4), Math.log(0.3)};
        float[] y = {0, 0, 1, 2};
        float[] w = {1, 2, 1, 1};
        assertEquals(2.0 / 5, Scorer.accuracy().scoreClasses(logP, 3, y, w), 1e-15);
        // class 0: TP 1, actual 3, called 1 → 2/4; class 1: TP 1, actual 1, called 4 → 2/5; class 2: TP 0 → 0.
        assertEquals((0.5 + 0.4 + 0) / 3, Scorer.macroF1().scoreClasses(logP, 3, y, w), 1e-15);
        double ll = -(Math.log(0.8) + 2 * Math.log(0.2) + Math.log(0.6) + Math.log(0.3)) / 5;
        assertEquals(ll, Scorer.logLoss().scoreClasses(logP, 3, y, w), 1e-15);
        // Binary: z ≥ 0 is class 1.
        assertEquals(0.75, Scorer.accuracy().score(new double[] {-1, 0, 2, 3}, new float[] {0, 1, 1, 0}, null), 1e-15);
    }

    @Test
    void badRequestsAreRefusedWithTheirReason() {
        Dataset data = MulticlassData.generate(120, 2, 3, false, 9);
        float[] y = data.copyLabels();
        int moved = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] == 2 && moved++ >= 2) y[i] = 0;   // class 2 keeps 2 rows
        }
        float[] x = new float[(int) data.rows() * 2];
        float[] row = new float[2];
        for (int i = 0; i < data.rows(); i++) {
            data.copyRow(i, row);
            System.arraycopy(row, 0, x, i * 2, 2);
        }
        Dataset rare = Dataset.wrap(x, 2, y, null, 3);
        TrainingOptions l2 = OPTIONS.withPenalty(Penalty.l2(1));
        try (ReferenceBackend backend = new ReferenceBackend()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CrossValidation.run(backend, rare, l2, CrossValidationOptions.DEFAULT.withFolds(3), null));
            assertTrue(e.getMessage().contains("3 folds need at least 3 rows of each class") && e.getMessage().contains("class 2 has 2 rows"), e.getMessage());
            Scorer binaryOnly = new Scorer() {
                @Override public String name() { return "auc"; }
                @Override public boolean higherIsBetter() { return true; }
                @Override public double score(double[] logits, float[] labels, float[] weights) { return 0.5; }
            };
            e = assertThrows(IllegalArgumentException.class, () -> CrossValidation.run(backend, data, l2,
                    CrossValidationOptions.DEFAULT.withFolds(3).withScorer(binaryOnly), null));
            assertTrue(e.getMessage().contains("scorer auc scores binary models only"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> CrossValidation.run(backend, data, OPTIONS, CrossValidationOptions.DEFAULT.withFolds(3), null));
            assertTrue(e.getMessage().contains("give a penalty"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> CrossValidation.run(backend, data, l2.withLoss(Loss.mse()), Multiclass.MULTINOMIAL,
                    CrossValidationOptions.DEFAULT.withFolds(3), null));
            assertTrue(e.getMessage().contains("loss is binary"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> CrossValidation.run(backend, data, l2.withPenalty(Penalty.l1(1)),
                    CrossValidationOptions.DEFAULT.withFolds(3), null));
            assertTrue(e.getMessage().contains("lbfgs"), e.getMessage());
            assertEquals(0, backend.liveAllocations());
        }
    }

    @Test
    void theEntryPointCrossValidatesEitherStrategyAndRefits() {
        Dataset data = MulticlassData.generate(150, 3, 4, false, 2);
        BackendFactory factory = BackendFactory.of(List.of(new ReferenceBackendProvider()), java.util.Map.of(), new java.util.Properties());
        CrossValidationOptions cv = CrossValidationOptions.DEFAULT.withFolds(3).withLambdaCount(3).withScorer(Scorer.macroF1());
        CrossValidationResult ovr = LogisticRegression.builder().penalty(Penalty.l2(1)).multiclass(Multiclass.ONE_VS_REST).factory(factory)
                .build().crossValidate(data, cv);
        assertInstanceOf(OneVsRestModel.class, ovr.refit().classifier());
        assertEquals(4, ovr.refit().classifier().classes());
        CrossValidationResult multinomial = LogisticRegression.builder().penalty(Penalty.l2(1)).factory(factory).build().crossValidate(data, cv);
        assertInstanceOf(SoftmaxModel.class, multinomial.refit().classifier());
        assertEquals("macro-f1", multinomial.scorer());
        assertTrue(multinomial.higherIsBetter());
    }
}
