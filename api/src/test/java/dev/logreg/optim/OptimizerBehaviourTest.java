package dev.logreg.optim;

import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statuses, listeners, reproducibility and validation, for every optimizer. */
class OptimizerBehaviourTest {
    /**
     * The optimizer of that name for the toy objectives. The toys have a handful of batches an epoch, where the
     * default per-epoch learning-rate decay (tuned for data sets of hundreds of batches) would stall SGD and Adam
     * long before they converge, so those two get the gentle decay {@link #TOY_DECAY}.
     */
    static Optimizer create(String name) {
        return create(name, 16, Double.NaN);
    }

    static final double TOY_DECAY = 0.5;

    static Optimizer create(String name, int batchSize, double learningRate) {
        switch (name) {
            case "sgd":
                return new SgdOptimizer(batchSize, Double.isNaN(learningRate) ? SgdOptimizer.DEFAULT_LEARNING_RATE : learningRate, 42L,
                        SgdOptimizer.DEFAULT_MOMENTUM, false, TOY_DECAY);
            case "adam":
                return new AdamOptimizer(batchSize, Double.isNaN(learningRate) ? AdamOptimizer.DEFAULT_LEARNING_RATE : learningRate, 42L,
                        AdamOptimizer.DEFAULT_BETA1, AdamOptimizer.DEFAULT_BETA2, AdamOptimizer.DEFAULT_EPSILON, TOY_DECAY);
            default:
                return Optimizers.create(TrainingOptions.DEFAULT.withOptimizer(name).withBatchSize(batchSize).withLearningRate(learningRate));
        }
    }

    static void assertFinite(double[] x, String what) {
        for (int i = 0; i < x.length; i++) assertTrue(Double.isFinite(x[i]), what + ": coordinate " + i + " is " + x[i]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "owlqn", "newton", "tron", "gd", "sgd", "adam"})
    void convergesOnASmoothToy(String name) {
        ToyObjective f = ToyObjective.curved(0);
        // Adam's default rate suits standardized data sets of many batches; with 4 batches an epoch it travels too little.
        Optimizer o = name.equals("adam") ? create(name, 16, 0.5) : create(name);
        OptimizationResult r = o.minimize(f, new double[3], StoppingCriteria.DEFAULT.withMaxIterations(2000), TrainingListener.NONE);
        // Adam's steps have a length of about its learning rate whatever the gradient: it hovers, it does not converge.
        boolean adam = name.equals("adam");
        double tol = adam ? 1e-2 : 1e-6;
        if (!adam) assertTrue(r.status().isConverged(), name + " ended with " + r.status() + ": " + r.message());
        double[] c = {3, -2, 1};
        for (int i = 0; i < 3; i++) assertTrue(Math.abs(r.solution()[i] - c[i]) <= tol, name + ": x[" + i + "] = " + r.solution()[i] + ", expected " + c[i]);
        assertEquals(r.iterations(), r.history().size());
        assertTrue(r.evaluations() >= r.iterations(), "evaluations " + r.evaluations() + " < iterations " + r.iterations());
        if (!o.isStochastic()) {
            // Every pass is counted (the toy counts its own calls), and each iteration descends.
            assertEquals(f.evaluations, r.evaluations(), name + ": evaluations reported vs made");
            for (int i = 1; i < r.history().size(); i++) {
                assertTrue(r.history().get(i).objective() <= r.history().get(i - 1).objective(), name + ": objective rose at iteration " + (i + 1));
            }
        }
    }

