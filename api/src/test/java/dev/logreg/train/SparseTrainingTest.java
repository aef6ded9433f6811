package dev.logreg.train;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.ClassWeights;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.IndependentMultinomial;
import dev.logreg.testing.IndependentSolvers;
import dev.logreg.testing.SparseData;
import dev.logreg.testing.WithoutHessian;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sparse (CSR) data train exactly as dense data do: the same rows held both ways ({@link SparseData}, built
 * independently) reach the same optimum (1e-9 relative) with every optimizer and penalty, weights, K classes
 * (multinomial and one-vs-rest), class weights, standardization, warm starts, validation splits and
 * cross-validation; both against an independent float64 optimum; bit for bit where no preconditioner's statistics
 * (summed in another order for the two layouts) enter; and refused by name on a backend that reads dense rows only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparseTrainingTest {
    private final ReferenceBackend backend = new ReferenceBackend();
    /** 300 x 10, about 30% nonzero, an empty row and a full one, weighted (one weight 0). */
    private final SparseData.Pair binary = SparseData.generate(300, 10, 0.3, 2, true, 7);
    private final SparseData.Pair three = SparseData.generate(300, 8, 0.4, 3, false, 11);

    @AfterAll
    void close() {
        backend.close();
    }

    /**
     * Criteria under which every optimizer settles J to about 1e-15 relative: within 1e-6 of the independent optimum
     * (a parameter error e costs only about κe²/2 in J), and the two layouts, whose iterates differ by rounding only,
     * within 1e-9 of each other.
     */
    private static final StoppingCriteria TIGHT = StoppingCriteria.DEFAULT.withGradientTolerance(1e-10).withRelativeObjectiveTolerance(1e-15)
            .withMaxIterations(20_000);

    private static TrainingOptions options(String optimizer, Penalty penalty) {
        return TrainingOptions.DEFAULT.withOptimizer(optimizer).withPenalty(penalty).withCriteria(TIGHT);
    }

    private static double[] params(LogisticModel m) {
        double[] p = java.util.Arrays.copyOf(m.coefficients(), m.features() + 1);
        p[m.features()] = m.intercept();
        return p;
    }

    private static double[] params(SoftmaxModel m) {
        double[] p = new double[m.classes() * (m.features() + 1)];
        for (int c = 0; c < m.classes(); c++) {
            for (int j = 0; j < m.features(); j++) p[c * (m.features() + 1) + j] = m.coefficient(c, j);
            p[c * (m.features() + 1) + m.features()] = m.intercept(c);
        }
        return p;
    }

    private static double[] params(OneVsRestModel m) {
        int stride = m.features() + 1;
        double[] p = new double[m.classes() * stride];
        for (int c = 0; c < m.classes(); c++) System.arraycopy(params(m.models().get(c)), 0, p, c * stride, stride);
        return p;
    }

    /** The 1e-9 relative agreement of the two layouts' optima (relative to the largest parameter, plus 1e-9 each). */
    private static void assertSameOptimum(double[] dense, double[] sparse, String what) {
        FiniteDifferences.assertClose(dense, sparse, 1e-9, 1e-9 * FiniteDifferences.maxAbs(dense), what);
    }

    static Stream<Arguments> optimizersAndPenalties() {
        return Stream.of(
                Arguments.of("lbfgs", Penalty.none()),
                Arguments.of("lbfgs", Penalty.l2(2)),
                Arguments.of("owlqn", Penalty.l2(2)),
                Arguments.of("owlqn", Penalty.l1(3)),
                Arguments.of("owlqn", Penalty.elasticNet(3, 0.5)),
                Arguments.of("newton", Penalty.l2(2)),
                Arguments.of("newton", Penalty.l1(3)),
                Arguments.of("newton", Penalty.elasticNet(3, 0.5)),
                Arguments.of("gd", Penalty.l2(2)),
                Arguments.of("gd", Penalty.l1(3)),
                Arguments.of("gd", Penalty.elasticNet(3, 0.5)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("optimizersAndPenalties")
    void denseAndSparseReachTheSameOptimumAsAnIndependentSolver(String optimizer, Penalty penalty) {
        TrainingOptions o = options(optimizer, penalty);
        TrainingResult dense = Trainer.fit(backend, binary.dense(), o, null);
        TrainingResult sparse = Trainer.fit(backend, binary.sparse(), o, null);
        String what = optimizer + ", " + penalty;
        assertTrue(sparse.status().isConverged(), () -> what + ": " + sparse.status() + " " + sparse.message());
        assertSameOptimum(params(dense.model()), params(sparse.model()), what);
        assertEquals(dense.objective(), sparse.objective(), 1e-14 * dense.objective(), what + ": objective");

        double alpha = penalty.kind() == Penalty.Kind.NONE ? 0 : penalty.alpha();
        double[] independent = alpha == 0 ? IndependentSolvers.newtonL2(binary.dense(), penalty.lambda()).params()
                : IndependentSolvers.proximalNewton(binary.dense(), penalty.lambda(), alpha).params();
        FiniteDifferences.assertClose(independent, params(sparse.model()), 1e-6, 1e-7 * FiniteDifferences.maxAbs(independent),
                what + ": against the independent float64 optimum");
        if (alpha > 0) {
            for (int j = 0; j < binary.sparse().cols(); j++) {
                if (independent[j] == 0) assertEquals(0.0, sparse.model().coefficients()[j], 0.0, what + ": an exact zero at θ" + j);
            }
        }
    }

    @Test
    void withoutThePreconditionerTheTwoLayoutsGiveTheSameBits() {
        // The reference backend's row sums skip a sparse row's zeros, whose products leave a double sum unchanged; only
        // the preconditioner's column statistics are summed in another order. Without them every iterate is the same.
        for (TrainingOptions o : new TrainingOptions[] {
                options("lbfgs", Penalty.l2(2)).withPrecondition(false),
                options("owlqn", Penalty.elasticNet(3, 0.5)).withPrecondition(false).withFitIntercept(false),
                options("sgd", Penalty.l2(2)).withPrecondition(false).withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(5)).withBatchSize(32),
                options("adam", Penalty.none()).withPrecondition(false).withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(5)).withBatchSize(32)}) {
            TrainingResult dense = Trainer.fit(backend, binary.dense(), o, null);
            TrainingResult sparse = Trainer.fit(backend, binary.sparse(), o, null);
            assertArrayEquals(params(dense.model()), params(sparse.model()), o.optimizer() + ": the same bits");
            assertEquals(dense.optimization().evaluations(), sparse.optimization().evaluations(), o.optimizer());
        }
        HingeDualSolver.Solution d = HingeDualSolver.solve(binary.dense(), 1.0, true, TIGHT.withGradientTolerance(1e-6), 5, null);
        HingeDualSolver.Solution s = HingeDualSolver.solve(binary.sparse(), 1.0, true, TIGHT.withGradientTolerance(1e-6), 5, null);
        assertArrayEquals(d.theta(), s.theta(), "hinge dual coordinate descent over sparse rows: the same bits");
        assertArrayEquals(d.alpha(), s.alpha());
        assertEquals(d.primal(), s.primal(), 0.0);
    }

    @Test
    void standardizedAndClassWeightedFitsAgree() {
        for (boolean standardize : new boolean[] {false, true}) {
            LogisticRegression lr = LogisticRegression.builder().backendName("reference").penalty(Penalty.elasticNet(2, 0.3))
                    .standardize(standardize).balanceClasses(true).criteria(TIGHT).build();
            TrainingResult dense = lr.fit(binary.dense());
            TrainingResult sparse = lr.fit(binary.sparse());
            assertTrue(sparse.status().isConverged(), sparse::message);
            assertSameOptimum(params(dense.model()), params(sparse.model()), "standardize " + standardize);
        }
        // Class weights on their own: the rows shared, the weights replaced, on either layout.
        TrainingOptions o = options("lbfgs", Penalty.l2(1));
        assertSameOptimum(params(Trainer.fit(backend, ClassWeights.balanced(binary.dense()), o, null).model()),
                params(Trainer.fit(backend, ClassWeights.balanced(binary.sparse()), o, null).model()), "balanced class weights");
    }

    @Test
    void threeClassesMultinomialAndOneVsRest() {
        double lambda = 1.5;
        double alpha = 0.5;
        LogisticRegression multinomial = LogisticRegression.builder().backendName("reference").penalty(Penalty.elasticNet(lambda, alpha))
                .criteria(TIGHT).build();
        TrainingResult dense = multinomial.fit(three.dense());
        TrainingResult sparse = multinomial.fit(three.sparse());
        assertTrue(sparse.status().isConverged(), sparse::message);
        double[] got = params((SoftmaxModel) sparse.classifier());
        assertSameOptimum(params((SoftmaxModel) dense.classifier()), got, "multinomial");
        double[] independent = IndependentMultinomial.solve(three.dense(), lambda, alpha, true);
        FiniteDifferences.assertClose(independent, got, 1e-6, 1e-6 * FiniteDifferences.maxAbs(independent), "multinomial against the independent solver");

        LogisticRegression ovr = LogisticRegression.builder().backendName("reference").multiclass(Multiclass.ONE_VS_REST)
                .penalty(Penalty.l2(lambda)).standardize(true).balanceClasses(true).criteria(TIGHT).build();
        TrainingResult denseOvr = ovr.fit(three.dense());
        TrainingResult sparseOvr = ovr.fit(three.sparse());
        assertTrue(sparseOvr.status().isConverged(), sparseOvr::message);
        assertSameOptimum(params((OneVsRestModel) denseOvr.classifier()), params((OneVsRestModel) sparseOvr.classifier()), "one-vs-rest");
    }

    @Test
    void warmStartsAlongAPathAndValidationSplitsOnSparseRows() {
        TrainingOptions o = options("owlqn", Penalty.elasticNet(1, 0.5));
        LogisticModel previousDense = null;
        LogisticModel previousSparse = null;
        try (BoundData dense = Trainer.bind(backend, binary.dense(), o);
             BoundData sparse = Trainer.bind(backend, binary.sparse(), o)) {
            for (double lambda : new double[] {20, 4, 0.5}) {
                TrainingOptions at = o.withPenalty(Penalty.elasticNet(lambda, 0.5));
                TrainingResult d = Trainer.fit(dense, at, previousDense, null);
                TrainingResult s = Trainer.fit(sparse, at, previousSparse, null);
                assertSameOptimum(params(d.model()), params(s.model()), "λ " + lambda + ", warm-started");
                // Another start changes the way, not the optimum (here only to the optimizer's accuracy).
                double[] cold = params(Trainer.fit(backend, binary.sparse(), at, null).model());
                FiniteDifferences.assertClose(cold, params(s.model()), 1e-7, 1e-7 * FiniteDifferences.maxAbs(cold), "λ " + lambda + ", warm against cold");
                previousDense = d.model();
                previousSparse = s.model();
            }
        }
        // A validation split: the same rows selected from either layout (a sparse selection stays sparse).
        int[] rows = java.util.stream.IntStream.range(0, 300).filter(i -> i % 5 != 2).toArray();
        Dataset sparseTrain = binary.sparse().select(rows);
        assertTrue(sparseTrain.isSparse());
        assertSameOptimum(params(Trainer.fit(backend, binary.dense().select(rows), o, null).model()),
                params(Trainer.fit(backend, sparseTrain, o, null).model()), "training rows of a validation split");
    }

    @Test
    void crossValidationOnSparseData() {
        // Newton (proximal for the L1 part): every fit lands on its fold's optimum to rounding, so the two layouts'
        // scores agree as their optima do (a quasi-Newton method stops within its tolerance, a little apart).
        CrossValidationOptions cv = CrossValidationOptions.DEFAULT.withFolds(3).withLambdaCount(4);
        TrainingOptions o = options("newton", Penalty.elasticNet(1, 0.5));
        CrossValidationResult dense = CrossValidation.run(backend, binary.dense(), o, cv, null);
        CrossValidationResult sparse = CrossValidation.run(backend, binary.sparse(), o, cv, null);
        assertCvAgree(dense, sparse, "binary");
        assertSameOptimum(params(dense.refit().model()), params(sparse.refit().model()), "binary refit");

        CrossValidationOptions cv3 = cv.withLambdaCount(3);
        for (Multiclass strategy : Multiclass.values()) {
            TrainingOptions l2 = options("newton", Penalty.l2(1));
            CrossValidationResult d = CrossValidation.run(backend, three.dense(), l2, strategy, cv3, null);
            CrossValidationResult s = CrossValidation.run(backend, three.sparse(), l2, strategy, cv3, null);
            assertCvAgree(d, s, strategy.toString());
        }
    }

    private static void assertCvAgree(CrossValidationResult dense, CrossValidationResult sparse, String what) {
        assertEquals(dense.path().size(), sparse.path().size(), what);
        for (int g = 0; g < dense.path().size(); g++) {
            CrossValidationResult.LambdaScore a = dense.path().get(g);
            CrossValidationResult.LambdaScore b = sparse.path().get(g);
            assertEquals(a.lambda(), b.lambda(), 0.0, what + ": the grid (its λ_max from one pass over the nonzeros)");
            assertEquals(a.mean(), b.mean(), 1e-9 * Math.abs(a.mean()), what + ": mean score at λ " + a.lambda());
        }
        assertEquals(dense.chosenLambda(), sparse.chosenLambda(), 0.0, what + ": the chosen λ");
    }

    @Test
    void aBackendThatReadsDenseRowsOnlyRefusesSparseDataByName() {
        try (WithoutHessian denseOnly = new WithoutHessian(new ReferenceBackend(), "dense-only")) {
            TrainingOptions o = options("lbfgs", Penalty.l2(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(denseOnly, binary.sparse(), o, null));
            assertTrue(e.getMessage().contains("backend dense-only does not train on sparse (CSR) data"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CrossValidation.run(denseOnly, binary.sparse(), o, CrossValidationOptions.DEFAULT, null));
            assertThrows(IllegalArgumentException.class,
                    () -> OneVsRest.fit(denseOnly, three.sparse(), rows -> new OneVsRest.Prepared(rows, o), null));
            assertEquals(0, denseOnly.liveAllocations(), "nothing bound");
            // Dense data still train there; the hinge loss's solver runs on the host and takes sparse rows anywhere.
            assertTrue(Trainer.fit(denseOnly, binary.dense(), o, null).status().isConverged());
            TrainingOptions hinge = TrainingOptions.DEFAULT.withLoss(Loss.hinge()).withPenalty(Penalty.l2(1));
            assertTrue(Trainer.fit(denseOnly, binary.sparse(), hinge, null).model().features() == 10);
        }
    }
}
