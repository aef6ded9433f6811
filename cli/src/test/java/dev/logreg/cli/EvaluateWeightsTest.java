package dev.logreg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code logreg evaluate --weight}: integer sample weights must give the metrics of the same file with each row
 * repeated that many times (computed by the unweighted command on that file), and the output must say it is weighted.
 */
class EvaluateWeightsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path model;
    static Path weighted;
    static Path repeated;

    @BeforeAll
    static void trainAndWriteFiles() throws IOException {
        Path csv = CliRun.data("breast-cancer.csv");
        model = dir.resolve("model.json");
        CliRun t = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--lambda", "1",
                "--backend", "reference", "--out", model.toString(), "--quiet");
        assertEquals(0, t.code(), t::toString);
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> w = new ArrayList<>();
        List<String> r = new ArrayList<>();
        w.add(lines.get(0) + ",w");
        r.add(lines.get(0));
        SplittableRandom rnd = new SplittableRandom(569L);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            int k = rnd.nextInt(4); // 0 to 3 copies; 0 drops the row from the repeated file
            w.add(line + "," + k);
            for (int c = 0; c < k; c++) r.add(line);
        }
        weighted = dir.resolve("weighted.csv");
        repeated = dir.resolve("repeated.csv");
        Files.write(weighted, w, StandardCharsets.UTF_8);
        Files.write(repeated, r, StandardCharsets.UTF_8);
    }

    private static void close(JsonNode expected, JsonNode actual, String what) {
        double e = expected.asDouble();
        double a = actual.asDouble();
        assertTrue(Math.abs(e - a) <= 1e-12 * Math.max(1, Math.abs(e)), what + ": expected " + e + ", got " + a);
    }

    @Test
    void integerWeightsEqualRepeatedRows() throws IOException {
        CliRun w = CliRun.of("evaluate", "--model", model.toString(), "--data", weighted.toString(), "--weight", "w", "--json",
                "--threshold", "0.7");
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--data", repeated.toString(), "--json", "--threshold", "0.7");
        assertEquals(0, w.code(), w::toString);
        assertEquals(0, r.code(), r::toString);
        JsonNode jw = JSON.readTree(w.out());
        JsonNode jr = JSON.readTree(r.out());
        assertTrue(jw.get("weighted").asBoolean(), w::toString);
        assertEquals("w", jw.get("weightColumn").asText());
        assertFalse(jr.get("weighted").asBoolean(), r::toString);
        assertEquals(jr.get("rows").asLong(), jw.get("weightSum").asLong(), "Σw is the repeated file's row count");
        for (String k : new String[] {"logLoss", "accuracy", "precision", "recall", "f1", "rocAuc", "averagePrecision", "brierScore"}) {
            close(jr.get(k), jw.get(k), k);
        }
        for (String k : new String[] {"trueNegatives", "falsePositives", "falseNegatives", "truePositives"}) {
            close(jr.get("confusionMatrix").get(k), jw.get("weightedConfusionMatrix").get(k), "weighted " + k);
        }
        // The metrics really moved: the unweighted evaluation of the weighted file differs.
        CliRun u = CliRun.of("evaluate", "--model", model.toString(), "--data", weighted.toString(), "--json", "--threshold", "0.7");
        assertEquals(0, u.code(), u::toString);
        assertTrue(JSON.readTree(u.out()).get("logLoss").asDouble() != jw.get("logLoss").asDouble(), "weights changed nothing");
    }

    @Test
    void textOutputSaysTheMetricsAreWeighted() {
        CliRun w = CliRun.of("evaluate", "--model", model.toString(), "--data", weighted.toString(), "--weight", "w");
        assertEquals(0, w.code(), w::toString);
        assertTrue(w.out().contains("every metric below is weighted") && w.out().contains("column 'w'"), w::toString);
        assertTrue(w.out().contains("weighted confusion matrix"), w::toString);
        CliRun u = CliRun.of("evaluate", "--model", model.toString(), "--data", weighted.toString());
        assertEquals(0, u.code(), u::toString);
        assertFalse(u.out().contains("weighted"), u::toString);
    }

    @Test
    void badWeightsAreBadInput() throws IOException {
        List<String> lines = Files.readAllLines(weighted, StandardCharsets.UTF_8);
        String third = lines.get(3);
        lines.set(3, third.substring(0, third.lastIndexOf(',')) + ",-2");
        Path negative = dir.resolve("negative.csv");
        Files.write(negative, lines, StandardCharsets.UTF_8);
        CliRun n = CliRun.of("evaluate", "--model", model.toString(), "--data", negative.toString(), "--weight", "w");
        assertEquals(2, n.code(), n::toString);
        assertTrue(n.err().contains("line 4") && n.err().contains("-2"), n::toString);

        CliRun missing = CliRun.of("evaluate", "--model", model.toString(), "--data", CliRun.data("breast-cancer.csv").toString(), "--weight", "w");
        assertEquals(2, missing.code(), missing::toString);
        assertTrue(missing.err().contains("no weight column 'w'"), missing::toString);

        CliRun svm = CliRun.of("evaluate", "--model", model.toString(), "--data", CliRun.data("breast-cancer.libsvm").toString(), "--weight", "w");
        assertEquals(2, svm.code(), svm::toString);
        assertTrue(svm.err().contains("--weight NAME applies to CSV data only"), svm::toString);
    }
}
