package dev.logreg.cpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendChoice;
import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resources, lifecycle, validation, and discovery through {@link BackendFactory}. */
class Nd4jBackendLifecycleTest {
    /**
     * Heap rows ({@code Dataset.wrap} of arrays), which a term copies into ND4J arrays that {@code liveAllocations}
     * counts; direct native-order rows (builder, readers) are read in place instead, see {@link Nd4jInPlaceBindTest}.
     */
    private static Dataset small() {
        return Fixtures.random(301, 7, true, new SplittableRandom(5));
    }

    /** Past {@link SmallDenseHessian}'s bound (rows·(n+1)² > 2^26): its Hessian takes ND4J's gemm and scratch. */
    private static Dataset wide() {
        return Fixtures.random(2003, 200, true, new SplittableRandom(6));
    }

    @Test
    void kClassLabelsBindWithTheMultinomialLossAndAreRefusedByABinaryLossBeforeAnyCopy() {
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT)) {
            Dataset three = Dataset.wrap(new float[] {1, 2, 3}, 1, new float[] {0, 1, 2}, null, 3);
            try (DataTerm multinomial = backend.bind(three, Loss.multinomial())) {
                assertEquals(3, multinomial.shape().outputs());
            }
            assertEquals(0, backend.liveAllocations());
            IllegalArgumentException binary = assertThrows(IllegalArgumentException.class, () -> backend.bind(three, Loss.log()));
            assertTrue(binary.getMessage().contains("3 classes"), binary.getMessage());
            assertEquals(0, backend.liveAllocations());
        }
    }

    @Test
    void liveAllocationsReturnToZeroAfterEveryTermIsClosed() {
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT)) {
            assertEquals(0, backend.liveAllocations());
            Dataset data = small();
            assertFalse(data.blocks().get(0).features().isDirect(), "this test is about the copy: its rows must be on the heap");
            DataTerm a = backend.bind(data, Loss.log());
            long afterOne = backend.liveAllocations();
            assertTrue(afterOne >= 3, "a weighted term holds features, labels and weights, got " + afterOne);
            Dataset wide = wide();
            DataTerm b = backend.bind(wide, Loss.mse(), BindOptions.permuted(9));
            double[] p = new double[wide.cols() + 1];
            double[] h = new double[(wide.cols() + 1) * (wide.cols() + 1)];
            b.hessian(p, h);  // allocates ND4J scratch, which must be freed too
            b.margins(0, 10, p, new double[10]);
            long total = backend.liveAllocations();
            assertTrue(total > 2 * afterOne, "the Hessian's ND4J scratch must be counted, got " + total + " for two terms of " + afterOne);
            a.close();
            assertEquals(total - afterOne, backend.liveAllocations(), "closing one term frees exactly its arrays");
            b.close();
            assertEquals(0, backend.liveAllocations());
            b.close();  // idempotent
            assertEquals(0, backend.liveAllocations());
        }
    }

    @Test
    void closingTheBackendClosesItsTermsAndUseAfterCloseThrows() {
        Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT.withThreads(1));
        Dataset data = small();
        DataTerm term = backend.bind(data, Loss.log());
        double[] p = new double[data.cols() + 1];
        double[] g = new double[data.cols() + 1];
        assertTrue(Double.isFinite(term.valueAndGradient(p, g)));
        backend.close();
        assertEquals(0, backend.liveAllocations());
        backend.close();  // idempotent
        assertThrows(IllegalStateException.class, () -> term.valueAndGradient(p, g));
        assertThrows(IllegalStateException.class, () -> term.value(p));
        assertThrows(IllegalStateException.class, () -> term.margins(0, 1, p, new double[1]));
        assertThrows(IllegalStateException.class, () -> term.hessian(p, new double[g.length * g.length]));
        assertThrows(IllegalStateException.class, () -> backend.bind(data, Loss.log()));

        Nd4jBackend other = new Nd4jBackend(BackendOptions.DEFAULT);
        DataTerm closedTerm = other.bind(data, Loss.log());
        closedTerm.close();
        assertThrows(IllegalStateException.class, () -> closedTerm.value(p));
        other.close();
    }

    @Test
    void badArgumentsAreRejectedWithTheValueInTheMessage() {
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT); DataTerm term = backend.bind(small(), Loss.log())) {
            double[] p = new double[8];
            double[] g = new double[8];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> term.valueAndGradient(new double[7], g));
            assertTrue(e.getMessage().contains("7"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> term.valueAndGradient(p, new double[3]));
            assertThrows(IllegalArgumentException.class, () -> term.value(5, 5, p));
            assertThrows(IllegalArgumentException.class, () -> term.value(-1, 5, p));
            e = assertThrows(IllegalArgumentException.class, () -> term.value(0, 302, p));
            assertTrue(e.getMessage().contains("302"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> term.margins(0, 10, p, new double[9]));
            assertThrows(IllegalArgumentException.class, () -> term.hessian(p, new double[63]));
        }
        assertThrows(IllegalArgumentException.class, () -> new BackendOptions(-1, 0));
    }

    @Test
    void factoryFindsCpuAndPrefersItToReferenceInAutoMode() {
        BackendFactory discovered = BackendFactory.discover();
        BackendProvider cpu = discovered.providers().stream().filter(p -> p.name().equals("cpu")).findFirst()
                .orElseThrow(() -> new AssertionError("no provider named cpu among " + discovered.report()));
        assertEquals(200, cpu.priority());
        Availability a = discovered.availability(cpu);
        assertTrue(a.usable(), "cpu backend unusable: " + a.reason());
        assertTrue(a.reason().contains("ND4J") && a.reason().contains("cores"), a.reason());
        // Auto mode, free of this process's LOGREG_BACKEND and -Dlogreg.backend; this machine has no GPU backend.
        BackendFactory clean = BackendFactory.of(discovered.providers(), Map.of(), new Properties());
        BackendFactory.Selection s = clean.select(BackendChoice.AUTO);
        assertEquals("cpu", s.name(), s.reason());
        try (Backend b = clean.open(BackendChoice.CPU, BackendOptions.DEFAULT.withThreads(1))) {
            assertEquals("cpu", b.name());
            assertTrue(b.description().contains("1 thread"), b.description());
        }
    }

    @Test
    void nd4jFailuresBecomeBackendExceptionsNamingTheOp() {
        BackendException e = assertThrows(BackendException.class, () -> Nd4jSupport.call("gemm z = X theta", () -> {
            throw new IllegalStateException("shape mismatch [3, 4] x [5, 1]");
        }));
        assertTrue(e.getMessage().contains("gemm z = X theta") && e.getMessage().contains("shape mismatch"), e.getMessage());
        assertTrue(e.getCause() instanceof IllegalStateException);
    }

    @Test
    void probeDescribesTheBackendInOneLine() {
        Availability a = new Nd4jBackendProvider().probe();
        assertTrue(a.usable(), a.reason());
        assertFalse(a.reason().isBlank());
        assertFalse(a.reason().contains("\n"), "one line expected: " + a.reason());
        assertTrue(a.reason().contains("ND4J") && a.reason().contains("first use"), "ND4J is named, and when it loads: " + a.reason());
        assertEquals("cpu", new Nd4jBackendProvider().name());
    }

    /** ND4J starts with the first ND4J array a backend needs, not before: a fused pass or margins over rows read in place need none. */
    @Test
    void nd4jStartsOnlyWhereAnNd4jPathRuns() {
        Dataset heap = small();
        RowBlock b = heap.blocks().get(0);
        FloatBuffer x = ByteBuffer.allocateDirect(b.features().limit() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer().put(b.features());
        FloatBuffer y = ByteBuffer.allocateDirect(b.labels().limit() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer().put(b.labels());
        Dataset direct = Dataset.wrap(x, heap.cols(), y, null, null);
        double[] p = new double[heap.cols() + 1];
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT); DataTerm term = backend.bind(direct, Loss.log())) {
            assertTrue(Double.isFinite(term.valueAndGradient(p, new double[p.length])));
            assertFalse(backend.nd4jStarted(), "the fused pass over rows read in place must not start ND4J");
            term.margins(0, heap.rows(), p, new double[(int) heap.rows()]);
            assertFalse(backend.nd4jStarted(), "margins (a cross-validation's scores) are a Java pass too");
            term.hessian(p, new double[(heap.cols() + 1) * (heap.cols() + 1)]);
            assertFalse(backend.nd4jStarted(), "a small Hessian (Newton, --stats on small data) is a Java pass too");
        }
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT); DataTerm term = backend.bind(heap, Loss.log(), BindOptions.permuted(3))) {
            assertTrue(Double.isFinite(term.valueAndGradient(p, new double[p.length])));
            assertFalse(backend.nd4jStarted(), "rows on the heap, or permuted (SGD, Adam), are copied into direct memory, not ND4J's");
        }
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.ND4J_GEMV); DataTerm term = backend.bind(direct, Loss.log())) {
            assertTrue(Double.isFinite(term.valueAndGradient(p, new double[p.length])));
            assertTrue(backend.nd4jStarted(), "the gemv pass runs on ND4J");
        }
    }

    /** A term's copied rows are freed when it closes, not when the garbage collector gets to them. */
    @Test
    void copiedRowsAreFreedOnClose() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        Dataset heap = wide();
        long bytes = 4L * heap.rows() * (heap.cols() + 2);
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT)) {
            long before = direct.getMemoryUsed();
            DataTerm term = backend.bind(heap, Loss.log());
            assertTrue(direct.getMemoryUsed() >= before + bytes, "the copy lives in direct memory: " + direct.getMemoryUsed() + " against " + before);
            term.close();
            assertTrue(direct.getMemoryUsed() <= before, "freed on close: " + direct.getMemoryUsed() + " against " + before);
            assertEquals(0, backend.liveAllocations());
        }
    }
}
