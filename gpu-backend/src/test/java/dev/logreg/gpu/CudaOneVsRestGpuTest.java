package dev.logreg.gpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import dev.logreg.train.OneVsRest;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-vs-rest on one upload ({@link CudaBackend#bindOneVsRest}, {@link CudaOneVsRestTerms}), on a device or under
 * simcuda; skipped with the probe's reason elsewhere. Each class term must be the binary view's GPU term to the bit
 * (the same rows, kernels and grids), a fit through it the K separate binary GPU fits to the bit, and the reference
 * backend's one-vs-rest to 1e-6; X goes to the device once, and closing frees everything.
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaOneVsRestGpuTest {
    private static final TrainingOptions OPTIONS = TrainingOptions.DEFAULT.withPenalty(Penalty.l2(0.5))
            .withCriteria(new StoppingCriteria(500, 1e-10, 1e-15, null));
    private CudaBackend gpu;

    @BeforeAll
    void open() {
        gpu = GpuTestSupport.openBackend();
    }

    @AfterAll
    void close() {
        GpuTestSupport.closeChecked(gpu);
    }

    private static double[] params(long seed, int length, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] p = new double[length];
        for (int i = 0; i < length; i++) p[i] = (r.nextDouble() * 2 - 1) * scale;
        return p;
    }

    /** n = 5 (few lanes a row), 37 (a warp a row), 101 (padded to 104 columns on the device); weighted or not; permuted or not. */
    @ParameterizedTest(name = "{0} x {1}, K = {2}, weighted {3}, permuted {4}")
    @CsvSource({"601, 5, 3, false, false", "601, 5, 4, true, true", "403, 37, 5, true, false", "257, 101, 3, false, true"})
    void eachClassTermIsTheBinaryViewsGpuTermToTheBit(int rows, int n, int k, boolean weighted, boolean permuted) {
        Dataset data = MulticlassData.generate(rows, n, k, weighted, 31L * n + k);
        BindOptions order = permuted ? BindOptions.permuted(7) : BindOptions.DEFAULT;
        double[] p = params(n + k, n + 1, 2.0 / Math.sqrt(n));
        long uploads = gpu.featureUploads();
        long live = gpu.liveDeviceAllocations();
        try (OneVsRestTerms terms = gpu.bindOneVsRest(data, Loss.log(), order)) {
            assertEquals(k, terms.classes());
            DataTerm[] shared = new DataTerm[k];
            for (int c = 0; c < k; c++) shared[c] = terms.forClass(c);  // all held at once: they share X
            assertEquals(uploads + 1, gpu.featureUploads(), "X uploaded once for " + k + " classes");
            long perClass = (gpu.liveDeviceAllocations() - live - (weighted ? 2 : 1)) / k;
            assertEquals(live + (weighted ? 2 : 1) + k * perClass, gpu.liveDeviceAllocations(), "X and weights once, then each class's own");
            for (int c = 0; c < k; c++) {
                String what = rows + " x " + n + ", class " + c;
                long before = gpu.liveDeviceAllocations();
                try (CudaDataTerm alone = gpu.bindBinary(data.oneVsRest(c), Loss.log(), order)) {
                    assertEquals(perClass + (weighted ? 2 : 1), gpu.liveDeviceAllocations() - before,
                            "a class term is a separate bind less its X" + (weighted ? " and weights" : ""));
                    long[][] ranges = {{0, rows}, {rows / 7, rows - rows / 5}, {rows - 1, rows}};
                    for (long[] r : ranges) {
                        double[] g1 = new double[n + 1];
                        double[] g2 = new double[n + 1];
                        assertEquals(alone.valueAndGradient(r[0], r[1], p, g2), shared[c].valueAndGradient(r[0], r[1], p, g1), what);
                        assertArrayEquals(g2, g1, what + ": gradient bits");
                        assertEquals(alone.value(r[0], r[1], p), shared[c].value(r[0], r[1], p), what + ": value-only");
                        assertEquals(alone.weightSum(r[0], r[1]), shared[c].weightSum(r[0], r[1]), what + ": weight sum");
                    }
                    double[] h1 = new double[(n + 1) * (n + 1)];
                    double[] h2 = new double[(n + 1) * (n + 1)];
                    alone.hessian(p, h2);
                    shared[c].hessian(p, h1);
                    assertArrayEquals(h2, h1, what + ": Hessian bits");
                }
            }
            // Closing a class term early frees only its own memory (its labels, workspaces and, after the Hessian, the
            // Hessian's): the shared rows stay, and the other classes and a class bound again still read them.
            double[] g0 = new double[n + 1];
            double v0 = shared[0].valueAndGradient(0, rows, p, g0);
            long beforeClose = gpu.liveDeviceAllocations();
            shared[1].close();
            assertTrue(beforeClose - gpu.liveDeviceAllocations() >= perClass, "class 1's own buffers freed");
            assertTrue(gpu.liveDeviceAllocations() >= live + (weighted ? 2 : 1) + (k - 1) * perClass, "the shared rows are still held");
            double[] g = new double[n + 1];
            assertEquals(v0, shared[0].valueAndGradient(0, rows, p, g), "class 0 after class 1 closed");
            assertArrayEquals(g0, g);
            DataTerm again = terms.forClass(1);
            try (CudaDataTerm alone = gpu.bindBinary(data.oneVsRest(1), Loss.log(), order)) {
                double[] g2 = new double[n + 1];
                assertEquals(alone.valueAndGradient(0, rows, p, g2), again.valueAndGradient(0, rows, p, g), "class 1 bound again");
                assertArrayEquals(g2, g);
            }
            assertThrows(IllegalArgumentException.class, () -> terms.forClass(k));
            assertThrows(IllegalArgumentException.class, () -> terms.forClass(-1));
            terms.close();
            assertEquals(live, gpu.liveDeviceAllocations(), "closing the terms frees every class term and the shared rows");
            assertThrows(IllegalStateException.class, () -> terms.forClass(0));
        }
        assertEquals(live, gpu.liveDeviceAllocations(), "close is idempotent");
        assertEquals(0, gpu.livePinnedAllocations(), "no staging buffer outlives a bind");
    }

    private static OneVsRestModel fit(dev.logreg.backend.Backend backend, Dataset data, TrainingOptions options) {
        return (OneVsRestModel) OneVsRest.fit(backend, data, rows -> new OneVsRest.Prepared(rows, options), null).classifier();
    }

    @Test
    void theSharedFitIsKSeparateGpuFitsToTheBitAndTheReferencesToOneInAMillion() {
        Dataset data = MulticlassData.generate(700, 6, 4, true, 23);
        for (TrainingOptions options : new TrainingOptions[] {OPTIONS, OPTIONS.withOptimizer("newton")}) {
            long uploads = gpu.featureUploads();
            OneVsRestModel shared = fit(gpu, data, options);
            assertEquals(uploads + 1, gpu.featureUploads(), options.optimizer() + ": one upload of X for 4 classes");
            assertEquals(0, gpu.liveAllocations(), options.optimizer() + ": every term and the shared rows freed");
            OneVsRestModel reference;
            try (ReferenceBackend ref = new ReferenceBackend()) {
                reference = fit(ref, data, options);
            }
            for (int c = 0; c < 4; c++) {
                LogisticModel alone = Trainer.fit(gpu, data.oneVsRest(c), options, null).model();
                LogisticModel m = shared.models().get(c);
                String what = options.optimizer() + ", class " + c;
                assertArrayEquals(alone.coefficients(), m.coefficients(), what + ": coefficients, bit for bit");
                assertEquals(alone.intercept(), m.intercept(), what + ": intercept, bit for bit");
                LogisticModel r = reference.models().get(c);
                double scale = Math.max(1, Math.abs(r.intercept()));
                for (double b : r.coefficients()) scale = Math.max(scale, Math.abs(b));
                for (int j = 0; j < r.coefficients().length; j++) {
                    assertEquals(r.coefficients()[j], m.coefficients()[j], 1e-6 * scale, what + ": coefficient " + j + " against the reference");
                }
                assertEquals(r.intercept(), m.intercept(), 1e-6 * scale, what + ": intercept against the reference");
            }
            assertEquals(0, gpu.liveAllocations());
        }
    }

    @Test
    void refusesWhatOneVsRestCannotBindAndFreesNothingItDidNotMake() {
        Dataset data = MulticlassData.generate(50, 3, 3, false, 2);
        long live = gpu.liveAllocations();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.bindOneVsRest(data, Loss.multinomial(), BindOptions.DEFAULT));
        assertTrue(e.getMessage().contains("multinomial"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.bindOneVsRest(data, Loss.squaredHinge(), BindOptions.DEFAULT));
        assertTrue(e.getMessage().contains("gpu"), e.getMessage());
        assertEquals(live, gpu.liveAllocations());
    }

    @Test
    void closingTheBackendFreesAnOpenOneVsRestBind() {
        try (CudaBackend other = new CudaBackend(BackendOptions.DEFAULT)) {
            OneVsRestTerms terms = other.bindOneVsRest(MulticlassData.generate(80, 4, 3, true, 3), Loss.log(), BindOptions.DEFAULT);
            terms.forClass(0);
            terms.forClass(2);
            other.close();
            assertEquals(0, other.liveAllocations(), "the class terms and the shared rows freed with the backend");
            terms.close();  // idempotent after the backend closed it
            assertThrows(IllegalStateException.class, () -> terms.forClass(1));
        }
    }
}
