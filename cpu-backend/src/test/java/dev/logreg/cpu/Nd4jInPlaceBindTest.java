package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.io.CsvDataReader;
import dev.logreg.io.NpyDataReader;
import dev.logreg.io.ReadOptions;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private Nd4jBackend scalarChunked;
    private Dataset weighted;
    private Dataset unweighted;

    @BeforeAll
    void open() {
        fused = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED);
        gemv = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.ND4J_GEMV);
        // Chunks of 1000 floats: many chunks, each a slice of the one block; ranges cross chunk edges.
        chunked = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED, 1000);
        // The scalar kernel (what ./logreg runs, without the Vector API module) over the same many chunks.
        scalarChunked = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED_SCALAR, 1000);
        weighted = Fixtures.random(5_003, 13, true, new SplittableRandom(31));
        unweighted = Fixtures.random(4_001, 9, false, new SplittableRandom(32));
    }

    @AfterAll
    void close() {
        fused.close();
        gemv.close();
        chunked.close();
        scalarChunked.close();
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
        for (String backend : List.of("fused", "gemv", "chunked", "scalar-chunked")) {
            for (boolean w : new boolean[] {true, false}) out.add(Arguments.of(backend, w));
        }
        return out;
    }

    private Nd4jBackend backend(String name) {
        switch (name) {
            case "fused": return fused;
            case "gemv": return gemv;
            case "chunked": return chunked;
            case "scalar-chunked": return scalarChunked;
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

    /**
     * Rows in several direct blocks (as a parallel CSV read leaves them), cut where no chunk ends: each chunk reads
     * the parts of the blocks it straddles where they are, copies nothing, and every pass gives the bits of the heap
     * copy, binary and softmax, with one chunk and with many.
     */
    @ParameterizedTest(name = "{0}, weighted {1}")
    @MethodSource("cases")
    void chunksStraddlingBlocksAreReadInPlaceWithTheSameBits(String backendName, boolean isWeighted) {
        Nd4jBackend backend = backend(backendName);
        Dataset heap = isWeighted ? weighted : unweighted;
        Dataset spread = inBlocks(heap, new long[] {0, 1, 778, 779, 2_345, heap.rows() - 5, heap.rows()});
        assertEquals(6, spread.blocks().size(), "the fixture must be spread over six blocks");
        double[] p = Fixtures.params(heap, new SplittableRandom(37));
        long before = backend.liveAllocations();
        try (DataTerm alone = backend.bind(spread, Loss.log())) {
            assertEquals(before, backend.liveAllocations(), "rows read in place across blocks allocate nothing");
        }
        try (DataTerm copied = backend.bind(heap, Loss.log()); DataTerm inPlace = backend.bind(spread, Loss.log())) {
            long chunks = (heap.rows() + chunkRows(backend, heap) - 1) / chunkRows(backend, heap);
            assertEquals(chunks, ((Nd4jDataTerm) inPlace).chunksInPlace(), "every chunk must be read in place");
            assertSame(copied, inPlace, heap, p, backendName + " across blocks");
            int d = heap.cols() + 1;
            double[] v = Fixtures.params(heap, new SplittableRandom(38));
            double[] he = new double[d];
            double[] ha = new double[d];
            copied.hessianVector(p, v, he);
            inPlace.hessianVector(p, v, ha);
            assertBits(he, ha, backendName + " Hessian-vector product across blocks");
            assertBits(new double[] {copied.weightSum(3, heap.rows() - 2)}, new double[] {inPlace.weightSum(3, heap.rows() - 2)},
                    backendName + " weight sum across blocks");
        }
        Dataset classes = withClasses(heap, 3);
        Dataset spreadClasses = inBlocks(classes, new long[] {0, 1_000, 1_003, classes.rows()});
        double[] q = new double[3 * (heap.cols() + 1)];
        SplittableRandom rnd = new SplittableRandom(39);
        for (int i = 0; i < q.length; i++) q[i] = rnd.nextDouble(-0.2, 0.2);
        try (DataTerm copied = backend.bind(classes, Loss.multinomial()); DataTerm inPlace = backend.bind(spreadClasses, Loss.multinomial())) {
            double[] ge = new double[q.length];
            double[] ga = new double[q.length];
            double ve = copied.valueAndGradient(q, ge);
            double va = inPlace.valueAndGradient(q, ga);
            assertTrue(Double.isFinite(ve), "softmax value " + ve);
            assertBits(new double[] {ve}, new double[] {va}, backendName + " softmax value across blocks");
            assertBits(ge, ga, backendName + " softmax gradient across blocks");
            int k = (int) classes.rows() - 7;
            double[] me = new double[3 * k];
            double[] ma = new double[3 * k];
            copied.margins(7, classes.rows(), q, me);
            inPlace.margins(7, classes.rows(), q, ma);
            assertBits(me, ma, backendName + " softmax margins across blocks");
        }
    }

    /** The rows of {@code heap} as one direct native-order block per range [cuts[i], cuts[i+1]), concatenated. */
    private static Dataset inBlocks(Dataset heap, long[] cuts) {
        List<Dataset> parts = new ArrayList<>();
        int n = heap.cols();
        for (int i = 0; i + 1 < cuts.length; i++) {
            int from = (int) cuts[i];
            int rows = (int) (cuts[i + 1] - cuts[i]);
            FloatBuffer x = ByteBuffer.allocateDirect(rows * n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            FloatBuffer y = ByteBuffer.allocateDirect(rows * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            FloatBuffer w = heap.isWeighted() ? ByteBuffer.allocateDirect(rows * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer() : null;
            float[] row = new float[n];
            for (int r = 0; r < rows; r++) {
                heap.copyRow(from + r, row);
                x.put(r * n, row);
                y.put(r, heap.label(from + r));
                if (w != null) w.put(r, heap.weight(from + r));
            }
            parts.add(Dataset.wrap(x, n, y, w, null, heap.classes()));
        }
        return Dataset.concat(parts);
    }

    /** The same features and weights (the fixture's one heap block, shared) with labels i mod {@code k}: K classes. */
    private static Dataset withClasses(Dataset heap, int k) {
        float[] y = new float[(int) heap.rows()];
        for (int r = 0; r < y.length; r++) y[r] = r % k;
        RowBlock b = heap.blocks().get(0);
        return Dataset.wrap(b.features(), heap.cols(), FloatBuffer.wrap(y), heap.isWeighted() ? b.weights() : null, null, k);
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
        // Past SmallDenseHessian's bound (rows·(n+1)² > 2^26), so that the Hessian takes ND4J's gemm and scratch.
        Dataset wide = Fixtures.random(2003, 200, true, new SplittableRandom(36));
        Dataset native_ = direct(wide, ByteOrder.nativeOrder());
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT)) {
            DataTerm term = backend.bind(native_, Loss.log());
            assertEquals(0, backend.liveAllocations(), "features, labels and weights read in place allocate nothing");
            int d = wide.cols() + 1;
            term.hessian(new double[d], new double[d * d]);
            assertTrue(backend.liveAllocations() > 0, "the Hessian's ND4J scratch must be counted");
            term.close();
            assertEquals(0, backend.liveAllocations());
        }
    }

    /**
     * What users get: a dataset appended row by row through {@link Dataset#builder} (what the LIBSVM reader uses),
     * and ones read from a {@code .npy} or a CSV file by io's readers are direct native-order,
     * so they are bound in place, with no ND4J allocation for their rows, and give the same bits as the heap copy.
     */
    @Test
    void builtAndNpyReadDatasetsAreBoundInPlace(@TempDir Path dir) throws IOException {
        Dataset built = rebuild(weighted);
        assertEquals(1, built.blocks().size(), "the fixture fits one block");
        Path f4 = writeNpy(dir.resolve("unweighted-f4.npy"), unweighted, false);
        Path f8 = writeNpy(dir.resolve("unweighted-f8-big-endian.npy"), unweighted, true);
        Dataset fromF4 = NpyDataReader.read(f4, ReadOptions.DEFAULT).dataset();
        Dataset fromF8 = NpyDataReader.read(f8, ReadOptions.DEFAULT).dataset();
        Dataset fromCsv = CsvDataReader.read(writeCsv(dir.resolve("weighted.csv"), weighted), ReadOptions.DEFAULT.withWeightColumn("w")).dataset();
        Object[][] cases = {{"builder", built, weighted}, {"<f4 .npy", fromF4, unweighted}, {">f8 .npy", fromF8, unweighted},
                {"csv", fromCsv, weighted}};
        for (Object[] c : cases) {
            String what = (String) c[0];
            Dataset data = (Dataset) c[1];
            Dataset heap = (Dataset) c[2];
            double[] p = Fixtures.params(heap, new SplittableRandom(36));
            for (Nd4jBackend backend : new Nd4jBackend[] {fused, chunked}) {
                long chunks = (heap.rows() + chunkRows(backend, heap) - 1) / chunkRows(backend, heap);
                try (DataTerm copied = backend.bind(heap, Loss.log()); DataTerm inPlace = backend.bind(data, Loss.log())) {
                    assertEquals(chunks, ((Nd4jDataTerm) inPlace).chunksInPlace(), what + ": every chunk must be read in place");
                    assertSame(copied, inPlace, heap, p, what);
                }
            }
            try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT); DataTerm term = backend.bind(data, Loss.log())) {
                assertEquals(0, backend.liveAllocations(), what + ": rows read in place allocate nothing");
                double[] g = new double[heap.cols() + 1];
                assertTrue(Double.isFinite(term.valueAndGradient(p, g)), what + ": value");
            }
        }
    }

    /** Writes {@code data} as CSV (features f0.., label, w), each float in its shortest exact decimal form. */
    private static Path writeCsv(Path p, Dataset data) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < data.cols(); j++) sb.append('f').append(j).append(',');
        sb.append("label,w\n");
        for (long i = 0; i < data.rows(); i++) {
            for (int j = 0; j < data.cols(); j++) sb.append(Float.toString(data.feature(i, j))).append(',');
            sb.append((int) data.label(i)).append(',').append(Float.toString(data.weight(i))).append('\n');
        }
        return Files.writeString(p, sb);
    }

    /** The same rows appended one at a time through the builder. */
    private static Dataset rebuild(Dataset heap) {
        Dataset.Builder b = Dataset.builder(heap.cols());
        float[] row = new float[heap.cols()];
        for (long i = 0; i < heap.rows(); i++) {
            heap.copyRow(i, row);
            if (heap.isWeighted()) b.addRow(row, heap.label(i), heap.weight(i));
            else b.addRow(row, heap.label(i));
        }
        return b.build();
    }

    /**
     * Writes {@code data} as a .npy matrix of rows x (cols + 1), the label last (format 1.0, as numpy.save does):
     * little-endian float32, or big-endian float64 (which the reader converts and byte-swaps).
     */
    private static Path writeNpy(Path p, Dataset data, boolean bigEndianDoubles) throws IOException {
        int width = data.cols() + 1;
        String dict = "{'descr': '" + (bigEndianDoubles ? ">f8" : "<f4") + "', 'fortran_order': False, 'shape': (" + data.rows() + ", " + width + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        int item = bigEndianDoubles ? 8 : 4;
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(10 + header.length() + data.rows() * width * item)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.order(bigEndianDoubles ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        float[] row = new float[data.cols()];
        for (long i = 0; i < data.rows(); i++) {
            data.copyRow(i, row);
            for (float v : row) {
                if (bigEndianDoubles) b.putDouble(v);
                else b.putFloat(v);
            }
            if (bigEndianDoubles) b.putDouble(data.label(i));
            else b.putFloat(data.label(i));
        }
        Files.write(p, b.array());
        return p;
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
