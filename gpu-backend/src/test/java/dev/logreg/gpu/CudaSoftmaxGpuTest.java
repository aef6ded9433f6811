package dev.logreg.gpu;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.FiniteDifferences;
import dev.logreg.loss.Loss;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.objective.Preconditioner;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.IndependentMultinomial;
import dev.logreg.testing.MulticlassData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU's multinomial term (softmax.cu, {@link CudaSoftmaxTerm}) against the reference backend's softmax term, on a
 * device or under simcuda; skipped with the probe's reason elsewhere. Tolerances: value 1e-12 relative, gradient
 * 1e-10 of its scale (the largest reference entry, at least the value): float64 sums on both sides, only their order
 * differs.
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaSoftmaxGpuTest {
    private static final double VALUE_TOL = 1e-12;
    private static final double GRADIENT_TOL = 1e-10;
    private CudaBackend gpu;
    private final ReferenceBackend reference = new ReferenceBackend();

    @BeforeAll
    void open() {
        gpu = GpuTestSupport.openBackend();
    }

    @AfterAll
    void close() {
        reference.close();
        GpuTestSupport.closeChecked(gpu);
    }

    private static double[] params(long seed, int length, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] p = new double[length];
        for (int i = 0; i < length; i++) p[i] = (r.nextDouble() * 2 - 1) * scale;
        return p;
    }

    private static void assertAgree(double want, double got, double[] gWant, double[] gGot, String what) {
        assertTrue(Math.abs(got - want) <= VALUE_TOL * Math.abs(want), what + ": value " + got + ", want " + want);
        double scale = Math.abs(want);
        for (double g : gWant) scale = Math.max(scale, Math.abs(g));
        for (int i = 0; i < gWant.length; i++) {
            double err = Math.abs(gGot[i] - gWant[i]);
            assertTrue(err <= GRADIENT_TOL * scale, what + ": gradient[" + i + "] " + gGot[i] + ", want " + gWant[i] + ", error / scale "
                    + err / scale);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        // {rows, n, K}: K = 3, 10 small-K layout (8 warps a block); 16 x 256: 6 warps (W and the accumulators fill
        // the shared memory); K = 100 and n = 300: the tiled layout. Rows not a multiple of any block or tile step.
        int[][] shapes = {{2_003, 12, 3}, {1_501, 37, 10}, {1_003, 12, 100}, {403, 256, 16}, {301, 300, 3}};
        for (int[] s : shapes) {
            for (boolean weighted : new boolean[] {false, true}) a.add(Arguments.of(s[0], s[1], s[2], weighted));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} x {1}, K = {2}, weighted {3}")
    @MethodSource("cases")
    void termAgreesWithReference(int rows, int n, int k, boolean weighted) {
        Dataset d = MulticlassData.generate(rows, n, k, weighted, 1000L * k + n);
        double[] p = params(k + n, k * (n + 1), 3.0 / Math.sqrt(n));
        try (DataTerm ref = reference.bind(d, Loss.multinomial()); DataTerm t = gpu.bind(d, Loss.multinomial())) {
            assertTrue(t instanceof CudaSoftmaxTerm, "the GPU's multinomial term");
            assertEquals(ref.shape(), t.shape());
            long[][] ranges = {{0, rows}, {rows / 7, rows - rows / 5}, {rows - 1, rows}};
            for (long[] r : ranges) {
                String what = rows + " x " + n + ", K = " + k + ", rows [" + r[0] + ", " + r[1] + ")";
                double[] gRef = new double[p.length];
                double[] g = new double[p.length];
                double want = ref.valueAndGradient(r[0], r[1], p, gRef);
                assertAgree(want, t.valueAndGradient(r[0], r[1], p, g), gRef, g, what);
                double v = t.value(r[0], r[1], p);
                assertTrue(Math.abs(v - want) <= VALUE_TOL * Math.abs(want), what + ": value-only " + v + ", want " + want);
                assertEquals(ref.weightSum(r[0], r[1]), t.weightSum(r[0], r[1]), 1e-12 * ref.weightSum(r[0], r[1]), what + ": weight sum");
                int count = (int) (r[1] - r[0]);
                double[] zRef = new double[count * k];
                double[] z = new double[count * k];
                ref.margins(r[0], r[1], p, zRef);
                t.margins(r[0], r[1], p, z);
                for (int i = 0; i < z.length; i++) {
                    assertTrue(Math.abs(z[i] - zRef[i]) <= 1e-12 * (1 + Math.abs(zRef[i])), what + ": margin " + i + " " + z[i] + ", want " + zRef[i]);
                }
            }
        }
    }

    static Stream<Arguments> objectives() {
        List<Arguments> a = new ArrayList<>();
        for (int k : new int[] {3, 10, 100}) {
            for (Penalty penalty : List.of(Penalty.none(), Penalty.l2(2.0), Penalty.l1(2.0), Penalty.elasticNet(2.0, 0.3))) {
                for (boolean intercept : new boolean[] {false, true}) {
                    for (boolean weighted : new boolean[] {false, true}) a.add(Arguments.of(k, penalty, intercept, weighted));
                }
            }
        }
        return a.stream();
    }

    /** The agreement matrix: K × penalty × intercept × weights, the objective an optimizer sees, at a random point. */
    @ParameterizedTest(name = "K = {0}, {1}, intercept {2}, weighted {3}")
    @MethodSource("objectives")
    void objectiveAgreesWithReference(int k, Penalty penalty, boolean intercept, boolean weighted) {
        int n = 9;
        Dataset d = MulticlassData.generate(k == 100 ? 1_201 : 801, n, k, weighted, 7L * k + (weighted ? 1 : 0));
        try (DataTerm ref = reference.bind(d, Loss.multinomial()); DataTerm t = gpu.bind(d, Loss.multinomial())) {
            LogisticObjective oRef = new LogisticObjective(ref, Loss.multinomial(), penalty, intercept, Preconditioner.identity(n));
            LogisticObjective o = new LogisticObjective(t, Loss.multinomial(), penalty, intercept, Preconditioner.identity(n));
            double[] u = params(k, oRef.dimension(), 0.5);
            double[] gRef = new double[u.length];
            double[] g = new double[u.length];
            double want = oRef.smoothValueAndGradient(u, gRef);
            assertAgree(want, o.smoothValueAndGradient(u, g), gRef, g, "K = " + k + ", " + penalty + ", intercept " + intercept);
            double jRef = oRef.objectiveAtModel(oRef.modelParameters(u));
            assertTrue(Math.abs(o.objectiveAtModel(o.modelParameters(u)) - jRef) <= VALUE_TOL * Math.abs(jRef), "objective with the penalty");
        }
    }

    @Test
    void twoRunsAndTwoBindsGiveTheSameBits() {
        for (int k : new int[] {10, 100}) {
            Dataset d = MulticlassData.generate(3_001, 16, k, true, 99 + k);
            double[] p = params(5, k * 17, 0.4);
            double[] g1 = new double[p.length];
            double[] g2 = new double[p.length];
            double[] g3 = new double[p.length];
            double v1;
            double v2;
            double v3;
            try (DataTerm t = gpu.bind(d, Loss.multinomial())) {
                v1 = t.valueAndGradient(p, g1);
                v2 = t.valueAndGradient(p, g2);
            }
            try (DataTerm t = gpu.bind(d, Loss.multinomial())) {
                v3 = t.valueAndGradient(p, g3);
            }
            assertEquals(Double.doubleToRawLongBits(v1), Double.doubleToRawLongBits(v2), "K = " + k + ": value, two runs");
            assertEquals(Double.doubleToRawLongBits(v1), Double.doubleToRawLongBits(v3), "K = " + k + ": value, two binds");
            assertArrayEquals(g1, g2, 0.0, "K = " + k + ": gradient, two runs");
            assertArrayEquals(g1, g3, 0.0, "K = " + k + ": gradient, two binds");
        }
    }

    @Test
    void permutedBindAgreesWithThePermutedReference() {
        Dataset d = MulticlassData.generate(1_777, 8, 5, true, 3);
        BindOptions perm = BindOptions.permuted(17);
        double[] p = params(1, 5 * 9, 0.5);
        try (DataTerm ref = reference.bind(d, Loss.multinomial(), perm); DataTerm t = gpu.bind(d, Loss.multinomial(), perm)) {
            double[] gRef = new double[p.length];
            double[] g = new double[p.length];
            double want = ref.valueAndGradient(100, 900, p, gRef);
            assertAgree(want, t.valueAndGradient(100, 900, p, g), gRef, g, "rows [100, 900) of a permuted bind");
        }
    }

    @Test
    void trainedModelMatchesTheIndependentOptimum() {
        Dataset d = MulticlassData.generate(400, 5, 3, true, 42);
        double lambda = 2.0;
        TrainingOptions o = TrainingOptions.DEFAULT.withLoss(Loss.multinomial()).withPenalty(Penalty.l2(lambda)).withOptimizer("lbfgs")
                .withCriteria(TrainingOptions.DEFAULT.criteria().withGradientTolerance(1e-12).withRelativeObjectiveTolerance(1e-15).withMaxIterations(20_000));
        TrainingResult r = Trainer.fit(gpu, d, o, null);
        assertTrue(r.status().isConverged(), () -> r.status() + ": " + r.message());
        SoftmaxModel m = (SoftmaxModel) r.classifier();
        int n = d.cols();
        double[] got = new double[3 * (n + 1)];
        for (int c = 0; c < 3; c++) {
            for (int j = 0; j < n; j++) got[c * (n + 1) + j] = m.coefficient(c, j);
            got[c * (n + 1) + n] = m.intercept(c);
        }
        double[] want = IndependentMultinomial.solve(d, lambda, 0.0, true);
        FiniteDifferences.assertClose(want, got, 1e-6, 1e-6 * FiniteDifferences.maxAbs(want), "GPU multinomial fit vs the independent optimum");
    }

    @Test
    void theHessianBeyondItsBoundIsRefusedWithTheReason() {
        Dataset d = MulticlassData.generate(50, 700, 3, false, 1);  // 3 x 701 = 2,103 parameters > 2,048
        try (DataTerm t = gpu.bind(d, Loss.multinomial())) {
            assertFalse(t.supportsHessian());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> t.hessian(new double[2103], new double[2103 * 2103]));
            assertTrue(e.getMessage().contains("not computed") && e.getMessage().contains("lbfgs"), e.getMessage());
        }
    }

    @Test
    void wrongLengthsAndRangesAreRefusedByName() {
        Dataset d = MulticlassData.generate(50, 3, 4, false, 1);
        try (DataTerm t = gpu.bind(d, Loss.multinomial())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.value(new double[4]));
            assertTrue(e.getMessage().startsWith("params has length 4"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> t.valueAndGradient(new double[16], new double[15]));
            assertTrue(e.getMessage().startsWith("gradientOut has length 15"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> t.margins(0, 10, new double[16], new double[39]));
            assertTrue(e.getMessage().contains("at least 40"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.value(10, 60, new double[16]));
        }
    }
}
