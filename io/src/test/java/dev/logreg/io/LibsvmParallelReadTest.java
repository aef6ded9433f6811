package dev.logreg.io;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LIBSVM reader cut into many pieces on several threads against the same file read on one: the same dataset bit
 * for bit, the same first error; and the sparse rows against an independent plain reading of the text.
 */
class LibsvmParallelReadTest {
    @TempDir
    Path dir;

    /** Values in the forms files hold: integers, short and long decimals, exponents, signs, zeros. */
    private static String value(SplittableRandom r) {
        switch (r.nextInt(7)) {
            case 0: return "1";
            case 1: return Integer.toString(r.nextInt(-1000, 1000));
            case 2: return String.format(Locale.ROOT, "%.6f", r.nextGaussian());
            case 3: return String.format(Locale.ROOT, "%.3e", r.nextGaussian() * 1e5);
            case 4: return Double.toString(r.nextDouble());     // 16-17 digits: the slow path
            case 5: return String.format(Locale.ROOT, "%.10f", r.nextDouble() * 100);
            default: return r.nextBoolean() ? "-0" : "0.0";
        }
    }

    /** A seeded file: labels among {@code labels}, rows of 0 to 30 nonzeros, indices up to 5,000, comments and blanks. */
    private Path file(String name, int rows, int[] labels, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            if (r.nextInt(50) == 0) sb.append("# a comment line\n");
            if (r.nextInt(50) == 0) sb.append('\n');
            sb.append(labels[r.nextInt(labels.length)]);
            if (r.nextInt(10) == 0) sb.append(" qid:").append(r.nextInt(100));
            int col = 0;
            int count = r.nextInt(31);
            for (int k = 0; k < count; k++) {
                col += 1 + r.nextInt(300);
                sb.append(r.nextBoolean() ? " " : "\t").append(col).append(':').append(value(r));
            }
            sb.append(r.nextInt(20) == 0 ? " # trailing\r\n" : "\n");
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString(), StandardCharsets.US_ASCII);
        return p;
    }

    private static LoadedData sequential(Path p, ReadOptions o) throws IOException {
        return LibsvmDataReader.read(p, o, 1, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    private static LoadedData parallel(Path p, ReadOptions o) throws IOException {
        return LibsvmDataReader.read(p, o, 3, 0, 1999); // pieces of about two kilobytes: a dozen or more
    }

    @Test
    void manyPiecesGiveTheSameDatasetBitForBit() throws IOException {
        for (int[] labels : List.of(new int[] {0, 1}, new int[] {-1, 1}, new int[] {7, 3, 12, 5})) {
            Path p = file("d.libsvm", 600, labels, 17 + labels.length);
            for (ReadOptions o : List.of(ReadOptions.DEFAULT, ReadOptions.DEFAULT.withFeatureCount(9000))) {
                FuzzOutcomes.Outcome<LoadedData> a = FuzzOutcomes.run(p, f -> sequential(f, o));
                FuzzOutcomes.Outcome<LoadedData> b = FuzzOutcomes.run(p, f -> parallel(f, o));
                assertTrue(!a.refused(), a.refusal());
                FuzzOutcomes.checkSame(a, b, "one piece and many");
                assertTrue(a.result().dataset().isSparse() && b.result().dataset().isSparse());
                assertEquals(a.result().dataset().nonzeros(), b.result().dataset().nonzeros());
            }
        }
    }

    /** Parsed in place and into heap pieces joined after (the path of files beyond one block): the same outcome. */
    @Test
    void inPlaceAndHeapPiecesGiveTheSameDataset() throws IOException {
        Path p = file("both.libsvm", 700, new int[] {7, 3, 12, 5}, 41);
        for (int threads : new int[] {1, 3}) {
            FuzzOutcomes.Outcome<LoadedData> a = FuzzOutcomes.run(p, f -> LibsvmDataReader.read(f, ReadOptions.DEFAULT, threads, 0, 1999));
            FuzzOutcomes.Outcome<LoadedData> b = FuzzOutcomes.run(p, f -> LibsvmDataReader.read(f, ReadOptions.DEFAULT, threads, 0, 1999, 0));
            assertTrue(!a.refused(), a.refusal());
            FuzzOutcomes.checkSame(a, b, "in place and heap pieces");
            assertEquals(a.result().dataset().nonzeros(), b.result().dataset().nonzeros());
        }
        // Bad lines: the same message either way.
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(p));
        lines.set(600, "3 4:1 2:1");
        Path bad = dir.resolve("both-bad.libsvm");
        Files.write(bad, lines);
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> LibsvmDataReader.read(bad, ReadOptions.DEFAULT, 3, 0, 1999));
        IllegalArgumentException h = assertThrows(IllegalArgumentException.class, () -> LibsvmDataReader.read(bad, ReadOptions.DEFAULT, 3, 0, 1999, 0));
        assertEquals(s.getMessage(), h.getMessage());
        assertEquals(bad + " line 601, column 7: index 2 follows index 4, expected strictly ascending indices (sorted, each at most once)", s.getMessage());
    }

    /**
     * Lines cut at every place a piece can end: a last line without a newline, CRLF ends, comment lines full of colons
     * (counted, so the nonzeros move down), qid: tokens, blank lines and a label-only row at piece edges.
     */
    @Test
    void pieceEdgesAndNoFinalNewline() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            switch (i % 9) {
                case 0: sb.append("# c:o:l:o:n:s 1:2 3:4\n"); break;
                case 1: sb.append("\n"); break;
                case 2: sb.append(i % 2).append(" qid:").append(i).append(" 3:0.5 70:-2\r\n"); break;
                case 3: sb.append(i % 2).append('\n'); break;
                default: sb.append(i % 2).append(" 1:").append(i).append(" 5:1.25e-3 ").append(10 + i).append(":7 # x:y\n");
            }
        }
        sb.append("1 2:3 9999:0.125"); // no final newline
        Path p = dir.resolve("edges.libsvm");
        Files.writeString(p, sb.toString(), StandardCharsets.US_ASCII);
        LoadedData one = sequential(p, ReadOptions.DEFAULT);
        assertEquals(9999, one.dataset().cols());
        assertEquals(0.125f, one.dataset().feature(one.dataset().rows() - 1, 9998));
        for (long piece : new long[] {13, 200, 1999}) {
            FuzzOutcomes.Outcome<LoadedData> a = FuzzOutcomes.run(p, f -> sequential(f, ReadOptions.DEFAULT));
            FuzzOutcomes.Outcome<LoadedData> b = FuzzOutcomes.run(p, f -> LibsvmDataReader.read(f, ReadOptions.DEFAULT, 2, 0, piece));
            FuzzOutcomes.checkSame(a, b, "one piece and pieces of " + piece + " bytes");
            assertEquals(a.result().dataset().nonzeros(), b.result().dataset().nonzeros());
        }
        // An error on the last line, which has no newline, in the last piece.
        Files.writeString(p, sb.toString().replace("9999:0.125", "9999:nan"), StandardCharsets.US_ASCII);
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> sequential(p, ReadOptions.DEFAULT));
        IllegalArgumentException q = assertThrows(IllegalArgumentException.class, () -> LibsvmDataReader.read(p, ReadOptions.DEFAULT, 2, 0, 31));
        assertEquals(s.getMessage(), q.getMessage());
        assertEquals(p + " line 401, column 12: index 9999: cannot parse value 'nan' as a finite float32", s.getMessage());
    }

    @Test
    void manyPiecesNameTheSameFirstBadLine() throws IOException {
        Path good = file("good.libsvm", 500, new int[] {0, 1}, 5);
        List<String> lines = Files.readAllLines(good);
        String[] bad = {"1 3:1 3:2", "0 0:1", "1 2:nan", "1 4:1 2:1", "x 1:1", "1 9001:1"};
        for (int c = 0; c < bad.length; c++) {
            String b = bad[c];
            for (int at : new int[] {c * 7, 250 + c * 31}) {
                List<String> copy = new java.util.ArrayList<>(lines);
                copy.set(at, b);
                copy.set(at + 20, "1 5:inf"); // a second error later: the first one is reported
                Path p = dir.resolve("bad.libsvm");
                Files.write(p, copy);
                ReadOptions o = ReadOptions.DEFAULT.withFeatureCount(9000);
                IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> sequential(p, o));
                IllegalArgumentException q = assertThrows(IllegalArgumentException.class, () -> parallel(p, o));
                assertEquals(s.getMessage(), q.getMessage());
                assertTrue(s.getMessage().startsWith(p + " line " + (at + 1) + ", column "), s.getMessage());
            }
        }
    }

    /** The sparse rows, densified, against a plain reading: String.split and Float.parseFloat. */
    @Test
    void sparseRowsEqualAPlainDenseReading() throws IOException {
        Path p = file("plain.libsvm", 300, new int[] {0, 1}, 99);
        Dataset d = DataReaders.read(p, ReadOptions.DEFAULT).dataset();
        Dataset dense = d.toDense();
        assertTrue(!dense.isSparse());
        long row = 0;
        float[] expected = new float[d.cols()];
        float[] got = new float[d.cols()];
        for (String line : Files.readAllLines(p)) {
            String t = line.replaceAll("#.*", "").trim();
            if (t.isEmpty()) continue;
            java.util.Arrays.fill(expected, 0f);
            String[] tokens = t.split("[ \t]+");
            for (int k = 1; k < tokens.length; k++) {
                if (tokens[k].startsWith("qid:")) continue;
                String[] iv = tokens[k].split(":");
                expected[Integer.parseInt(iv[0]) - 1] = Float.parseFloat(iv[1]);
            }
            dense.copyRow(row, got);
            for (int j = 0; j < got.length; j++) {
                if (Float.floatToIntBits(expected[j]) != Float.floatToIntBits(got[j])) {
                    throw new AssertionError("row " + row + ", column " + j + ": " + got[j] + ", expected " + expected[j]);
                }
            }
            assertEquals(Float.parseFloat(tokens[0]), dense.label(row), "label of row " + row);
            row++;
        }
        assertEquals(row, d.rows());
    }

    /** The fast decimal path rounds as FastDoubleParser does (correctly), at the edges of its range too. */
    @Test
    void fastValuesRoundCorrectly() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 50_000; i++) {
            int digits = 1 + r.nextInt(8);
            long m = r.nextLong((long) Math.pow(10, digits));
            int decimals = r.nextInt(12);
            String s = Long.toString(m);
            if (decimals > 0) {
                while (s.length() <= decimals) s = "0" + s;
                s = s.substring(0, s.length() - decimals) + "." + s.substring(s.length() - decimals);
            }
            if (r.nextBoolean()) s = "-" + s;
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            float expected = JavaFloatParser.parseFloat(s);
            float got = LibsvmPiece.value(b, 0, b.length);
            if (Float.floatToIntBits(expected) != Float.floatToIntBits(got)) throw new AssertionError(s + ": " + got + ", expected " + expected);
        }
        for (String s : List.of("16777215", "16777216", "16777217", "0.1677721", "1.", ".5", "-.5", "+3", "1e3", "0x1p3")) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            assertEquals(Float.floatToIntBits(JavaFloatParser.parseFloat(s)), Float.floatToIntBits(LibsvmPiece.value(b, 0, b.length)), s);
        }
        for (String s : List.of("", ".", "-", "1.2.3", "1-", "nan", "--1")) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            assertTrue(Float.isNaN(LibsvmPiece.value(b, 0, b.length)), s);
        }
    }
}
