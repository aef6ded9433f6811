package dev.logreg.io;

import dev.logreg.data.Dataset;
import java.nio.FloatBuffer;
import java.nio.ByteOrder;
import dev.logreg.data.RowBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parallel CSV path gives exactly what the sequential one gives, errors included. */
class CsvParallelReadTest {
    @TempDir
    Path dir;

    private Path file(int rows, boolean weighted, String extraLine, SplittableRandom r) throws IOException {
        StringBuilder sb = new StringBuilder("a,b,c,label" + (weighted ? ",w" : "") + "\r\n");
        for (int i = 0; i < rows; i++) {
            sb.append(r.nextInt(1000) / 7.0).append(',').append(-r.nextDouble()).append(',').append(r.nextInt(5)).append(',')
                    .append(r.nextInt(2));
            if (weighted) sb.append(',').append(r.nextInt(3));
            sb.append(i % 7 == 0 ? "\r\n" : "\n");
            if (i % 50 == 0) sb.append('\n'); // empty lines
            if (extraLine != null && i == rows - 10) sb.append(extraLine).append('\n');
        }
        Path p = dir.resolve("p" + rows + weighted + (extraLine == null ? "" : extraLine.hashCode()) + ".csv");
        Files.writeString(p, sb);
        return p;
    }

    private static void assertSame(Dataset a, Dataset b) {
        assertEquals(a.rows(), b.rows());
        assertEquals(a.cols(), b.cols());
        assertEquals(a.isWeighted(), b.isWeighted());
        assertEquals(a.featureNames(), b.featureNames());
        for (long i = 0; i < a.rows(); i++) {
            assertEquals(a.label(i), b.label(i), "label of row " + i);
            assertEquals(a.weight(i), b.weight(i), "weight of row " + i);
            for (int j = 0; j < a.cols(); j++) {
                if (Float.floatToIntBits(a.feature(i, j)) != Float.floatToIntBits(b.feature(i, j))) {
                    throw new AssertionError("row " + i + " col " + j + ": sequential " + a.feature(i, j) + ", parallel " + b.feature(i, j));
                }
            }
        }
    }

