package dev.logreg.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logreg.io.FuzzOutcomes.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Fuzz tests of {@link NpyDataReader}: the matrix file (labels in its last column) and a separate labels file. Each
 * input is a whole {@code .npy} file. Under {@code mvn verify} these run once per committed input in
 * {@code src/test/resources/dev/logreg/io/NpyFuzzTestInputs/METHOD/} (Jazzer's regression mode);
 * {@code scripts/fuzz.sh npy} and {@code scripts/fuzz.sh npyLabels} fuzz (DEVELOPERS.md, "Fuzzing").
 */
class NpyFuzzTest {
    @TempDir
    static Path dir;

    /** The fixed matrix of {@link #npyLabels}, written once. */
    @BeforeAll
    static void writeFeatures() throws IOException {
        NpyFiles.write(dir.resolve("features.npy"), "<f4", false, new long[] {4, 2}, NpyFiles.floats(1, 2, 3, 4, 5, 6, 7, 8));
    }

    /**
     * The matrix file: a valid dataset or a refusal naming the file, read both with one dataset block and with a
     * block per row, which must agree (the same dataset bit for bit, or the same message).
     */
    @FuzzTest
    void npy(byte[] input) {
        Path file = FuzzOutcomes.write(dir.resolve("input.npy"), input);
        Outcome<LoadedData> whole = FuzzOutcomes.run(file, f -> NpyDataReader.read(f, ReadOptions.DEFAULT));
        if (!whole.refused()) FuzzOutcomes.checkLoaded(whole.result(), file);
        Outcome<LoadedData> rowBlocks = FuzzOutcomes.run(file, f -> NpyDataReader.read(f, ReadOptions.DEFAULT, 1));
        FuzzOutcomes.checkSame(whole, rowBlocks, "reads in one block and in one block per row");
        Outcome<LoadedData> unlabeled = FuzzOutcomes.run(file, f -> NpyDataReader.read(f, ReadOptions.DEFAULT.withLabelRequired(false).withFeatureCount(2)));
        if (!unlabeled.refused()) FuzzOutcomes.checkLoaded(unlabeled.result(), file);
    }

    /**
     * A labels file (any dtype the reader accepts for labels) beside a fixed valid 4 x 2 float32 matrix: a valid
     * dataset whose labels come from the file, or a refusal naming the labels file.
     */
    @FuzzTest
    void npyLabels(byte[] input) {
        Path features = dir.resolve("features.npy");
        Path labels = FuzzOutcomes.write(dir.resolve("labels.npy"), input);
        Outcome<LoadedData> got = FuzzOutcomes.run(labels, f -> NpyDataReader.read(features, ReadOptions.DEFAULT.withLabelsFile(f)));
        if (!got.refused()) {
            FuzzOutcomes.checkLoaded(got.result(), features);
            if (got.result().dataset().rows() != 4 || got.result().dataset().cols() != 2) throw new AssertionError(got.result().dataset() + ", expected 4 x 2");
        }
    }
}
