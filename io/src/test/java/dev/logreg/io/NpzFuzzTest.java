package dev.logreg.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logreg.io.FuzzOutcomes.Outcome;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Fuzz test of {@link NpzDataReader}. Each input is a whole archive. Under {@code mvn verify} it runs once per
 * committed input in {@code src/test/resources/dev/logreg/io/NpzFuzzTestInputs/npz/} (the files of
 * {@code npz/make-npz.py}: SciPy's own archives, compressed and stored, and near-valid ones); {@code scripts/fuzz.sh npz}
 * fuzzes (DEVELOPERS.md, "Fuzzing").
 */
class NpzFuzzTest {
    @TempDir
    static Path dir;

    /**
     * Each input is read without labels (as for predict) and as {@value #EXPECTED_FEATURES} columns expected; each
     * read returns a valid sparse dataset or refuses the archive with a message naming it. The entries are streamed
     * and arrays grow as values arrive, so a header that promises more than its entry holds costs nothing.
     */
    @FuzzTest
    void npz(byte[] input) {
        Path file = FuzzOutcomes.write(dir.resolve("input.npz"), input);
        ReadOptions unlabelled = ReadOptions.DEFAULT.withLabelRequired(false);
        Outcome<LoadedData> any = FuzzOutcomes.run(file, f -> NpzDataReader.read(f, unlabelled));
        if (!any.refused()) {
            FuzzOutcomes.checkLoaded(any.result(), file);
            if (!any.result().dataset().isSparse()) throw new AssertionError("an .npz matrix read dense");
            if (any.result().hasLabels()) throw new AssertionError("labels without a labels file");
        }
        Outcome<LoadedData> fixed = FuzzOutcomes.run(file, f -> NpzDataReader.read(f, unlabelled.withFeatureCount(EXPECTED_FEATURES)));
        if (!fixed.refused()) {
            FuzzOutcomes.checkLoaded(fixed.result(), file);
            if (fixed.result().dataset().cols() != EXPECTED_FEATURES) throw new AssertionError(fixed.result().dataset().cols() + " columns");
        }
    }

    /** The width of the seeds' matrix. */
    private static final int EXPECTED_FEATURES = 7;
}
