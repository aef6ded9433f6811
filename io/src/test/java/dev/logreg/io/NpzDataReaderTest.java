package dev.logreg.io;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The .npz reader on files written by SciPy ({@code src/test/resources/dev/logreg/io/npz/make-npz.py}). */
class NpzDataReaderTest {
    /** The matrix make-npz.py saves, and its labels. */
    private static final float[][] X = {
        {0, 1.5f, 0, 0, -2, 0, 0},
        {0, 0, 0, 0, 0, 0, 0},
        {3.25f, 1, 2, 0.5f, 4, 5, 6},
        {0, 0, 0, 0, 0, 0, 1e-3f},
        {-1, 0, 0, 7, 0, 0, 0},
    };
    private static final float[] Y = {1, 0, 1, 0, 1};

    static Path resource(String name) {
        try {
            return Path.of(NpzDataReaderTest.class.getResource("npz/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ReadOptions withLabels(String labels) {
        return ReadOptions.DEFAULT.withLabelsFile(resource(labels));
    }

    private static void assertMatrix(Dataset d) {
        assertTrue(d.isSparse());
        assertEquals(5, d.rows());
        assertEquals(7, d.cols());
        assertEquals(12, d.nonzeros());
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 7; j++) assertEquals(X[i][j], d.feature(i, j), "row " + i + ", column " + j);
        }
    }

    @Test
    void compressedAndStoredArchivesReadTheSame() throws IOException {
        for (String name : new String[] {"small.npz", "small-compressed.npz", "int64-float64.npz", "unicode-format.npz"}) {
            LoadedData got = DataReaders.read(resource(name), withLabels("labels.npy"));
            assertMatrix(got.dataset());
            assertTrue(got.hasLabels());
            assertEquals(LabelMapping.ZERO_ONE, got.labels());
            for (int i = 0; i < 5; i++) assertEquals(Y[i], got.dataset().label(i), name + " label of row " + i);
        }
    }

    @Test
    void minusOnePlusOneLabelsAndTheFormatFlag() throws IOException {
        LoadedData got = DataReaders.read(resource("small.npz"), withLabels("labels-pm1.npy").withFormat(DataFormat.NPZ));
        assertEquals(LabelMapping.MINUS_ONE_PLUS_ONE, got.labels());
        for (int i = 0; i < 5; i++) assertEquals(Y[i], got.dataset().label(i));
        assertEquals(DataFormat.NPZ, DataFormat.fromFileName(Path.of("X.NPZ")));
        assertEquals(DataFormat.NPZ, DataFormat.parse("npz"));
    }

    @Test
    void labelsAreRequiredForTrainingAndOptionalForPrediction() throws IOException {
        Path p = resource("small.npz");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        assertEquals(p + ": an .npz matrix holds no labels; give them in a separate .npy file (--labels FILE.npy)", e.getMessage());
        LoadedData got = DataReaders.read(p, ReadOptions.DEFAULT.withLabelRequired(false).withFeatureCount(7));
        assertFalse(got.hasLabels());
        assertMatrix(got.dataset());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> DataReaders.read(p, ReadOptions.DEFAULT.withLabelRequired(false).withFeatureCount(8)));
        assertEquals(p + ": 7 columns, expected 8", w.getMessage());
    }

    /** Each bad file, and the words its refusal must hold. */
    @Test
    void badArchivesAreRefusedWithOneClearLine() {
        String[][] cases = {
            {"csc.npz", ": a scipy.sparse 'csc' matrix; logreg reads CSR: save X.tocsr()"},
            {"coo.npz", ": a scipy.sparse 'coo' matrix; logreg reads CSR: save X.tocsr()"},
            {"dense.npz", ": not a scipy.sparse matrix (the archive holds x.npy, y.npy"},
            {"unsorted.npz", " row 2, column 0: follows column 1; indices must be sorted and unique within a row: call X.sum_duplicates()"},
            {"duplicate.npz", " row 2, column 0: a duplicate entry; indices must be sorted"},
            {"index-out-of-range.npz", " row 0, column 7: the column index is outside [0, 7)"},
            {"float64-overflow.npz", " row 2, column 2: value 1.0E39 is beyond float32's range"},
            {"nan.npz", " row 0, column 4: value NaN is not a finite number"},
            {"missing-indices.npz", ": a CSR archive without its entry indices.npy"},
            {"indptr-decreasing.npz", ", entry indptr.npy: offsets decrease at row 1 (2 then 1)"},
            {"shape-mismatch.npz", ", entry indptr.npy: 6 offsets, expected rows + 1 = 5 (shape.npy)"},
            {"not-a-zip.npz", ": not a .npz file (not a zip archive"},
            {"truncated.npz", ": not a .npz file (not a zip archive"},
        };
        for (String[] c : cases) {
            Path p = resource(c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, withLabels("labels.npy")), c[0]);
            assertTrue(e.getMessage().startsWith(p + c[1]), c[0] + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    /** Fuzz finding: a deflated entry cut short threw the inflater's EOFException, an IOException, for a readable file. */
    @Test
    void aDamagedDeflateStreamIsBadContent() throws URISyntaxException {
        Path p = Path.of(NpzDataReaderTest.class.getResource("NpzFuzzTestInputs/npz/finding-damaged-deflate.npz").toURI());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT.withLabelRequired(false)));
        assertTrue(e.getMessage().startsWith(p + ", entry ") && e.getMessage().contains(": a damaged zip entry ("), e.getMessage());
    }

    /** Fuzz finding: an end record pointing past the file's end made ZipFile throw EOFException, an IOException. */
    @Test
    void anEndRecordPastTheEndIsBadContent() throws URISyntaxException {
        Path p = Path.of(NpzDataReaderTest.class.getResource("NpzFuzzTestInputs/npz/finding-end-record-eof.npz").toURI());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT.withLabelRequired(false)));
        assertTrue(e.getMessage().startsWith(p + ": not a .npz file (not a zip archive"), e.getMessage());
    }
}
