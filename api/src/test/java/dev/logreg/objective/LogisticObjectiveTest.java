package dev.logreg.objective;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import dev.logreg.penalty.Penalty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogisticObjectiveTest {
    private static final int COLS = 3;
    private static final List<Penalty> PENALTIES = List.of(Penalty.none(), Penalty.l2(2.0), Penalty.l1(2.0), Penalty.elasticNet(2.0, 0.3));

    private final ReferenceBackend backend = new ReferenceBackend();

    @AfterEach
    void close() {
        backend.close();
        assertEquals(0, backend.liveAllocations());
    }

    /** Columns far from zero and of very different scales, so that the preconditioner is far from the identity. */
    static Dataset data(long seed, int rows) {
        SplittableRandom r = new SplittableRandom(seed);
        Dataset.Builder b = Dataset.builder(COLS);
        float[] x = new float[COLS];
        for (int i = 0; i < rows; i++) {
            x[0] = (float) r.nextGaussian(5, 2);
            x[1] = (float) r.nextGaussian(-30, 4);
            x[2] = (float) r.nextGaussian(0.01, 0.003);
            b.addRow(x, r.nextBoolean() ? 1 : 0, (float) r.nextDouble(0.2, 3));
        }
        return b.build();
    }

    /** Preconditioners to test: the identity and the standardizing one for this intercept setting. */
    private static List<Preconditioner> preconditioners(Dataset d, boolean fitIntercept) {
        List<Preconditioner> out = new ArrayList<>();
        out.add(Preconditioner.identity(COLS));
        out.add(Preconditioner.fromStatistics(ColumnStatistics.of(d), fitIntercept));
        return out;
    }

    /** u at which the model's logits are moderate (|z| of a few units). */
    private static double[] point(int dimension) {
        double[] u = {0.6, -0.8, 0.4, 0.3};
        return java.util.Arrays.copyOf(u, dimension);
    }

    /** A point whose logits stay moderate for the identity preconditioner on the raw scales. */
    private static double[] rawPoint(int dimension) {
        double[] u = {0.3, -0.04, 20, -1.0};
        return java.util.Arrays.copyOf(u, dimension);
    }

    @Test
    void objectiveInUEqualsTheObjectiveAtTheModelParameters() {
        Dataset d = data(1, 41);
        for (boolean fitIntercept : new boolean[] {true, false}) {
            for (Preconditioner pre : preconditioners(d, fitIntercept)) {
                for (Loss loss : new Loss[] {Loss.log(), Loss.mse()}) {
                    DataTerm term = backend.bind(d, loss);
                    for (Penalty penalty : PENALTIES) {
                        LogisticObjective o = new LogisticObjective(term, loss, penalty, fitIntercept, pre);
                        String what = loss + ", " + penalty + ", intercept " + fitIntercept + ", scale " + java.util.Arrays.toString(pre.scale());
                        double[] u = isIdentity(pre) ? rawPoint(o.dimension()) : point(o.dimension());
                        double[] model = o.modelParameters(u);
                        double inU = o.value(u);
                        double atModel = o.objectiveAtModel(model);
                        assertTrue(FiniteDifferences.close(atModel, inU, 1e-13, 0), what + ": J(u) = " + inU + ", J(θ, b) = " + atModel);
                        if (!fitIntercept) assertEquals(0.0, model[COLS], 0.0, what + ": no intercept means b = 0");

                        // The logits the backend sees are Σ uⱼ (xⱼ − μⱼ)/sⱼ + u_b (μ = 0 without intercept).
                        double[] z = new double[(int) d.rows()];
                        term.margins(0, d.rows(), model, z);
                        double[] mu = fitIntercept ? pre.center() : new double[COLS];
                        double[] s = pre.scale();
                        for (int i = 0; i < z.length; i++) {
                            double expected = fitIntercept ? u[COLS] : 0;
                            for (int j = 0; j < COLS; j++) expected += u[j] * (d.feature(i, j) - mu[j]) / s[j];
                            assertTrue(FiniteDifferences.close(expected, z[i], 1e-11, 1e-11), what + ": logit of row " + i + " " + z[i] + " vs " + expected);
                        }

                        // Round trip u → (θ, b) → u.
                        FiniteDifferences.assertClose(u, o.optimizerVariables(model), 1e-14, 1e-14, what + ": round trip");
                        // smoothValue + Σ cᵢ|uᵢ| = value, and the smooth value agrees with the fused evaluation.
                        double[] g = new double[o.dimension()];
                        assertTrue(FiniteDifferences.close(o.smoothValue(u), o.smoothValueAndGradient(u, g), 1e-15, 0), what);
                    }
                    term.close();
                }
            }
        }
    }

    private static boolean isIdentity(Preconditioner p) {
        for (double s : p.scale()) if (s != 1.0) return false;
        for (double c : p.center()) if (c != 0.0) return false;
        return true;
    }

    @Test
    void gradientAndHessianInUMatchFiniteDifferences() {
        Dataset d = data(2, 41);
        for (boolean fitIntercept : new boolean[] {true, false}) {
            for (Preconditioner pre : preconditioners(d, fitIntercept)) {
                for (Loss loss : new Loss[] {Loss.log(), Loss.mse()}) {
                    DataTerm term = backend.bind(d, loss);
                    for (Penalty penalty : PENALTIES) {
                        checkDerivatives(new LogisticObjective(term, loss, penalty, fitIntercept, pre),
                                loss + ", " + penalty + ", intercept " + fitIntercept + ", identity " + isIdentity(pre),
                                isIdentity(pre) ? rawPoint(fitIntercept ? COLS + 1 : COLS) : point(fitIntercept ? COLS + 1 : COLS));
                    }
                    term.close();
                }
            }
        }
    }

    static void checkDerivatives(LogisticObjective o, String what, double[] u) {
        int dim = o.dimension();
        double[] g = new double[dim];
        o.smoothValueAndGradient(u, g);
        double[] fd = FiniteDifferences.gradient(o::smoothValue, u);
        FiniteDifferences.assertClose(fd, g, 1e-6, 1e-9 * FiniteDifferences.maxAbs(g), what + ": gradient in u vs central differences");
        assertTrue(o.hasHessian());
        double[] h = new double[dim * dim];
        o.smoothHessian(u, h);
        double[] fdh = FiniteDifferences.jacobian(p -> {
            double[] gp = new double[dim];
            o.smoothValueAndGradient(p, gp);
            return gp;
        }, u, dim);
        FiniteDifferences.assertClose(fdh, h, 1e-6, 1e-9 * FiniteDifferences.maxAbs(h), what + ": Hessian in u vs differences of the gradient");
    }

    @Test
    void aCenteredPreconditionerWithoutInterceptKeepsGradientAndHessianConsistent() {
        // Centering needs a free intercept; given one anyway, the objective must still be differentiated correctly
        // (b stays 0, so the centers must not enter the chain rule).
        Dataset d = data(3, 41);
        Preconditioner centered = Preconditioner.fromStatistics(ColumnStatistics.of(d), true);
        try (DataTerm term = backend.bind(d, Loss.log())) {
            for (Penalty penalty : PENALTIES) {
                checkDerivatives(new LogisticObjective(term, Loss.log(), penalty, false, centered), "centered, no intercept, " + penalty, point(COLS));
            }
        }
    }

    @Test
    void l1CoefficientsPerCoordinateAndZeroForTheIntercept() {
        Dataset d = data(4, 41);
        double m = d.weightSum();
        Preconditioner pre = Preconditioner.fromStatistics(ColumnStatistics.of(d), true);
        double[] s = pre.scale();
        try (DataTerm term = backend.bind(d, Loss.log())) {
            // Elastic net λ = 2, α = 0.3: c₁ = λα/m on θ, which is c₁/sⱼ on uⱼ = sⱼθⱼ.
            LogisticObjective o = new LogisticObjective(term, Loss.log(), Penalty.elasticNet(2.0, 0.3), true, pre);
            assertEquals(m, o.weightSum(), 0.0);
            for (int j = 0; j < COLS; j++) {
                double expected = 2.0 * 0.3 / m / s[j];
                assertTrue(FiniteDifferences.close(expected, o.l1Coefficient(j), 1e-15, 0), "c1 of u" + j + ": " + o.l1Coefficient(j) + " vs " + expected);
            }
            assertEquals(0.0, o.l1Coefficient(COLS), 0.0, "intercept");
            assertFalse(o.isSmooth());
            assertTrue(o.isConvex());
            LogisticObjective smooth = new LogisticObjective(term, Loss.mse(), Penalty.l2(1), false, null);
            assertTrue(smooth.isSmooth());
            assertFalse(smooth.isConvex());
            for (int j = 0; j < COLS; j++) assertEquals(0.0, smooth.l1Coefficient(j), 0.0);
            assertEquals(d.rows(), o.rows());
        }
    }

    @Test
    void theL2PartNeverTouchesTheIntercept() {
        Dataset d = data(5, 41);
        try (DataTerm term = backend.bind(d, Loss.log())) {
            LogisticObjective plain = new LogisticObjective(term, Loss.log(), Penalty.none(), true, null);
            LogisticObjective ridge = new LogisticObjective(term, Loss.log(), Penalty.l2(5.0), true, null);
            double[] u = rawPoint(COLS + 1);
            double[] g0 = new double[COLS + 1];
            double[] g1 = new double[COLS + 1];
            double v0 = plain.smoothValueAndGradient(u, g0);
            double v1 = ridge.smoothValueAndGradient(u, g1);
            assertEquals(g0[COLS], g1[COLS], 0.0, "intercept component");
            double sq = 0;
            for (int j = 0; j < COLS; j++) {
                sq += u[j] * u[j];
                // ∂/∂θⱼ (λ/2m)Σθ² = (λ/m)θⱼ.
                assertTrue(FiniteDifferences.close(g0[j] + 5.0 / d.weightSum() * u[j], g1[j], 1e-14, 1e-16), "component " + j);
            }
            assertTrue(FiniteDifferences.close(v0 + 2.5 / d.weightSum() * sq, v1, 1e-14, 0), v1 + " vs " + v0);
        }
    }

    @Test
    void batchesAreDataTermRangesPlusTheFullL2Part() {
        Dataset d = data(6, 41);
        Preconditioner pre = Preconditioner.fromStatistics(ColumnStatistics.of(d), true);
        try (DataTerm term = backend.bind(d, Loss.log())) {
            LogisticObjective o = new LogisticObjective(term, Loss.log(), Penalty.l2(3.0), true, pre);
            double[] u = point(COLS + 1);
            double[] gFull = new double[COLS + 1];
            double[] gBatch = new double[COLS + 1];
            assertEquals(o.smoothValueAndGradient(u, gFull), o.batchValueAndGradient(0, d.rows(), u, gBatch), 0.0);
            FiniteDifferences.assertClose(gFull, gBatch, 0, 0, "whole-range batch");
            // A batch: the data term over its rows plus the same L2 part as the whole objective.
            double[] model = o.modelParameters(u);
            double[] gData = new double[COLS + 1];
            double batchData = term.valueAndGradient(10, 25, model, gData);
            double l2 = Penalty.l2(3.0).value(model, COLS, d.weightSum());
            double batch = o.batchValueAndGradient(10, 25, u, gBatch);
            assertTrue(FiniteDifferences.close(batchData + l2, batch, 1e-14, 0), batch + " vs " + (batchData + l2));
        }
    }

    @Test
    void validation() {
        Dataset d = data(7, 10);
        try (DataTerm term = backend.bind(d, Loss.log())) {
            LogisticObjective o = new LogisticObjective(term, Loss.log(), Penalty.none(), false, null);
            assertEquals(COLS, o.dimension());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.smoothValue(new double[COLS + 1]));
            assertTrue(e.getMessage().contains("length 4") && e.getMessage().contains("expected 3"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> o.smoothValueAndGradient(new double[2], new double[2]));
            assertThrows(IllegalArgumentException.class, () -> o.optimizerVariables(new double[COLS]));
            assertThrows(IllegalArgumentException.class, () -> o.smoothHessian(new double[COLS], new double[COLS * COLS + 1]));
            e = assertThrows(IllegalArgumentException.class,
                    () -> new LogisticObjective(term, Loss.log(), Penalty.none(), true, Preconditioner.identity(COLS + 1)));
            assertTrue(e.getMessage().contains("4") && e.getMessage().contains("3"), e.getMessage());
            assertThrows(NullPointerException.class, () -> new LogisticObjective(term, Loss.log(), null, true, null));
        }
    }
}