    @Test
    void parallelEqualsSequential() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        for (boolean weighted : new boolean[] {false, true}) {
            Path p = file(5000, weighted, null, r);
            ReadOptions o = ReadOptions.DEFAULT.withWeightColumn(weighted ? "w" : null);
            Dataset seq = CsvDataReader.read(p, o, 1).dataset();
            for (int threads : new int[] {2, 3, 8}) assertSame(seq, CsvDataReader.read(p, o, threads, 0).dataset());
        }
    }

    /**
     * Parsed rows become the dataset's blocks as they are: direct, native-order memory (so the CPU backend binds them
     * in place), one block per parallel piece, no copy.
     */
    @Test
    void rowsStayInDirectNativeOrderMemory() throws IOException {
        Path p = file(4000, true, null, new SplittableRandom(5));
        ReadOptions o = ReadOptions.DEFAULT.withWeightColumn("w");
        for (int threads : new int[] {1, 3}) {
            Dataset d = CsvDataReader.read(p, o, threads, 0).dataset();
            assertEquals(4000, d.rows());
            if (threads > 1) assertTrue(d.blocks().size() > 1, "expected one block per parallel piece, got " + d.blocks().size());
            for (RowBlock b : d.blocks()) {
                for (FloatBuffer f : new FloatBuffer[] {b.features(), b.labels(), b.weights()}) {
                    assertTrue(f.isDirect(), "block at row " + b.firstRow() + " is on the heap");
                    assertEquals(ByteOrder.nativeOrder(), f.order(), "block at row " + b.firstRow());
                }
            }
        }
    }

    /**
     * A parallel piece whose weights are all zero stays a block of its own (the weight sum is the dataset's, not
     * each block's), and the result is the sequential read's.
     */
    @Test
    void aPieceWithOnlyZeroWeightsStaysABlock() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,label,w\n");
        for (int i = 0; i < 3000; i++) {
            sb.append(i).append(',').append(i % 11).append(',').append(i % 2).append(',').append(i < 2000 ? 0 : 1).append('\n');
        }
        Path p = dir.resolve("zeros.csv");
        Files.writeString(p, sb);
        ReadOptions o = ReadOptions.DEFAULT.withWeightColumn("w");
        Dataset seq = CsvDataReader.read(p, o, 1).dataset();
        Dataset par = CsvDataReader.read(p, o, 3, 0).dataset();
        assertSame(seq, par);
        assertEquals(1000.0, par.weightSum());
        assertTrue(par.blocks().size() > 1, "one block per piece, got " + par.blocks().size());
        assertTrue(par.blocks().get(0).features().isDirect(), "parsed rows stay in direct memory");
    }

    /**
     * The read gathers the column sums across its pieces as it validates them: the statistics from them are the
     * bits of the statistics' own pass over the same blocks, with one thread and with several; a read for scoring
     * ({@code columnSums} off) gathers none.
     */
    @Test
    void columnSumsAreGatheredAcrossPiecesWithThePassesBits() throws IOException {
        Path p = file(6000, true, null, new SplittableRandom(8));
        ReadOptions o = ReadOptions.DEFAULT.withWeightColumn("w");
        for (int threads : new int[] {1, 3}) {
            Dataset d = CsvDataReader.read(p, o, threads, 0).dataset();
            assertTrue(d.columnSums().isPresent(), threads + " threads: sums gathered");
            java.util.List<FloatBuffer> x = new java.util.ArrayList<>();
            java.util.List<FloatBuffer> y = new java.util.ArrayList<>();
            java.util.List<FloatBuffer> w = new java.util.ArrayList<>();
            for (RowBlock b : d.blocks()) {
                x.add(b.features());
                y.add(b.labels());
                w.add(b.weights());
            }
            Dataset same = Dataset.wrapBlocks(x, d.cols(), y, w, null, d.classes(), false);
            assertTrue(same.columnSums().isEmpty());
            dev.logreg.objective.ColumnStatistics gathered = dev.logreg.objective.ColumnStatistics.of(d);
            dev.logreg.objective.ColumnStatistics passed = dev.logreg.objective.ColumnStatistics.of(same);
            for (int j = 0; j < d.cols(); j++) {
                assertEquals(Double.doubleToLongBits(passed.mean()[j]), Double.doubleToLongBits(gathered.mean()[j]), "mean " + j);
                assertEquals(Double.doubleToLongBits(passed.std()[j]), Double.doubleToLongBits(gathered.std()[j]), "std " + j);
                assertEquals(Double.doubleToLongBits(passed.rms()[j]), Double.doubleToLongBits(gathered.rms()[j]), "rms " + j);
            }
            assertTrue(CsvDataReader.read(p, o.withColumnSums(false), threads, 0).dataset().columnSums().isEmpty(), "no sums for scoring");
        }
    }

    @Test
    void quotesInTheDataFallBackToSequential() throws IOException {
        Path p = file(3000, false, "\"1.5\",2,3,1", new SplittableRandom(4));
        Dataset seq = CsvDataReader.read(p, ReadOptions.DEFAULT, 1).dataset();
        assertSame(seq, CsvDataReader.read(p, ReadOptions.DEFAULT, 4, 0).dataset());
    }

    @Test
    void tinyBuffersCutRecordsAnywhereAndChangeNothing() throws IOException {
        StringBuilder sb = new StringBuilder("\"a\",\"b\nb\",label\n");
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < 300; i++) {
            sb.append(i % 3 == 0 ? "\"" + r.nextInt(100) + ".25\"" : "  " + r.nextInt(100)).append(',')
                    .append(i % 5 == 0 ? "\"-" + i + "e-3\"" : "" + i).append(',').append(i % 2).append(i % 4 == 0 ? "\r\n" : "\n");
            if (i % 17 == 0) sb.append("\n");
        }
        Path p = dir.resolve("tiny.csv");
        Files.writeString(p, sb);
        Dataset big = CsvDataReader.read(p, ReadOptions.DEFAULT, 1).dataset();
        assertEquals(300, big.rows());
        assertEquals(java.util.List.of("a", "b\nb"), big.featureNames());
        assertSame(FastCsvDataReader.read(p, ReadOptions.DEFAULT).dataset(), big);
        for (int bytes : new int[] {1, 2, 3, 7, 16, 64}) {
            assertSame(big, CsvDataReader.read(p, ReadOptions.DEFAULT, 1, Long.MAX_VALUE, bytes).dataset());
        }
        Path bad = dir.resolve("tinybad.csv");
        Files.writeString(bad, sb + "1,\"2\n3,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(bad, ReadOptions.DEFAULT, 1, Long.MAX_VALUE, 5));
        assertTrue(e.getMessage().contains("unterminated"), e.getMessage());
        Path ragged = dir.resolve("tinyragged.csv");
        Files.writeString(ragged, sb + "1,2\n");
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(ragged, ReadOptions.DEFAULT, 1, Long.MAX_VALUE, 3));
        assertEquals(assertThrows(IllegalArgumentException.class, () -> FastCsvDataReader.read(ragged, ReadOptions.DEFAULT)).getMessage(), g.getMessage());
    }

    @Test
    void errorsNameTheSameLineAsSequential() throws IOException {
        Path p = file(3000, false, "1,2,oops,1", new SplittableRandom(5));
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(p, ReadOptions.DEFAULT, 1));
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(p, ReadOptions.DEFAULT, 4, 0));
        assertEquals(a.getMessage(), b.getMessage());
        assertTrue(a.getMessage().contains("column 'c' (3): cannot parse 'oops'"), a.getMessage());
        // A fractional label, found only once every piece's labels are joined.
        Path m = file(3000, false, "1,2,3,0.5", new SplittableRandom(6));
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(m, ReadOptions.DEFAULT, 4, 0));
        assertTrue(c.getMessage().contains("'0.5' is not an integer"), c.getMessage());
        assertEquals(assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(m, ReadOptions.DEFAULT, 1)).getMessage(), c.getMessage());
    }
}
