package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.io.NpyDataReader;
import dev.logreg.io.ReadOptions;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code .npy} file the reader maps (float32 features alone, labels in their own file) is bound in place: the
 * term reads the file's pages, allocates nothing for the rows and gives the same bits as the rows copied to the heap;
 * the file truncated or modified while bound is refused by name at the next pass, never a crash.
 */
class Nd4jMappedBindTest {
    @TempDir Path dir;

    private Path[] write(Dataset data) throws IOException {
        Path x = dir.resolve("X.npy");
        Path y = dir.resolve("y.npy");
        ByteBuffer xb = header("<f4", "(" + data.rows() + ", " + data.cols() + ")", data.rows() * data.cols() * 4);
        float[] row = new float[data.cols()];
        for (long i = 0; i < data.rows(); i++) {
            data.copyRow(i, row);
            for (float v : row) xb.putFloat(v);
        }
        Files.write(x, xb.array());
        ByteBuffer yb = header("<f4", "(" + data.rows() + ",)", data.rows() * 4);
        for (long i = 0; i < data.rows(); i++) yb.putFloat(data.label(i));
        Files.write(y, yb.array());
        return new Path[] {x, y};
    }

    /** A buffer holding an .npy (format 1.0) header, as numpy.save writes it, with room for {@code bytes} of data. */
    private static ByteBuffer header(String descr, String shape, long bytes) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String h = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(10 + h.length() + bytes)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
        return b.put(h.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void mappedRowsAreReadInPlaceWithTheBitsOfACopy() throws IOException {
        Dataset heap = Fixtures.random(3_001, 11, false, new SplittableRandom(41));
        Path[] f = write(heap);
        Dataset mapped = NpyDataReader.read(f[0], ReadOptions.DEFAULT.withLabelsFile(f[1])).dataset();
        assertTrue(mapped.isMapped());
        double[] p = Fixtures.params(heap, new SplittableRandom(42));
        // One chunk, and chunks of 1,000 floats (slices of the one mapped block).
        for (int chunkFloats : new int[] {Dataset.DEFAULT_BLOCK_CAPACITY, 1000}) {
            try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT, Nd4jBackend.Pass.FUSED, chunkFloats);
                 DataTerm copied = backend.bind(heap, Loss.log())) {
                long before = backend.liveAllocations();
                try (DataTerm inPlace = backend.bind(mapped, Loss.log())) {
                    long chunks = (heap.rows() + chunkFloats / heap.cols() - 1) / (chunkFloats / heap.cols());
                    assertEquals(chunks, ((Nd4jDataTerm) inPlace).chunksInPlace(), "every chunk of the mapped file is read in place");
                    assertEquals(before, backend.liveAllocations(), "the mapped rows cost no allocation");
                    for (long[] r : new long[][] {{0, heap.rows()}, {17, heap.rows() - 3}}) {
                        double[] e = Fixtures.evaluate(copied, r[0], r[1], p);
                        double[] a = Fixtures.evaluate(inPlace, r[0], r[1], p);
                        for (int i = 0; i < e.length; i++) {
                            assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]),
                                    "chunks of " + chunkFloats + " floats, rows " + r[0] + ".." + r[1] + ", index " + i);
                        }
                    }
                    double[] me = new double[(int) heap.rows()];
                    double[] ma = new double[(int) heap.rows()];
                    copied.margins(0, heap.rows(), p, me);
                    inPlace.margins(0, heap.rows(), p, ma);
                    for (int i = 0; i < me.length; i++) assertEquals(Double.doubleToRawLongBits(me[i]), Double.doubleToRawLongBits(ma[i]), "margin " + i);
                }
            }
        }
    }

    @Test
    void aFileTruncatedOrModifiedWhileBoundIsRefusedByNameAtTheNextPass() throws IOException {
        Dataset heap = Fixtures.random(2_000, 9, false, new SplittableRandom(43));
        double[] p = Fixtures.params(heap, new SplittableRandom(44));
        double[] g = new double[heap.cols() + 1];
        Path[] f = write(heap);
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT);
             DataTerm term = backend.bind(NpyDataReader.read(f[0], ReadOptions.DEFAULT.withLabelsFile(f[1])).dataset(), Loss.log())) {
            assertTrue(Double.isFinite(term.valueAndGradient(p, g)));
            try (RandomAccessFile raf = new RandomAccessFile(f[0].toFile(), "rw")) {
                raf.setLength(raf.length() / 2);
            }
            for (Runnable pass : new Runnable[] {() -> term.valueAndGradient(p, g), () -> term.value(0, heap.rows(), p),
                    () -> term.margins(0, heap.rows(), p, new double[(int) heap.rows()])}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, pass::run);
                assertTrue(e.getMessage().contains(f[0].toString()) && e.getMessage().contains("truncated"), e.getMessage());
            }
        }
        f = write(heap);
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT);
             DataTerm term = backend.bind(NpyDataReader.read(f[0], ReadOptions.DEFAULT.withLabelsFile(f[1])).dataset(), Loss.log())) {
            try (RandomAccessFile raf = new RandomAccessFile(f[0].toFile(), "rw")) {
                raf.seek(raf.length() - 4);
                raf.writeInt(Float.floatToIntBits(Float.NaN)); // a value changed in place, the size kept
            }
            Files.setLastModifiedTime(f[0], java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> term.valueAndGradient(p, g));
            assertTrue(e.getMessage().contains(f[0].toString()) && e.getMessage().contains("modified"), e.getMessage());
        }
    }
}
