package dev.logreg.io;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyDataReaderTest {
    @TempDir
    Path dir;

    @Test
    void float32WithLabelsInTheLastColumn() throws IOException {
        Path p = dir.resolve("x.npy");
        NpyFiles.write(p, "<f4", false, new long[] {3, 3}, NpyFiles.floats(1, 2, 0, 3, 4, 1, 5, 6.5f, 1));
        LoadedData d = DataReaders.read(p, ReadOptions.DEFAULT);
        Dataset x = d.dataset();
        assertEquals(3, x.rows());
        assertEquals(2, x.cols());
        assertEquals(6.5f, x.feature(2, 1));
        assertEquals(0f, x.label(0));
        assertEquals(1f, x.label(2));
        Path y = dir.resolve("y.npy");
        NpyFiles.write(y, "|u1", false, new long[] {3}, new byte[] {1, 0, 1});
        Path f = dir.resolve("f.npy");
        NpyFiles.write(f, "<f4", false, new long[] {3, 2}, NpyFiles.floats(1, 2, 3, 4, 5, 6.5f));
        Dataset z = DataReaders.read(f, ReadOptions.DEFAULT.withLabelsFile(y)).dataset();
        assertEquals(2, z.cols());
        assertEquals(6.5f, z.feature(2, 1));
        assertEquals(3f, z.feature(1, 0));
        assertEquals(1f, z.label(0));
        assertEquals(0f, z.label(1));
    }

    @Test
    void float64BigEndianWithASeparateLabelsFile() throws IOException {
        Path p = dir.resolve("x.npy");
        ByteBuffer b = ByteBuffer.allocate(8 * 4).order(ByteOrder.BIG_ENDIAN);
        for (double v : new double[] {0.25, -1, 3, 1e-3}) b.putDouble(v);
        NpyFiles.write(p, ">f8", false, new long[] {2, 2}, b.array());
        Path y = dir.resolve("y.npy");
        NpyFiles.write(y, "<i8", false, new long[] {2}, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(1).array());
        LoadedData d = DataReaders.read(p, ReadOptions.DEFAULT.withLabelsFile(y));
        assertEquals(LabelMapping.MINUS_ONE_PLUS_ONE, d.labels());
        assertEquals(2, d.dataset().cols());
        assertEquals(-1f, d.dataset().feature(0, 1));
        assertEquals(1e-3f, d.dataset().feature(1, 1));
        assertEquals(0f, d.dataset().label(0));
        assertEquals(1f, d.dataset().label(1));
    }

    @Test
    void withoutLabelsForAModelOfThatWidth() throws IOException {
        Path p = dir.resolve("x.npy");
        NpyFiles.write(p, "<f4", false, new long[] {2, 2}, NpyFiles.floats(1, 2, 3, 4));
        LoadedData d = DataReaders.read(p, ReadOptions.DEFAULT.withLabelRequired(false).withFeatureCount(2));
        assertFalse(d.hasLabels());
        assertEquals(4f, d.dataset().feature(1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT.withFeatureCount(2)));
        assertTrue(e.getMessage().contains("no labels"), e.getMessage());
    }

    @Test
    void largeMatrixAcrossChunksIsExact() throws IOException {
        int rows = 70000;
        int cols = 33; // 9.2 MB: more than one 8 MiB chunk, rows not aligned to it
        float[] v = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols - 1; j++) v[i * cols + j] = i * 0.5f + j;
            v[i * cols + cols - 1] = i % 2;
        }
        Path p = dir.resolve("big.npy");
        NpyFiles.write(p, "<f4", false, new long[] {rows, cols}, NpyFiles.floats(v));
        Dataset d = DataReaders.read(p, ReadOptions.DEFAULT).dataset();
        assertEquals(rows, d.rows());
        assertEquals(cols - 1, d.cols());
        for (int i : new int[] {0, 1, 63550, 63551, rows - 1}) {
            assertEquals(i * 0.5f + 7, d.feature(i, 7), "row " + i);
            assertEquals(i % 2, d.label(i), "label of row " + i);
        }
        // The same file as features alone (a model of 33 features, no labels): copied chunk by chunk in bulk.
        Dataset f = DataReaders.read(p, ReadOptions.DEFAULT.withLabelRequired(false).withFeatureCount(cols)).dataset();
        assertEquals(cols, f.cols());
        for (int i : new int[] {0, 1, 63550, 63551, rows - 1}) {
            assertEquals(i * 0.5f + 7, f.feature(i, 7), "row " + i);
            assertEquals(i % 2, f.feature(i, cols - 1), "last column of row " + i);
        }
    }

    /** A rows x (cols + 1) float matrix, the last column a 0/1 label, values distinct per cell. */
    private static float[] matrixWithLabels(int rows, int cols, SplittableRandom rnd) {
        float[] v = new float[rows * (cols + 1)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) v[i * (cols + 1) + j] = (float) (i * 10 + j + rnd.nextDouble());
            v[i * (cols + 1) + cols] = rnd.nextInt(2);
        }
        return v;
    }

    private static void assertDirectExactBlocks(Dataset d, String what) {
        for (RowBlock b : d.blocks()) {
            String at = what + ", block at row " + b.firstRow();
            assertTrue(b.features().isDirect() && b.labels().isDirect(), at + ": features and labels must be direct buffers");
            assertEquals(ByteOrder.nativeOrder(), b.features().order(), at + ": features in native byte order");
            assertEquals(ByteOrder.nativeOrder(), b.labels().order(), at + ": labels in native byte order");
            assertEquals(b.rows() * (long) b.cols(), b.features().capacity(), at + ": a buffer of exactly its rows");
            assertEquals(b.rows(), b.labels().capacity(), at + ": labels of exactly its rows");
        }
    }

    /**
     * Every layout the reader handles (float32 features copied in bulk, as they are or byte-swapped; float32 with a
     * label column split off row by row; float64 converted), in one block and in blocks of 7 rows: the same rows, in
     * direct native-order blocks of exactly their rows.
     */
    @Test
    void everyLayoutGivesTheSameRowsInDirectNativeOrderBlocks() throws IOException {
        int rows = 50;
        int cols = 3;
        float[] v = matrixWithLabels(rows, cols, new SplittableRandom(50L));
        double[] wide = new double[v.length];
        for (int i = 0; i < v.length; i++) wide[i] = v[i];
        // Features alone with labels in a separate file: the layout copied from the staging buffer in bulk.
        float[] x = new float[rows * cols];
        byte[] y = new byte[rows];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(v, i * (cols + 1), x, i * cols, cols);
            y[i] = (byte) v[i * (cols + 1) + cols];
        }
        Path labels = dir.resolve("y.npy");
        NpyFiles.write(labels, "|u1", false, new long[] {rows}, y);
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("<f4 with labels", write("f4.npy", "<f4", rows, cols + 1, NpyFiles.floats(v)));
        files.put(">f4 with labels", write("bf4.npy", ">f4", rows, cols + 1, NpyFiles.floats(ByteOrder.BIG_ENDIAN, v)));
        files.put("<f8 with labels", write("f8.npy", "<f8", rows, cols + 1, NpyFiles.doubles(wide)));
        files.put(">f8 with labels", write("bf8.npy", ">f8", rows, cols + 1, NpyFiles.doubles(ByteOrder.BIG_ENDIAN, wide)));
        files.put("<f4 features", write("x.npy", "<f4", rows, cols, NpyFiles.floats(x)));
        files.put(">f4 features", write("bx.npy", ">f4", rows, cols, NpyFiles.floats(ByteOrder.BIG_ENDIAN, x)));

        int capacity = 7 * cols + 2; // 7 rows per block, capacity not a multiple of the row width
        for (Map.Entry<String, Path> f : files.entrySet()) {
            String what = f.getKey();
            ReadOptions o = what.endsWith("features") ? ReadOptions.DEFAULT.withLabelsFile(labels) : ReadOptions.DEFAULT;
            Dataset one = NpyDataReader.read(f.getValue(), o).dataset();
            assertEquals(1, one.blocks().size(), what + ": a small file is one block");
            Dataset many = NpyDataReader.read(f.getValue(), o, capacity).dataset();
            assertEquals(8, many.blocks().size(), what + ": 7 blocks of 7 rows and one of 1");
            for (Dataset d : new Dataset[] {one, many}) {
                assertDirectExactBlocks(d, what);
                assertEquals(rows, d.rows(), what);
                assertEquals(cols, d.cols(), what);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        assertEquals(v[i * (cols + 1) + j], d.feature(i, j), what + ": feature at row " + i + ", column " + j);
                    }
                    assertEquals(v[i * (cols + 1) + cols], d.label(i), what + ": label of row " + i);
                }
            }
            long next = 0;
            for (RowBlock b : many.blocks()) {
                assertEquals(next, b.firstRow(), what + ": blocks are contiguous");
                assertTrue(b.rows() * (long) b.cols() <= capacity, what + ": block of " + b.rows() + " rows exceeds the capacity");
                next += b.rows();
            }
            assertEquals(rows, next);
        }
        // The block size decides the blocks, whole rows each.
        Path f4 = files.get("<f4 with labels");
        assertEquals(1, NpyDataReader.read(f4, ReadOptions.DEFAULT, rows * cols).dataset().blocks().size());
        assertEquals(2, NpyDataReader.read(f4, ReadOptions.DEFAULT, 25 * cols).dataset().blocks().size());
        assertEquals(50, NpyDataReader.read(f4, ReadOptions.DEFAULT, 1).dataset().blocks().size(), "at least one row per block");
    }

    /** Rows without labels (for a model of that width): every label is the placeholder 0, in every block. */
    @Test
    void unlabelledRowsAcrossBlocks() throws IOException {
        float[] x = new float[20 * 2];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.5f;
        Path p = write("u.npy", "<f4", 20, 2, NpyFiles.floats(x));
        LoadedData d = NpyDataReader.read(p, ReadOptions.DEFAULT.withLabelRequired(false).withFeatureCount(2), 3 * 2);
        assertFalse(d.hasLabels());
        assertEquals(7, d.dataset().blocks().size());
        assertDirectExactBlocks(d.dataset(), "unlabelled");
        for (int i = 0; i < 20; i++) {
            assertEquals(0f, d.dataset().label(i), "placeholder label of row " + i);
            assertEquals(x[i * 2 + 1], d.dataset().feature(i, 1), "row " + i);
        }
    }

    private Path write(String name, String descr, int rows, int cols, byte[] data) throws IOException {
        Path p = dir.resolve(name);
        NpyFiles.write(p, descr, false, new long[] {rows, cols}, data);
        return p;
    }

    @Test
    void badValuesInALaterBlockNameTheirRowAndColumn() throws IOException {
        int rows = 40;
        int cols = 3;
        float[] v = matrixWithLabels(rows, cols, new SplittableRandom(40L));
        v[33 * (cols + 1) + 2] = Float.POSITIVE_INFINITY;
        Path p = dir.resolve("inf.npy");
        NpyFiles.write(p, "<f4", false, new long[] {rows, cols + 1}, NpyFiles.floats(v));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(p, ReadOptions.DEFAULT, 5 * cols));
        assertTrue(e.getMessage().contains("row 33, column 2") && e.getMessage().contains(p.toString()), e.getMessage());
        Path big = dir.resolve("inf-big-endian.npy");
        NpyFiles.write(big, ">f4", false, new long[] {rows, cols + 1}, NpyFiles.floats(ByteOrder.BIG_ENDIAN, v));
        e = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(big, ReadOptions.DEFAULT, 5 * cols));
        assertTrue(e.getMessage().contains("row 33, column 2") && e.getMessage().contains("Infinity"), e.getMessage());

        // Features alone, copied into the blocks in bulk: a NaN in the fifth block.
        float[] x = new float[rows * cols];
        x[27 * cols + 1] = Float.NaN;
        Path q0 = write("nan-features.npy", "<f4", rows, cols, NpyFiles.floats(x));
        e = assertThrows(IllegalArgumentException.class,
                () -> NpyDataReader.read(q0, ReadOptions.DEFAULT.withLabelRequired(false).withFeatureCount(cols), 6 * cols));
        assertTrue(e.getMessage().contains("row 27, column 1") && e.getMessage().contains("NaN") && e.getMessage().contains(q0.toString()), e.getMessage());

        double[] wide = new double[v.length];
        for (int i = 0; i < v.length; i++) wide[i] = Float.isFinite(v[i]) ? v[i] : 1;
        wide[29 * (cols + 1) + 1] = Double.NaN;
        Path q = dir.resolve("nan.npy");
        NpyFiles.write(q, "<f8", false, new long[] {rows, cols + 1}, NpyFiles.doubles(wide));
        e = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(q, ReadOptions.DEFAULT, 5 * cols));
        assertTrue(e.getMessage().contains("row 29, column 1") && e.getMessage().contains("not finite"), e.getMessage());

        wide[29 * (cols + 1) + 1] = 1e39;
        NpyFiles.write(q, ">f8", false, new long[] {rows, cols + 1}, NpyFiles.doubles(ByteOrder.BIG_ENDIAN, wide));
        e = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(q, ReadOptions.DEFAULT, 5 * cols));
        assertTrue(e.getMessage().contains("row 29, column 1") && e.getMessage().contains("overflows float32"), e.getMessage());

        wide[29 * (cols + 1) + 1] = 0.5;
        wide[31 * (cols + 1) + cols] = 2.5;
        NpyFiles.write(q, "<f8", false, new long[] {rows, cols + 1}, NpyFiles.doubles(wide));
        e = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(q, ReadOptions.DEFAULT, 5 * cols));
        assertTrue(e.getMessage().contains("row 31: label 2.5"), e.getMessage());
    }

    @Test
    void badFilesAreClearErrors() throws IOException {
        Path p = dir.resolve("bad.npy");
        NpyFiles.write(p, "<i4", false, new long[] {2, 2}, new byte[16]);
        assertMessage(p, "dtype '<i4'");
        NpyFiles.write(p, "<f4", false, new long[] {2, 2, 2}, NpyFiles.floats(new float[8]));
        assertMessage(p, "3-D");
        NpyFiles.write(p, "<f4", false, new long[] {4}, NpyFiles.floats(new float[4]));
        assertMessage(p, "1-D");
        NpyFiles.write(p, "<f4", true, new long[] {2, 2}, NpyFiles.floats(1, 0, 2, 1));
        assertMessage(p, "Fortran");
        NpyFiles.write(p, "<f4", false, new long[] {3, 2}, NpyFiles.floats(1, 0, 2, 1));
        assertMessage(p, "truncated");
        NpyFiles.write(p, "<f4", false, new long[] {2, 2}, NpyFiles.floats(Float.NaN, 0, 2, 1));
        assertMessage(p, "row 0, column 0");
        NpyFiles.write(p, "<f8", false, new long[] {1, 2}, NpyFiles.doubles(1e300, 1));
        assertMessage(p, "overflows float32");
        NpyFiles.write(p, "<f4", false, new long[] {2, 2}, NpyFiles.floats(1, 0, 2, 3.5f));
        assertMessage(p, "row 1: label 3.5 is not an integer");
        Files.write(p, Arrays.copyOf("not numpy at all".getBytes(), 16));
        assertMessage(p, "bad magic");
    }

    private static void assertMessage(Path p, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT), fragment);
        assertTrue(e.getMessage().contains(fragment) && e.getMessage().contains(p.toString()), "expected '" + fragment + "' in: " + e.getMessage());
    }
}
