package dev.logreg.io;

import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.optim.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Coefficients stored sparse (format version 3) where most are zero; dense files and older versions as before. */
class ModelFileSparseTest {
    @TempDir
    Path dir;

    private static SavedModel saved(LinearClassifier m, LabelMapping labels) {
        return new SavedModel(m, labels, Map.of("penalty", "l1"), "reference (float64)", "owlqn", 0.25, Status.CONVERGED_GRADIENT,
                "", 3, 0.5, List.of(), "9.9.9");
    }

    private static double[] mostlyZero(int n, int... nonzero) {
        double[] c = new double[n];
        for (int j : nonzero) c[j] = j / 7.0 - 1e-3;
        return c;
    }

    @Test
    void aMostlyZeroBinaryModelIsWrittenSparseAndReadBackExactly() throws IOException {
        int n = 1_000_000;
        LogisticModel m = new LogisticModel(mostlyZero(n, 0, 17, 999_999), 0.5, true, null);
        Path f = dir.resolve("sparse.json");
        ModelFile.write(f, saved(m, LabelMapping.ZERO_ONE));
        String json = Files.readString(f);
        assertTrue(json.length() < 2_000, "a million features, three nonzero: " + json.length() + " characters");
        assertTrue(json.contains("\"formatVersion\" : 3") && json.contains("\"features\" : 1000000"), json);
        assertTrue(json.replaceAll("\\s", "").contains("\"coefficients\":{\"indices\":[0,17,999999],\"values\":["), json);
        SavedModel r = ModelFile.read(f);
        assertArrayEquals(m.coefficients(), r.model().coefficients());
        assertEquals(0.5, r.model().intercept());
        assertEquals(LabelMapping.ZERO_ONE, r.labels());
    }

    @Test
    void kClassModelsAreWrittenSparsePerClass() throws IOException {
        int n = 30;
        double[][] w = {mostlyZero(n, 1), mostlyZero(n, 2, 29), mostlyZero(n)};
        LabelMapping classes = LabelMapping.ofStrings(List.of("a", "b", "c"));
        for (LinearClassifier m : List.of(new SoftmaxModel(w, new double[] {0, 1, -1}, true, null),
                new OneVsRestModel(List.of(new LogisticModel(w[0], 0, true, null), new LogisticModel(w[1], 1, true, null), new LogisticModel(w[2], 2, true, null))))) {
            Path f = dir.resolve("k.json");
            ModelFile.write(f, saved(m, classes));
            String json = Files.readString(f).replaceAll("\\s", "");
            assertTrue(json.contains("\"formatVersion\":3") && json.contains("\"features\":30"), json);
            assertTrue(json.contains("\"coefficients\":[{\"indices\":[1],\"values\":[") && json.contains("{\"indices\":[],\"values\":[]}"), json);
            LinearClassifier r = ModelFile.read(f).classifier();
            assertEquals(m.getClass(), r.getClass());
            for (int c = 0; c < 3; c++) assertArrayEquals(w[c], CoefficientsJson.rows(r)[c]);
        }
    }

    @Test
    void denseModelsKeepTheirVersionsByteForByte() throws IOException {
        LogisticModel dense = new LogisticModel(new double[] {1, 0, 2}, 0, true, null); // one zero in three: dense
        Path f = dir.resolve("dense.json");
        ModelFile.write(f, saved(dense, LabelMapping.ZERO_ONE));
        String json = Files.readString(f);
        assertTrue(json.contains("\"formatVersion\" : 1") && !json.contains("\"features\""), json);
        assertTrue(json.contains("\"coefficients\" : [ 1.0, 0.0, 2.0 ]"), json);
        SoftmaxModel k = new SoftmaxModel(new double[][] {{1, 2}, {3, 0}}, new double[] {0, 0}, true, null);
        ModelFile.write(f, saved(k, LabelMapping.ofNumbers(3, 5)));
        assertTrue(Files.readString(f).contains("\"formatVersion\" : 2"));
    }

