package dev.logreg.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logreg.io.FuzzOutcomes.Outcome;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz tests of the two CSV readers: the byte scanner that {@link DataReaders} uses ({@link CsvDataReader}) and the
 * FastCSV-based alternative ({@link FastCsvDataReader}). Each input is a whole file. Under {@code mvn verify} these
 * run once per committed input in {@code src/test/resources/dev/logreg/io/CsvFuzzTestInputs/METHOD/} (Jazzer's
 * regression mode); {@code scripts/fuzz.sh csv} fuzzes (DEVELOPERS.md, "Fuzzing").
 */
class CsvFuzzTest {
    @TempDir
    static Path dir;

    /**
     * The options each input is read with: the defaults (label column {@code label}, labels required), a weight
     * column {@code w} with labels optional, and features chosen by name ({@code b}, {@code a}; the seeds use these
     * names).
     */
    private static final List<ReadOptions> OPTIONS = List.of(
            ReadOptions.DEFAULT,
            ReadOptions.DEFAULT.withWeightColumn("w").withLabelRequired(false),
            ReadOptions.DEFAULT.withFeatureNames(List.of("b", "a")));

    /**
     * The byte scanner: each read either returns a valid dataset or refuses the file with a message naming it, and
     * with the default options, reading with a tiny buffer (records cut at every buffer end) gives the same outcome
     * as with the default one: the same dataset bit for bit, or the same message.
     */
    @FuzzTest
    void csv(byte[] input) {
        Path file = FuzzOutcomes.write(dir.resolve("input.csv"), input);
        int tinyBuffer = 1 + input.length % 16;
        for (ReadOptions o : OPTIONS) {
            Outcome<LoadedData> plain = FuzzOutcomes.run(file, f -> CsvDataReader.read(f, o));
            if (!plain.refused()) FuzzOutcomes.checkLoaded(plain.result(), file);
            if (o == ReadOptions.DEFAULT) {
                Outcome<LoadedData> tiny = FuzzOutcomes.run(file, f -> CsvDataReader.read(f, o, 1, Long.MAX_VALUE, tinyBuffer));
                FuzzOutcomes.checkSame(plain, tiny, "sequential reads with buffers of 4 MiB and " + tinyBuffer + " bytes");
            }
        }
    }

    /**
     * The parallel read ({@link CsvDataReader#read(Path, ReadOptions, int)}), made to split even a small file into
     * byte ranges: the same outcome as the sequential read, the same dataset bit for bit or the same message. Apart
     * from {@link #csv} because starting threads for every input makes it ten times slower.
     */
    @FuzzTest
    void csvParallel(byte[] input) {
        Path file = FuzzOutcomes.write(dir.resolve("input.csv"), input);
        Outcome<LoadedData> plain = FuzzOutcomes.run(file, f -> CsvDataReader.read(f, ReadOptions.DEFAULT));
        if (!plain.refused()) FuzzOutcomes.checkLoaded(plain.result(), file);
        Outcome<LoadedData> parallel = FuzzOutcomes.run(file, f -> CsvDataReader.read(f, ReadOptions.DEFAULT, 2, 0, 1 + input.length % 16));
        FuzzOutcomes.checkSame(plain, parallel, "sequential and two-thread reads");
    }

    /** The FastCSV-based reader: a valid dataset or a refusal naming the file, for every option set. */
    @FuzzTest
    void fastCsv(byte[] input) {
        Path file = FuzzOutcomes.write(dir.resolve("input.csv"), input);
        for (ReadOptions o : OPTIONS) {
            Outcome<LoadedData> got = FuzzOutcomes.run(file, f -> FastCsvDataReader.read(f, o));
            if (!got.refused()) FuzzOutcomes.checkLoaded(got.result(), file);
        }
    }
}
