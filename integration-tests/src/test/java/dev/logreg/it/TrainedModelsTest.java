package dev.logreg.it;

import dev.logreg.backend.Backend;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.Optimizers;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import dev.logreg.testing.IndependentSolvers;
import dev.logreg.testing.SyntheticData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trained models: every optimizer on every backend, for every penalty its support table allows, reaches the optimum
 * of an independent double-precision solver (objective of the returned coefficients evaluated by the reference
 * backend): within 1e-6 relative for L-BFGS, OWL-QN and Newton on the bundled breast-cancer data (raw scales), within
 * 1e-3 for the gradient-descent family on a well-conditioned set; and predicts the same labels as the optimum on at
 * least 99.9% of rows. The same run twice gives bit-identical coefficients. MSE, being non-convex, is checked by
 * agreement with the reference backend's run from the same start. Newton on a backend that forms no Hessian must be
 * refused before any work, with a message naming L-BFGS (OWL-QN with an L1 part); every backend here forms one.
 */
class TrainedModelsTest {
    static final double EXACT = 1e-6;
    static final double APPROXIMATE = 1e-3;

    private static Dataset breastCancer;
    private static Dataset wellConditioned;

    @BeforeAll
    static void data() {
        breastCancer = BundledData.breastCancer();
        wellConditioned = SyntheticData.isotropic(100_000, 50, 20261126L);
    }

    /** A penalty with its independent optimum on one dataset. */
    private record Target(String dataName, Dataset data, Penalty penalty, double[] optimum, double objective) {
    }

    private static Target target(String dataName, Dataset data, Penalty penalty) {
        double alpha = penalty.alpha();
        IndependentSolvers.Solution s = penalty.isSmooth()
                ? IndependentSolvers.newtonL2(data, penalty.lambda())
                : IndependentSolvers.proximalNewton(data, penalty.lambda(), alpha);
        return new Target(dataName, data, penalty, s.params(), referenceObjective(data, penalty, s.params()));
    }

    /** J at (θ, b), evaluated by the reference backend, penalty on the host. */
    static double referenceObjective(Dataset data, Penalty penalty, double[] params) {
        try (ReferenceBackend ref = new ReferenceBackend(); DataTerm term = ref.bind(data, Loss.log())) {
            return term.value(params) + penalty.value(params, data.cols(), data.weightSum());
        }
    }

    private static double[] params(LogisticModel model) {
        double[] p = Arrays.copyOf(model.coefficients(), model.features() + 1);
        p[model.features()] = model.intercept();
        return p;
    }

    @TestFactory
    Stream<DynamicNode> everyOptimizerReachesTheOptimum() {
        List<Target> exactTargets = List.of(
                target("breast-cancer", breastCancer, Penalty.l2(1.0)),
                target("breast-cancer", breastCancer, Penalty.l1(0.5)),
                target("breast-cancer", breastCancer, Penalty.elasticNet(1.0, 0.5)));
        List<Target> approximateTargets = List.of(
                target("isotropic 100000x50", wellConditioned, Penalty.l2(1.0)),
                target("isotropic 100000x50", wellConditioned, Penalty.l1(0.5)));
        List<DynamicNode> perBackend = new ArrayList<>();
        for (String backend : Backends.UNDER_TEST) {
            List<DynamicNode> tests = new ArrayList<>();
            for (String optimizer : List.of("lbfgs", "owlqn", "newton")) {
                for (Target t : exactTargets) {
                    if (supports(optimizer, t.penalty())) {
                        tests.add(DynamicTest.dynamicTest(optimizer + " " + t.penalty() + " on " + t.dataName(),
                                () -> check(backend, optimizer, t, EXACT, StoppingCriteria.DEFAULT)));
                    }
                }
            }
            for (String optimizer : List.of("gd", "sgd", "adam")) {
                for (Target t : approximateTargets) {
                    if (supports(optimizer, t.penalty())) {
                        tests.add(DynamicTest.dynamicTest(optimizer + " " + t.penalty() + " on " + t.dataName(),
                                () -> check(backend, optimizer, t, APPROXIMATE, StoppingCriteria.DEFAULT.withMaxIterations(50))));
                    }
                }
            }
            perBackend.add(DynamicContainer.dynamicContainer(backend, tests));
        }
        return perBackend.stream();
    }

    private static boolean supports(String optimizer, Penalty penalty) {
        return Optimizers.create(TrainingOptions.DEFAULT.withOptimizer(optimizer)).supportedPenalties().contains(penalty.kind());
    }

