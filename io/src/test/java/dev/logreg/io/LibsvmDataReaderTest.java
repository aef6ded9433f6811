package dev.logreg.io;

import dev.logreg.testing.BundledData;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibsvmDataReaderTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path p = dir.resolve("d.libsvm");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void bundledLibsvmEqualsBundledCsv() throws IOException {
        Dataset csv = BundledData.breastCancer();
        LoadedData got = DataReaders.read(BundledData.path("breast-cancer.libsvm"), ReadOptions.DEFAULT);
        Dataset d = got.dataset();
        assertEquals(csv.rows(), d.rows());
        assertEquals(csv.cols(), d.cols());
        assertNull(d.featureNames());
        for (long i = 0; i < d.rows(); i++) {
            assertEquals(csv.label(i), d.label(i), "label of row " + i);
            for (int j = 0; j < d.cols(); j++) {
                if (csv.feature(i, j) != d.feature(i, j)) {
                    throw new AssertionError("row " + i + " col " + j + ": csv " + csv.feature(i, j) + ", libsvm " + d.feature(i, j));
                }
            }
        }
    }

    @Test
    void sparseRowsReadAndMinusOneLabelsMapped() throws IOException {
        LoadedData d = DataReaders.read(write("+1 2:0.5 4:2 # a comment\n\n-1 qid:3 1:1.5\n-1\n"), ReadOptions.DEFAULT);
        assertEquals(LabelMapping.MINUS_ONE_PLUS_ONE, d.labels());
        Dataset x = d.dataset();
        assertTrue(x.isSparse());
        assertEquals(3, x.nonzeros());
        assertEquals(3, x.rows());
        assertEquals(4, x.cols());
        float[][] expected = {{0, 0.5f, 0, 2}, {1.5f, 0, 0, 0}, {0, 0, 0, 0}};
        float[] labels = {1, 0, 0};
        for (int i = 0; i < 3; i++) {
            assertEquals(labels[i], x.label(i), "label of row " + i);
            for (int j = 0; j < 4; j++) assertEquals(expected[i][j], x.feature(i, j), "row " + i + " col " + j);
        }
        LoadedData wide = DataReaders.read(write("1 1:1\n0 2:1\n"), ReadOptions.DEFAULT.withFeatureCount(5));
        assertEquals(5, wide.dataset().cols());
    }

    @Test
    void badContentNamesTheLine() throws IOException {
        String[][] cases = {
            {"1 1:1\n0 3:1 2:1\n", "line 2, column 7", "index 2 follows index 3, expected strictly ascending"},
            {"1 1:1\n0 3:1 3:1\n", "line 2, column 7", "index 3 repeats"},
            {"1 0:1\n", "line 1, column 3", "index '0' is not an integer >= 1 (LIBSVM indices are 1-based)"},
            {"1 1:x\n", "line 1, column 5", "'x'"},
            {"1 1:1\n1 2:nan\n", "line 2, column 5", "index 2: cannot parse value 'nan' as a finite float32"},
            {"1 1:1 2:NaN\n", "line 1, column 9", "'NaN'"},
            {"1 1:1 2:Infinity\n", "line 1, column 9", "'Infinity'"},
            {"1 1:-inf\n", "line 1, column 5", "'-inf'"},
            {"1 1:1e39\n", "line 1, column 5", "'1e39'"},
            {"0.5 1:1\n", "line 1", "label '0.5' is not an integer"},
            {"1 1:1\n0 1:1\n1e300 1:1\n", "line 3", "not an integer"},
            {"1 1-1\n", "line 1", "index:value"},
        };
        for (String[] c : cases) {
            Path p = write(c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains(c[2]) && e.getMessage().contains(p.toString()),
                    "for input " + c[0].replace("\n", "\\n") + ": " + e.getMessage());
        }
        Path p = write("1 7:1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT.withFeatureCount(3)));
        assertTrue(e.getMessage().equals(p + " line 1, column 3: index 7 is beyond the 3 features expected"), e.getMessage());
    }

    @Test
    void longLinesAcrossBufferBoundaries() throws IOException {
        StringBuilder sb = new StringBuilder();
        int n = 20000; // a line of ~200 KB, longer than the reader's first buffer
        for (int r = 0; r < 3; r++) {
            sb.append(r % 2);
            for (int j = 1; j <= n; j++) sb.append(' ').append(j).append(':').append(j + r);
            sb.append('\n');
        }
        Dataset d = DataReaders.read(write(sb.toString()), ReadOptions.DEFAULT).dataset();
        assertEquals(3, d.rows());
        assertEquals(n, d.cols());
        assertEquals(n + 2f, d.feature(2, n - 1));
        assertEquals(1f, d.label(1));
    }

    /** Indices past what the reader can hold say so, with the file, the line and the column, whatever their digits. */
    @Test
    void anIndexTooLargeSaysSoWithFileAndLine() throws IOException {
        for (String index : List.of("2147483639", "99999999999", "9".repeat(5_000))) {
            Path p = write("1 1:0.5\n0 1:0.2 " + index + ":1\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT), index);
            String m = e.getMessage();
            assertTrue(m.startsWith(p + " line 2, column 9: index '") && m.contains("is too large: at most 2147483638 features"), m);
            assertTrue(m.length() < 400, "bounded: " + m.length() + " characters");
        }
    }

    /** A width of two billion columns costs nothing: the rows are held sparse. */
    @Test
    void aHugeIndexIsReadSparse() throws IOException {
        Dataset d = DataReaders.read(write("1 3:0.5 2000000000:2\n0\n"), ReadOptions.DEFAULT).dataset();
        assertTrue(d.isSparse());
        assertEquals(2_000_000_000, d.cols());
        assertEquals(2, d.nonzeros());
        assertEquals(2f, d.feature(0, 1_999_999_999));
        assertEquals(0.5f, d.feature(0, 2));
        assertEquals(0f, d.feature(1, 2));
    }

    @Test
    void aHugeTokenIsQuotedBounded() throws IOException {
        Path p = write("1 1:0.5 " + "x".repeat(1_000_000) + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("token '" + "x".repeat(Excerpt.LIMIT) + "...' is not index:value"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, "bounded: " + e.getMessage().length());
    }
}
