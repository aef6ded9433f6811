package dev.logreg.examples;

import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingExampleTest {
    @TempDir
    Path dir;

    /** data/breast-cancer.csv of the repository, found by walking up from the working directory. */
    private static Path bundled() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("data").resolve("breast-cancer.csv");
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalStateException("data/breast-cancer.csv not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void mainRunsOnTheBundledData() throws Exception {
        Path model = dir.resolve("model.json");
        EmbeddingExample.main(new String[] {bundled().toString(), model.toString()});
        SavedModel s = ModelFile.load(model);
        assertEquals(30, s.model().features());
        assertEquals("mean_radius", s.model().featureNames().get(0));
        assertTrue(s.status().name().startsWith("CONVERGED"), s.status() + ": " + s.message());
    }

    @Test
    void runScoresWithTheModelItSaved() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        EmbeddingExample.Outcome o = EmbeddingExample.run(bundled(), dir.resolve("m.json"), new PrintStream(text, true, StandardCharsets.UTF_8));
        double[] trained = o.training().model().coefficients();
        double[] loaded = o.loaded().model().coefficients();
        for (int j = 0; j < trained.length; j++) {
            assertTrue(Double.compare(trained[j], loaded[j]) == 0, "coefficient " + j + ": trained " + trained[j] + ", loaded " + loaded[j]);
        }
        // Row 0 of the file is malignant (benign = 0) and far from the boundary: a converged L2 model is sure of it.
        assertTrue(o.probability() < 0.01, "P(benign) of row 0 is " + o.probability());
        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("read 569 rows x 30 features"), out);
        assertTrue(out.contains("row 0: P(benign)"), out);
    }
}
