package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Binding reads direct native-order data in place and copies everything else; either way every result is the same
 * to the last bit (same chunks, same partition, same sums), for every pass, with one chunk or many.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Nd4jInPlaceBindTest {
    private Nd4jBackend fused;
    private Nd4jBackend gemv;
    private Nd4jBackend chunked;
    private Dataset weighted;
    private Dataset unweighted;

    @BeforeAll
    void open() {
        fused = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED);
        gemv = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.ND4J_GEMV);
        // Chunks of 1000 floats: many chunks, each a slice of the one block; ranges cross chunk edges.
        chunked = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED, 1000);
        weighted = Fixtures.random(5_003, 13, true, new SplittableRandom(31));
        unweighted = Fixtures.random(4_001, 9, false, new SplittableRandom(32));
    }

    @AfterAll
    void close() {
        fused.close();
        gemv.close();
        chunked.close();
    }

    /** The same rows in direct buffers of the given byte order (one block, as {@link Dataset#wrap} makes). */
    private static Dataset direct(Dataset heap, ByteOrder order) {
        RowBlock b = heap.blocks().get(0);
        assertEquals(1, heap.blocks().size(), "fixture data must be one block");
        FloatBuffer w = heap.isWeighted() ? copy(b.weights(), order) : null;
        return Dataset.wrap(copy(b.features(), order), heap.cols(), copy(b.labels(), order), w, null);
    }

    private static FloatBuffer copy(FloatBuffer src, ByteOrder order) {
        FloatBuffer dst = ByteBuffer.allocateDirect(src.limit() * Float.BYTES).order(order).asFloatBuffer();
        dst.put(0, src, 0, src.limit());
        return dst;
    }

    Iterable<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String backend : List.of("fused", "gemv", "chunked")) {
            for (boolean w : new boolean[] {true, false}) out.add(Arguments.of(backend, w));
        }
        return out;
    }

    private Nd4jBackend backend(String name) {
        switch (name) {
            case "fused": return fused;
            case "gemv": return gemv;
            case "chunked": return chunked;
            default: throw new IllegalArgumentException(name);
        }
    }

    @ParameterizedTest(name = "{0}, weighted {1}")
    @MethodSource("cases")
    void inPlaceAndCopiedTermsGiveBitIdenticalResults(String backendName, boolean isWeighted) {
        Nd4jBackend backend = backend(backendName);
        Dataset heap = isWeighted ? weighted : unweighted;
        Dataset native_ = direct(heap, ByteOrder.nativeOrder());
        double[] p = Fixtures.params(heap, new SplittableRandom(33));
        try (DataTerm copied = backend.bind(heap, Loss.log()); DataTerm inPlace = backend.bind(native_, Loss.log())) {
            int chunks = (int) ((heap.rows() + chunkRows(backend, heap) - 1) / chunkRows(backend, heap));
            assertEquals(0, ((Nd4jDataTerm) copied).chunksInPlace(), "heap data must be copied");
            assertEquals(chunks, ((Nd4jDataTerm) inPlace).chunksInPlace(), "direct native-order data must be read in place");
            assertSame(copied, inPlace, heap, p, backendName);
        }
    }

    @Test
    void bigEndianAndPermutedDirectDataAreCopiedAndGiveTheSameResults() {
        ByteOrder foreign = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Dataset swapped = direct(weighted, foreign);
        Dataset native_ = direct(weighted, ByteOrder.nativeOrder());
        double[] p = Fixtures.params(weighted, new SplittableRandom(34));
        try (DataTerm copied = chunked.bind(weighted, Loss.mse()); DataTerm fromSwapped = chunked.bind(swapped, Loss.mse())) {
            assertEquals(0, ((Nd4jDataTerm) fromSwapped).chunksInPlace(), "a byte-swapped buffer must be copied, not read in place");
            assertSame(copied, fromSwapped, weighted, p, "big-endian");
        }
        BindOptions permuted = BindOptions.permuted(35);
        try (DataTerm copied = chunked.bind(weighted, Loss.log(), permuted); DataTerm fromDirect = chunked.bind(native_, Loss.log(), permuted)) {
            assertEquals(0, ((Nd4jDataTerm) fromDirect).chunksInPlace(), "a permuted bind must gather rows into its own memory");
            assertSame(copied, fromDirect, weighted, p, "permuted");
        }
    }

    @Test
    void aTermReadInPlaceOwnsOnlyItsScratch() {
        Dataset native_ = direct(weighted, ByteOrder.nativeOrder());
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT)) {
            DataTerm term = backend.bind(native_, Loss.log());
            assertEquals(0, backend.liveAllocations(), "features, labels and weights read in place allocate nothing");
            int d = weighted.cols() + 1;
            term.hessian(new double[d], new double[d * d]);
            assertTrue(backend.liveAllocations() > 0, "the Hessian's ND4J scratch must be counted");
            term.close();
            assertEquals(0, backend.liveAllocations());
        }
    }

    private static long chunkRows(Nd4jBackend backend, Dataset data) {
        return Math.max(1, backend.chunkFloats() / data.cols());
    }

    /** Value, gradient, margins and Hessian of two terms over the same rows, compared bit for bit. */
    private static void assertSame(DataTerm expected, DataTerm actual, Dataset data, double[] p, String what) {
        long rows = data.rows();
        long[][] ranges = {{0, rows}, {17, rows - 3}, {999, 1001}};
        for (long[] r : ranges) {
            double[] e = Fixtures.evaluate(expected, r[0], r[1], p);
            double[] a = Fixtures.evaluate(actual, r[0], r[1], p);
            assertTrue(Double.isFinite(e[e.length - 1]), what + ": value over " + r[0] + ".." + r[1] + " is " + e[e.length - 1]);
            assertBits(e, a, what + " value and gradient over [" + r[0] + ", " + r[1] + ")");
            assertBits(new double[] {expected.value(r[0], r[1], p)}, new double[] {actual.value(r[0], r[1], p)}, what + " value");
        }
        int k = (int) (rows - 10);
        double[] me = new double[k];
        double[] ma = new double[k];
        expected.margins(5, 5 + k, p, me);
        actual.margins(5, 5 + k, p, ma);
        assertBits(me, ma, what + " margins");
        int d = data.cols() + 1;
        double[] he = new double[d * d];
        double[] ha = new double[d * d];
        expected.hessian(p, he);
        actual.hessian(p, ha);
        assertBits(he, ha, what + " Hessian");
    }

    private static void assertBits(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Double.doubleToRawLongBits(expected[i]) == Double.doubleToRawLongBits(actual[i]),
                    what + ": index " + i + " expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
