package dev.logreg.penalty;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import dev.logreg.objective.LogisticObjective;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PenaltyTest {
    /** θ = (0.5, −2) and, last, an intercept that must never be penalised. Σ|θ| = 2.5, Σθ² = 0.25 + 4 = 4.25. */
    private static final double[] PARAMS = {0.5, -2.0, 7.0};
    private static final int N = 2;
    /** λ = 3. */
    private static final double LAMBDA = 3.0;

    @Test
    void zeroIsNoneOrLambdaZero() {
        assertTrue(Penalty.none().isZero());
        assertTrue(Penalty.l2(0).isZero());
        assertTrue(Penalty.elasticNet(0, 0.3).isZero());
        assertFalse(Penalty.l1(1e-9).isZero());
        assertFalse(Penalty.l2(2).isZero());
        assertFalse(Penalty.elasticNet(1, 0).isZero());
        assertFalse(Penalty.l1(1).onScales(new double[] {0, 0}).isZero(), "scales never make a penalty zero");
    }

    @Test
    void l2ByHand() {
        // (λ/2m) Σθ² with m = 3 rows: (3/(2·3))·4.25 = 0.5·4.25 = 2.125.
        assertEquals(2.125, Penalty.l2(LAMBDA).value(PARAMS, N, 3), 1e-15);
        // Coefficient c₂ = λ/m = 1, so that the L2 part is (c₂/2)Σθ².
        assertEquals(1.0, Penalty.l2(LAMBDA).l2Coefficient(3), 0.0);
        assertEquals(0.0, Penalty.l2(LAMBDA).l1Coefficient(3), 0.0);
    }

    @Test
    void l1ByHand() {
        // (λ/m) Σ|θ| = (3/3)·2.5 = 2.5.
        assertEquals(2.5, Penalty.l1(LAMBDA).value(PARAMS, N, 3), 1e-15);
        assertEquals(2.5, Penalty.l1(LAMBDA).l1Value(PARAMS, N, 3), 1e-15);
        assertEquals(1.0, Penalty.l1(LAMBDA).l1Coefficient(3), 0.0);
        assertEquals(0.0, Penalty.l1(LAMBDA).l2Coefficient(3), 0.0);
    }

    @Test
    void elasticNetByHand() {
        // α = 0.25: (λ/m)[α Σ|θ| + ((1−α)/2) Σθ²] = 1·[0.25·2.5 + 0.375·4.25] = 0.625 + 1.59375 = 2.21875.
        Penalty p = Penalty.elasticNet(LAMBDA, 0.25);
        assertEquals(2.21875, p.value(PARAMS, N, 3), 1e-15);
        assertEquals(0.625, p.l1Value(PARAMS, N, 3), 1e-15);
        assertEquals(1.59375, p.smoothValue(PARAMS, N, 3), 1e-15);
        // α = 1 is L1 and α = 0 is L2.
        assertEquals(2.5, Penalty.elasticNet(LAMBDA, 1).value(PARAMS, N, 3), 1e-15);
        assertEquals(2.125, Penalty.elasticNet(LAMBDA, 0).value(PARAMS, N, 3), 1e-15);
        assertEquals(0.0, Penalty.none().value(PARAMS, N, 3), 0.0);
    }

    @Test
    void weightedRowsUseTheWeightSumAsM() {
        // Three rows with weights 0.5, 2, 1.5: m = Σw = 4, not the row count 3.
        //   L2: (3/(2·4))·4.25 = 0.375·4.25 = 1.59375
        //   L1: (3/4)·2.5 = 1.875
        //   EN α = 0.25: (3/4)·[0.625 + 1.59375] = 0.75·2.21875 = 1.6640625
        Dataset data = Dataset.wrap(new float[] {1, 2, -1, 0.5f, 3, -2}, 2, new float[] {1, 0, 1}, new float[] {0.5f, 2, 1.5f});
        assertEquals(4.0, data.weightSum(), 0.0);
        check(data, Penalty.l2(LAMBDA), 1.59375);
        check(data, Penalty.l1(LAMBDA), 1.875);
        check(data, Penalty.elasticNet(LAMBDA, 0.25), 1.6640625);
        // And unweighted, m = 3 rows: the values above.
        Dataset unweighted = Dataset.wrap(new float[] {1, 2, -1, 0.5f, 3, -2}, 2, new float[] {1, 0, 1}, null);
        check(unweighted, Penalty.l2(LAMBDA), 2.125);
        check(unweighted, Penalty.l1(LAMBDA), 2.5);
        check(unweighted, Penalty.elasticNet(LAMBDA, 0.25), 2.21875);
    }

    /** The objective at the model parameters minus the data term alone is the penalty the user wrote down. */
    private static void check(Dataset data, Penalty penalty, double expected) {
        try (ReferenceBackend backend = new ReferenceBackend(); DataTerm term = backend.bind(data, Loss.log())) {
            LogisticObjective objective = new LogisticObjective(term, Loss.log(), penalty, true, null);
            double got = objective.objectiveAtModel(PARAMS) - term.value(PARAMS);
            assertTrue(Math.abs(got - expected) <= 1e-14, () -> penalty + " on " + data + ": " + got + ", expected " + expected);
        }
    }

    @Test
    void interceptIsNeverPenalised() {
        for (Penalty p : new Penalty[] {Penalty.l2(LAMBDA), Penalty.l1(LAMBDA), Penalty.elasticNet(LAMBDA, 0.5)}) {
            double[] other = PARAMS.clone();
            other[N] = -1e6;
            assertEquals(p.value(PARAMS, N, 3), p.value(other, N, 3), 0.0, p + ": value depends on the intercept");
            double[] g = new double[N + 1];
            p.addSmoothPart(other, N, 3, g);
            assertEquals(0.0, g[N], 0.0, p + ": gradient in the intercept");
        }
    }

    @Test
    void smoothPartGradientMatchesFiniteDifferences() {
        double m = 4.0;
        for (Penalty p : new Penalty[] {Penalty.l2(LAMBDA), Penalty.elasticNet(LAMBDA, 0.25), Penalty.l1(LAMBDA), Penalty.none()}) {
            double[] x = {0.5, -2.0, 0.0};
            double[] g = new double[N + 1];
            double smooth = p.addSmoothPart(x, N, m, g);
            // The smooth part is the whole value less the L1 part.
            assertEquals(p.value(x, N, m) - p.l1Value(x, N, m), smooth, 1e-15, p + ": smooth value");
            // smoothValue is the same number without a gradient, bit for bit.
            assertEquals(smooth, p.smoothValue(x, N, m), 0.0, p + ": smoothValue vs addSmoothPart");
            double[] fd = FiniteDifferences.gradient(v -> p.value(v, N, m) - p.l1Value(v, N, m), x);
            FiniteDifferences.assertClose(fd, g, 1e-6, 1e-12, p + ": smooth gradient vs central differences");
        }
        // addSmoothPart adds to what is there, it does not overwrite.
        double[] g = {10, 20, 30};
        Penalty.l2(LAMBDA).addSmoothPart(new double[] {0.5, -2, 7}, N, 3, g);
        // c₂ = 1: g += θ → (10.5, 18, 30).
        assertEquals(10.5, g[0], 0.0);
        assertEquals(18.0, g[1], 0.0);
        assertEquals(30.0, g[2], 0.0);
    }

    @Test
    void smoothness() {
        assertTrue(Penalty.none().isSmooth());
        assertTrue(Penalty.l2(LAMBDA).isSmooth());
        assertFalse(Penalty.l1(LAMBDA).isSmooth());
        assertFalse(Penalty.elasticNet(LAMBDA, 0.5).isSmooth());
        assertTrue(Penalty.elasticNet(LAMBDA, 0.0).isSmooth());
        assertTrue(Penalty.l1(0.0).isSmooth(), "λ = 0 has no L1 part");
    }

    @Test
    void rejectsBadLambdaAndAlphaNamingTheValue() {
        expectMessage(() -> Penalty.l2(-1), "lambda", "-1.0");
        expectMessage(() -> Penalty.l1(Double.NaN), "lambda", "NaN");
        expectMessage(() -> Penalty.l2(Double.POSITIVE_INFINITY), "lambda", "Infinity");
        expectMessage(() -> Penalty.elasticNet(-0.5, 0.5), "lambda", "-0.5");
        expectMessage(() -> Penalty.elasticNet(1, 1.5), "alpha", "1.5");
        expectMessage(() -> Penalty.elasticNet(1, -0.1), "alpha", "-0.1");
        expectMessage(() -> Penalty.elasticNet(1, Double.NaN), "alpha", "NaN");
        expectMessage(() -> Penalty.of("ridge", 1, 0), "ridge");
        expectMessage(() -> Penalty.of("l2", -2, 0), "lambda", "-2.0");
    }

    private static void expectMessage(Supplier<Penalty> make, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        for (String part : parts) assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }

    @Test
    void parsesNamesAndCompares() {
        assertEquals(Penalty.l2(2), Penalty.of("L2", 2, 0.7));
        assertEquals(Penalty.l1(2), Penalty.of("l1", 2, 0.7));
        assertEquals(Penalty.elasticNet(2, 0.7), Penalty.of("elastic-net", 2, 0.7));
        assertEquals(Penalty.elasticNet(2, 0.7), Penalty.of("Elastic_Net", 2, 0.7));
        assertEquals(Penalty.none(), Penalty.of("none", 2, 0.7));
        assertEquals(Penalty.elasticNet(2, 0.7).hashCode(), Penalty.of("elasticnet", 2, 0.7).hashCode());
        assertFalse(Penalty.l2(2).equals(Penalty.l2(3)));
        assertEquals(Penalty.Kind.ELASTIC_NET, Penalty.elasticNet(2, 0.7).kind());
        assertEquals(1.0, Penalty.l1(2).alpha(), 0.0);
        assertEquals(0.0, Penalty.l2(2).alpha(), 0.0);
    }
}
