package dev.logreg.it;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.IndependentMultinomial;
import dev.logreg.testing.MulticlassData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multinomial models trained on every backend of {@link Backends#UNDER_TEST}: L-BFGS (L2), OWL-QN (L1, elastic net)
 * and Newton (L2, elastic net) reach the optimum of the independent float64 solver ({@link IndependentMultinomial},
 * api's test-jar) to 1e-6 relative in the parameters; the same fit twice gives the same bits; permuting the class
 * labels permutes the rows of W (and the intercepts). A backend refusing the multinomial loss is skipped with its
 * message.
 */
class MultinomialTrainedModelsTest {
    private static final Dataset THREE = MulticlassData.generate(400, 5, 3, true, 42);
    private static final Dataset TEN = MulticlassData.generate(600, 5, 10, false, 43);

    /** An optimizer, a penalty (λ, α as the independent solver takes them), a dataset. */
    private record Target(String optimizer, double lambda, double alpha, Dataset data, boolean intercept) {
        Penalty penalty() {
            return alpha == 0 ? Penalty.l2(lambda) : alpha == 1 ? Penalty.l1(lambda) : Penalty.elasticNet(lambda, alpha);
        }

        String name() {
            return optimizer + " " + penalty() + " K=" + data.classes() + (intercept ? "" : " without intercept");
        }
    }

    private static final List<Target> TARGETS = List.of(
            new Target("lbfgs", 1.0, 0.0, THREE, true), new Target("lbfgs", 1.0, 0.0, TEN, true), new Target("lbfgs", 1.0, 0.0, THREE, false),
            new Target("owlqn", 3.0, 1.0, THREE, true), new Target("owlqn", 3.0, 0.5, TEN, true),
            new Target("newton", 1.0, 0.0, TEN, true), new Target("newton", 3.0, 0.5, THREE, true));

    /**
     * Tight criteria: a parameter error e costs only about κe²/2 in J (κ the smallest curvature, λ(1−α)/m ≈ 2.5e-3
     * here), so J must be settled to about 1e-15 relative for the parameters to be right to 1e-6.
     */
    private static TrainingOptions options(Target t) {
        return TrainingOptions.DEFAULT.withLoss(Loss.multinomial()).withPenalty(t.penalty()).withOptimizer(t.optimizer())
                .withFitIntercept(t.intercept())
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

    @TestFactory
    Stream<DynamicNode> everyOptimizerReachesTheIndependentOptimum() {
        List<DynamicNode> perBackend = new ArrayList<>();
        for (String backend : Backends.UNDER_TEST) {
            List<DynamicNode> tests = new ArrayList<>();
            for (Target t : TARGETS) tests.add(DynamicTest.dynamicTest(backend + " " + t.name(), () -> check(backend, t)));
            tests.add(DynamicTest.dynamicTest(backend + " permuted labels permute W", () -> permutedLabels(backend)));
            perBackend.add(DynamicContainer.dynamicContainer(backend, tests));
        }
        return perBackend.stream();
    }

    private static SoftmaxModel fit(Backend backend, Dataset data, TrainingOptions options, String what) {
        TrainingResult r = Trainer.fit(backend, data, options, null);
        assertTrue(r.status().isConverged(), () -> what + ": " + r.status() + ": " + r.message());
        return (SoftmaxModel) r.classifier();
    }

    private static void check(String backendName, Target t) {
        try (Backend backend = Backends.openOrSkip(backendName, t.data())) {
            MultinomialAgreementTest.bindOrSkip(backend, t.data(), BindOptions.DEFAULT).close();
            double[] reference = IndependentMultinomial.solve(t.data(), t.lambda(), t.alpha(), t.intercept());
            String what = backendName + " " + t.name();
            double[] got = params(fit(backend, t.data(), options(t), what));
            double scale = 0;
            for (double v : reference) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < got.length; i++) {
                double err = Math.abs(got[i] - reference[i]);
                int at = i;
                double s = scale;
                assertTrue(err <= 1e-6 * Math.abs(reference[i]) + 1e-6 * s,
                        () -> what + ": parameter " + at + " expected " + reference[at] + ", got " + got[at] + " (error " + err / s + " of the largest)");
            }
            double jRef = IndependentMultinomial.objective(t.data(), t.lambda(), t.alpha(), t.intercept(), reference);
            double jGot = IndependentMultinomial.objective(t.data(), t.lambda(), t.alpha(), t.intercept(), got);
            assertTrue(jGot - jRef <= 1e-9 * Math.abs(jRef), what + ": objective " + jGot + " vs the optimum's " + jRef);
            double[] again = params(fit(backend, t.data(), options(t), what + " (second run)"));
            assertArrayEquals(got, again, 0.0, what + ": a second run gives other bits");
            assertEquals(0, backend.liveAllocations(), "live allocations after training");
        }
    }

    /** Relabelling class c as π(c) moves row c of W (and b_c) to row π(c), to the optimizer's accuracy. */
    private static void permutedLabels(String backendName) {
        int[] pi = {2, 0, 1};
        int n = THREE.cols();
        float[] labels = THREE.copyLabels();
        for (int i = 0; i < labels.length; i++) labels[i] = pi[(int) labels[i]];
        Dataset relabelled = withLabels(THREE, labels);
        try (Backend backend = Backends.openOrSkip(backendName, THREE)) {
            MultinomialAgreementTest.bindOrSkip(backend, THREE, BindOptions.DEFAULT).close();
            Target t = new Target("lbfgs", 1.0, 0.0, THREE, true);
            double[] w = params(fit(backend, THREE, options(t), "original labels"));
            double[] v = params(fit(backend, relabelled, options(t), "permuted labels"));
            double scale = 0;
            for (double x : w) scale = Math.max(scale, Math.abs(x));
            for (int c = 0; c < 3; c++) {
                for (int j = 0; j <= n; j++) {
                    double expected = w[c * (n + 1) + j];
                    double actual = v[pi[c] * (n + 1) + j];
                    assertTrue(Math.abs(expected - actual) <= 1e-6 * scale,
                            backendName + ": class " + c + " entry " + j + " was " + expected + ", as class " + pi[c] + " it is " + actual);
                }
            }
        }
    }

    /** The rows and weights of {@code d} (copied to the heap) with other labels. */
    private static Dataset withLabels(Dataset d, float[] labels) {
        int n = d.cols();
        int m = Math.toIntExact(d.rows());
        float[] x = new float[m * n];
        float[] w = d.isWeighted() ? new float[m] : null;
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            d.copyRow(i, row);
            System.arraycopy(row, 0, x, i * n, n);
            if (w != null) w[i] = d.weight(i);
        }
        return Dataset.wrap(x, n, labels, w, d.classes());
    }
}
