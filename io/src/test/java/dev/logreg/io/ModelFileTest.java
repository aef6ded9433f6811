package dev.logreg.io;

import dev.logreg.model.LogisticModel;
import dev.logreg.optim.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFileTest {
    @TempDir
    Path dir;

    private static SavedModel sample() {
        double[] coef = {0.1, -1e-300, 1.0 / 3, 12345.678901234567};
        LogisticModel m = new LogisticModel(coef, -0.7071067811865476, true, List.of("a", "b c", "ü", "d\"q"));
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("penalty", "l2");
        training.put("lambda", 0.5);
        training.put("standardize", true);
        training.put("timeBudgetSeconds", null);
        List<SavedModel.HistoryPoint> h = List.of(new SavedModel.HistoryPoint(1, 0.69, 0.25, 0.001),
                new SavedModel.HistoryPoint(2, 0.5, Double.NaN, 0.002));
        return new SavedModel(m, LabelMapping.MINUS_ONE_PLUS_ONE, training, "reference (float64)", "lbfgs", 0.123456789,
                Status.MAX_ITERATIONS, "stopped after 2 iterations", 2, 0.25, h, "9.9.9");
    }

    @Test
    void roundTripIsExact() throws IOException {
        Path f = dir.resolve("m.json");
        SavedModel s = sample();
        ModelFile.write(f, s);
        SavedModel r = ModelFile.read(f);
        double[] a = s.model().coefficients();
        double[] b = r.model().coefficients();
        for (int j = 0; j < a.length; j++) {
            if (Double.doubleToLongBits(a[j]) != Double.doubleToLongBits(b[j])) {
                throw new AssertionError("coefficient " + j + ": wrote " + a[j] + ", read " + b[j]);
            }
        }
        assertEquals(Double.doubleToLongBits(s.model().intercept()), Double.doubleToLongBits(r.model().intercept()));
        assertEquals(s.model().featureNames(), r.model().featureNames());
        assertEquals(s.labels(), r.labels());
        assertEquals(s.training(), r.training());
        assertEquals(s.status(), r.status());
        assertEquals(s.message(), r.message());
        assertEquals(s.iterations(), r.iterations());
        assertEquals(s.objective(), r.objective());
        assertEquals(s.libraryVersion(), r.libraryVersion());
        assertEquals(2, r.history().size());
        assertEquals(0.25, r.history().get(0).gradientNorm());
        assertTrue(Double.isNaN(r.history().get(1).gradientNorm()), "a NaN gradient norm is written as null and read as NaN");
        String json = Files.readString(f);
        assertTrue(json.contains("\"formatVersion\" : 1"), json);
        assertTrue(json.contains("\"negative\" : -1"), json);
    }

    @Test
    void modelWithoutNamesOrIntercept() throws IOException {
        Path f = dir.resolve("m.json");
        SavedModel s = new SavedModel(new LogisticModel(new double[] {1, 2}, 0, false, null), LabelMapping.ZERO_ONE, null, null, null,
                Double.NaN, Status.CONVERGED_GRADIENT, null, 0, 0, null, null);
        ModelFile.write(f, s);
        SavedModel r = ModelFile.read(f);
        assertEquals(null, r.model().featureNames());
        assertEquals(false, r.model().fitIntercept());
        assertArrayEquals(new double[] {1, 2}, r.model().coefficients());
        assertEquals(ModelFile.libraryVersion(), r.libraryVersion());
    }

    @Test
    void truncatedCorruptNewerAndForeignFilesAreClearErrors() throws IOException {
        Path good = dir.resolve("good.json");
        ModelFile.write(good, sample());
        String json = Files.readString(good);

        Path truncated = dir.resolve("truncated.json");
        Files.writeString(truncated, json.substring(0, json.length() / 2));
        assertMessage(truncated, "corrupt or truncated");

        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, json.replaceFirst("\"coefficients\" : \\[", "\"coefficients\" : [}"));
        assertMessage(corrupt, "corrupt or truncated");

        Path trailing = dir.resolve("trailing.json");
        Files.writeString(trailing, json + "}");
        assertMessage(trailing, "corrupt or truncated");

        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "");
        assertMessage(empty, "empty");

        Path newer = dir.resolve("newer.json");
        Files.writeString(newer, json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
        assertMessage(newer, "format version 2, newer");

        Path foreign = dir.resolve("foreign.json");
        Files.writeString(foreign, "{\"hello\": 1}");
        assertMessage(foreign, "not a logreg model file");

        Path missing = dir.resolve("missing.json");
        Files.writeString(missing, json.replace("\"intercept\"", "\"interceptx\""));
        assertMessage(missing, "\"intercept\" is missing");

        Path nonNumber = dir.resolve("nonnumber.json");
        Files.writeString(nonNumber, json.replace("\"coefficients\" : [ 0.1", "\"coefficients\" : [ \"x\""));
        assertMessage(nonNumber, "coefficients[0]");

        Path badStatus = dir.resolve("status.json");
        Files.writeString(badStatus, json.replace("MAX_ITERATIONS", "WHATEVER"));
        assertMessage(badStatus, "WHATEVER");

        assertThrows(NoSuchFileException.class, () -> ModelFile.read(dir.resolve("absent.json")));
    }

    private static void assertMessage(Path f, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(f), fragment);
        assertTrue(e.getMessage().contains(fragment) && e.getMessage().contains(f.toString()), "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void aFailureMidWriteLeavesTheOldFileIntactAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("m.json");
        ModelFile.write(f, sample());
        byte[] before = Files.readAllBytes(f);
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write("{\"format\": \"logreg-model\", \"coeffi".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f), "the old model file changed");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f.getFileName().toString()), s.map(p -> p.getFileName().toString()).toList(), "left-over temporary files");
        }
        ModelFile.read(f); // still a valid model
    }

    @Test
    void writeReplacesAnExistingFile() throws IOException {
        Path f = dir.resolve("m.json");
        Files.writeString(f, "old");
        ModelFile.write(f, sample());
        assertEquals(4, ModelFile.read(f).model().features());
        assertThrows(NoSuchFileException.class, () -> ModelFile.write(dir.resolve("no/such/dir/m.json"), sample()));
    }
}
