package dev.logreg.io;

import dev.logreg.io.FuzzOutcomes.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parallel CSV read cut at every line end: the same rows, bit for bit, or the same message as the sequential read,
 * on every committed CSV file and fuzz input and on small files built to put line ends, CRLF, blank lines and bad
 * values at every place a cut can fall.
 */
class CsvPiecesTest {
    @TempDir
    Path dir;

    private static final List<ReadOptions> OPTIONS = List.of(
            ReadOptions.DEFAULT,
            ReadOptions.DEFAULT.withWeightColumn("w").withLabelRequired(false),
            ReadOptions.DEFAULT.withFeatureNames(List.of("b", "a")));

    /** Sequential, then two threads cut into {@code pieces}; each with read buffers of {@code buffer} bytes too. */
    private static void same(Path file, ReadOptions o, int pieces, int buffer) {
        Outcome<LoadedData> plain = FuzzOutcomes.run(file, f -> CsvDataReader.read(f, o));
        Outcome<LoadedData> cut = FuzzOutcomes.run(file, f -> CsvDataReader.read(f, o, 2, 0, buffer, pieces));
        FuzzOutcomes.checkSame(plain, cut, file.getFileName() + ": sequential and " + pieces + " pieces (buffers of " + buffer + " bytes)");
    }

    @Test
    void everyCommittedCsvFileAndFuzzInput() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // the io module's parent: the repository
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources/dev/logreg/io/CsvFuzzTestInputs"))) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        assertTrue(files.size() > 50, "the fuzz inputs: " + files.size());
        for (Path f : files) {
            for (ReadOptions o : OPTIONS) {
                long size = Files.size(f);
                for (int pieces : new int[] {2, 3, (int) Math.max(1, size)}) same(f, o, pieces, 1 + (int) (size % 16));
            }
        }
        for (String data : new String[] {"data/breast-cancer.csv", "data/wine.csv", "api/src/test/resources/dev/logreg/loss/logloss-exact.csv"}) {
            Path f = root.resolve(data);
            assertTrue(Files.exists(f), f.toString());
            ReadOptions o = data.contains("wine") ? ReadOptions.DEFAULT.withLabelColumn("cultivar")
                    : data.contains("logloss") ? ReadOptions.DEFAULT.withLabelColumn("z").withLabelRequired(false) : ReadOptions.DEFAULT;
            for (int pieces : new int[] {2, 3, 8, 61, 997}) same(f, o, pieces, 4 << 20);
            same(f, o, 7, 100);
        }
    }

    /**
     * A small file with CRLF and LF line ends, blank lines and spaces, read cut at every line end (as many pieces as
     * bytes), with and without a final newline, with a BOM and a CRLF header.
     */
    @Test
    void cutsAtEveryLineEnd() throws IOException {
        StringBuilder sb = new StringBuilder("\uFEFFa,b,label,w\r\n");
        for (int i = 0; i < 40; i++) {
            sb.append(i % 3 == 0 ? "-" : "").append(i).append('.').append(i % 7).append(',').append(i % 4 == 0 ? " 1e-3 " : "0.5")
                    .append(',').append(i % 2).append(',').append(i % 5).append(i % 2 == 0 ? "\r\n" : "\n");
            if (i % 9 == 0) sb.append(i % 2 == 0 ? "\n" : "  \r\n");
        }
        String text = sb.toString();
        for (String body : new String[] {text, text.substring(0, text.length() - 2), text.substring(0, text.length() - 1)}) {
            Path f = dir.resolve("every" + body.length() + ".csv");
            Files.writeString(f, body, StandardCharsets.UTF_8);
            int n = (int) Files.size(f);
            for (ReadOptions o : OPTIONS) {
                for (int pieces = 1; pieces <= n; pieces += pieces < 40 ? 1 : 37) same(f, o, pieces, 4 << 20);
                same(f, o, n, 3);
            }
        }
    }

    /** A bad value in the second half of the file: the message names its line and column, as the sequential read's does. */
    @Test
    void anErrorInALaterPieceNamesItsLine() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 1000; i++) sb.append(i).append(".5,").append(-i).append(',').append(i % 2).append('\n');
        String good = sb.toString();
        String[] bad = {"1,x,0", "1,2", "1,2,0.5", "1,1e39,1", "1,2,3,4", "1,,1", "\"x\",2,1"};
        for (String b : bad) {
            String body = good + b + "\n" + good.substring("a,b,label\n".length());
            Path f = dir.resolve("bad.csv");
            Files.writeString(f, body);
            String sequential = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(f, ReadOptions.DEFAULT)).getMessage();
            assertTrue(sequential.contains(" line 1002"), sequential);
            for (int pieces : new int[] {2, 3, 4, 16, 1000}) {
                String parallel = assertThrows(IllegalArgumentException.class,
                        () -> CsvDataReader.read(f, ReadOptions.DEFAULT, 2, 0, 4 << 20, pieces)).getMessage();
                assertEquals(sequential, parallel, b + " with " + pieces + " pieces");
            }
        }
        // Two bad lines, one in each half: the first in the file is named, whichever piece finishes first.
        Path f = dir.resolve("twobad.csv");
        Files.writeString(f, "a,b,label\n" + "1,2,1\n".repeat(500) + "1,first,1\n" + "1,2,0\n".repeat(500) + "1,second,1\n");
        for (int pieces : new int[] {2, 4, 64}) {
            String m = assertThrows(IllegalArgumentException.class, () -> CsvDataReader.read(f, ReadOptions.DEFAULT, 2, 0, 4 << 20, pieces)).getMessage();
            assertTrue(m.contains("line 502, column 'b' (2): cannot parse 'first'"), m);
        }
    }
}