    /** Files as versions 1 and 2 wrote them (literal text) still load. */
    @Test
    void olderFilesLoad() throws IOException {
        Path v1 = dir.resolve("v1.json");
        Files.writeString(v1, "{\"format\": \"logreg-model\", \"formatVersion\": 1, \"featureNames\": null, \"coefficients\": [0.5, 0, -1],"
                + " \"intercept\": 0.25, \"fitIntercept\": true, \"labels\": {\"negative\": -1, \"positive\": 1}, \"status\": \"CONVERGED_GRADIENT\"}");
        SavedModel a = ModelFile.read(v1);
        assertArrayEquals(new double[] {0.5, 0, -1}, a.model().coefficients());
        assertEquals(LabelMapping.MINUS_ONE_PLUS_ONE, a.labels());
        Path v2 = dir.resolve("v2.json");
        Files.writeString(v2, "{\"format\": \"logreg-model\", \"formatVersion\": 2, \"featureNames\": null, \"fitIntercept\": false,"
                + " \"strategy\": \"multinomial\", \"classes\": [\"x\", \"y\", \"z\"], \"coefficients\": [[1, 0], [0, 0], [0, 2]],"
                + " \"intercepts\": [0, 0, 0], \"status\": \"CONVERGED_GRADIENT\"}");
        SoftmaxModel b = (SoftmaxModel) ModelFile.read(v2).classifier();
        assertEquals(2.0, b.coefficient(2, 1));
        // A sparse row is a version-3 form: in a version-2 file it is refused, not guessed at.
        Path mixed = dir.resolve("mixed.json");
        Files.writeString(mixed, Files.readString(v2).replace("[[1, 0], [0, 0], [0, 2]]", "[[1, 0], {\"indices\": [], \"values\": []}, [0, 2]]"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(mixed));
        assertTrue(e.getMessage().contains("field \"coefficients[1]\" is an object (sparse coefficients), which only format version 3 files hold"), e.getMessage());
    }

    @Test
    void badSparseRowsAreRefusedNamingTheEntry() throws IOException {
        String head = "{\"format\": \"logreg-model\", \"formatVersion\": 3, \"featureNames\": null, \"intercept\": 0, \"fitIntercept\": true,"
                + " \"labels\": {\"negative\": 0, \"positive\": 1}, \"status\": \"CONVERGED_GRADIENT\", ";
        String[][] cases = {
            {"\"features\": 5, \"coefficients\": {\"indices\": [1, 5], \"values\": [1, 2]}", "coefficients.indices[1] is 5, outside [0, 5)"},
            {"\"features\": 5, \"coefficients\": {\"indices\": [3, 1], \"values\": [1, 2]}", "coefficients.indices[1] is 1, after 3"},
            {"\"features\": 5, \"coefficients\": {\"indices\": [3, 3], \"values\": [1, 2]}", "coefficients.indices[1] is 3, repeated"},
            {"\"features\": 5, \"coefficients\": {\"indices\": [3], \"values\": [1, 2]}", "needs arrays \"indices\" and \"values\" of the same length"},
            {"\"features\": 5, \"coefficients\": {\"indices\": [3], \"values\": [\"x\"]}", "field \"coefficients.values[0]\" is \"x\", expected a number"},
            {"\"coefficients\": {\"indices\": [3], \"values\": [1]}", "field \"features\" is missing"},
            {"\"features\": 0, \"coefficients\": [1]", "field \"features\" is 0, expected an integer from 1"},
            {"\"features\": 2147483000, \"coefficients\": {\"indices\": [], \"values\": []}", "more than half of this JVM's heap"},
            {"\"features\": 3, \"coefficients\": [1, 2]", "field \"coefficients\" has 2 coefficients, \"features\" says 3"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("bad.json");
            Files.writeString(f, head + c[0] + "}");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(f), c[0]);
            assertTrue(e.getMessage().startsWith(f + " is not a valid model file: ") && e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }
}
