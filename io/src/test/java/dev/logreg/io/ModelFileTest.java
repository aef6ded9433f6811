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
        assertMessage(truncated, "truncated JSON");

        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, json.replaceFirst("\"coefficients\" : \\[", "\"coefficients\" : [}"));
        assertMessage(corrupt, "malformed JSON at line");

        Path trailing = dir.resolve("trailing.json");
        Files.writeString(trailing, json + "}");
        assertMessage(trailing, "malformed JSON");

        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "");
        assertMessage(empty, "empty");

        Path newer = dir.resolve("newer.json");
        Files.writeString(newer, json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 4"));
        assertMessage(newer, "format version 4, newer");

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

    @Test
    void aFileCutAnywhereIsCalledTruncated() throws IOException {
        // Every cut of a model file, not one: a cut inside a literal or a number ("tru", "0.12") fails as a bad token
        // at the end of the input, which must read "truncated" as well (a CLI test cutting at a third of a model whose
        // length varies with its timings once met that case).
        Path good = dir.resolve("good.json");
        ModelFile.write(good, sample());
        byte[] json = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.json");
        for (int len = 1; len < json.length; len++) {
            if (new String(json, 0, len, StandardCharsets.UTF_8).isBlank()) continue;
            if (new String(json, len, json.length - len, StandardCharsets.UTF_8).isBlank()) break;  // only the last newline cut
            Files.write(cut, java.util.Arrays.copyOf(json, len));
            final int at = len;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(cut), "cut at " + at);
            assertTrue(e.getMessage().contains("truncated JSON"), "cut at byte " + at + " of " + json.length + ": " + e.getMessage());
        }
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

    /** Coefficients of ±1e308 (the example) would give NaN probabilities: refused at load, with the reason. */
    @Test
    void coefficientsTooLargeToScoreEveryRowAreRefused() throws IOException {
        Path good = dir.resolve("good.json");
        ModelFile.write(good, sample());
        String json = Files.readString(good);
        Path huge = dir.resolve("huge.json");
        Files.writeString(huge, json.replace("0.1,", "1.0E308,").replace("0.3333333333333333,", "-1.0E308,"));
        assertMessage(huge, "coefficients are too large to score every row");
        assertMessage(huge, "beyond float64");
        // The bound, not the size of one coefficient: Σ|θ|·FLT_MAX + |b| just over Double.MAX_VALUE / 2 is refused,
        // just under it is read.
        double limit = ModelFile.LARGEST_LOGIT / Float.MAX_VALUE;
        Path over = dir.resolve("over.json");
        ModelFile.write(over, withModel(new LogisticModel(new double[] {limit * 0.6, -limit * 0.6}, 0, true, null)));
        assertMessage(over, "too large to score every row");
        Path under = dir.resolve("under.json");
        ModelFile.write(under, withModel(new LogisticModel(new double[] {limit * 0.49, -limit * 0.49}, 0, true, null)));
        LogisticModel m = ModelFile.read(under).model();
        float x = Float.MAX_VALUE;
        assertTrue(Double.isFinite(m.decisionFunction(new float[] {x, -x})), "the extreme row's logit is finite");
        // An intercept alone can be too large as well.
        Path bigIntercept = dir.resolve("intercept.json");
        ModelFile.write(bigIntercept, withModel(new LogisticModel(new double[] {1}, 1e308, true, null)));
        assertMessage(bigIntercept, "too large");
    }

    private static SavedModel withModel(LogisticModel m) {
        SavedModel s = sample();
        return new SavedModel(m, s.labels(), s.training(), s.backend(), s.optimizer(), s.objective(), s.status(), s.message(),
                s.iterations(), s.seconds(), s.history(), s.libraryVersion());
    }

    @Test
    void duplicateFeatureNamesAreRefused() throws IOException {
        Path good = dir.resolve("good.json");
        ModelFile.write(good, sample());
        Path dup = dir.resolve("dup.json");
        Files.writeString(dup, Files.readString(good).replace("\"b c\"", "\"a\""));
        assertMessage(dup, "feature name 'a' appears twice in \"featureNames\"");
    }

    /** The JSON library's own words (its features, its classes, "Source: REDACTED") never reach the user. */
    @Test
    void messagesAreOurOwnAndBounded() throws IOException {
        Path good = dir.resolve("good.json");
        ModelFile.write(good, sample());
        String json = Files.readString(good);
        String[][] cases = {
            {json.replace("-0.7071067811865476", "NaN"), "NaN and Infinity are not JSON numbers"},
            {json.replace("-0.7071067811865476", "-Infinity"), "NaN and Infinity are not JSON numbers"},
            {json.replace("\"iterations\" : 2", "\"iterations\" : 02"), "malformed JSON number"},
            {json.replace("-0.7071067811865476", "1".repeat(5_000)), "a number with too many digits"},
            {json.replace("\"training\" : {", "\"deep\" : " + "[".repeat(5_000) + "]".repeat(5_000) + ", \"training\" : {"), "nested too deeply"},
            {json + "{}", "something follows the model's JSON object"},
            {"// comment\n" + json, "malformed JSON at line 1"},
            {json.replace("\"format\" : \"logreg-model\"", "\"format\" : \"" + "x".repeat(100_000) + "\""), "not a logreg model file"},
            {json.replace("\"coefficients\" : [", "\"coefficients\" : [ \"" + "y".repeat(100_000) + "\","), "coefficients[0]"},
            {json.replace("MAX_ITERATIONS", "W".repeat(100_000)), "is not a known status"},
            {json.replace("\"standardize\" : true", "\"standardize\" : " + "[1,".repeat(900) + "1" + "]".repeat(900)), null},
        };
        for (String[] c : cases) {
            Path f = dir.resolve("case.json");
            Files.writeString(f, c[0]);
            if (c[1] == null) {
                ModelFile.read(f); // a deep but legal "training" value is kept as plain lists
                continue;
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(f), c[1]);
            String m = e.getMessage();
            assertTrue(m.contains(c[1]), "expected '" + c[1] + "' in: " + m);
            for (String internal : List.of("ALLOW_", "REDACTED", "Source:", "jackson", "JsonNode", "StreamReadConstraints", "`")) {
                assertTrue(!m.contains(internal), "library internals (" + internal + ") in: " + m);
            }
            assertTrue(m.length() < dir.toString().length() + 400, "bounded: " + m.length() + " characters");
        }
    }
}
