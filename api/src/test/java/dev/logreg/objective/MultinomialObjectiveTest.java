package dev.logreg.objective;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.IndependentMultinomial;
import dev.logreg.testing.MulticlassData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multinomial data term of the reference backend and the objective over K class slices. */
class MultinomialObjectiveTest {
    private static final List<Penalty> PENALTIES = List.of(Penalty.none(), Penalty.l2(2.0), Penalty.l1(2.0), Penalty.elasticNet(2.0, 0.3));

    private final ReferenceBackend backend = new ReferenceBackend();

    @AfterEach
    void close() {
        backend.close();
        assertEquals(0, backend.liveAllocations());
    }

    private static double[] randomPoint(int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] u = new double[length];
        for (int i = 0; i < length; i++) u[i] = r.nextDouble(-0.7, 0.7);
        return u;
    }

    @Test
    void dataTermEqualsTheDefinitionAndItsMarginsAreClassMajorPerRow() {
        for (int k : new int[] {2, 3, 7}) {
            Dataset d = MulticlassData.generate(60, 4, k, true, 11 + k);
            try (DataTerm term = backend.bind(d, Loss.multinomial())) {
                ParamShape shape = term.shape();
                assertEquals(new ParamShape(k, 4), shape);
                double[] p = randomPoint(shape.length(), k);
                double expected = IndependentMultinomial.objective(d, 0, 0, true, p);
                double value = term.value(p);
                double[] g = new double[shape.length()];
                assertTrue(FiniteDifferences.close(expected, value, 1e-13, 0), "value " + value + " vs " + expected);
                assertEquals(value, term.valueAndGradient(p, g), 0.0, "value and valueAndGradient agree bit for bit");
                double[] z = new double[60 * k];
                term.margins(0, 60, p, z);
                float[] x = new float[4];
                for (int i = 0; i < 60; i++) {
                    d.copyRow(i, x);
                    for (int c = 0; c < k; c++) {
                        double s = 0;
                        for (int j = 0; j < 4; j++) s += p[shape.index(c, j)] * x[j];
                        s += p[shape.interceptIndex(c)];
                        assertTrue(FiniteDifferences.close(s, z[i * k + c], 1e-14, 1e-14), "margin of row " + i + ", class " + c);
                    }
                }
            }
        }
    }

    @Test
    void gradientOfEveryPenaltyWithAndWithoutInterceptAndWeightsMatchesCentralDifferences() {
        for (int k : new int[] {2, 3, 5}) {
            for (boolean weighted : new boolean[] {false, true}) {
                Dataset d = MulticlassData.generate(50, 3, k, weighted, 100 + k);
                try (DataTerm term = backend.bind(d, Loss.multinomial())) {
                    for (boolean intercept : new boolean[] {true, false}) {
                        for (Preconditioner pre : List.of(Preconditioner.identity(3), Preconditioner.fromStatistics(ColumnStatistics.of(d), intercept))) {
                            for (Penalty penalty : PENALTIES) {
                                LogisticObjective o = new LogisticObjective(term, Loss.multinomial(), penalty, intercept, pre);
                                assertEquals(k * (intercept ? 4 : 3), o.dimension());
                                double[] u = randomPoint(o.dimension(), k * 31L + (intercept ? 1 : 0));
                                double[] g = new double[o.dimension()];
                                double v = o.smoothValueAndGradient(u, g);
                                assertEquals(o.smoothValue(u), v, 1e-15 * Math.abs(v), "smooth value both ways");
                                double[] fd = FiniteDifferences.gradient(o::smoothValue, u);
                                FiniteDifferences.assertClose(fd, g, 1e-6, 1e-9, "K=" + k + ", weighted " + weighted + ", intercept " + intercept + ", " + penalty);
                                // The whole objective at the model equals the independent definition.
                                double[] model = o.modelParameters(u);
                                double expected = IndependentMultinomial.objective(d, penalty.lambda(), penalty.alpha(), intercept, model);
                                assertTrue(FiniteDifferences.close(expected, o.objectiveAtModel(model), 1e-12, 0), penalty + ": objective at the model");
                                assertTrue(FiniteDifferences.close(expected, o.value(u), 1e-12, 1e-15), penalty + ": objective in u");
                                for (int i = 0; i < o.dimension(); i++) {
                                    boolean isIntercept = intercept && i % 4 == 3;
                                    assertEquals(isIntercept || penalty.isSmooth(), o.l1Coefficient(i) == 0.0, "l1 coefficient of " + i);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void hessianIsTheJacobianOfTheGradient() {
        for (int k : new int[] {2, 4}) {
            Dataset d = MulticlassData.generate(40, 3, k, true, 7 + k);
            try (DataTerm term = backend.bind(d, Loss.multinomial())) {
                int len = term.shape().length();
                assertTrue(term.supportsHessian());
                double[] p = randomPoint(len, 3);
                double[] h = new double[len * len];
                term.hessian(p, h);
                double[] fd = FiniteDifferences.jacobian(q -> {
                    double[] g = new double[len];
                    term.valueAndGradient(q, g);
                    return g;
                }, p, len);
                FiniteDifferences.assertClose(fd, h, 1e-6, 1e-9, "Hessian, K=" + k);
            }
        }
    }

    @Test
    void theObjectivesHessianIsPositiveDefiniteAlongTheFlatDirectionsAndNewtonStepsDoNotMoveThere() {
        Dataset d = MulticlassData.generate(80, 3, 3, false, 5);
        try (DataTerm term = backend.bind(d, Loss.multinomial())) {
            LogisticObjective o = new LogisticObjective(term, Loss.multinomial(), Penalty.l2(1), true, Preconditioner.fromStatistics(ColumnStatistics.of(d), true));
            int dim = o.dimension();
            double[] u = randomPoint(dim, 9);
            double[] g = new double[dim];
            o.smoothValueAndGradient(u, g);
            double[] h = new double[dim * dim];
            o.smoothHessian(u, h);
            double[] l = new double[dim * dim];
            assertTrue(dev.logreg.optim.Cholesky.factor(h, dim, 0.0, l), "positive definite with the flat directions' curvature");
            double[] step = new double[dim];
            for (int i = 0; i < dim; i++) step[i] = -g[i];
            dev.logreg.optim.Cholesky.solve(l, dim, step, step);
            double alongIntercepts = 0;
            double gradientAlong = 0;
            for (int c = 0; c < 3; c++) {
                alongIntercepts += step[c * 4 + 3];
                gradientAlong += g[c * 4 + 3];
            }
            assertEquals(0.0, gradientAlong, 1e-15, "the gradient sums to zero over the classes' intercepts");
            assertEquals(0.0, alongIntercepts, 1e-12, "the Newton step does not move the intercepts' sum");
        }
    }

    @Test
    void theHessianIsRefusedAboveTheBoundWithTheReason() {
        int cols = ParamShape.MAX_HESSIAN_LENGTH / 3; // 3·(682 + 1) = 2,049 > 2,048
        float[] x = new float[4 * cols];
        for (int i = 0; i < x.length; i++) x[i] = i % 7;
        Dataset d = Dataset.wrap(x, cols, new float[] {0, 1, 2, 1}, null, 3);
        try (DataTerm term = backend.bind(d, Loss.multinomial())) {
            assertFalse(term.supportsHessian());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> term.hessian(new double[term.shape().length()], new double[1]));
            assertTrue(e.getMessage().contains("2048") && e.getMessage().contains("lbfgs"), e.getMessage());
        }
    }

    @Test
    void badShapesAndALossOfTheWrongKindAreRefusedByName() {
        Dataset d = MulticlassData.generate(20, 3, 4, false, 1);
        IllegalArgumentException binary = assertThrows(IllegalArgumentException.class, () -> backend.bind(d, Loss.log()));
        assertTrue(binary.getMessage().contains("4 classes") && binary.getMessage().contains("multinomial"), binary.getMessage());
        try (DataTerm term = backend.bind(d, Loss.multinomial())) {
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> term.value(new double[4]));
            assertEquals("params has length 4, expected 4 classes x (features + 1) = 16", shape.getMessage());
            assertThrows(IllegalArgumentException.class, () -> term.margins(0, 20, new double[16], new double[20]));
        }
        assertThrows(UnsupportedOperationException.class, () -> Loss.multinomial().value(1, 0.5));
    }
}
