package dev.logreg.it;

import dev.logreg.backend.Backend;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.optim.Status;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input, on every backend: a specific exception type whose message names the fault, and a
 * backend that stays usable afterwards (it evaluates a good problem correctly) and leaks nothing.
 */
class BadInputTest {
    static List<String> backends() {
        return Backends.UNDER_TEST;
    }

    /** Runs {@code body} on a fresh backend, then checks it still works and holds no allocation. */
    private static void onBackend(String name, Consumer<Backend> body) {
        try (Backend backend = Backends.openOrSkip(name)) {
            body.accept(backend);
            Dataset good = BundledData.breastCancer();
            try (DataTerm term = backend.bind(good, Loss.log())) {
                double[] g = new double[good.cols() + 1];
                double v = term.valueAndGradient(new double[good.cols() + 1], g);
                assertEquals(Math.log(2), v, 1e-12, "log loss at zero parameters after the bad input");
            }
            assertEquals(0, backend.liveAllocations(), "live allocations after the test");
        }
    }

    private static void assertMessage(Throwable e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    () -> "message '" + e.getMessage() + "' should name '" + f + "'");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void nonFiniteFeaturesAreRefusedWithRowAndColumn(String name) {
        onBackend(name, backend -> {
            float[] x = {1, 2, 3, 4, Float.NaN, 6};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, 2, new float[] {0, 1, 0}, null));
            assertMessage(e, "row 2", "column 0", "NaN");
            float[] y = {1, Float.POSITIVE_INFINITY, 3, 4};
            e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(y, 2, new float[] {0, 1}, null));
            assertMessage(e, "row 0", "column 1", "Infinity");
            e = assertThrows(IllegalArgumentException.class, () -> Dataset.fromRows(new float[][] {{1, 2}, {3, Float.NEGATIVE_INFINITY}}, new float[] {0, 1}));
            assertMessage(e, "row 1", "column 1", "-Infinity");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void labelsOutsideZeroOneAreRefused(String name) {
        onBackend(name, backend -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Dataset.wrap(new float[] {1, 2, 3}, 1, new float[] {0, 2, 1}, null));
            assertMessage(e, "label at row 1", "2.0", "expected 0 or 1");
            e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(new float[] {1, 2}, 1, new float[] {-1, 1}, null));
            assertMessage(e, "label at row 0");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void emptyDatasetIsRefused(String name) {
        onBackend(name, backend -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(new float[0], 3, new float[0], null));
            assertMessage(e, "zero rows");
            e = assertThrows(IllegalArgumentException.class, () -> Dataset.builder(4).build());
            assertMessage(e, "zero rows");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void parameterLengthMismatchIsRefusedAndTheTermStaysUsable(String name) {
        onBackend(name, backend -> {
            Dataset data = BundledData.breastCancer();
            try (DataTerm term = backend.bind(data, Loss.log())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> term.valueAndGradient(new double[5], new double[5]));
                assertMessage(e, "length 5", String.valueOf(data.cols() + 1));
                assertThrows(IllegalArgumentException.class, () -> term.value(new double[data.cols()]));
                assertThrows(IllegalArgumentException.class, () -> term.valueAndGradient(0, data.rows() + 1, new double[data.cols() + 1], new double[data.cols() + 1]));
                assertThrows(IllegalArgumentException.class, () -> term.valueAndGradient(10, 10, new double[data.cols() + 1], new double[data.cols() + 1]));
                double v = term.value(new double[data.cols() + 1]);
                assertEquals(Math.log(2), v, 1e-12, "the term still evaluates after refusing bad parameters");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void allRowsOfOneClassHaveNoOptimumWithAFreeIntercept(String name) {
        onBackend(name, backend -> {
            Dataset ones = Dataset.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, new float[] {1, 1, 1}, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Trainer.fit(backend, ones, TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1)), null));
            assertMessage(e, "every row has label 1", "intercept");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badSampleWeightsAreRefused(String name) {
        onBackend(name, backend -> {
            float[] x = {1, 2, 3};
            float[] y = {0, 1, 0};
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, 1, y, new float[] {1, -0.5f, 1})),
                    "sample weight at row 1", "-0.5");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, 1, y, new float[] {1, 1, Float.NaN})),
                    "sample weight at row 2", "NaN");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, 1, y, new float[] {0, 0, 0})),
                    "every sample weight is zero");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(x, 1, y, new float[] {1, 1})),
                    "weights hold 2", "3");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badPenaltiesAndOptionsAreRefused(String name) {
        onBackend(name, backend -> {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Penalty.l2(-1)), "lambda is -1.0");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Penalty.l1(Double.NaN)), "lambda is NaN");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Penalty.elasticNet(1, 1.5)), "alpha", "1.5", "[0, 1]");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Penalty.elasticNet(1, -0.1)), "alpha", "-0.1");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> StoppingCriteria.DEFAULT.withMaxIterations(0)), "max iterations is 0");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> StoppingCriteria.DEFAULT.withGradientTolerance(-1e-6)),
                    "gradient tolerance is -1.0E-6");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> StoppingCriteria.DEFAULT.withRelativeObjectiveTolerance(Double.NaN)),
                    "relative objective tolerance is NaN");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> TrainingOptions.DEFAULT.withBatchSize(0)), "batch size is 0");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> Trainer.fit(backend, BundledData.breastCancer(), TrainingOptions.DEFAULT.withOptimizer("simplex"), null)),
                    "optimizer 'simplex'", "lbfgs");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void anOptimizerWithAPenaltyItDoesNotSupportNamesTheOneToUse(String name) {
        onBackend(name, backend -> {
            Dataset data = BundledData.breastCancer();
            for (String optimizer : List.of("lbfgs", "tron", "sgd", "adam")) {
                for (Penalty p : List.of(Penalty.l1(0.5), Penalty.elasticNet(1, 0.5))) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> Trainer.fit(backend, data, TrainingOptions.DEFAULT.withOptimizer(optimizer).withPenalty(p), null));
                    assertMessage(e, optimizer, "owlqn");
                }
            }
            assertEquals(0, backend.liveAllocations());
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void separableDataWithoutPenaltyEndsWithItsOwnStatusAndFiniteCoefficients(String name) {
        onBackend(name, backend -> {
            // Two clusters split by x0 + x1 = 0: any positive multiple of (1, 1) separates them.
            float[] x = {1, 2, 2, 1, 3, 3, -1, -2, -2, -1, -3, -3};
            float[] y = {1, 1, 1, 0, 0, 0};
            Dataset data = Dataset.wrap(x, 2, y, null);
            TrainingResult r = Trainer.fit(backend, data, TrainingOptions.DEFAULT, null);
            assertEquals(Status.UNBOUNDED_COEFFICIENTS, r.status(), r.message());
            for (double c : r.model().coefficients()) assertTrue(Double.isFinite(c), "coefficient " + c);
            assertTrue(Double.isFinite(r.model().intercept()));
            assertTrue(r.message().contains("separable"), r.message());
            // With a penalty, the same data has a finite optimum and training converges.
            TrainingResult penalised = Trainer.fit(backend, data, TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1)), null);
            assertTrue(penalised.status().isConverged(), penalised.status() + ": " + penalised.message());
        });
    }
}
