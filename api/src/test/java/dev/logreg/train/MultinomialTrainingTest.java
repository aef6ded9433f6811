package dev.logreg.train;

import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.optim.Status;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.IndependentMultinomial;
import dev.logreg.testing.MulticlassData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multinomial training against an independent float64 solver ({@link IndependentMultinomial}), the K = 2 identity with
 * the binary model, symmetry under relabelling, determinism, and the refusals of bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultinomialTrainingTest {
    private final ReferenceBackend backend = new ReferenceBackend();
    private final Dataset three = MulticlassData.generate(400, 5, 3, true, 42);
    private final Dataset ten = MulticlassData.generate(600, 5, 10, false, 43);

    @AfterAll
    void close() {
        backend.close();
    }

    /**
     * Tight criteria: parameters are compared at 1e-6, and a parameter error e costs only about κe²/2 in J (κ the
     * smallest curvature, here the L2 coefficient λ(1−α)/m ≈ 2.5e-3), so J must be settled to about 1e-15 relative.
     */
    private static TrainingOptions options(Penalty penalty, String optimizer, boolean intercept) {
        return TrainingOptions.DEFAULT.withLoss(Loss.multinomial()).withPenalty(penalty).withOptimizer(optimizer).withFitIntercept(intercept)
                .withCriteria(TrainingOptions.DEFAULT.criteria().withGradientTolerance(1e-12).withRelativeObjectiveTolerance(1e-15).withMaxIterations(20_000));
    }

    /** The model's parameters in the data term's layout, K·(n+1). */
    static double[] params(SoftmaxModel m) {
        int n = m.features();
        double[] p = new double[m.classes() * (n + 1)];
        for (int c = 0; c < m.classes(); c++) {
            for (int j = 0; j < n; j++) p[c * (n + 1) + j] = m.coefficient(c, j);
            p[c * (n + 1) + n] = m.intercept(c);
        }
        return p;
    }

    private SoftmaxModel fit(Dataset d, TrainingOptions o) {
        TrainingResult r = Trainer.fit(backend, d, o, null);
        assertTrue(r.status().isConverged(), () -> r.status() + ": " + r.message());
        return (SoftmaxModel) r.classifier();
    }

    private void assertOptimum(Dataset d, double lambda, double alpha, String optimizer, boolean intercept, Penalty penalty) {
        double[] reference = IndependentMultinomial.solve(d, lambda, alpha, intercept);
        SoftmaxModel m = fit(d, options(penalty, optimizer, intercept));
        double[] got = params(m);
        String what = optimizer + ", " + penalty + ", K=" + d.classes() + ", intercept " + intercept;
        FiniteDifferences.assertClose(reference, got, 1e-6, 1e-6 * FiniteDifferences.maxAbs(reference), what);
        double jRef = IndependentMultinomial.objective(d, lambda, alpha, intercept, reference);
        double jGot = IndependentMultinomial.objective(d, lambda, alpha, intercept, got);
        assertTrue(jGot - jRef <= 1e-9 * Math.abs(jRef), what + ": objective " + jGot + " vs " + jRef);
        if (alpha > 0) {
            for (int i = 0; i < got.length; i++) {
                if (i % (d.cols() + 1) == d.cols()) continue;
                if (reference[i] == 0.0) assertEquals(0.0, got[i], 0.0, what + ": the zero set, entry " + i);
            }
        }
    }

    @Test
    void lbfgsReachesTheIndependentOptimumForThreeAndTenClasses() {
        assertOptimum(three, 1.0, 0.0, "lbfgs", true, Penalty.l2(1.0));
        assertOptimum(ten, 1.0, 0.0, "lbfgs", true, Penalty.l2(1.0));
        assertOptimum(three, 1.0, 0.0, "lbfgs", false, Penalty.l2(1.0));
    }

    @Test
    void owlqnReachesTheIndependentOptimumWithL1AndElasticNet() {
        assertOptimum(three, 3.0, 1.0, "owlqn", true, Penalty.l1(3.0));
        assertOptimum(three, 3.0, 0.5, "owlqn", true, Penalty.elasticNet(3.0, 0.5));
        assertOptimum(ten, 3.0, 0.5, "owlqn", true, Penalty.elasticNet(3.0, 0.5));
    }

    @Test
    void newtonReachesTheIndependentOptimum() {
        assertOptimum(three, 1.0, 0.0, "newton", true, Penalty.l2(1.0));
        assertOptimum(ten, 1.0, 0.0, "newton", true, Penalty.l2(1.0));
        assertOptimum(three, 3.0, 0.5, "newton", true, Penalty.elasticNet(3.0, 0.5));
    }

    @Test
    void gradientDescentAndSgdOnMiniBatchesOfThePermutedBindApproachTheOptimum() {
        Dataset d = MulticlassData.generate(5_000, 5, 3, true, 44);
        double jRef = IndependentMultinomial.objective(d, 1.0, 0.0, true, IndependentMultinomial.solve(d, 1.0, 0.0, true));
        // Full-batch descent gets close; SGD (20 mini-batches an epoch, step 1) to the accuracy its noise allows.
        for (String name : List.of("gd", "sgd")) {
            TrainingOptions o = TrainingOptions.DEFAULT.withLoss(Loss.multinomial()).withOptimizer(name).withPenalty(Penalty.l2(1.0))
                    .withCriteria(TrainingOptions.DEFAULT.criteria().withMaxIterations(50)).withSeed(11L)
                    .withLearningRate(name.equals("sgd") ? 1.0 : Double.NaN);
            TrainingResult r = Trainer.fit(backend, d, o, null);
            double gap = (IndependentMultinomial.objective(d, 1.0, 0.0, true, params((SoftmaxModel) r.classifier())) - jRef) / jRef;
            double allowed = name.equals("gd") ? 1e-6 : 1e-3;
            assertTrue(gap >= -1e-12 && gap <= allowed, name + ": relative gap " + gap + " after " + r.optimization().iterations() + " epochs");
        }
    }

    @Test
    void twoClassMultinomialWithL2LambdaIsTheBinaryModelWithHalfLambda() {
        Dataset two = MulticlassData.generate(300, 4, 2, true, 7);
        double lambda = 2.0;
        SoftmaxModel softmax = fit(two, options(Penalty.l2(lambda), "lbfgs", true));
        TrainingResult binary = Trainer.fit(backend, two, TrainingOptions.DEFAULT.withPenalty(Penalty.l2(lambda / 2))
                .withCriteria(TrainingOptions.DEFAULT.criteria().withGradientTolerance(1e-12)), null);
        LogisticModel b = binary.model();
        double[] theta = new double[5];
        double[] expected = new double[5];
        for (int j = 0; j < 4; j++) {
            theta[j] = softmax.coefficient(1, j) - softmax.coefficient(0, j);
            expected[j] = b.coefficient(j);
        }
        theta[4] = softmax.intercept(1) - softmax.intercept(0);
        expected[4] = b.intercept();
        FiniteDifferences.assertClose(expected, theta, 1e-6, 1e-6 * FiniteDifferences.maxAbs(expected), "θ = w₂ − w₁, b = b₂ − b₁");
        assertEquals(binary.objective(), Trainer.fit(backend, two, options(Penalty.l2(lambda), "lbfgs", true), null).objective(),
                1e-9 * binary.objective(), "the same objective value");
    }

    @Test
    void aStandardizedPenaltyIsTheFitWithThePenaltyOnTheDatasScales() {
        TrainingResult r = dev.logreg.LogisticRegression.builder().penalty(Penalty.l2(1.0)).standardize(true).backendName("reference")
                .tolerance(1e-12).objectiveTolerance(1e-15).build().fit(three);
        SoftmaxModel m = (SoftmaxModel) r.classifier();
        assertTrue(r.status().isConverged(), r.message());
        assertEquals(0.0, m.intercept(0) + m.intercept(1) + m.intercept(2), 1e-12, "the intercepts sum to zero");
        double[] s = dev.logreg.objective.ColumnStatistics.of(three).standardizationScales(true);
        SoftmaxModel direct = fit(three, options(Penalty.l2(1.0).onScales(s), "lbfgs", true));
        FiniteDifferences.assertClose(params(direct), params(m), 1e-6, 1e-6, "standardized");
    }

    @Test
    void permutingTheClassLabelsPermutesTheRowsOfW() {
        int[] perm = {2, 0, 1};
        float[] y = three.copyLabels();
        float[] relabelled = new float[y.length];
        for (int i = 0; i < y.length; i++) relabelled[i] = perm[(int) y[i]];
        float[] x = new float[(int) three.rows() * 5];
        float[] row = new float[5];
        for (int i = 0; i < three.rows(); i++) {
            three.copyRow(i, row);
            System.arraycopy(row, 0, x, i * 5, 5);
        }
        Dataset permuted = Dataset.wrap(x, 5, relabelled, three.copyWeights(), 3);
        for (Penalty p : List.of(Penalty.l2(1.0), Penalty.l1(3.0))) {
            String optimizer = p.isSmooth() ? "lbfgs" : "owlqn";
            double[] a = params(fit(three, options(p, optimizer, true)));
            double[] b = params(fit(permuted, options(p, optimizer, true)));
            double[] expected = new double[a.length];
            for (int c = 0; c < 3; c++) System.arraycopy(a, c * 6, expected, perm[c] * 6, 6);
            FiniteDifferences.assertClose(expected, b, 1e-6, 1e-6 * FiniteDifferences.maxAbs(expected), "relabelled " + p);
        }
    }

    @Test
    void twoRunsAreBitIdentical() {
        for (String optimizer : List.of("lbfgs", "owlqn", "newton")) {
            Penalty p = optimizer.equals("owlqn") ? Penalty.elasticNet(3.0, 0.5) : Penalty.l2(1.0);
            TrainingResult a = Trainer.fit(backend, ten, options(p, optimizer, true), null);
            TrainingResult b = Trainer.fit(backend, ten, options(p, optimizer, true), null);
            assertArrayEquals(params((SoftmaxModel) a.classifier()), params((SoftmaxModel) b.classifier()), optimizer);
            assertEquals(a.objective(), b.objective(), 0.0, optimizer);
        }
    }

    @Test
    void aWarmStartFromTheOptimumStaysThere() {
        TrainingOptions o = options(Penalty.l2(1.0), "lbfgs", true);
        TrainingResult cold = Trainer.fit(backend, three, o, null);
        TrainingResult warm = Trainer.fit(backend, three, o, cold.classifier(), null);
        assertTrue(warm.optimization().iterations() <= 2, "iterations from the optimum: " + warm.optimization().iterations());
        double[] a = params((SoftmaxModel) cold.classifier());
        FiniteDifferences.assertClose(a, params((SoftmaxModel) warm.classifier()), 1e-8, 1e-8, "warm");
        IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class,
                () -> Trainer.fit(backend, three, o, new LogisticModel(new double[5], 0, true, null), null));
        assertTrue(wrongKind.getMessage().contains("3-class SoftmaxModel"), wrongKind.getMessage());
    }

    @Test
    void separableClassesWithoutAPenaltyAreReportedAsAStatus() {
        float[] x = {-3, 0, -2, 0, 3, 0, 2, 0, 0, 3, 0, 2};
        float[] y = {0, 0, 1, 1, 2, 2};
        Dataset d = Dataset.wrap(x, 2, y, null, 3);
        TrainingResult r = Trainer.fit(backend, d, options(Penalty.none(), "lbfgs", true).withCriteria(TrainingOptions.DEFAULT.criteria().withMaxIterations(200)), null);
        assertEquals(Status.UNBOUNDED_COEFFICIENTS, r.status(), r.message());
        assertTrue(r.message().contains("separable"), r.message());
    }

    @Test
    void badInputIsRefusedWithAMessageNamingTheFault() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(new float[] {1, 2}, 1, new float[] {0, 0}, null, 1));
        assertTrue(one.getMessage().contains("number of classes is 1"), one.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(new float[] {1, 2}, 1, new float[] {0, 3}, null, 3));
        assertEquals("label at row 1 is 3.0, expected a class index: an integer in [0, 3)", big.getMessage());
        IllegalArgumentException frac = assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(new float[] {1, 2}, 1, new float[] {1.5f, 0}, null, 3));
        assertEquals("label at row 0 is 1.5, expected a class index: an integer in [0, 3)", frac.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(new float[] {1, 2}, 1, new float[] {Float.NaN, 0}, null, 3));
        assertThrows(IllegalArgumentException.class, () -> Dataset.wrap(new float[] {1, 2}, 1, new float[] {-1, 0}, null, 3));

        // A class the training rows lack (a fold missing one, say): refused by name, before the bind.
        Dataset missing = Dataset.wrap(new float[] {1, 2, 3, 4}, 1, new float[] {0, 1, 2, 1}, null, 4);
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> Trainer.fit(backend, missing, options(Penalty.l2(1), "lbfgs", true), null));
        assertTrue(absent.getMessage().startsWith("class 3 of 4 has no training rows"), absent.getMessage());
        assertEquals(0, backend.liveAllocations());
        IllegalArgumentException binaryLoss = assertThrows(IllegalArgumentException.class,
                () -> Trainer.fit(backend, three, TrainingOptions.DEFAULT, null));
        assertTrue(binaryLoss.getMessage().contains("3 classes") && binaryLoss.getMessage().contains("one-vs-rest"), binaryLoss.getMessage());
    }
}
