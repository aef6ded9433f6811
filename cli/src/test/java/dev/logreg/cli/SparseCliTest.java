package dev.logreg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * train, predict and evaluate on sparse data, end to end: the same 120 x 5,000 matrix as LIBSVM text and as a SciPy
 * {@code .npz} with its labels in a {@code .npy} ({@code src/test/resources/dev/logreg/cli/sparse/make-sparse.py});
 * and the refusals of bad sparse input, each one line naming the file, line and column.
 */
class SparseCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String resource(String name) {
        try {
            return Path.of(SparseCliTest.class.getResource("sparse/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertBadInput(CliRun r, String fragment) {
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains(fragment), () -> "expected '" + fragment + "' in stderr: " + r);
        assertFalse(r.err().contains("\tat "), r::toString);
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("logreg:")).count(), r::toString);
    }

    @Test
    void libsvmAndNpzTrainTheSameModelAndScoreWithoutDensifying() throws IOException {
        Path fromText = dir.resolve("text.json");
        Path plots = dir.resolve("plots");
        CliRun t = CliRun.of("train", "--data", resource("train.libsvm"), "--features", "5000", "--backend", "reference", "--penalty", "l1",
                "--lambda", "1", "--validation-fraction", "0.25", "--quiet", "--json", "--plot", plots.toString(), "--out", fromText.toString());
        assertEquals(0, t.code(), t.toString());
        JsonNode s = JSON.readTree(t.out());
        assertTrue(s.get("converged").asBoolean(), t.out());
        assertEquals(5000, s.get("features").asInt());
        assertTrue(s.get("metrics").get("validation").get("rocAuc").asDouble() > 0.9, t.out());
        assertTrue(Files.isRegularFile(plots.resolve("objective.png")), "plots: " + s.get("plots"));
        String file = Files.readString(fromText);
        // An L1 fit on 5,000 columns keeps a few: the file stores them sparse, with the width, and names no feature.
        assertTrue(file.contains("\"formatVersion\" : 3") && file.contains("\"features\" : 5000") && file.contains("\"featureNames\" : null"), file);
        assertTrue(file.length() < 20_000, file.length() + " characters");

        Path fromNpz = dir.resolve("npz.json");
        CliRun n = CliRun.of("train", "--data", resource("train.npz"), "--labels", resource("train-labels.npy"), "--backend", "reference",
                "--penalty", "l1", "--lambda", "1", "--validation-fraction", "0.25", "--quiet", "--out", fromNpz.toString());
        assertEquals(0, n.code(), n.toString());
        SavedModel a = ModelFile.read(fromText);
        SavedModel b = ModelFile.read(fromNpz);
        assertArrayEquals(a.model().coefficients(), b.model().coefficients(), "the same float32 rows, the same deterministic fit");
        assertEquals(a.model().intercept(), b.model().intercept());

        Path p1 = dir.resolve("p1.csv");
        Path p2 = dir.resolve("p2.csv");
        assertEquals(0, CliRun.of("predict", "--model", fromText.toString(), "--data", resource("train.libsvm"), "--out", p1.toString()).code());
        CliRun p = CliRun.of("predict", "--model", fromText.toString(), "--data", resource("train.npz"), "--out", p2.toString()); // no labels: fine
        assertEquals(0, p.code(), p.toString());
        List<String> lines = Files.readAllLines(p1);
        assertEquals(121, lines.size());
        assertEquals("probability,label", lines.get(0));
        assertEquals(lines, Files.readAllLines(p2));

        CliRun e = CliRun.of("evaluate", "--model", fromNpz.toString(), "--data", resource("train.npz"), "--labels", resource("train-labels.npy"), "--json");
        assertEquals(0, e.code(), e.toString());
        CliRun e2 = CliRun.of("evaluate", "--model", fromNpz.toString(), "--data", resource("train.libsvm"), "--json");
        assertEquals(0, e2.code(), e2.toString());
        JsonNode m1 = JSON.readTree(e.out());
        JsonNode m2 = JSON.readTree(e2.out());
        assertEquals(120, m1.get("rows").asInt(), e.out());
        assertTrue(m1.get("accuracy").asDouble() > 0.9, e.out());
        for (String metric : List.of("logLoss", "accuracy", "rocAuc")) assertEquals(m1.get(metric).asDouble(), m2.get(metric).asDouble(), 0.0, metric);
    }

    @Test
    void badSparseInputIsOneLineNamingFileLineAndColumn() throws IOException {
        Path above = dir.resolve("above.libsvm");
        Files.writeString(above, "1 3:1\n0 2:1 9:1\n");
        assertBadInput(CliRun.of("train", "--data", above.toString(), "--features", "5", "--backend", "reference"),
                above + " line 2, column 7: index 9 is beyond the 5 features expected");
        Path zero = dir.resolve("zero.libsvm");
        Files.writeString(zero, "1 0:1\n");
        assertBadInput(CliRun.of("train", "--data", zero.toString()), zero + " line 1, column 3: index '0' is not an integer >= 1");
        Path unsorted = dir.resolve("unsorted.libsvm");
        Files.writeString(unsorted, "1 1:1\n0 4:1 2:1\n");
        assertBadInput(CliRun.of("train", "--data", unsorted.toString()), unsorted + " line 2, column 7: index 2 follows index 4");
        Path nan = dir.resolve("nan.libsvm");
        Files.writeString(nan, "1 1:1\n0 4:nan\n");
        assertBadInput(CliRun.of("train", "--data", nan.toString()), nan + " line 2, column 5: index 4: cannot parse value 'nan' as a finite float32");
        assertBadInput(CliRun.of("train", "--data", resource("train.npz")), "an .npz matrix holds no labels; give them in a separate .npy file (--labels FILE.npy)");
        assertBadInput(CliRun.of("train", "--data", resource("train-csc.npz"), "--labels", resource("train-labels.npy")),
                "a scipy.sparse 'csc' matrix; logreg reads CSR: save X.tocsr()");
        assertBadInput(CliRun.of("train", "--data", resource("train.libsvm"), "--labels", resource("train-labels.npy")),
                "--labels FILE.npy applies to .npy and .npz data only");
        assertBadInput(CliRun.of("train", "--data", CliRun.data("breast-cancer.csv").toString(), "--label", "benign", "--features", "30"),
                "--features applies to LIBSVM and .npz data");
        assertBadInput(CliRun.of("train", "--data", above.toString(), "--features", "1000000", "--stats", "--backend", "reference"),
                "--stats needs the (features + 1)² Hessian; 1000000 features are too many (at most 46,339)");
        Path model = dir.resolve("m.json");
        Files.writeString(model, "{\"format\": \"logreg-model\", \"formatVersion\": 3, \"featureNames\": null, \"features\": 5000,"
                + " \"coefficients\": {\"indices\": [3, 17], \"values\": [2.5, -2.5]}, \"intercept\": 0, \"fitIntercept\": true,"
                + " \"labels\": {\"negative\": 0, \"positive\": 1}, \"status\": \"CONVERGED_GRADIENT\"}");
        assertBadInput(CliRun.of("predict", "--model", model.toString(), "--data", resource("train.libsvm"), "--features", "7"),
                "--features is 7, but the model has 5000 features");
        Path wide = dir.resolve("wide.libsvm");
        Files.writeString(wide, "1 5001:1\n");
        assertBadInput(CliRun.of("predict", "--model", model.toString(), "--data", wide.toString()),
                wide + " line 1, column 3: index 5001 is beyond the 5000 features expected");
        // The hand-written sparse model scores the sparse file (no training needed): column 3 (LIBSVM 4) is class 1's.
        CliRun p = CliRun.of("predict", "--model", model.toString(), "--data", resource("train.libsvm"));
        assertEquals(0, p.code(), p.toString());
        List<String> lines = p.out().lines().toList();
        List<String> data = Files.readAllLines(Path.of(resource("train.libsvm")));
        for (int i = 0; i < data.size(); i++) {
            assertEquals(data.get(i).substring(0, 1), lines.get(i + 1).substring(lines.get(i + 1).length() - 1), "row " + i + ": " + lines.get(i + 1));
        }
    }
}
