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
     * each read returns a valid dataset of the right width or refuses the file with a message naming it.
     *
     * <p>The reader densifies: an index k makes every row k floats wide, by design, so a file of a few bytes can
     * rightly ask for gigabytes. The read that takes its width from the file is therefore done only where no index
     * has more than {@value #MAX_INDEX_DIGITS} digits (a row of at most 4 KB); the read with a fixed width covers
     * large indices, which it refuses.
     */
    @FuzzTest
    void libsvm(byte[] input) {
        Path file = FuzzOutcomes.write(dir.resolve("input.libsvm"), input);
        if (indicesAreSmall(input)) {
            Outcome<LoadedData> fromFile = FuzzOutcomes.run(file, f -> LibsvmDataReader.read(f, ReadOptions.DEFAULT));
            if (!fromFile.refused()) {
                FuzzOutcomes.checkLoaded(fromFile.result(), file);
                if (!fromFile.result().hasLabels()) throw new AssertionError("a LIBSVM file always has labels");
            }
        }
        Outcome<LoadedData> fixed = FuzzOutcomes.run(file, f -> LibsvmDataReader.read(f, ReadOptions.DEFAULT.withFeatureCount(EXPECTED_FEATURES)));
        if (!fixed.refused()) {
            FuzzOutcomes.checkLoaded(fixed.result(), file);
            if (fixed.result().dataset().cols() != EXPECTED_FEATURES) {
                throw new AssertionError(fixed.result().dataset().cols() + " columns, expected " + EXPECTED_FEATURES);
            }
        }
    }

    private static final int MAX_INDEX_DIGITS = 3;

    /** Whether no run of digits longer than {@value #MAX_INDEX_DIGITS} stands right before a ':'. */
    private static boolean indicesAreSmall(byte[] b) {
        int digits = 0;
        for (byte c : b) {
            if (c >= '0' && c <= '9') digits++;
            else {
                if (c == ':' && digits > MAX_INDEX_DIGITS) return false;
                digits = 0;
            }
        }
        return true;
    }
}
