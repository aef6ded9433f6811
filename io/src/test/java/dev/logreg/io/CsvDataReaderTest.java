package dev.logreg.io;

import dev.logreg.testing.BundledData;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvDataReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void bundledDataMatchesTheSimpleParserBitForBit() throws IOException {
        Dataset expected = BundledData.breastCancer();
        LoadedData got = DataReaders.read(BundledData.path("breast-cancer.csv"), ReadOptions.DEFAULT.withLabelColumn("benign"));
        Dataset d = got.dataset();
        assertEquals(expected.rows(), d.rows());
        assertEquals(expected.cols(), d.cols());
        assertEquals(expected.featureNames(), d.featureNames());
        assertTrue(got.hasLabels());
        assertEquals(LabelMapping.ZERO_ONE, got.labels());
        float[] a = new float[d.cols()];
        float[] b = new float[d.cols()];
        for (long i = 0; i < d.rows(); i++) {
            expected.copyRow(i, a);
            d.copyRow(i, b);
            for (int j = 0; j < a.length; j++) {
                if (Float.floatToIntBits(a[j]) != Float.floatToIntBits(b[j])) {
                    throw new AssertionError("row " + i + " col " + j + ": expected " + a[j] + ", got " + b[j]);
                }
            }
            assertEquals(expected.label(i), d.label(i), "label of row " + i);
        }
    }

    @Test
    void missingLabelColumnListsTheColumns() throws IOException {
        Path p = write("a.csv", "x,y,target\n1,2,0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("no label column 'label'"), e.getMessage());
        assertTrue(e.getMessage().contains("x, y, target"), e.getMessage());
    }

    @Test
    void unparsableCellNamesFileLineAndColumn() throws IOException {
        Path p = write("bad.csv", "x,y,label\n1,2,0\n3,abc,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        String m = e.getMessage();
        assertTrue(m.contains(p.toString()), m);
        assertTrue(m.contains("line 3"), m);
        assertTrue(m.contains("'y' (2)"), m);
        assertTrue(m.contains("'abc'"), m);
    }

    @Test
    void emptyCellIsAMissingValueError() throws IOException {
        Path p = write("missing.csv", "x,y,label\n1,,0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("missing value"), e.getMessage());
    }

    @Test
    void nonFiniteCellIsAnError() throws IOException {
        Path p = write("nan.csv", "x,y,label\n1,NaN,0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("not a finite"), e.getMessage());
    }

    @Test
    void raggedLineIsAnError() throws IOException {
        Path p = write("ragged.csv", "x,y,label\n1,2,0\n1,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("2 fields, expected 3"), e.getMessage());
        Path q = write("ragged2.csv", "x,y,label\n1,2,0,7\n");
        e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(q, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("4 fields, expected 3"), e.getMessage());
    }

    @Test
    void badLabelIsAnError() throws IOException {
        // A fractional number is not a class (a regression target by mistake, most likely); the first line it is on is named.
        Path p = write("lab.csv", "x,label\n1,0\n2,0.5\n3,0.5\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("label '0.5' is not an integer"), e.getMessage());
    }

    @Test
    void minusOnePlusOneLabelsMapToZeroOne() throws IOException {
        Path p = write("pm.csv", "label;x\n-1;0.5\n+1;1.5\n");
        LoadedData d = DataReaders.read(p, ReadOptions.DEFAULT.withDelimiter(';'));
        assertEquals(LabelMapping.MINUS_ONE_PLUS_ONE, d.labels());
        assertEquals(0f, d.dataset().label(0));
        assertEquals(1f, d.dataset().label(1));
        assertEquals(1.5f, d.dataset().feature(1, 0));
        // -1, 0 and 1 together are three classes, in numeric order.
        Path q = write("mix.csv", "label,x\n-1,0.5\n0,1\n1,1.5\n");
        LoadedData three = DataReaders.read(q, ReadOptions.DEFAULT);
        assertEquals(LabelMapping.ofNumbers(-1, 0, 1), three.labels());
        assertEquals(3, three.dataset().classes());
        assertArrayEquals(new float[] {0, 1, 2}, three.dataset().copyLabels());
    }

    @Test
    void weightColumnAndQuotedHeaderAndCrlf() throws IOException {
        Path p = write("w.csv", "\"x\",w,label\r\n1, 2.5 ,1\r\n\r\n3,0.5,0\r\n");
        LoadedData d = DataReaders.read(p, ReadOptions.DEFAULT.withWeightColumn("w"));
        assertEquals(List.of("x"), d.dataset().featureNames());
        assertEquals(2, d.dataset().rows());
        assertTrue(d.dataset().isWeighted());
        assertEquals(2.5f, d.dataset().weight(0));
        assertEquals(0.5f, d.dataset().weight(1));
        assertEquals(3f, d.dataset().feature(1, 0));
        Path q = write("neg.csv", "x,w,label\n1,-2,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(q, ReadOptions.DEFAULT.withWeightColumn("w")));
        assertTrue(e.getMessage().contains("weight") && e.getMessage().contains("line 2"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(q, ReadOptions.DEFAULT.withWeightColumn("nope")));
        assertTrue(e2.getMessage().contains("no weight column 'nope'") && e2.getMessage().contains("x, w, label"), e2.getMessage());
    }

    @Test
    void featuresAreMatchedByNameInAnyOrderAndExtrasIgnored() throws IOException {
        Path p = write("f.csv", "extra,b,label,a\n9,2,1,1\n8,4,0,3\n");
        LoadedData d = DataReaders.read(p, ReadOptions.DEFAULT.withFeatureNames(List.of("a", "b")));
        assertEquals(List.of("a", "b"), d.dataset().featureNames());
        assertEquals(1f, d.dataset().feature(0, 0));
        assertEquals(2f, d.dataset().feature(0, 1));
        assertEquals(3f, d.dataset().feature(1, 0));
        assertEquals(4f, d.dataset().feature(1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataReaders.read(p, ReadOptions.DEFAULT.withFeatureNames(List.of("a", "c"))));
        assertTrue(e.getMessage().contains("feature c of the model is not a column"), e.getMessage());
    }

    @Test
    void labelColumnMayBeAbsentWhereNotRequired() throws IOException {
        Path p = write("nolabel.csv", "a,b\n1,2\n3,4\n");
        LoadedData d = DataReaders.read(p, ReadOptions.DEFAULT.withLabelRequired(false));
        assertFalse(d.hasLabels());
        assertEquals(2, d.dataset().cols());
        assertEquals(4f, d.dataset().feature(1, 1));
    }

    @Test
    void emptyFileAndHeaderOnlyAreErrors() throws IOException {
        Path p = write("empty.csv", "");
        assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        Path q = write("header.csv", "x,label\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(q, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("no data rows"), e.getMessage());
    }

    @Test
    void quotedFieldsAndEscapedQuotes() throws IOException {
        Path p = write("q.csv", "\"a \"\"x\"\"\",\"b,c\",label\n\"1.5\", 2 ,\"1\"\n");
        LoadedData d = DataReaders.read(p, ReadOptions.DEFAULT);
        assertEquals(List.of("a \"x\"", "b,c"), d.dataset().featureNames());
        assertEquals(1.5f, d.dataset().feature(0, 0));
        assertEquals(2f, d.dataset().feature(0, 1));
        assertEquals(1f, d.dataset().label(0));
        Path u = write("u.csv", "a,label\n\"1.5,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(u, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("unterminated"), e.getMessage());
    }

    @Test
    void byteScannerAndFastCsvAgree() throws IOException {
        Path bundled = BundledData.path("breast-cancer.csv");
        ReadOptions o = ReadOptions.DEFAULT.withLabelColumn("benign");
        Dataset a = CsvDataReader.read(bundled, o).dataset();
        Dataset b = FastCsvDataReader.read(bundled, o).dataset();
        assertEquals(a.rows(), b.rows());
        for (long i = 0; i < a.rows(); i++) {
            assertEquals(a.label(i), b.label(i), "label of row " + i);
            for (int j = 0; j < a.cols(); j++) {
                if (Float.floatToIntBits(a.feature(i, j)) != Float.floatToIntBits(b.feature(i, j))) {
                    throw new AssertionError("row " + i + " col " + j + ": scanner " + a.feature(i, j) + ", FastCSV " + b.feature(i, j));
                }
            }
        }
        Path bad = write("bad.csv", "x,y,label\n1,2,0\n3,abc,1\n");
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(bad, ReadOptions.DEFAULT));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> FastCsvDataReader.read(bad, ReadOptions.DEFAULT));
        assertEquals(e1.getMessage(), e2.getMessage());
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> DataReaders.read(dir.resolve("nope.csv"), ReadOptions.DEFAULT));
    }

    /** A missing column's message quotes a bounded piece of the header, however long the header (both CSV readers). */
    @Test
    void aHugeHeaderIsNotQuotedWhole() throws IOException {
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < 50_000; i++) h.append("column_number_").append(i).append(',');
        h.append("y\n");
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < 50_000; i++) row.append("1,");
        row.append("0\n");
        Path p = write("wide.csv", h + row.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(p, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("no label column 'label'; the columns are: column_number_0, column_number_1"), e.getMessage());
        assertTrue(e.getMessage().contains(", ..., y (50,001 in all, "), e.getMessage());
        assertTrue(e.getMessage().length() < 500, "bounded: " + e.getMessage().length());
        e = assertThrows(IllegalArgumentException.class,
                () -> FastCsvDataReader.read(p, ReadOptions.DEFAULT.withLabelColumn("y").withFeatureNames(List.of("absent", "column_number_1"))));
        assertTrue(e.getMessage().contains("feature absent of the model is not a column"), e.getMessage());
        assertTrue(e.getMessage().length() < 500, "bounded: " + e.getMessage().length());
        // A long unparsable cell is cut too.
        Path cell = write("cell.csv", "a,label\n" + "z".repeat(100_000) + ",1\n");
        e = assertThrows(IllegalArgumentException.class, () -> DataReaders.read(cell, ReadOptions.DEFAULT));
        assertTrue(e.getMessage().contains("cannot parse '" + "z".repeat(Excerpt.LIMIT) + "...' as a number"), e.getMessage());
    }

    /** A model naming a feature twice is said to, not called a missing column. */
    @Test
    void duplicateFeatureNamesAreNamedAsSuch() throws IOException {
        Path p = write("dup.csv", "a,b,label\n1,2,0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataReaders.read(p, ReadOptions.DEFAULT.withFeatureNames(List.of("a", "a"))));
        assertEquals("the model names feature 'a' twice; feature names must be distinct", e.getMessage());
    }
}
