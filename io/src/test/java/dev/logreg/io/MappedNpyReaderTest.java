package dev.logreg.io;

import dev.logreg.data.Dataset;
import dev.logreg.data.MappedFile;
import dev.logreg.data.RowBlock;
import dev.logreg.objective.ColumnStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mapped {@code .npy} layout (float32, native order, labels in their own file): blocks are views of the file's
 * pages, the same bits as the copying reader gives, cut at row boundaries; a file truncated or modified while mapped
 * is refused by name, and a read that faults is turned into an error naming the file, never a crash.
 */
class MappedNpyReaderTest {
    @TempDir Path dir;

    private static final int ROWS = 301;
    private static final int COLS = 7;

    /** X (ROWS x COLS, little-endian float32, distinct values, some negative zeros and subnormals) and y (0/1). */
    private Path[] write(String name) throws IOException {
        SplittableRandom rnd = new SplittableRandom(19);
        float[] x = new float[ROWS * COLS];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-3, 4)));
        x[5] = -0f;
        x[11] = Float.MIN_VALUE;
        double[] y = new double[ROWS];
        for (int i = 0; i < ROWS; i++) y[i] = rnd.nextInt(2);
        Path xp = dir.resolve(name + "-X.npy");
        Path yp = dir.resolve(name + "-y.npy");
        NpyFiles.write(xp, "<f4", false, new long[] {ROWS, COLS}, NpyFiles.floats(x));
        NpyFiles.write(yp, "<f8", false, new long[] {ROWS}, NpyFiles.doubles(y));
        return new Path[] {xp, yp};
    }

    @Test
    void theValidatingReadGathersTheColumnSumsAcrossBlocksUnlessTold() throws IOException {
        Path[] f = write("sums");
        ReadOptions ro = ReadOptions.DEFAULT.withLabelsFile(f[1]);
        for (boolean map : new boolean[] {true, false}) {
            Dataset one = NpyDataReader.read(f[0], ro, Dataset.DEFAULT_BLOCK_CAPACITY, map).dataset();
            Dataset several = NpyDataReader.read(f[0], ro, 10 * COLS, map).dataset();
            String at = map ? "mapped" : "copied";
            double[] gathered = one.columnSums().orElseThrow(() -> new AssertionError(at + ": no sums")).totals();
            // The same bits as the sums taken afterwards over the same rows in one block.
            Dataset rewrapped = Dataset.wrap(copyOf(several), COLS, labelsOf(several), null);
            assertArrayEqualsBits(rewrapped.columnSums().orElseThrow().totals(), gathered, at);
            // A file cut in blocks gathers them across its blocks: the statistics' own pass over those blocks, bit for bit.
            assertTrue(several.blocks().size() > 1, at + ": blocks " + several.blocks().size());
            assertTrue(several.columnSums().isPresent(), at + ": sums gathered across blocks");
            for (RowBlock b : several.blocks()) assertEquals(map, b.mappedFile() != null, at + ": block at row " + b.firstRow());
            List<FloatBuffer> xs = new ArrayList<>();
            List<FloatBuffer> ys = new ArrayList<>();
            for (RowBlock b : several.blocks()) {
                xs.add(b.features());
                ys.add(b.labels());
            }
            ColumnStatistics fromSums = ColumnStatistics.of(several);
            ColumnStatistics passed = ColumnStatistics.of(Dataset.wrapBlocks(xs, COLS, ys, null, null, 2, false));
            assertArrayEqualsBits(passed.mean(), fromSums.mean(), at + " means");
            assertArrayEqualsBits(passed.std(), fromSums.std(), at + " deviations");
            assertArrayEqualsBits(passed.rms(), fromSums.rms(), at + " root mean squares");
            assertFalse(NpyDataReader.read(f[0], ro.withColumnSums(false), Dataset.DEFAULT_BLOCK_CAPACITY, map).dataset().columnSums().isPresent(),
                    at + ": not gathered where not asked");
        }
    }

    private static float[] copyOf(Dataset d) {
        float[] x = new float[(int) d.rows() * d.cols()];
        int at = 0;
        for (RowBlock b : d.blocks()) {
            b.features().get(0, x, at, b.rows() * d.cols());
            at += b.rows() * d.cols();
        }
        return x;
    }

    private static float[] labelsOf(Dataset d) {
        float[] y = new float[(int) d.rows()];
        int at = 0;
        for (RowBlock b : d.blocks()) {
            b.labels().get(0, y, at, b.rows());
            at += b.rows();
        }
        return y;
    }

    private static void assertArrayEqualsBits(double[] expected, double[] actual, String at) {
        assertEquals(expected.length, actual.length, at);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(Double.doubleToLongBits(expected[k]), Double.doubleToLongBits(actual[k]), at + ", sum " + k);
        }
    }

    @Test
    void mappedBlocksAreTheFilesPagesWithTheCopiedBits() throws IOException {
        Path[] f = write("same");
        ReadOptions ro = ReadOptions.DEFAULT.withLabelsFile(f[1]);
        for (int capacity : new int[] {Dataset.DEFAULT_BLOCK_CAPACITY, 10 * COLS, COLS}) {
            Dataset mapped = NpyDataReader.read(f[0], ro, capacity, true).dataset();
            Dataset copied = NpyDataReader.read(f[0], ro, capacity, false).dataset();
            assertTrue(mapped.isMapped(), "float32 little-endian features alone map");
            assertFalse(copied.isMapped());
            assertEquals(copied.blocks().size(), mapped.blocks().size(), "the same blocks, cut at the same rows");
            for (int b = 0; b < mapped.blocks().size(); b++) {
                RowBlock m = mapped.blocks().get(b);
                RowBlock c = copied.blocks().get(b);
                String at = "capacity " + capacity + ", block " + b;
                assertEquals(c.firstRow(), m.firstRow(), at);
                assertEquals(c.rows(), m.rows(), at);
                assertNotNull(m.mappedFile(), at);
                assertNull(c.mappedFile(), at);
                FloatBuffer mf = m.features();
                assertTrue(mf.isDirect() && mf.order() == ByteOrder.nativeOrder(), at + ": direct native-order, so the CPU backend reads it in place");
                FloatBuffer cf = c.features();
                for (int i = 0; i < cf.limit(); i++) {
                    assertEquals(Float.floatToRawIntBits(cf.get(i)), Float.floatToRawIntBits(mf.get(i)), at + ", float " + i);
                }
                for (int i = 0; i < c.rows(); i++) assertEquals(c.labels().get(i), m.labels().get(i), at + ", label " + i);
            }
        }
    }

    @Test
    void otherLayoutsAreCopied() throws IOException {
        Path be = dir.resolve("be.npy");
        NpyFiles.write(be, ">f4", false, new long[] {2, 2}, NpyFiles.floats(ByteOrder.BIG_ENDIAN, 1, 2, 3, 0));
        assertFalse(NpyDataReader.read(be, ReadOptions.DEFAULT).dataset().isMapped(), "big-endian: converted, so copied");
        Path withLabel = dir.resolve("label-column.npy");
        NpyFiles.write(withLabel, "<f4", false, new long[] {2, 2}, NpyFiles.floats(1, 0, 3, 1));
        assertFalse(NpyDataReader.read(withLabel, ReadOptions.DEFAULT).dataset().isMapped(), "a label column is split off, so copied");
    }

    @Test
    void aBadFeatureOrLabelIsNamedAsTheCopyingReaderNamesIt() throws IOException {
        Path xp = dir.resolve("nan.npy");
        NpyFiles.write(xp, "<f4", false, new long[] {3, 2}, NpyFiles.floats(1, 2, 3, Float.NaN, 5, 6));
        Path yp = dir.resolve("y.npy");
        NpyFiles.write(yp, "<f8", false, new long[] {3}, NpyFiles.doubles(0, 1, 0));
        ReadOptions ro = ReadOptions.DEFAULT.withLabelsFile(yp);
        for (int capacity : new int[] {Dataset.DEFAULT_BLOCK_CAPACITY, 2}) {
            String mapped = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(xp, ro, capacity, true)).getMessage();
            String copied = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(xp, ro, capacity, false)).getMessage();
            assertEquals(copied, mapped);
            assertTrue(mapped.contains(xp.toString()) && mapped.contains("row 1") && mapped.contains("column 1"), mapped);
        }
        Path badY = dir.resolve("bad-y.npy");
        NpyFiles.write(badY, "<f8", false, new long[] {3}, NpyFiles.doubles(0, 1, 0.5));
        Path good = dir.resolve("good.npy");
        NpyFiles.write(good, "<f4", false, new long[] {3, 2}, NpyFiles.floats(1, 2, 3, 4, 5, 6));
        ReadOptions bad = ReadOptions.DEFAULT.withLabelsFile(badY);
        String mapped = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(good, bad, 4, true)).getMessage();
        assertEquals(assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(good, bad, 4, false)).getMessage(), mapped);
        assertTrue(mapped.contains(badY.toString()) && mapped.contains("row 2"), mapped);
    }

    @Test
    void aFileTruncatedWhileMappedIsRefusedByNameAndItsFaultTranslated() throws IOException {
        Path[] f = write("truncated");
        Dataset d = NpyDataReader.read(f[0], ReadOptions.DEFAULT.withLabelsFile(f[1]), 10 * COLS, true).dataset();
        d.checkMappedFiles(); // unchanged: no error
        try (RandomAccessFile raf = new RandomAccessFile(f[0].toFile(), "rw")) {
            raf.setLength(1000); // the header and the first rows stay; the pages of the last blocks are gone
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, d::checkMappedFiles);
        assertTrue(e.getMessage().contains(f[0].toString()) && e.getMessage().contains("truncated"), e.getMessage());
        // A read past the new end faults. The JVM raises an InternalError for it (never a crash, in Java code): at
        // once for a bulk copy (how the backends read rows), at a later safepoint for a single load in compiled code;
        // the guard turns it into its error naming the file.
        RowBlock last = d.blocks().get(d.blocks().size() - 1);
        InternalError fault = null;
        try {
            FloatBuffer x = last.features();
            x.get(0, new float[x.limit()]);
            Thread.yield();
        } catch (InternalError expected) {
            fault = expected;
        }
        assertNotNull(fault, "reading pages past the end of a truncated file faults");
        MappedFile guard = last.mappedFile();
        RuntimeException translated = guard.faulted(fault);
        assertTrue(translated instanceof IllegalStateException && translated.getMessage().contains(f[0].toString()), translated.toString());
    }

    @Test
    void aFileModifiedWhileMappedIsRefusedByNameAndOneReplacedByRenameIsNot() throws IOException {
        Path[] f = write("modified");
        Dataset d = NpyDataReader.read(f[0], ReadOptions.DEFAULT.withLabelsFile(f[1])).dataset();
        Files.setLastModifiedTime(f[0], FileTime.fromMillis(Files.getLastModifiedTime(f[0]).toMillis() + 60_000));
        IllegalStateException e = assertThrows(IllegalStateException.class, d::checkMappedFiles);
        assertTrue(e.getMessage().contains(f[0].toString()) && e.getMessage().contains("modified"), e.getMessage());

        // A new file renamed over the name leaves the mapped inode (and so the rows) as they were.
        Path[] g = write("replaced");
        Dataset kept = NpyDataReader.read(g[0], ReadOptions.DEFAULT.withLabelsFile(g[1])).dataset();
        float before = kept.feature(ROWS - 1, COLS - 1);
        Path other = dir.resolve("other.npy");
        NpyFiles.write(other, "<f4", false, new long[] {1, 1}, NpyFiles.floats(3));
        Files.move(other, g[0], java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        kept.checkMappedFiles();
        assertEquals(Float.floatToRawIntBits(before), Float.floatToRawIntBits(kept.feature(ROWS - 1, COLS - 1)));
    }

    @Test
    void aFileTruncatedBeforeItIsMappedIsRefusedByName() throws IOException {
        Path[] f = write("short");
        try (RandomAccessFile raf = new RandomAccessFile(f[0].toFile(), "rw")) {
            raf.setLength(raf.length() - 4);
        }
        String m = assertThrows(IllegalArgumentException.class, () -> NpyDataReader.read(f[0], ReadOptions.DEFAULT.withLabelsFile(f[1]))).getMessage();
        assertTrue(m.contains(f[0].toString()) && m.contains("truncated"), m);
    }
}
