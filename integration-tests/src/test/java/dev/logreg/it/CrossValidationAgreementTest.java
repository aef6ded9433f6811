package dev.logreg.it;

import dev.logreg.backend.Backend;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import dev.logreg.train.CrossValidation;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.CrossValidationResult;
import dev.logreg.train.TrainingOptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Cross-validation on every backend against the reference: the folds' training goes through each backend's handling
 * of zero-weight rows (a held-out fold is weight 0, not removed) and the held-out logits through its batch margins, so
 * the same grid must give the same held-out scores (within 1e-6 relative: each fit is an optimum to the default
 * tolerance, on float32 data summed in another order), the same choice of λ, and the same refit objective.
 */
class CrossValidationAgreementTest {
    private static final double SCORE = 1e-6;

    @TestFactory
    List<DynamicTest> everyBackendScoresTheGridAsTheReferenceDoes() {
        Dataset data = BundledData.breastCancer();
        List<DynamicTest> tests = new ArrayList<>();
        TrainingOptions l2 = TrainingOptions.DEFAULT.withOptimizer("lbfgs").withPenalty(Penalty.l2(1)).withSeed(5);
        TrainingOptions l1 = TrainingOptions.DEFAULT.withOptimizer("owlqn").withPenalty(Penalty.l1(1)).withSeed(5);
        CrossValidationOptions given = CrossValidationOptions.DEFAULT.withFolds(3).withLambdas(30, 3, 0.3);
        CrossValidationOptions grid = CrossValidationOptions.DEFAULT.withFolds(3).withLambdaCount(5).withLambdaMinRatio(1e-3);
        for (String name : Backends.UNDER_TEST) {
            tests.add(DynamicTest.dynamicTest(name + " l2 lbfgs, given λ", () -> agree(name, data, l2, given)));
            tests.add(DynamicTest.dynamicTest(name + " l1 owlqn, λ from the data", () -> agree(name, data, l1, grid)));
        }
        return tests;
    }

    private static void agree(String name, Dataset data, TrainingOptions options, CrossValidationOptions cv) {
        CrossValidationResult expected;
        try (ReferenceBackend reference = new ReferenceBackend()) {
            expected = CrossValidation.run(reference, data, options, cv, null);
        }
        CrossValidationResult actual;
        try (Backend backend = Backends.openOrSkip(name, data)) {
            actual = CrossValidation.run(backend, data, options, cv, null);
        }
        assertEquals(expected.path().size(), actual.path().size());
        for (int g = 0; g < expected.path().size(); g++) {
            CrossValidationResult.LambdaScore e = expected.path().get(g);
            CrossValidationResult.LambdaScore a = actual.path().get(g);
            assertEquals(e.lambda(), a.lambda(), name + ": λ " + g + " (the grid is computed on the host, the same everywhere)");
            for (int f = 0; f < cv.folds(); f++) {
                assertEquals(e.foldScores()[f], a.foldScores()[f], SCORE * e.foldScores()[f], name + ": λ " + e.lambda() + " fold " + f);
            }
        }
        assertEquals(expected.chosenIndex(), actual.chosenIndex(), name + ": chosen λ");
        assertEquals(expected.refit().objective(), actual.refit().objective(), SCORE * expected.refit().objective(), name + ": refit objective");
    }
}
