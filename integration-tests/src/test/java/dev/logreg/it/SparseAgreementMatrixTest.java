package dev.logreg.it;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.Backend;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.IndependentMultinomial;
import dev.logreg.testing.IndependentSolvers;
import dev.logreg.testing.SparseData;
import dev.logreg.train.Multiclass;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static dev.logreg.it.Agreement.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse agreement matrix, end to end through {@link LogisticRegression}: the reference backend and every backend
 * of {@link Backends#UNDER_TEST} x {binary, K = 3 multinomial, one-vs-rest} x {none, L2, L1, elastic net} x the
 * optimizers that take each (L-BFGS, OWL-QN, tron for smooth penalties, Newton; where a backend's term for a layout
 * lacks what the optimizer needs, Newton the Hessian or tron Hessian-vector products, the refusal naming what to use
 * instead) x standardization on and off, on {@link SparseData} sets (an empty
 * row, a row holding every column, weights with one 0). On each backend the same rows held dense and held sparse
 * reach the same optimum (objective within 1e-9 relative, parameters within {@link #PARAMETERS} of the largest); every
 * backend's sparse fit is within the same of the reference backend's; the unstandardized fits are within 1e-9 of an
 * independent float64 optimum's objective ({@link IndependentSolvers}, {@link IndependentMultinomial}, api's
 * test-jar). Then 2<sup>24</sup> features with a handful of nonzeros a row (an empty row, a one-nonzero row): the fit
 * equals the fit of the same rows with their columns packed side by side, and no column that no row holds moves
 * from 0. Small sets: simcuda runs the GPU kernels on the CPU.
 */
class SparseAgreementMatrixTest {
    /** Dense against sparse, backend against reference, trained against the independent optimum: objectives. */
    static final double OBJECTIVE = 1e-9;
    /**
     * Parameters, relative to the largest: a parameter error e costs about κe²/2 in J, so iterates that stop within
     * the criteria below (J settled to about 1e-15) differ by rounding in the sums' order from about 1e-8 of the
     * parameters' size.
     */
    static final double PARAMETERS = 1e-6;

    private static final StoppingCriteria TIGHT = StoppingCriteria.DEFAULT.withGradientTolerance(1e-10)
            .withRelativeObjectiveTolerance(1e-15).withMaxIterations(20_000);

    /** 300 x 10, about 30% nonzero, row 1 empty, row 2 full, weights in [0.2, 3) with one 0. */
    private static final SparseData.Pair BINARY = SparseData.generate(300, 10, 0.3, 2, true, 7);
    /** The same shape without weights. */
    private static final SparseData.Pair BINARY_UNWEIGHTED = SparseData.generate(300, 10, 0.3, 2, false, 8);
    /** 240 x 8, K = 3, about 40% nonzero, weighted. */
    private static final SparseData.Pair THREE = SparseData.generate(240, 8, 0.4, 3, true, 11);

    /** One configuration of the matrix on one set; {@code independent}: whether to check the float64 optimum. */
    private record Case(String name, SparseData.Pair data, String optimizer, Penalty penalty, Multiclass multiclass, boolean standardize) {
        LogisticRegression regression() {
            LogisticRegression.Builder b = LogisticRegression.builder().optimizer(optimizer).penalty(penalty).standardize(standardize)
                    .criteria(TIGHT);
            if (multiclass != null) b.multiclass(multiclass);
            return b.build();
        }

        Loss loss() {
            return data.sparse().classes() > 2 && multiclass != Multiclass.ONE_VS_REST ? Loss.multinomial() : Loss.log();
        }

        @Override public String toString() {
            return name + " " + optimizer + " " + penalty + (standardize ? " standardized" : "");
        }
    }

    private static final List<Case> CASES = List.of(
            new Case("binary weighted", BINARY, "lbfgs", Penalty.none(), null, false),
            new Case("binary", BINARY_UNWEIGHTED, "lbfgs", Penalty.l2(2), null, false),
            new Case("binary weighted", BINARY, "lbfgs", Penalty.l2(2), null, true),
            new Case("binary weighted", BINARY, "tron", Penalty.l2(2), null, false),
            new Case("binary", BINARY_UNWEIGHTED, "tron", Penalty.none(), null, true),
            new Case("binary weighted", BINARY, "owlqn", Penalty.l1(3), null, false),
            new Case("binary weighted", BINARY, "owlqn", Penalty.elasticNet(3, 0.5), null, true),
            new Case("binary", BINARY_UNWEIGHTED, "owlqn", Penalty.elasticNet(3, 0.5), null, false),
            new Case("binary weighted", BINARY, "newton", Penalty.l2(2), null, false),
            new Case("binary weighted", BINARY, "newton", Penalty.elasticNet(3, 0.5), null, false),
            new Case("K=3 multinomial weighted", THREE, "lbfgs", Penalty.l2(1.5), null, false),
            new Case("K=3 multinomial weighted", THREE, "owlqn", Penalty.elasticNet(1.5, 0.5), null, false),
            new Case("K=3 multinomial weighted", THREE, "owlqn", Penalty.l1(1.5), null, true),
            new Case("K=3 multinomial weighted", THREE, "tron", Penalty.l2(1.5), null, true),
            new Case("K=3 multinomial weighted", THREE, "newton", Penalty.l2(1.5), null, false),
            new Case("K=3 one-vs-rest weighted", THREE, "lbfgs", Penalty.l2(1.5), Multiclass.ONE_VS_REST, false),
            new Case("K=3 one-vs-rest weighted", THREE, "owlqn", Penalty.elasticNet(1.5, 0.5), Multiclass.ONE_VS_REST, true));

    /** The reference backend's sparse fit of each case, trained once per JVM (both surefire executions compare to it). */
    private static final Map<String, TrainingResult> REFERENCE = new ConcurrentHashMap<>();

    private static List<String> backends() {
        List<String> all = new ArrayList<>();
        all.add("reference");
        all.addAll(Backends.UNDER_TEST);
        return all;
    }

    @TestFactory
    Stream<DynamicNode> matrix() {
        List<DynamicNode> perBackend = new ArrayList<>();
        for (String backend : backends()) {
            List<DynamicNode> tests = new ArrayList<>();
            for (Case c : CASES) tests.add(DynamicTest.dynamicTest(backend + " " + c, () -> check(backend, c)));
            if (!backend.equals("reference")) {
                tests.add(DynamicTest.dynamicTest(backend + " 2^24 features, a handful of nonzeros a row", () -> SparseWideCase.check(backend)));
            }
            perBackend.add(DynamicContainer.dynamicContainer(backend, tests));
        }
        return perBackend.stream();
    }

    /** The named backend, or the test skipped with its reason; the reference backend is always there. Caller closes. */
    static Backend open(String name, Dataset data) {
        return name.equals("reference") ? new ReferenceBackend() : Backends.openOrSkip(name, data);
    }

    private static void check(String backendName, Case c) {
        try (Backend backend = open(backendName, c.data().sparse())) {
            LogisticRegression lr = c.regression();
            String what = backendName + " " + c;
            TrainingResult dense = fitOrRefused(backend, lr, c.data().dense(), c.loss(), what + " dense");
            TrainingResult sparse = fitOrRefused(backend, lr, c.data().sparse(), c.loss(), what + " sparse");
            assertEquals(0, backend.liveAllocations(), what + ": live allocations after training");
            if (sparse == null) return;
            double[] ps = params(sparse.classifier());
            if (dense != null) {
                assertSameOptimum(dense.objective(), params(dense.classifier()), sparse.objective(), ps, what + ": dense against sparse");
            }

            TrainingResult ref = REFERENCE.computeIfAbsent(c.toString(), k -> {
                try (ReferenceBackend r = new ReferenceBackend()) {
                    return converged(lr.fit(r, c.data().sparse()), "reference " + c);
                }
            });
            assertSameOptimum(ref.objective(), params(ref.classifier()), sparse.objective(), ps, what + ": against the reference backend");
            if (!c.standardize()) againstIndependentOptimum(c, ps, what);
        }
    }

    static TrainingResult converged(TrainingResult r, String what) {
        assertTrue(r.status().isConverged(), () -> what + ": " + r.status() + ": " + r.message());
        return r;
    }

    /**
     * The fit of {@code data} on {@code backend}, converged; or, where the optimizer needs what the backend's term for
     * this layout does not compute (Newton the Hessian, which the GPU's sparse terms do not form; tron Hessian-vector
     * products, which the GPU's dense terms do not form), null after asserting the refusal: before any work, naming
     * the optimizer to use instead.
     */
    static TrainingResult fitOrRefused(Backend backend, LogisticRegression lr, Dataset data, Loss loss, String what) {
        String optimizer = lr.options().optimizer();
        boolean supported = true;
        if (optimizer.equals("newton") || optimizer.equals("tron")) {
            // One-vs-rest binds each class's binary view: probe the first.
            Dataset rows = loss.kind() != Loss.Kind.MULTINOMIAL && data.classes() > 2 ? data.oneVsRest(0) : data;
            try (DataTerm term = backend.bind(rows, loss)) {
                supported = optimizer.equals("newton") ? term.supportsHessian() : term.supportsHessianVector();
            }
        }
        if (supported) return converged(lr.fit(backend, data), what);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lr.fit(backend, data), what);
        String instead = lr.options().penalty().isSmooth() ? "use lbfgs" : "use owlqn";
        assertTrue(e.getMessage().contains(optimizer) && e.getMessage().contains(instead), what + ": " + e.getMessage());
        System.out.println(what + ": refused as expected: " + e.getMessage());
        return null;
    }

    /** Objectives within {@link #OBJECTIVE} relative, parameters within {@link #PARAMETERS} of the largest. */
    static void assertSameOptimum(double expectedObjective, double[] expected, double actualObjective, double[] actual, String what) {
        assertRelative(expectedObjective, actualObjective, OBJECTIVE, what + ": objective");
        assertEquals(expected.length, actual.length, what + ": parameter count");
        double scale = 0;
        for (double v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            int at = i;
            double s = scale;
            assertTrue(err <= PARAMETERS * s, () -> what + ": parameter " + at + " expected " + expected[at] + ", got " + actual[at]
                    + " (error " + err / s + " of the largest, tolerance " + PARAMETERS + ")");
        }
    }

    /**
     * The trained parameters against the independent float64 solver's optimum on the dense rows: the objective the
     * solver's own code evaluates at each within {@link #OBJECTIVE} relative (never more than rounding below the
     * optimum), the parameters within {@link #PARAMETERS}; one-vs-rest class by class.
     */
    private static void againstIndependentOptimum(Case c, double[] got, String what) {
        Dataset dense = c.data().dense();
        double lambda = c.penalty().lambda();
        double alpha = c.penalty().kind() == Penalty.Kind.NONE ? 0 : c.penalty().alpha();
        if (c.loss().kind() == Loss.Kind.MULTINOMIAL) {
            double[] optimum = IndependentMultinomial.solve(dense, lambda, alpha, true);
            double jOpt = IndependentMultinomial.objective(dense, lambda, alpha, true, optimum);
            double jGot = IndependentMultinomial.objective(dense, lambda, alpha, true, got);
            assertSameOptimum(jOpt, optimum, jGot, got, what + ": against the independent optimum");
            assertTrue(jGot >= jOpt - 1e-12 * Math.abs(jOpt), what + ": objective " + jGot + " below the optimum's " + jOpt);
            return;
        }
        int k = dense.classes() > 2 ? dense.classes() : 1;
        int stride = dense.cols() + 1;
        for (int cls = 0; cls < k; cls++) {
            Dataset rows = k == 1 ? dense : dense.oneVsRest(cls);
            double[] optimum = alpha == 0 ? IndependentSolvers.newtonL2(rows, lambda).params() : IndependentSolvers.proximalNewton(rows, lambda, alpha).params();
            double[] mine = java.util.Arrays.copyOfRange(got, cls * stride, (cls + 1) * stride);
            Penalty penalty = c.penalty();
            double jOpt = TrainedModelsTest.referenceObjective(rows, penalty, optimum);
            double jGot = TrainedModelsTest.referenceObjective(rows, penalty, mine);
            String at = what + (k == 1 ? "" : " class " + cls) + ": against the independent optimum";
            assertSameOptimum(jOpt, optimum, jGot, mine, at);
            assertTrue(jGot >= jOpt - 1e-12 * Math.abs(jOpt), at + ": objective " + jGot + " below the optimum's " + jOpt);
            if (alpha > 0) {
                for (int j = 0; j < rows.cols(); j++) {
                    if (optimum[j] == 0) assertEquals(0.0, mine[j], 0.0, at + ": an exact zero at θ" + j);
                }
            }
        }
    }

    /** A model's parameters in the data term's layout: (θ, b) per class, K·(n+1) (one-vs-rest: class by class). */
    static double[] params(LinearClassifier m) {
        int n = m.features();
        if (m instanceof LogisticModel lm) {
            double[] p = java.util.Arrays.copyOf(lm.coefficients(), n + 1);
            p[n] = lm.intercept();
            return p;
        }
        if (m instanceof SoftmaxModel sm) return MultinomialTrainedModelsTest.params(sm);
        OneVsRestModel ovr = (OneVsRestModel) m;
        double[] p = new double[ovr.classes() * (n + 1)];
        for (int c = 0; c < ovr.classes(); c++) System.arraycopy(params(ovr.model(c)), 0, p, c * (n + 1), n + 1);
        return p;
    }
}
