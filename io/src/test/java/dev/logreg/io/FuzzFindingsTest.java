package dev.logreg.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the fuzz tests found, each as a plain test of the input that failed (the same inputs are in the fuzz tests'
 * committed corpora, under {@code src/test/resources/dev/logreg/io/}).
 */
class FuzzFindingsTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /**
     * A weighted CSV file whose weights are all zero was refused by the dataset with a message that named no file
     * (CsvFuzzTestInputs/csv/zero-weights.csv).
     */
    @Test
    void allZeroWeightsAreRefusedNamingTheFile() throws IOException {
        Path p = write("zero.csv", "a,b,w,label\n1,2,0,0\n3,4,0,1\n".getBytes(StandardCharsets.UTF_8));
        ReadOptions o = ReadOptions.DEFAULT.withWeightColumn("w");
        for (IllegalArgumentException e : new IllegalArgumentException[] {
                assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(p, o)),
                assertThrows(IllegalArgumentException.class, () -> FastCsvDataReader.read(p, o))}) {
            assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("every sample weight is zero"), e.getMessage());
        }
    }

    /**
     * The label 0 written "-0" was looked up as -0.0, which a binary search over the classes orders before 0.0: the row
     * kept the id -1 and the dataset refused "label at row 0 is -1.0", naming no file (CsvFuzzTestInputs/csv/minus-zero-label*).
     */
    @Test
    void theLabelMinusZeroIsTheLabelZero() throws IOException {
        Path p = write("minus-zero.csv", "a,label\n1,-0\n2,1\n3,0\n".getBytes(StandardCharsets.UTF_8));
        for (LoadedData d : new LoadedData[] {CsvDataReader.read(p, ReadOptions.DEFAULT), FastCsvDataReader.read(p, ReadOptions.DEFAULT)}) {
            assertEquals(LabelMapping.ZERO_ONE, d.labels());
            assertEquals(0f, d.dataset().label(0));
            assertEquals(1f, d.dataset().label(1));
            assertEquals(0f, d.dataset().label(2));
        }
        Path alone = write("minus-zero-alone.csv", "a,label\n1,-0\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(0f, CsvDataReader.read(alone, ReadOptions.DEFAULT).dataset().label(0));
    }

    /**
     * A bad label in a separate labels file was reported at the features file's row, as if the matrix held it
     * (NpyFuzzTestInputs/npyLabels/bad-label.npy).
     */
    @Test
    void aBadLabelInALabelsFileNamesTheLabelsFile() throws IOException {
        Path x = dir.resolve("x.npy");
        NpyFiles.write(x, "<f4", false, new long[] {2, 1}, NpyFiles.floats(1, 2));
        Path y = dir.resolve("y.npy");
        NpyFiles.write(y, "<f4", false, new long[] {2}, NpyFiles.floats(0, 0.5f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(x, ReadOptions.DEFAULT.withLabelsFile(y)));
        assertTrue(e.getMessage().contains(y + " row 1: label 0.5"), e.getMessage());
    }

    /**
     * A shape entry that is not an integer escaped as NumberFormatException's "For input string", naming no file; a
     * shape whose byte count overflows a long escaped as ArithmeticException (NpyFuzzTestInputs/npy/finding-shape-*).
     */
    @Test
    void aBadShapeIsRefusedNamingTheFile() throws IOException {
        Path word = write("word.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", new byte[24]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(word, ReadOptions.DEFAULT));
        assertEquals(word + ": shape entry 'x' is not an integer", e.getMessage());
        Path huge = write("huge.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 3), }", new byte[24]));
        e = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(huge, ReadOptions.DEFAULT));
        assertEquals(huge + ": shape [4611686018427387904, 3] is too large (over 2^63 bytes of data)", e.getMessage());
    }

    /**
     * A float32 matrix with a NaN feature in row 0 and a bad label in row 1 was refused for the label (labels are checked
     * as rows are copied, float32 features when the block is complete), and for the NaN where the blocks were one row:
     * the first error depended on the block size (NpyFuzzTestInputs/npy/finding-bad-label-after-nan-feature.npy).
     */
    @Test
    void theFirstBadRowIsNamedWhateverTheBlockSize() throws IOException {
        Path p = dir.resolve("nan-then-label.npy");
        NpyFiles.write(p, ">f4", false, new long[] {2, 3}, NpyFiles.floats(java.nio.ByteOrder.BIG_ENDIAN, Float.NaN, 1, 1, 2, 0, 3));
        for (int block : new int[] {1, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(p, ReadOptions.DEFAULT, block));
            assertEquals(p + ": feature at row 0, column 0 is NaN, expected a finite number", e.getMessage());
        }
    }

    /**
     * A model file whose first bytes made Jackson read it as UTF-32 failed with Jackson's CharConversionException, an
     * IOException, where a corrupt file is documented as an IllegalArgumentException
     * (ModelFileFuzzTestInputs/modelFile/finding-utf32-garbage.json).
     */
    @Test
    void aModelFileInNoJsonEncodingIsRefusedAsCorrupt() throws IOException {
        Path p = write("model.json", new byte[] {0, 0, 0, 0, ',', '2', ',', '3', ']', '/'});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(p));
        assertEquals(p + " is not a valid model file (its bytes are not JSON text in UTF-8, UTF-16 or UTF-32)", e.getMessage());
    }

    /** A version 1.0 {@code .npy} file of header dictionary {@code dict} (padded as numpy pads it) and {@code data}. */
    private static byte[] npy(String dict, byte[] data) {
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] h = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + data.length];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, (byte) (h.length >> 8)};
        System.arraycopy(magic, 0, out, 0, 10);
        System.arraycopy(h, 0, out, 10, h.length);
        System.arraycopy(data, 0, out, 10 + h.length, data.length);
        return out;
    }

    /**
     * A parallel read of a file with a bad line stopped its other pieces with {@code shutdownNow()}; a piece
     * interrupted in a read closed the shared {@code FileChannel}, and the sequential read that names the bad line
     * then failed with {@code ClosedChannelException} (CsvFuzzTestInputs/csv/finding-parallel-closed-channel.csv).
     * A race, so the read is repeated; before the fix this test failed with that exception.
     */
    @Test
    void aParallelReadOfABadFileNamesTheBadLine() throws IOException {
        StringBuilder text = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 2000; i++) text.append(i).append(",2,0\n");
        text.append("1,x,0\n");
        for (int i = 0; i < 2000; i++) text.append(i).append(",2,1\n");
        Path p = write("bad.csv", text.toString().getBytes(StandardCharsets.UTF_8));
        for (int run = 0; run < 20; run++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(p, ReadOptions.DEFAULT, 8, 0));
            assertEquals(p + " line 2002, column 'b' (2): cannot parse 'x' as a number", e.getMessage());
        }
        Path fuzzed = write("fuzzed.csv", new byte[] {'a', ',', 'b', ',', 'l', 'a', 'b', 'e', 'l', '\n', 'l', (byte) 0xf6, (byte) 0xce, (byte) 0xd3,
                (byte) 0xce, (byte) 0xd3, (byte) 0xcd, (byte) 0xd3, (byte) 0xd6, 'a', ',', ',', 'b', ',', 'l', '\n', 'a', 'b', 'e', 'l', '1', ',',
                '2', ',', '0', ',', '\n'});
        for (int run = 0; run < 20; run++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(fuzzed, ReadOptions.DEFAULT, 2, 0, 5));
            assertTrue(e.getMessage().startsWith(fuzzed + " line 2"), e.getMessage());
        }
    }
}