    @Test
    void nesterovMomentumConverges() {
        ToyObjective f = ToyObjective.curved(0);
        OptimizationResult r = new SgdOptimizer(16, 0.05, 3L, 0.9, true, 0.5).minimize(f, new double[3], StoppingCriteria.DEFAULT.withMaxIterations(2000), TrainingListener.NONE);
        assertTrue(r.status().isConverged(), r.status() + ": " + r.message());
        double[] c = {3, -2, 1};
        for (int i = 0; i < 3; i++) assertTrue(Math.abs(r.solution()[i] - c[i]) <= 1e-6, "x[" + i + "] = " + r.solution()[i] + ", expected " + c[i]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "owlqn", "newton", "tron", "gd", "sgd", "adam"})
    void stopsAfterMaxIterationsAndReportsEveryIteration(String name) {
        ToyObjective f = ToyObjective.curved(0);
        List<IterationState> seen = new ArrayList<>();
        OptimizationResult r = create(name).minimize(f, new double[3], StoppingCriteria.DEFAULT.withMaxIterations(2), seen::add);
        assertEquals(Status.MAX_ITERATIONS, r.status(), r.message());
        assertEquals(2, r.iterations());
        assertEquals(seen, r.history());
        assertEquals(1, seen.get(0).iteration());
        assertEquals(2, seen.get(1).iteration());
        assertEquals(r.objective(), seen.get(1).objective());
        assertFinite(r.solution(), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "owlqn", "newton", "tron", "gd", "sgd", "adam"})
    void aListenerCanCancel(String name) {
        ToyObjective f = ToyObjective.curved(0);
        TrainingListener stopAfterOne = new TrainingListener() {
            private int calls;
            @Override public void onIteration(IterationState s) { calls++; }
            @Override public boolean stopRequested() { return calls >= 1; }
        };
        OptimizationResult r = create(name).minimize(f, new double[3], StoppingCriteria.DEFAULT, stopAfterOne);
        assertEquals(Status.CANCELLED, r.status(), r.message());
        assertEquals(1, r.iterations());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "owlqn", "newton", "tron", "gd", "sgd", "adam"})
    void aTinyTimeBudgetOnASlowObjectiveEndsWithTimeBudget(String name) {
        ToyObjective slow = ToyObjective.curved(2);
        Optimizer o = name.equals("sgd") || name.equals("adam")
                ? Optimizers.create(TrainingOptions.DEFAULT.withOptimizer(name).withBatchSize(64)) : create(name);
        OptimizationResult r = o.minimize(slow, new double[3], StoppingCriteria.DEFAULT.withTimeBudget(Duration.ofMillis(1)), TrainingListener.NONE);
        assertEquals(Status.TIME_BUDGET, r.status(), r.message());
        assertEquals(1, r.iterations());
        assertFinite(r.solution(), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "owlqn", "newton", "tron", "gd", "sgd", "adam", "gd-l1", "owlqn-l1", "newton-l1"})
    void nonFiniteValuesEndWithNumericErrorAtAFiniteIterate(String name) {
        boolean l1 = name.endsWith("-l1");
        // The minimum (at distance 200) lies beyond the radius 5 past which the objective is NaN.
        ToyObjective f = new ToyObjective(new double[]{1, 2, 3, 4}, new double[]{100, 100, 100, 100}, l1 ? 1e-3 : 0, 5.0, 0);
        Optimizer o = create(name.replace("-l1", ""), 64, 0.5);
        OptimizationResult r = o.minimize(f, new double[4], StoppingCriteria.DEFAULT, TrainingListener.NONE);
        assertEquals(Status.NUMERIC_ERROR, r.status(), r.message());
        assertFinite(r.solution(), name);
        assertTrue(Vectors.norm2(r.solution()) <= 5.0, "returned a point outside the finite region: " + Vectors.norm2(r.solution()));
        assertTrue(Double.isFinite(r.objective()), "objective " + r.objective());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "tron", "sgd", "adam"})
    void l1IsRefusedNamingTheOptimizerToUse(String name) {
        Optimizer o = create(name);
        for (Penalty.Kind k : new Penalty.Kind[]{Penalty.Kind.L1, Penalty.Kind.ELASTIC_NET}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.checkSupports(k));
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("owlqn"), e.getMessage());
        }
        ToyObjective l1 = new ToyObjective(new double[]{1, 1}, new double[]{1, 1}, 0.1, Double.POSITIVE_INFINITY, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.minimize(l1, new double[2], StoppingCriteria.DEFAULT, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("owlqn"), e.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(new ReferenceBackend(), BundledData.breastCancer(),
                TrainingOptions.DEFAULT.withOptimizer(name).withPenalty(Penalty.l1(1.0)), null));
        assertTrue(t.getMessage().contains("owlqn"), t.getMessage());
    }

    @Test
    void everyPenaltyIsSupportedSomewhere() {
        for (Penalty.Kind k : Penalty.Kind.values()) {
            create("owlqn").checkSupports(k);
            create("gd").checkSupports(k);
            create("newton").checkSupports(k);
        }
    }

    @Test
    void separableDataWithoutPenaltyEndUnboundedWithFiniteCoefficients() {
        float[][] rows = new float[20][];
        float[] labels = new float[20];
        for (int i = 0; i < 20; i++) {
            float x = i < 10 ? -1 - i : 1 + i;
            rows[i] = new float[]{x, 0.5f * (i % 3)};
            labels[i] = x > 0 ? 1 : 0;
        }
        try (ReferenceBackend backend = new ReferenceBackend()) {
            TrainingResult r = Trainer.fit(backend, Dataset.fromRows(rows, labels), TrainingOptions.DEFAULT, null);
            assertEquals(Status.UNBOUNDED_COEFFICIENTS, r.status(), r.message());
            assertFinite(r.model().coefficients(), "coefficients");
            assertTrue(Double.isFinite(r.model().intercept()), "intercept " + r.model().intercept());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "owlqn", "newton", "tron", "gd", "sgd", "adam"})
    void identicalRunsGiveBitIdenticalResults(String name) {
        TrainingOptions o = TrainingOptions.DEFAULT.withOptimizer(name).withPenalty(Penalty.l2(1.0)).withBatchSize(64)
                .withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(30)).withSeed(5L);
        Dataset bc = BundledData.breastCancer();
        try (ReferenceBackend backend = new ReferenceBackend()) {
            TrainingResult a = Trainer.fit(backend, bc, o, null);
            TrainingResult b = Trainer.fit(backend, bc, o, null);
            assertArrayEquals(a.optimization().solution(), b.optimization().solution(), 0.0, name);
            assertEquals(a.optimization().iterations(), b.optimization().iterations());
            for (int i = 0; i < a.optimization().history().size(); i++) {
                assertEquals(a.optimization().history().get(i).objective(), b.optimization().history().get(i).objective(), 0.0, "iteration " + (i + 1));
            }
            if (create(name).isStochastic()) {
                TrainingResult c = Trainer.fit(backend, bc, o.withSeed(6L), null);
                assertFalse(java.util.Arrays.equals(a.optimization().solution(), c.optimization().solution()), name + ": another seed gave the same result");
            }
        }
    }

    @Test
    void newtonShiftsAnIndefiniteHessian() {
        // F(x) = x⁴/4 − x²/2 per coordinate: H = 3x² − 1 < 0 near 0, minima at ±1.
        Objective f = new ToyObjective(new double[]{1}, new double[]{0}, 0, Double.POSITIVE_INFINITY, 0) {
            @Override public double smoothValueAndGradient(double[] x, double[] g) {
                g[0] = x[0] * x[0] * x[0] - x[0];
                return 0.25 * Math.pow(x[0], 4) - 0.5 * x[0] * x[0];
            }
            @Override public boolean isConvex() { return false; }
            @Override public void smoothHessian(double[] x, double[] out) { out[0] = 3 * x[0] * x[0] - 1; }
        };
        OptimizationResult r = new NewtonOptimizer().minimize(f, new double[]{0.1}, StoppingCriteria.DEFAULT, TrainingListener.NONE);
        assertTrue(r.status().isConverged(), r.status() + ": " + r.message());
        assertTrue(Math.abs(Math.abs(r.solution()[0]) - 1) <= 1e-8, "x = " + r.solution()[0] + ", expected +-1");
    }

    @Test
    void newtonOnTheNonConvexSquaredErrorStillDescends() {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            TrainingResult r = Trainer.fit(backend, BundledData.breastCancer(), TrainingOptions.DEFAULT.withOptimizer("newton")
                    .withLoss(Loss.mse()).withPenalty(Penalty.l2(1.0)).withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(200)), null);
            List<IterationState> h = r.optimization().history();
            for (int i = 1; i < h.size(); i++) {
                assertTrue(h.get(i).objective() <= h.get(i - 1).objective(), "objective rose at iteration " + (i + 1));
            }
            assertTrue(r.optimization().status().isConverged() || r.optimization().status() == Status.LINE_SEARCH_FAILED, r.optimization().status().toString());
        }
    }

    @Test
    void proximalNewtonOnTheNonConvexSquaredErrorWithL1StillDescends() {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            TrainingResult r = Trainer.fit(backend, BundledData.breastCancer(), TrainingOptions.DEFAULT.withOptimizer("newton")
                    .withLoss(Loss.mse()).withPenalty(Penalty.elasticNet(1.0, 0.5)).withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(200)), null);
            List<IterationState> h = r.optimization().history();
            assertFalse(h.isEmpty(), "no iteration");
            for (int i = 1; i < h.size(); i++) {
                assertTrue(h.get(i).objective() <= h.get(i - 1).objective(), "objective rose at iteration " + (i + 1));
            }
            assertTrue(r.optimization().status().isConverged() || r.optimization().status() == Status.LINE_SEARCH_FAILED, r.optimization().status().toString());
            assertFinite(r.optimization().solution(), "newton mse elastic net");
        }
    }

    /**
     * With λ past λ_max every coefficient is exactly zero and the intercept is the log-odds of the label mean: the
     * proximal Newton and OWL-QN both find that, from a start at zero.
     */
    @ParameterizedTest
    @ValueSource(strings = {"newton", "owlqn"})
    void aPenaltyPastLambdaMaxZeroesEveryCoefficient(String name) {
        Dataset bc = BundledData.breastCancer();
        long[] counts = bc.labelCounts();
        double mean = (double) counts[1] / bc.rows();
        try (ReferenceBackend backend = new ReferenceBackend()) {
            TrainingResult r = Trainer.fit(backend, bc, TrainingOptions.DEFAULT.withOptimizer(name).withPenalty(Penalty.l1(1e9)), null);
            assertTrue(r.status().isConverged(), name + ": " + r.status() + " " + r.message());
            double[] theta = r.model().coefficients();
            for (int j = 0; j < theta.length; j++) assertEquals(0.0, theta[j], name + ": coefficient " + j);
            double logOdds = Math.log(mean / (1 - mean));
            assertTrue(Math.abs(r.model().intercept() - logOdds) <= 1e-8, name + ": intercept " + r.model().intercept() + ", log-odds " + logOdds);
        }
    }

    @Test
    void optimizersAreCreatedByName() {
        for (String n : Optimizers.NAMES) {
            if (n.equals("auto")) continue;
            assertEquals(n, create(n).name());
        }
        assertEquals("lbfgs", Optimizers.create(TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1))).name());
        assertEquals("lbfgs", Optimizers.create(TrainingOptions.DEFAULT).name());
        assertEquals("owlqn", Optimizers.create(TrainingOptions.DEFAULT.withPenalty(Penalty.l1(1))).name());
        assertEquals("owlqn", Optimizers.create(TrainingOptions.DEFAULT.withPenalty(Penalty.elasticNet(1, 0.5))).name());
        SgdOptimizer sgd = (SgdOptimizer) Optimizers.create(TrainingOptions.DEFAULT.withOptimizer("sgd").withBatchSize(32).withSeed(9));
        assertEquals(SgdOptimizer.DEFAULT_LEARNING_RATE, sgd.learningRate());
        assertEquals(32, sgd.batchSize());
        assertEquals(9L, sgd.seed());
        AdamOptimizer adam = (AdamOptimizer) Optimizers.create(TrainingOptions.DEFAULT.withOptimizer("adam").withLearningRate(0.25));
        assertEquals(0.25, adam.learningRate());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create(TrainingOptions.DEFAULT.withOptimizer("bfgs")));
        assertTrue(e.getMessage().contains("bfgs") && e.getMessage().contains("lbfgs"), e.getMessage());
    }

    @Test
    void aLongLbfgsHistoryIsCutOnlyWhereItsPairsWouldNotFitTheBudget() {
        LbfgsOptimizer o = new LbfgsOptimizer();
        assertEquals(LbfgsOptimizer.DEFAULT_HISTORY, o.historyFor(31));
        long widest = LbfgsOptimizer.PAIR_BUDGET_DOUBLES / (2L * LbfgsOptimizer.DEFAULT_HISTORY);
        assertEquals(LbfgsOptimizer.DEFAULT_HISTORY, o.historyFor((int) widest));
        int cut = o.historyFor((int) widest * 2);
        assertEquals(LbfgsOptimizer.DEFAULT_HISTORY / 2, cut);
        assertTrue(2L * cut * widest * 2 <= LbfgsOptimizer.PAIR_BUDGET_DOUBLES, "cut history " + cut + " over the budget");
        assertEquals(10, o.historyFor(100_000_000), "never below the customary 10");
        assertEquals(5, new LbfgsOptimizer(5).historyFor(100_000_000), "a short history asked for is kept");
    }

    @Test
    void configurationIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new LbfgsOptimizer(0));
        assertThrows(IllegalArgumentException.class, () -> new OwlqnOptimizer(0));
        assertThrows(IllegalArgumentException.class, () -> new SgdOptimizer(0, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SgdOptimizer(10, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new SgdOptimizer(10, 0.1, 1, 1.0, false, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new AdamOptimizer(10, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new AdamOptimizer(10, 0.1, 1, 0.9, 1.0, 1e-8, 0.5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LbfgsOptimizer().minimize(ToyObjective.simple(), new double[3], StoppingCriteria.DEFAULT, TrainingListener.NONE));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("4"), e.getMessage());
    }

    @Test
    void aStartAtTheOptimumNeedsNoIteration() {
        OptimizationResult r = new LbfgsOptimizer().minimize(ToyObjective.simple(), new double[]{1, 1, 1, 1}, StoppingCriteria.DEFAULT, TrainingListener.NONE);
        assertEquals(Status.CONVERGED_GRADIENT, r.status());
        assertEquals(0, r.iterations());
    }
}
