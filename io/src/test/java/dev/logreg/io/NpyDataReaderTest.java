package dev.logreg.io;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

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
        NpyFiles.write(p, "<f4", false, new long[] {2, 2}, NpyFiles.floats(1, 0, 2, 3));
        assertMessage(p, "row 1: label 3.0");
        Files.write(p, Arrays.copyOf("not numpy at all".getBytes(), 16));
        assertMessage(p, "bad magic");
    }

    private static void assertMessage(Path p, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT), fragment);
        assertTrue(e.getMessage().contains(fragment) && e.getMessage().contains(p.toString()), "expected '" + fragment + "' in: " + e.getMessage());
    }
}
