package dev.logreg.optim;

import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import dev.logreg.testing.BundledData;
import dev.logreg.testing.IndependentSolvers;
import dev.logreg.testing.SyntheticData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deterministic optimizers reach the optimum of an independent double-precision solver
 * ({@link IndependentSolvers}) to 1e-6 relative in the objective, evaluated by the reference backend, on the bundled
 * breast-cancer data (raw scales) and on the badly conditioned synthetic 100,000 x 50 set; OWL-QN also finds its
 * zero set, and so does proximal Newton; the truncated Newton method (tron) reaches the L2 optimum. Each run prints a RESULT line (iterations, evaluations, gap).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExactnessTest {
    static final double TOLERANCE = 1e-6;

    /** One dataset with its reference optima. */
    record Case(Dataset data, double[] l2, double[] l1, double[] elasticNet) {
    }

    private final Map<String, Case> cases = new HashMap<>();
    private ReferenceBackend backend;

    @BeforeAll
    void solveReferences() {
        backend = new ReferenceBackend();
        cases.put("breast-cancer", references(BundledData.breastCancer()));
        cases.put("hard-100k", references(SyntheticData.hard(100_000, 50, 20240601L)));
    }

    private static Case references(Dataset d) {
        return new Case(d, IndependentSolvers.newtonL2(d, 1.0).params(), IndependentSolvers.proximalNewton(d, 0.5, 1.0).params(),
                IndependentSolvers.proximalNewton(d, 1.0, 0.5).params());
    }

    @AfterAll
    void close() {
        backend.close();
    }

    private OptimizationResult runAndCheck(Optimizer o, String dataset, Penalty penalty, double[] reference, StoppingCriteria criteria) {
        LogisticObjective f = Fixtures.objective(backend, cases.get(dataset).data(), penalty, true);
        OptimizationResult r = o.minimize(f, new double[f.dimension()], criteria, TrainingListener.NONE);
        double gap = Fixtures.relativeGap(f, f.modelParameters(r.solution()), reference);
        System.out.println(Fixtures.row(o.name(), dataset + "/" + penalty, r, gap));
        assertTrue(Math.abs(gap) <= TOLERANCE, o.name() + " on " + dataset + " with " + penalty + ": relative gap " + gap
                + " to the independent optimum, expected at most " + TOLERANCE + " (status " + r.status() + ", " + r.iterations() + " iterations)");
        assertEquals(r.iterations(), r.history().size());
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"breast-cancer", "hard-100k"})
    void lbfgsReachesTheL2Optimum(String dataset) {
        runAndCheck(new LbfgsOptimizer(), dataset, Penalty.l2(1.0), cases.get(dataset).l2(), StoppingCriteria.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"breast-cancer", "hard-100k"})
    void newtonReachesTheL2Optimum(String dataset) {
        OptimizationResult r = runAndCheck(new NewtonOptimizer(), dataset, Penalty.l2(1.0), cases.get(dataset).l2(), StoppingCriteria.DEFAULT);
        assertTrue(r.status().isConverged(), "newton ended with " + r.status());
    }

    /** Breast cancer only: its nearly collinear columns are the hard case for conjugate gradients (TronOptimizerTest has more). */
    @Test
    void tronReachesTheL2Optimum() {
        String dataset = "breast-cancer";
        OptimizationResult r = runAndCheck(new TronOptimizer(), dataset, Penalty.l2(1.0), cases.get(dataset).l2(), StoppingCriteria.DEFAULT);
        assertTrue(r.status().isConverged(), "tron ended with " + r.status() + ": " + r.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"breast-cancer", "hard-100k"})
    void owlqnReachesTheL1OptimumAndItsZeros(String dataset) {
        Penalty p = Penalty.l1(0.5);
        OptimizationResult r = runAndCheck(new OwlqnOptimizer(), dataset, p, cases.get(dataset).l1(), StoppingCriteria.DEFAULT.withMaxIterations(5000));
        checkZeroSet(dataset, p, cases.get(dataset).l1(), r);
    }

    /**
     * Proximal Newton (Newton with an L1 part) reaches the L1 and elastic-net optima and their zero sets from the
     * default criteria, converged, in tens of iterations where OWL-QN needs over a thousand on breast cancer.
     */
    @ParameterizedTest
    @ValueSource(strings = {"breast-cancer", "hard-100k"})
    void proximalNewtonReachesTheL1AndElasticNetOptimaAndTheirZeros(String dataset) {
        for (Penalty p : new Penalty[]{Penalty.l1(0.5), Penalty.elasticNet(1.0, 0.5)}) {
            double[] reference = p.kind() == Penalty.Kind.L1 ? cases.get(dataset).l1() : cases.get(dataset).elasticNet();
            OptimizationResult r = runAndCheck(new NewtonOptimizer(), dataset, p, reference, StoppingCriteria.DEFAULT);
            assertTrue(r.status().isConverged(), "newton with " + p + " on " + dataset + " ended with " + r.status() + ": " + r.message());
            assertTrue(r.iterations() <= 50, "newton with " + p + " on " + dataset + " took " + r.iterations() + " iterations, expected tens");
            checkZeroSet(dataset, p, reference, r);
        }
    }

    /**
     * Without an intercept the columns cannot be centred, and breast cancer's raw columns (means of the order of
     * their spreads) are nearly collinear along their common direction: there OWL-QN as published (every component
     * of d against −◇f zeroed) was still about 3% above the L1 optimum after 5,000 iterations. Proximal Newton
     * converges in tens, to the optimum FISTA (a method sharing no code with it but the soft-thresholding) reaches
     * after thousands with the objective-change test off, to 1e-8; OWL-QN, within its default budget, to 1e-9.
     */
    @Test
    void withoutAnInterceptProximalNewtonAndOwlqnReachTheL1Optimum() {
        Dataset d = cases.get("breast-cancer").data();
        Penalty p = Penalty.l1(0.5);
        TrainingOptions options = TrainingOptions.DEFAULT.withPenalty(p).withFitIntercept(false);
        TrainingResult newton = Trainer.fit(backend, d, options.withOptimizer("newton"), null);
        TrainingResult fista = Trainer.fit(backend, d, options.withOptimizer("gd")
                .withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(50_000).withRelativeObjectiveTolerance(0)), null);
        assertTrue(newton.status().isConverged(), "newton: " + newton.status() + " " + newton.message());
        assertEquals(Status.CONVERGED_GRADIENT, fista.status(), "fista: " + fista.message());
        assertTrue(newton.optimization().iterations() <= 50, "newton took " + newton.optimization().iterations() + " iterations");
        double jn = objective(d, p, newton);
        double jf = objective(d, p, fista);
        System.out.println("RESULT no intercept l1(0.5): newton " + jn + " (" + newton.optimization().iterations() + " iterations), fista " + jf
                + " (" + fista.optimization().iterations() + ")");
        assertTrue(Math.abs(jn - jf) <= 1e-8 * Math.abs(jf), "newton " + jn + " vs fista " + jf);
        assertEquals(0.0, newton.model().intercept());

        TrainingResult owlqn = Trainer.fit(backend, d, options.withOptimizer("owlqn"), null);
        double jo = objective(d, p, owlqn);
        System.out.println("RESULT no intercept l1(0.5): owlqn " + jo + " (" + owlqn.optimization().iterations() + " iterations, " + owlqn.status() + ")");
        assertTrue(owlqn.status().isConverged(), "owlqn: " + owlqn.status() + " " + owlqn.message());
        assertTrue(Math.abs(jo - jn) <= 1e-9 * Math.abs(jn), "owlqn " + jo + " vs newton " + jn);
    }

    /** J of a trained model, evaluated by the reference backend, penalty on the host. */
    private double objective(Dataset d, Penalty p, TrainingResult r) {
        double[] params = java.util.Arrays.copyOf(r.model().coefficients(), d.cols() + 1);
        params[d.cols()] = r.model().intercept();
        try (dev.logreg.backend.DataTerm term = backend.bind(d, dev.logreg.loss.Loss.log())) {
            return term.value(params) + p.value(params, d.cols(), d.weightSum());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"breast-cancer", "hard-100k"})
    void owlqnReachesTheElasticNetOptimumAndItsZeros(String dataset) {
        Penalty p = Penalty.elasticNet(1.0, 0.5);
        OptimizationResult r = runAndCheck(new OwlqnOptimizer(), dataset, p, cases.get(dataset).elasticNet(), StoppingCriteria.DEFAULT.withMaxIterations(5000));
        checkZeroSet(dataset, p, cases.get(dataset).elasticNet(), r);
    }

    /**
     * Where the reference has θⱼ = 0 with a clear KKT margin, c₁ − |gⱼ| ≥ 1e-3·c₁ (relative: c₁ itself is below 1e-3
     * on both datasets), OWL-QN has an exact zero; where the reference's standardized coefficient is clearly
     * non-zero, so is OWL-QN's.
     */
    private void checkZeroSet(String dataset, Penalty p, double[] reference, OptimizationResult r) {
        Dataset d = cases.get(dataset).data();
        LogisticObjective f = Fixtures.objective(backend, d, p, true);
        double[] got = f.modelParameters(r.solution());
        double[] margins = IndependentSolvers.zeroMargins(d, p.lambda(), p.alpha(), reference);
        double c1 = p.l1Coefficient(d.weightSum());
        double[] scale = f.preconditioner().scale();
        int checkedZeros = 0;
        for (int j = 0; j < d.cols(); j++) {
            if (reference[j] == 0.0 && margins[j] >= 1e-3 * c1) {
                checkedZeros++;
                assertEquals(0.0, got[j], "coefficient " + j + " is zero in the reference with KKT margin " + margins[j] + " but " + got[j] + " here");
            }
            if (Math.abs(reference[j] * scale[j]) >= 1e-4) {
                assertTrue(got[j] != 0.0, "coefficient " + j + " is " + reference[j] + " in the reference but exactly zero here");
            }
        }
        System.out.println("ZEROS " + dataset + "/" + p + ": " + checkedZeros + " zeros with margin checked");
    }

    @Test
    void fistaReachesTheL1OptimumOnBreastCancer() {
        OptimizationResult r = runAndCheck(new GradientDescentOptimizer(), "breast-cancer", Penalty.l1(0.5), cases.get("breast-cancer").l1(),
                StoppingCriteria.DEFAULT.withMaxIterations(20_000));
        checkZeroSet("breast-cancer", Penalty.l1(0.5), cases.get("breast-cancer").l1(), r);
    }

    @Test
    void owlqnWithoutL1MatchesTheL2Optimum() {
        runAndCheck(new OwlqnOptimizer(), "breast-cancer", Penalty.l2(1.0), cases.get("breast-cancer").l2(), StoppingCriteria.DEFAULT);
    }

    @Test
    void unpreconditionedLbfgsNeedsMoreIterations() {
        Case c = cases.get("breast-cancer");
        LogisticObjective pre = Fixtures.objective(backend, c.data(), Penalty.l2(1.0), true);
        LogisticObjective raw = Fixtures.objective(backend, c.data(), Penalty.l2(1.0), false);
        OptimizationResult a = new LbfgsOptimizer().minimize(pre, new double[pre.dimension()], StoppingCriteria.DEFAULT, TrainingListener.NONE);
        OptimizationResult b = new LbfgsOptimizer().minimize(raw, new double[raw.dimension()], StoppingCriteria.DEFAULT.withMaxIterations(3000), TrainingListener.NONE);
        double gapA = Fixtures.relativeGap(pre, pre.modelParameters(a.solution()), c.l2());
        double gapB = Fixtures.relativeGap(raw, raw.modelParameters(b.solution()), c.l2());
        System.out.println(Fixtures.row("lbfgs", "bc/l2 preconditioned", a, gapA));
        System.out.println(Fixtures.row("lbfgs", "bc/l2 raw scales", b, gapB));
        assertTrue(Math.abs(gapA) <= TOLERANCE, "preconditioned L-BFGS: relative gap " + gapA);
    }
}
