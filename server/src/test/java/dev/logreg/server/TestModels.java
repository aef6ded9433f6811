package dev.logreg.server;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.BackendChoice;
import dev.logreg.data.Dataset;
import dev.logreg.io.DataReaders;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.ReadOptions;
import dev.logreg.io.SavedModel;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.TrainingResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's data and a model trained on it, for the server's tests. */
final class TestModels {
    private TestModels() {}

    /** {@code data/<name>} of the repository, found by walking up from the working directory. */
    static Path data(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path p = dir.resolve("data").resolve(name);
            if (Files.isRegularFile(p)) return p;
            dir = dir.getParent();
        }
        throw new IllegalStateException("data/" + name + " not found");
    }

    /** data/breast-cancer.csv (label "benign", 30 features). */
    static Dataset breastCancer() {
        try {
            return DataReaders.read(data("breast-cancer.csv"), ReadOptions.DEFAULT.withLabelColumn("benign")).dataset();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An L2 model of {@code data}, labels -1/+1, as the command line would save it. */
    static SavedModel trained(Dataset data) {
        TrainingResult r = LogisticRegression.builder().penalty(Penalty.l2(1.0)).backend(BackendChoice.REFERENCE).build().fit(data);
        return SavedModel.of(r, r.model(), LabelMapping.MINUS_ONE_PLUS_ONE, java.util.Map.of("data", "/home/someone/secret/train.csv"));
    }
}
