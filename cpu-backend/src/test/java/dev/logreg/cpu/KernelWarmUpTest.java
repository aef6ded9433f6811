package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JIT warm-up that {@code logreg train} starts while it reads the data: it runs, ends, and changes no result. */
class KernelWarmUpTest {
    @Test
    void everyWidthRunsBothKernelsToTheSameFiniteValue() {
        boolean simd = Nd4jSupport.vectorApiAvailable();  // the module's tests run with it (cpu-backend/pom.xml)
        for (int n : new int[] {1, 7, 128, 3000}) {
            double scalar = KernelWarmUp.run(n, false);
            assertTrue(Double.isFinite(scalar) && scalar > 0, n + " columns: " + scalar);
            assertEquals(scalar, KernelWarmUp.run(n, false), 0.0, n + " columns: the same value twice");
            if (simd) {
                double vector = KernelWarmUp.run(n, true);
                assertEquals(scalar, vector, 1e-12 * scalar, n + " columns: the SIMD kernel over the same rows");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> KernelWarmUp.run(0, false));
    }

    @Test
    void theBackgroundThreadIsALowPriorityDaemonThatEnds() throws InterruptedException {
        Thread t = KernelWarmUp.startInBackground(KernelWarmUp.COLUMNS, false);
        assertTrue(t.isDaemon(), "a JVM that exits must not wait for it");
        assertEquals(Thread.MIN_PRIORITY, t.getPriority());
        t.join(120_000);  // a hang guard, not a timing: it ends in well under a second
        assertFalse(t.isAlive());
    }

    @Test
    void aPassAfterPrepareHasTheSameBitsAsBefore() {
        Dataset data = Fixtures.random(5_000, 40, true, new SplittableRandom(19));
        double[] p = Fixtures.params(data, new SplittableRandom(20));
        double[] before;
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED_SCALAR);
             DataTerm term = cpu.bind(data, Loss.log())) {
            before = Fixtures.evaluate(term, 0, data.rows(), p);
        }
        Nd4jBackendProvider provider = new Nd4jBackendProvider();
        provider.prepare();
        provider.prepare();  // once per provider: the second call starts nothing
        KernelWarmUp.run(40, false);  // and the kernel compiled (or still compiling) on this thread too
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED_SCALAR);
             DataTerm term = cpu.bind(data, Loss.log())) {
            assertArrayEquals(before, Fixtures.evaluate(term, 0, data.rows(), p), "strict floating point in every JIT tier");
        }
    }
}
