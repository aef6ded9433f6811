package dev.logreg.it;

import dev.logreg.backend.Backend;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import dev.logreg.train.CrossValidation;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.CrossValidationResult;
import dev.logreg.train.Multiclass;
import dev.logreg.train.OneVsRest;
import dev.logreg.train.Scorer;
import dev.logreg.train.TrainingOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-vs-rest on a backend that does not share its rows across classes (the default {@code bindOneVsRest}: each
 * class's view bound in turn) against the reference backend's shared bind, one-vs-rest cross-validation likewise, and
 * the support-vector losses refused at bind by the native backends.
 */
class OneVsRestAndHingeTest {
    private static final TrainingOptions OPTIONS = TrainingOptions.DEFAULT.withOptimizer("lbfgs").withPenalty(Penalty.l2(1))
            .withCriteria(new StoppingCriteria(2000, 1e-10, 1e-15, null));

    static List<String> backends() {
        return Backends.UNDER_TEST;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void oneVsRestAgreesWithTheReferencesSharedBind(String name) {
        Dataset data = MulticlassData.generate(400, 5, 3, true, 31);
        OneVsRestModel expected;
        try (ReferenceBackend reference = new ReferenceBackend()) {
            expected = (OneVsRestModel) OneVsRest.fit(reference, data, rows -> new OneVsRest.Prepared(rows, OPTIONS), null).classifier();
        }
        try (Backend backend = Backends.openOrSkip(name, data)) {
            OneVsRestModel got = (OneVsRestModel) OneVsRest.fit(backend, data, rows -> new OneVsRest.Prepared(rows, OPTIONS), null).classifier();
            assertEquals(0, backend.liveAllocations(), "every class's bind closed");
            for (int c = 0; c < 3; c++) {
                LogisticModel e = expected.model(c);
                LogisticModel g = got.model(c);
                for (int j = 0; j < data.cols(); j++) {
                    double ej = e.coefficients()[j];
                    assertTrue(Math.abs(g.coefficients()[j] - ej) <= 1e-6 * (1 + Math.abs(ej)), name + " class " + c + " θ" + j + ": " + g.coefficients()[j] + " vs " + ej);
                }
                assertTrue(Math.abs(g.intercept() - e.intercept()) <= 1e-6 * (1 + Math.abs(e.intercept())), name + " class " + c + " b");
            }
            CrossValidationOptions cv = CrossValidationOptions.DEFAULT.withFolds(3).withLambdas(10, 1).withScorer(Scorer.logLoss()).withRefit(false);
            CrossValidationResult onBackend = CrossValidation.run(backend, data, OPTIONS, Multiclass.ONE_VS_REST, cv, null);
            CrossValidationResult onReference;
            try (ReferenceBackend reference = new ReferenceBackend()) {
                onReference = CrossValidation.run(reference, data, OPTIONS, Multiclass.ONE_VS_REST, cv, null);
            }
            for (int g = 0; g < 2; g++) {
                for (int f = 0; f < 3; f++) {
                    double e = onReference.path().get(g).foldScores()[f];
                    double s = onBackend.path().get(g).foldScores()[f];
                    assertTrue(Math.abs(s - e) <= 1e-6 * e, name + " λ " + onReference.path().get(g).lambda() + " fold " + f + ": " + s + " vs " + e);
                }
            }
            assertEquals(0, backend.liveAllocations());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void theSupportVectorLossesAreRefusedAtBind(String name) {
        Dataset data = MulticlassData.generate(50, 2, 3, false, 3).oneVsRest(0);
        try (Backend backend = Backends.openOrSkip(name)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.bind(data, Loss.squaredHinge()));
            assertTrue(e.getMessage().contains("squared hinge loss is not implemented on the " + name + " backend"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.bind(data, Loss.hinge()));
            assertTrue(e.getMessage().contains("dual coordinate descent"), e.getMessage());
            assertEquals(0, backend.liveAllocations());
        }
    }
}
