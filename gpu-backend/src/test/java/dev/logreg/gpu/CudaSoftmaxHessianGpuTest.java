package dev.logreg.gpu;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.penalty.Penalty;
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
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU's multinomial Hessian ({@link CudaSoftmaxTerm#hessian}: per class pair, host coefficients from the device's
 * logits, hessian.cu's tile pass) against the reference backend's softmax term, on a device or under simcuda; skipped
 * with the probe's reason elsewhere. Each entry within 1e-10 of the reference's largest entry, exactly symmetric, the
 * same bits twice; and Newton on the GPU reaching the reference backend's Newton optimum.
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaSoftmaxHessianGpuTest {
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

    /**
     * n + 1 within one tile (5, 31: the tile's edge), across two (40), with K = 2, 3, 7; weighted or not; a permuted
     * bind; more rows than one host chunk ({@link CudaSoftmaxTerm#HESSIAN_CHUNK_ROWS}), so that chunks add in order.
     */
    @ParameterizedTest(name = "{0} x {1}, K = {2}, weighted {3}, permuted {4}")
    @CsvSource({"301, 4, 3, false, false", "517, 30, 2, true, false", "233, 39, 3, true, true", "402, 6, 7, false, true",
            "70001, 3, 2, true, false"})
    void hessianAgreesWithTheReferenceIsSymmetricAndRepeats(int rows, int n, int k, boolean weighted, boolean permuted) {
        Dataset d = MulticlassData.generate(rows, n, k, weighted, 7L * n + k);
        BindOptions order = permuted ? BindOptions.permuted(5) : BindOptions.DEFAULT;
        int dim = k * (n + 1);
        SplittableRandom r = new SplittableRandom(n + k);
        double[] p = new double[dim];
        for (int i = 0; i < dim; i++) p[i] = (r.nextDouble() * 2 - 1) * 1.5 / Math.sqrt(n);
        try (DataTerm ref = reference.bind(d, Loss.multinomial(), order); DataTerm t = gpu.bind(d, Loss.multinomial(), order)) {
            assertTrue(t.supportsHessian());
            double[] want = new double[dim * dim];
            double[] got = new double[dim * dim];
            ref.hessian(p, want);
            t.hessian(p, got);
            double scale = 0;
            for (double v : want) scale = Math.max(scale, Math.abs(v));
            assertTrue(scale > 0);
            double largest = scale;
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j < dim; j++) {
                    double err = Math.abs(got[i * dim + j] - want[i * dim + j]);
                    int ii = i;
                    int jj = j;
                    assertTrue(err <= 1e-10 * largest, () -> "entry (" + ii + ", " + jj + "): " + got[ii * dim + jj] + ", want " + want[ii * dim + jj]
                            + ", error / largest " + err / largest);
                    assertEquals(got[i * dim + j], got[j * dim + i], "symmetric, bit for bit, at (" + i + ", " + j + ")");
                }
            }
            double[] again = new double[dim * dim];
            t.hessian(p, again);
            assertArrayEquals(got, again, "the same bits twice");
        }
    }

    @Test
    void newtonOnTheGpuReachesTheReferenceOptimum() {
        Dataset d = MulticlassData.generate(500, 5, 4, true, 11);
        TrainingOptions o = TrainingOptions.DEFAULT.withLoss(Loss.multinomial()).withPenalty(Penalty.l2(1.0)).withOptimizer("newton")
                .withCriteria(TrainingOptions.DEFAULT.criteria().withGradientTolerance(1e-10).withRelativeObjectiveTolerance(1e-15).withMaxIterations(100));
        TrainingResult g = Trainer.fit(gpu, d, o, null);
        TrainingResult want = Trainer.fit(reference, d, o, null);
        assertTrue(g.status().isConverged(), () -> g.status() + ": " + g.message());
        assertEquals(0, gpu.liveAllocations(), "the fit's term closed");
        SoftmaxModel m = (SoftmaxModel) g.classifier();
        SoftmaxModel w = (SoftmaxModel) want.classifier();
        double scale = 1;
        for (int c = 0; c < 4; c++) {
            for (int j = 0; j < 5; j++) scale = Math.max(scale, Math.abs(w.coefficient(c, j)));
        }
        for (int c = 0; c < 4; c++) {
            for (int j = 0; j < 5; j++) assertEquals(w.coefficient(c, j), m.coefficient(c, j), 1e-6 * scale, "class " + c + ", coefficient " + j);
            assertEquals(w.intercept(c), m.intercept(c), 1e-6 * scale, "class " + c + ", intercept");
        }
        assertEquals(want.objective(), g.objective(), 1e-10 * Math.abs(want.objective()), "objective at the optimum");
    }
}
