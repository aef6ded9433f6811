package dev.logreg.train;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fitting on data bound once ({@link Trainer#bind}, {@link Trainer#fit(BoundData, TrainingOptions, dev.logreg.optim.TrainingListener)}). */
class TrainerBoundDataTest {
    private static final Dataset DATA = BundledData.breastCancer();
    private static final TrainingOptions LBFGS = TrainingOptions.DEFAULT.withOptimizer("lbfgs")
            .withCriteria(new StoppingCriteria(200, 1e-8, 1e-14, null));

    @Test
    void aRegularizationPathOnOneBindEqualsFreshFitsAndLeavesTheTermOpen() {
        try (ReferenceBackend backend = new ReferenceBackend(); BoundData bound = Trainer.bind(backend, DATA, LBFGS)) {
            double[] previous = null;
            for (double lambda : new double[] {10.0, 1.0, 0.1}) {
                TrainingOptions o = LBFGS.withPenalty(Penalty.l2(lambda));
                TrainingResult onBound = Trainer.fit(bound, o, null);
                TrainingResult fresh = Trainer.fit(backend, DATA, o, null);
                assertSameFit(fresh, onBound, "lambda " + lambda);
                // The path really moves: otherwise equal results would prove nothing about the options reaching the fit.
                if (previous != null) assertNotEquals(previous[0], onBound.model().coefficient(0), "lambda " + lambda + " gave the previous model");
                previous = onBound.model().coefficients();
                assertEquals(1, backend.liveAllocations(), "fresh fits close their own term; the bound one stays");
            }
            // Another optimizer on the same bound term, twice: the same result each time.
            TrainingOptions o = LBFGS.withOptimizer("owlqn").withPenalty(Penalty.l1(0.5));
            assertSameFit(Trainer.fit(bound, o, null), Trainer.fit(bound, o, null), "second fit on the same term");

            assertFalse(bound.isClosed());
            double[] p = new double[DATA.cols() + 1];
            double[] g = new double[DATA.cols() + 1];
            double v = bound.term().valueAndGradient(p, g);
            // At θ = 0, b = 0 every logit is 0: the log loss of every row is log 2.
            assertTrue(Math.abs(v - Math.log(2)) <= 1e-12, "the bound term after the fits: D(0) = " + v + ", expected log 2");
        }
    }

    /**
     * A warm-started regularization path (each λ from the previous λ's model) reaches the same optima as cold starts,
     * in fewer iterations in all; from its own optimum a fit ends at once; a start with the wrong width is refused.
     */
    @Test
    void aWarmStartedPathReachesTheColdOptimaInFewerIterations() {
        TrainingOptions base = TrainingOptions.DEFAULT.withOptimizer("owlqn");
        try (ReferenceBackend backend = new ReferenceBackend(); BoundData bound = Trainer.bind(backend, DATA, base)) {
            dev.logreg.model.LogisticModel previous = null;
            int warmIterations = 0;
            int coldIterations = 0;
            for (double lambda : new double[] {30.0, 10.0, 3.0, 1.0, 0.3}) {
                TrainingOptions o = base.withPenalty(Penalty.l1(lambda));
                TrainingResult cold = Trainer.fit(bound, o, null);
                TrainingResult warm = Trainer.fit(bound, o, previous, null);
                assertTrue(cold.status().isConverged() && warm.status().isConverged(), "lambda " + lambda + ": " + cold.status() + ", " + warm.status());
                double gap = Math.abs(warm.objective() - cold.objective()) / Math.abs(cold.objective());
                assertTrue(gap <= 1e-9, "lambda " + lambda + ": warm " + warm.objective() + " vs cold " + cold.objective());
                warmIterations += warm.optimization().iterations();
                coldIterations += cold.optimization().iterations();
                previous = warm.model();
            }
            System.out.println("RESULT L1 path of 5 lambdas on breast cancer, owlqn: warm " + warmIterations + " iterations, cold " + coldIterations);
            assertTrue(warmIterations < coldIterations, "warm " + warmIterations + " iterations, cold " + coldIterations);

            TrainingOptions o = base.withPenalty(Penalty.l1(0.3));
            TrainingResult again = Trainer.fit(bound, o, previous, null);
            assertTrue(again.optimization().iterations() <= 2, "restarted at its own optimum: " + again.optimization().iterations() + " iterations");
            assertTrue(Math.abs(again.objective() - Trainer.fit(bound, o, null).objective()) <= 1e-9 * again.objective());

            dev.logreg.model.LogisticModel narrow = new dev.logreg.model.LogisticModel(new double[DATA.cols() - 1], 0.0, true, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(bound, o, narrow, null));
            assertTrue(e.getMessage().contains((DATA.cols() - 1) + " features") && e.getMessage().contains(String.valueOf(DATA.cols())), e.getMessage());
            // The facade passes the start on: same bits as the Trainer call.
            TrainingResult viaFacade = LogisticRegression.builder().optimizer("owlqn").penalty(Penalty.l1(0.3)).build().fitBound(bound, previous);
            assertSameFit(again, viaFacade, "fitBound(bound, start)");
        }
    }

    @Test
    void aStochasticOptimizerFitsOnRowsPermutedByItsSeedAndRejectsAnotherSeed() {
        TrainingOptions sgd = TrainingOptions.DEFAULT.withOptimizer("sgd").withSeed(7).withPenalty(Penalty.l2(1.0))
                .withCriteria(new StoppingCriteria(5, 1e-8, 1e-14, null));
        try (ReferenceBackend backend = new ReferenceBackend(); BoundData bound = Trainer.bind(backend, DATA, sgd)) {
            assertEquals(BindOptions.permuted(7), bound.bindOptions());
            assertSameFit(Trainer.fit(backend, DATA, sgd, null), Trainer.fit(bound, sgd, null), "sgd");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(bound, sgd.withSeed(8), null));
            assertTrue(e.getMessage().contains("permuted by seed 8") && e.getMessage().contains("permuted by seed 7"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(bound, LBFGS, null));
            assertTrue(e.getMessage().contains("in their own order") && e.getMessage().contains("lbfgs"), e.getMessage());
            assertFalse(bound.isClosed(), "a rejected fit leaves the bound data open");
        }
    }

    @Test
    void theFluentBuilderFitsOnBoundDataAndLeavesItOpen() {
        LogisticRegression lr = LogisticRegression.builder().penalty(Penalty.l2(2.0)).optimizer("lbfgs").build();
        try (ReferenceBackend backend = new ReferenceBackend(); BoundData bound = Trainer.bind(backend, DATA, lr.options())) {
            TrainingResult viaBuilder = lr.fitBound(bound);
            assertFalse(bound.isClosed());
            assertSameFit(lr.fit(backend, DATA), viaBuilder, "LogisticRegression.fitBound(bound)");
            assertEquals(1, backend.liveAllocations());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LogisticRegression.builder().loss(Loss.mse()).build().fitBound(bound));
            assertTrue(e.getMessage().contains("MSE"), e.getMessage());
        }
    }

    @Test
    void anotherLossIsRejectedNamingBoth() {
        try (ReferenceBackend backend = new ReferenceBackend(); BoundData bound = Trainer.bind(backend, DATA, LBFGS)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(bound, LBFGS.withLoss(Loss.mse()), null));
            assertTrue(e.getMessage().contains("MSE") && e.getMessage().contains("LOG"), e.getMessage());
        }
    }

    @Test
    void aTermOfAnotherShapeIsRejectedAtBindAndClosed() {
        try (ReferenceBackend inner = new ReferenceBackend()) {
            Backend wrong = new WrongShapeBackend(inner);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BoundData.bind(wrong, DATA, Loss.log(), BindOptions.DEFAULT));
            assertTrue(e.getMessage().contains("569 x 31") && e.getMessage().contains("569 x 30"), e.getMessage());
            assertEquals(0, inner.liveAllocations(), "the rejected term must be closed");
        }
    }

    @Test
    void closingTheBoundDataClosesItsTermButNotTheBackend() {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            BoundData bound = Trainer.bind(backend, DATA, LBFGS);
            assertEquals(1, backend.liveAllocations());
            bound.close();
            bound.close();  // idempotent
            assertTrue(bound.isClosed());
            assertEquals(0, backend.liveAllocations());
            assertThrows(IllegalStateException.class, () -> Trainer.fit(bound, LBFGS, null));
            assertThrows(IllegalStateException.class, bound::term);
            TrainingResult r = Trainer.fit(backend, DATA, LBFGS.withPenalty(Penalty.l2(1.0)), null);
            assertTrue(Double.isFinite(r.objective()), "the backend stays usable, objective " + r.objective());
        }
    }

    @Test
    void aClosedBackendMakesTheFitFailWithIllegalState() {
        ReferenceBackend backend = new ReferenceBackend();
        BoundData bound = Trainer.bind(backend, DATA, LBFGS);
        backend.close();
        assertThrows(IllegalStateException.class, () -> Trainer.fit(bound, LBFGS, null));
        bound.close();
    }

    private static void assertSameFit(TrainingResult expected, TrainingResult actual, String what) {
        assertEquals(expected.status(), actual.status(), what + ": status");
        assertEquals(expected.optimization().iterations(), actual.optimization().iterations(), what + ": iterations");
        assertBits(expected.objective(), actual.objective(), what + ": objective");
        assertBits(expected.model().intercept(), actual.model().intercept(), what + ": intercept");
        double[] e = expected.model().coefficients();
        double[] a = actual.model().coefficients();
        for (int j = 0; j < e.length; j++) assertBits(e[j], a[j], what + ": coefficient " + j);
    }

    private static void assertBits(double expected, double actual, String what) {
        assertTrue(Double.isFinite(expected), what + " is " + expected);
        assertTrue(Double.doubleToRawLongBits(expected) == Double.doubleToRawLongBits(actual),
                what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void statisticsComeFromTheTermWhereItHasThemAndFromTheHostOtherwise() {
        ColumnStatistics host = ColumnStatistics.of(DATA);
        int n = DATA.cols();
        double[] marker = new double[n];
        Arrays.fill(marker, 7.0);
        ColumnStatistics supplied = ColumnStatistics.of(marker, marker, marker);
        try (ReferenceBackend inner = new ReferenceBackend()) {
            int[] asked = {0};
            Backend withStatistics = new StatisticsBackend(inner, data -> {
                asked[0]++;
                return Optional.of(supplied);
            });
            try (BoundData bound = Trainer.bind(withStatistics, DATA, LBFGS)) {
                assertSame(supplied, bound.statistics(), "the term's statistics");
                assertSame(supplied, bound.statistics(), "kept");
                assertEquals(1, asked[0], "the term is asked once");
            }
            try (BoundData bound = Trainer.bind(new StatisticsBackend(inner, data -> Optional.empty()), DATA, LBFGS)) {
                assertArrayEquals(host.std(), bound.statistics().std(), 0.0, "none from the term: the host's");
            }
            BoundData closed = Trainer.bind(withStatistics, DATA, LBFGS);
            closed.close();
            assertArrayEquals(host.mean(), closed.statistics().mean(), 0.0, "after close the term is not asked: the host's");
            assertEquals(1, asked[0]);
        }
    }

    /** Binds through another backend, its terms answering {@link DataTerm#columnStatistics} with {@code statistics}. */
    private static final class StatisticsBackend implements Backend {
        private final Backend inner;
        private final Function<Dataset, Optional<ColumnStatistics>> statistics;

        StatisticsBackend(Backend inner, Function<Dataset, Optional<ColumnStatistics>> statistics) {
            this.inner = inner;
            this.statistics = statistics;
        }

        @Override public String name() { return "with-statistics"; }

        @Override public String description() { return "with-statistics"; }

        @Override
        public DataTerm bind(Dataset data, Loss loss, BindOptions options) {
            return new dev.logreg.testing.ForwardingDataTerm(inner.bind(data, loss, options)) {
                @Override public Optional<ColumnStatistics> columnStatistics(Dataset d) { return statistics.apply(d); }
            };
        }

        @Override public long liveAllocations() { return inner.liveAllocations(); }

        @Override public void close() { inner.close(); }
    }

    /** Binds through another backend but reports one feature too many: a faulty backend. */
    private static final class WrongShapeBackend implements Backend {
        private final Backend inner;

        WrongShapeBackend(Backend inner) { this.inner = inner; }

        @Override public String name() { return "wrong-shape"; }

        @Override public String description() { return "wrong-shape"; }

        @Override
        public DataTerm bind(Dataset data, Loss loss, BindOptions options) {
            return new dev.logreg.testing.ForwardingDataTerm(inner.bind(data, loss, options)) {
                @Override public int features() { return super.features() + 1; }
            };
        }

        @Override public long liveAllocations() { return inner.liveAllocations(); }

        @Override public void close() { inner.close(); }
    }
}