    private static void check(String backendName, String optimizer, Target t, double tolerance, StoppingCriteria criteria) {
        try (Backend backend = Backends.openOrSkip(backendName, t.data())) {
            TrainingOptions options = TrainingOptions.DEFAULT.withOptimizer(optimizer).withPenalty(t.penalty()).withCriteria(criteria);
            if (optimizer.equals("newton") && !computesHessian(backend, t.data())) {
                // A backend that forms no Hessian: Newton is refused up front, naming the optimizer to use instead.
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(backend, t.data(), options, null));
                String instead = t.penalty().isSmooth() ? "use lbfgs" : "use owlqn";
                assertTrue(e.getMessage().contains("newton") && e.getMessage().contains(instead), e.getMessage());
                assertEquals(0, backend.liveAllocations(), "live allocations after the refused fit");
                return;
            }
            TrainingResult first = Trainer.fit(backend, t.data(), options, null);
            double j = referenceObjective(t.data(), t.penalty(), params(first.model()));
            double gap = (j - t.objective()) / Math.abs(t.objective());
            String what = backendName + " " + optimizer + " " + t.penalty() + " on " + t.dataName() + ": " + first.status()
                    + " after " + first.optimization().iterations() + " iterations, objective " + j + " vs optimum " + t.objective()
                    + " (relative gap " + gap + ")";
            System.out.println(what);
            assertTrue(gap <= tolerance && gap >= -1e-9, what);

            int[] labels = first.model().predictLabels(t.data(), 0.5);
            LogisticModel optimum = new LogisticModel(Arrays.copyOf(t.optimum(), t.data().cols()), t.optimum()[t.data().cols()], true, null);
            int[] expected = optimum.predictLabels(t.data(), 0.5);
            long same = 0;
            for (int i = 0; i < labels.length; i++) if (labels[i] == expected[i]) same++;
            double agreement = (double) same / labels.length;
            assertTrue(agreement >= 0.999, what + ": labels agree with the optimum's on " + agreement + " of rows");

            TrainingResult second = Trainer.fit(backend, t.data(), options, null);
            assertArrayEquals(first.model().coefficients(), second.model().coefficients(), 0.0, what + ": second run differs");
            assertEquals(first.model().intercept(), second.model().intercept(), 0.0, what + ": second run's intercept differs");
            assertEquals(0, backend.liveAllocations(), "live allocations after training");
        }
    }

    private static boolean computesHessian(Backend backend, Dataset data) {
        try (DataTerm term = backend.bind(data, Loss.log())) {
            return term.supportsHessian();
        }
    }

    @TestFactory
    Stream<DynamicNode> mseAgreesWithTheReferenceRunFromTheSameStart() {
        List<DynamicNode> tests = new ArrayList<>();
        for (String backend : Backends.UNDER_TEST) {
            tests.add(DynamicTest.dynamicTest(backend, () -> {
                TrainingOptions options = TrainingOptions.DEFAULT.withLoss(Loss.mse()).withPenalty(Penalty.l2(1.0))
                        .withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(20_000));
                TrainingResult expected;
                try (ReferenceBackend ref = new ReferenceBackend()) {
                    expected = Trainer.fit(ref, breastCancer, options, null);
                }
                try (Backend b = Backends.openOrSkip(backend)) {
                    TrainingResult actual = Trainer.fit(b, breastCancer, options, null);
                    System.out.println(backend + " MSE: " + actual.status() + " after " + actual.optimization().iterations() + " iterations, objective "
                            + actual.objective() + "; reference: " + expected.status() + " after " + expected.optimization().iterations()
                            + ", objective " + expected.objective());
                    assertTrue(expected.status().isConverged(), "reference MSE run: " + expected.status() + ": " + expected.message());
                    assertTrue(actual.status().isConverged(), backend + " MSE run: " + actual.status() + ": " + actual.message());
                    Agreement.assertRelative(expected.objective(), actual.objective(), 1e-6, backend + " MSE objective vs the reference run");
                    int[] le = expected.model().predictLabels(breastCancer, 0.5);
                    int[] la = actual.model().predictLabels(breastCancer, 0.5);
                    long same = 0;
                    for (int i = 0; i < le.length; i++) if (le[i] == la[i]) same++;
                    assertTrue(same >= 0.999 * le.length, backend + " MSE labels agree on " + same + " of " + le.length);
                }
            }));
        }
        return tests.stream();
    }
}
