package dev.logreg.it;

import dev.logreg.backend.Backend;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.objective.Preconditioner;
import dev.logreg.penalty.Penalty;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.logreg.it.Agreement.assertGradient;
import static dev.logreg.it.Agreement.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The agreement matrix: every accelerated backend x {log loss, MSE} x {none, L2, L1, elastic net} x {with, without
 * intercept} x {unit, non-uniform weights}, on every dataset of {@link TestData}, at several random parameter
 * vectors, against the reference backend. Objective value within 1e-6 relative; gradient error within 1e-6 of the
 * scale (1/M) Σ wᵢ|rᵢ|‖x̃ᵢ‖ ({@link Agreement#gradientScale}). Then row ranges at the start, middle and end.
 */
class AgreementMatrixTest {
    static final double VALUE_TOLERANCE = 1e-6;
    static final double GRADIENT_TOLERANCE = 1e-6;
    static final int PARAMETER_VECTORS = 3;

    private static final List<Supplier<TestData.Case>> CASES = List.of(
            TestData::breastCancer, TestData::synthetic100003x37, TestData::singleRow, TestData::singleFeature,
            TestData::scale1e4, TestData::logits1e3);

    private static final List<Penalty> PENALTIES = List.of(Penalty.none(), Penalty.l2(1.0), Penalty.l1(0.5), Penalty.elasticNet(1.0, 0.5));

    @TestFactory
    Stream<DynamicNode> matrix() {
        List<DynamicNode> perBackend = new ArrayList<>();
        for (String backend : Backends.UNDER_TEST) {
            List<DynamicNode> perCase = new ArrayList<>();
            for (Supplier<TestData.Case> c : CASES) {
                perCase.add(DynamicTest.dynamicTest(backend + " on " + c.get().name(), () -> checkCase(backend, c.get())));
            }
            perBackend.add(DynamicContainer.dynamicContainer(backend, perCase));
        }
        return perBackend.stream();
    }

    private static void checkCase(String backendName, TestData.Case c) {
        try (Backend backend = Backends.openOrSkip(backendName, c.data()); ReferenceBackend reference = new ReferenceBackend()) {
            for (boolean weighted : new boolean[] {false, true}) {
                Dataset data = weighted ? TestData.withWeights(c.data(), 99) : c.data();
                for (Loss loss : List.of(Loss.log(), Loss.mse())) {
                    try (DataTerm ref = reference.bind(data, loss); DataTerm under = backend.bind(data, loss)) {
                        assertEquals(ref.rows(), under.rows(), "rows");
                        for (Penalty penalty : PENALTIES) {
                            for (boolean intercept : new boolean[] {true, false}) {
                                String what = backendName + " " + c.name() + (weighted ? " weighted" : "") + " " + loss + " " + penalty
                                        + (intercept ? " with intercept" : " without intercept");
                                checkObjective(ref, under, data, loss, penalty, intercept, c.parameterScale(), what);
                            }
                        }
                        checkRanges(ref, under, data, loss, c.parameterScale(), backendName + " " + c.name() + (weighted ? " weighted " : " ") + loss);
                    }
                }
            }
            assertEquals(0, backend.liveAllocations(), "live allocations after closing every term");
        }
    }

    private static void checkObjective(DataTerm ref, DataTerm under, Dataset data, Loss loss, Penalty penalty, boolean intercept,
                                       double scale, String what) {
        LogisticObjective expected = new LogisticObjective(ref, loss, penalty, intercept, Preconditioner.identity(data.cols()));
        LogisticObjective actual = new LogisticObjective(under, loss, penalty, intercept, Preconditioner.identity(data.cols()));
        SplittableRandom random = new SplittableRandom(what.hashCode());
        int d = expected.dimension();
        for (int k = 0; k < PARAMETER_VECTORS; k++) {
            double[] u = new double[d];
            for (int i = 0; i < d; i++) u[i] = random.nextGaussian() * scale;
            double[] ge = new double[d];
            double[] ga = new double[d];
            double ve = expected.smoothValueAndGradient(u, ge);
            double va = actual.smoothValueAndGradient(u, ga);
            String at = what + ", parameter vector " + k;
            assertRelative(ve, va, VALUE_TOLERANCE, at + ": smooth value");
            assertRelative(expected.value(u), actual.value(u), VALUE_TOLERANCE, at + ": objective");
            assertRelative(expected.smoothValue(u), actual.smoothValue(u), VALUE_TOLERANCE, at + ": value-only pass");
            double[] params = expected.modelParameters(u);
            double gs = Agreement.gradientScale(ref, data, loss, 0, data.rows(), params);
            assertGradient(ge, ga, gs, GRADIENT_TOLERANCE, at);
        }
    }

    /** Row ranges (mini-batches) at the start, in the middle and at the end. */
    private static void checkRanges(DataTerm ref, DataTerm under, Dataset data, Loss loss, double scale, String what) {
        long m = data.rows();
        long len = Math.max(1, m / 7);
        long[][] ranges = {{0, len}, {m / 2 - len / 2, m / 2 - len / 2 + len}, {m - len, m}};
        SplittableRandom random = new SplittableRandom(what.hashCode());
        int n = data.cols();
        for (long[] r : ranges) {
            double[] params = new double[n + 1];
            for (int i = 0; i <= n; i++) params[i] = random.nextGaussian() * scale;
            double[] ge = new double[n + 1];
            double[] ga = new double[n + 1];
            double ve = ref.valueAndGradient(r[0], r[1], params, ge);
            double va = under.valueAndGradient(r[0], r[1], params, ga);
            String at = what + " rows [" + r[0] + ", " + r[1] + ")";
            assertRelative(ve, va, VALUE_TOLERANCE, at + ": value");
            assertRelative(ref.value(r[0], r[1], params), under.value(r[0], r[1], params), VALUE_TOLERANCE, at + ": value-only pass");
            assertRelative(ref.weightSum(r[0], r[1]), under.weightSum(r[0], r[1]), 1e-12, at + ": weight sum");
            assertGradient(ge, ga, Agreement.gradientScale(ref, data, loss, r[0], r[1], params), GRADIENT_TOLERANCE, at);
            double[] ze = new double[(int) (r[1] - r[0])];
            double[] za = new double[ze.length];
            ref.margins(r[0], r[1], params, ze);
            under.margins(r[0], r[1], params, za);
            float[] row = new float[n];
            for (int i = 0; i < ze.length; i++) {
                // Rounding in a float64 dot product scales with Σ|θⱼxⱼ|, not with |z| (which may cancel).
                data.copyRow(r[0] + i, row);
                double magnitude = Math.abs(params[n]);
                for (int j = 0; j < n; j++) magnitude += Math.abs(params[j] * row[j]);
                double tol = 1e-9 * Math.max(magnitude, 1e-300);
                int at2 = i;
                org.junit.jupiter.api.Assertions.assertTrue(Math.abs(ze[i] - za[i]) <= tol,
                        () -> at + ": margin of row " + (r[0] + at2) + " expected " + ze[at2] + ", got " + za[at2]);
            }
        }
    }
}
