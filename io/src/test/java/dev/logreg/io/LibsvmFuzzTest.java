package dev.logreg.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logreg.io.FuzzOutcomes.Outcome;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Fuzz test of {@link LibsvmDataReader}. Each input is a whole file. Under {@code mvn verify} it runs once per
 * committed input in {@code src/test/resources/dev/logreg/io/LibsvmFuzzTestInputs/libsvm/} (Jazzer's regression
 * mode); {@code scripts/fuzz.sh libsvm} fuzzes (DEVELOPERS.md, "Fuzzing").
 */
class LibsvmFuzzTest {
    @TempDir
    static Path dir;

    /** Features expected in the second read of each input: indices above it must be refused. */
    private static final int EXPECTED_FEATURES = 64;

    /**
     * Each input is read with the width taken from the file and with {@value #EXPECTED_FEATURES} features expected;
     * each read returns a valid dataset of the right width or refuses the file with a message naming it. The first
     * read is repeated cut into pieces of a few bytes on two threads, which must agree bit for bit, refusal included.
     * The rows are sparse, so any index (up to two billion) is a cheap read.
     */
    @FuzzTest
    void libsvm(byte[] input) {
        Path file = FuzzOutcomes.write(dir.resolve("input.libsvm"), input);
        Outcome<LoadedData> fromFile = FuzzOutcomes.run(file, f -> LibsvmDataReader.read(f, ReadOptions.DEFAULT));
        if (!fromFile.refused()) {
            FuzzOutcomes.checkLoaded(fromFile.result(), file);
            if (!fromFile.result().hasLabels()) throw new AssertionError("a LIBSVM file always has labels");
        }
        Outcome<LoadedData> pieces = FuzzOutcomes.run(file, f -> LibsvmDataReader.read(f, ReadOptions.DEFAULT, 2, 0, 7));
        FuzzOutcomes.checkSame(fromFile, pieces, "one piece and pieces of 7 bytes");
        Outcome<LoadedData> fixed = FuzzOutcomes.run(file, f -> LibsvmDataReader.read(f, ReadOptions.DEFAULT.withFeatureCount(EXPECTED_FEATURES)));
        if (!fixed.refused()) {
            FuzzOutcomes.checkLoaded(fixed.result(), file);
            if (fixed.result().dataset().cols() != EXPECTED_FEATURES) {
                throw new AssertionError(fixed.result().dataset().cols() + " columns, expected " + EXPECTED_FEATURES);
            }
        }
    }
}
