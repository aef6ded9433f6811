package dev.logreg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.io.DataReaders;
import dev.logreg.io.ModelFile;
import dev.logreg.io.ReadOptions;
import dev.logreg.io.SavedModel;
import dev.logreg.metrics.BinaryMetrics;
import dev.logreg.metrics.CoefficientStatistics;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.CrossValidation;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.CrossValidationResult;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every subcommand end to end on the bundled data, in-process, on the reference backend. */
class CommandLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path csv;
    static Path model;
    static CliRun trained;

    @BeforeAll
    static void trainOnce() {
        csv = CliRun.data("breast-cancer.csv");
        model = dir.resolve("model.json");
        trained = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--lambda", "1",
                "--backend", "reference", "--out", model.toString(), "--json");
    }

    private static void assertOk(CliRun r) {
        assertEquals(0, r.code(), r::toString);
    }

    private static void assertBadInput(CliRun r, String fragment) {
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains(fragment), () -> "expected '" + fragment + "' in stderr: " + r);
        assertFalse(r.err().contains("\tat "), () -> "stack trace without --verbose: " + r);
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("logreg:")).count(), () -> "the error should be one line: " + r);
        String last = r.err().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("logreg:"), () -> "the error should be the last line: " + r);
    }

    @Test
    void trainJsonSummaryParsesAndMatchesTheModelFile() throws IOException {
        assertOk(trained);
        JsonNode s = JSON.readTree(trained.out());
        SavedModel m = ModelFile.read(model);
        assertEquals(m.status().name(), s.get("status").asText());
        assertTrue(s.get("converged").asBoolean(), trained::toString);
        assertEquals(m.iterations(), s.get("iterations").asInt());
        assertEquals(m.objective(), s.get("objective").asDouble());
        assertEquals(m.backend(), s.get("backend").asText());
        assertEquals("reference", s.get("backendName").asText());
        assertEquals(m.iterations(), m.history().size(), "one history entry per iteration");
        assertEquals(30, m.model().features());
        assertEquals("mean_radius", m.model().featureNames().get(0));
        assertEquals("l2", m.training().get("penalty"));
        assertEquals(1.0, m.training().get("lambda"));
        assertEquals("benign", m.training().get("labelColumn"));
        JsonNode train = s.get("metrics").get("training");
        assertTrue(train.get("accuracy").asDouble() > 0.9, "training accuracy " + train.get("accuracy"));
        assertTrue(trained.err().contains("backend: reference (chosen by argument"), trained::toString);
    }

    /** --timings: one stderr line naming every phase of a plain fit, the same model bits as without it. */
    @Test
    void trainTimingsNameEveryPhaseAndChangeNothing() throws IOException {
        Path timed = dir.resolve("timed.json");
        CliRun r = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--lambda", "1",
                "--backend", "reference", "--out", timed.toString(), "--timings");
        assertOk(r);
        String line = r.err().lines().filter(l -> l.startsWith("timings: ")).findFirst().orElseThrow(() -> new AssertionError(r.toString()));
        List<String> phases = new java.util.ArrayList<>();
        for (String part : line.substring("timings: ".length()).split(", ")) {
            String[] f = part.split(" ");
            assertEquals(3, f.length, line);
            assertEquals("s", f[2], line);
            assertTrue(Double.parseDouble(f[1]) >= 0, line);
            phases.add(f[0]);
        }
        assertEquals(List.of("read", "backend", "bind", "statistics", "optimizer", "write", "metrics", "total"), phases, line);
        assertTrue(trained.err().lines().noneMatch(l -> l.startsWith("timings:")), "no timings without the flag");
        double[] a = ModelFile.read(model).model().coefficients();
        double[] b = ModelFile.read(timed).model().coefficients();
        for (int j = 0; j < a.length; j++) assertEquals(Double.doubleToLongBits(a[j]), Double.doubleToLongBits(b[j]), "coefficient " + j);
        // In --json, the same phases as a map.
        CliRun j = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--backend", "reference", "--timings", "--json");
        assertOk(j);
        JsonNode t = JSON.readTree(j.out()).get("timings");
        assertTrue(t != null && t.has("optimizer") && t.has("total"), j::toString);
    }

    @Test
    void trainAgreesWithTheApiOnTheSameData() throws IOException {
        assertOk(trained);
        Dataset d = DataReaders.read(csv, ReadOptions.DEFAULT.withLabelColumn("benign")).dataset();
        TrainingResult direct;
        try (ReferenceBackend b = new ReferenceBackend()) {
            direct = Trainer.fit(b, d, TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1)), null);
        }
        double[] a = direct.model().coefficients();
        double[] c = ModelFile.read(model).model().coefficients();
        for (int j = 0; j < a.length; j++) {
            assertEquals(Double.doubleToLongBits(a[j]), Double.doubleToLongBits(c[j]), "coefficient " + j + ": API " + a[j] + ", CLI " + c[j]);
        }
    }

    @Test
    void predictWritesOneRowPerInputRowAndMatchesTheModel() throws IOException {
        Path out = dir.resolve("pred.csv");
        CliRun r = CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--out", out.toString());
        assertOk(r);
        List<String> lines = Files.readAllLines(out);
        assertEquals("probability,label", lines.get(0));
        assertEquals(570, lines.size());
        SavedModel m = ModelFile.read(model);
        Dataset d = DataReaders.read(csv, ReadOptions.DEFAULT.withLabelColumn("benign")).dataset();
        double[] p = m.model().predictProbability(d);
        for (int i = 0; i < p.length; i++) {
            String[] f = lines.get(i + 1).split(",");
            assertEquals(p[i], Double.parseDouble(f[0]), "probability of row " + i);
            assertEquals(p[i] >= 0.5 ? "1" : "0", f[1], "label of row " + i);
        }
        CliRun high = CliRun.of("predict", "--model", model.toString(), "--data", csv.toString(), "--threshold", "1");
        assertOk(high);
        long ones = high.out().lines().skip(1).filter(l -> l.endsWith(",1")).count();
        long expected = 0;
        for (double v : p) if (v >= 1.0) expected++;
        assertEquals(expected, ones, "labels at threshold 1");
    }

    @Test
    void predictMatchesColumnsByNameIgnoresExtrasAndNeedsNoLabel() throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        int cols = header.length - 1; // without the label, which is last
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < cols; j++) order.add(j);
        Collections.shuffle(order, new java.util.Random(7));
        StringBuilder sb = new StringBuilder("extra");
        for (int j : order) sb.append(',').append(header[j]);
        sb.append('\n');
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            sb.append("99");
            for (int j : order) sb.append(',').append(f[j]);
            sb.append('\n');
        }
        Path shuffled = dir.resolve("shuffled.csv");
        Files.writeString(shuffled, sb, StandardCharsets.UTF_8);
        CliRun a = CliRun.of("predict", "--model", model.toString(), "--data", csv.toString());
        CliRun b = CliRun.of("predict", "--model", model.toString(), "--data", shuffled.toString());
        assertOk(a);
        assertOk(b);
        assertEquals(a.out(), b.out());

        Path missing = dir.resolve("missing.csv");
        Files.writeString(missing, sb.toString().replaceFirst("mean_radius", "something_else"));
        CliRun c = CliRun.of("predict", "--model", model.toString(), "--data", missing.toString());
        assertBadInput(c, "feature mean_radius of the model is not a column");
    }

    @Test
    void evaluateJsonMatchesTheMetricsAndPlotsArePngs() throws IOException {
        Path plots = dir.resolve("plots");
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--data", csv.toString(), "--json", "--plot", plots.toString());
        assertOk(r);
        JsonNode s = JSON.readTree(r.out());
        SavedModel m = ModelFile.read(model);
        Dataset d = DataReaders.read(csv, ReadOptions.DEFAULT.withLabelColumn("benign")).dataset();
        BinaryMetrics expected = BinaryMetrics.compute(m.model().decisionFunction(d), d, 0.5);
        assertEquals(569, s.get("rows").asLong());
        assertEquals(expected.logLoss(), s.get("logLoss").asDouble());
        assertEquals(expected.rocAuc(), s.get("rocAuc").asDouble());
        assertEquals(expected.averagePrecision(), s.get("averagePrecision").asDouble());
        assertEquals(expected.confusion().truePositives(), s.get("confusionMatrix").get("truePositives").asLong());
        assertEquals(4, s.get("plots").size(), r::toString);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        for (String name : new String[] {"objective.png", "roc.png", "precision-recall.png", "calibration.png"}) {
            Path p = plots.resolve(name);
            assertTrue(Files.isRegularFile(p), name + " missing");
            byte[] b = Files.readAllBytes(p);
            assertTrue(b.length > 5 * 1024, name + " is only " + b.length + " bytes");
            for (int i = 0; i < signature.length; i++) assertEquals(signature[i], b[i], name + ": PNG signature byte " + i);
        }
        CliRun text = CliRun.of("evaluate", "--model", model.toString(), "--data", csv.toString());
        assertOk(text);
        assertTrue(text.out().contains("ROC AUC") && text.out().contains("confusion matrix"), text::toString);
    }

    @Test
    void backendsListsEveryBackendWithAReason() throws IOException {
        CliRun r = CliRun.of("backends", "--json");
        assertOk(r);
        JsonNode s = JSON.readTree(r.out());
        boolean sawReference = false;
        for (JsonNode b : s.get("backends")) {
            assertFalse(b.get("reason").asText().isEmpty(), "no reason for " + b);
            if (b.get("name").asText().equals("reference")) {
                sawReference = true;
                assertTrue(b.get("usable").asBoolean());
            }
        }
        assertTrue(sawReference, r::toString);
        CliRun text = CliRun.of("backends");
        assertOk(text);
        assertTrue(text.out().contains("reference") && text.out().contains("usable"), text::toString);
    }

    @Test
    void versionAndHelpWithExamples() {
        CliRun v = CliRun.of("--version");
        assertOk(v);
        assertTrue(v.out().contains("logreg " + ModelFile.libraryVersion()), v::toString);
        for (String cmd : new String[] {"train", "predict", "evaluate", "backends", "export"}) {
            CliRun h = CliRun.of(cmd, "--help");
            assertOk(h);
            assertTrue(h.out().contains("Examples:") && h.out().contains("logreg " + cmd), h::toString);
        }
        CliRun top = CliRun.of("--help");
        assertOk(top);
        assertTrue(top.out().contains("Examples:"), top::toString);
    }

    @Test
    void badUsageExitsWithTwo() {
        assertBadInput(CliRun.of(), "missing subcommand");
        assertBadInput(CliRun.of("train", "--data", csv.toString(), "--bogus"), "Unknown option");
        assertBadInput(CliRun.of("frobnicate"), "Unmatched argument");
        assertBadInput(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l3", "--backend", "reference"), "penalty 'l3'");
        assertBadInput(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--lambda", "-1", "--penalty", "l2", "--backend", "reference"), "lambda is -1.0");
        assertBadInput(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--backend", "quantum"), "backend 'quantum'");
        assertBadInput(CliRun.of("train", "--data", dir.resolve("absent.csv").toString()), "no such file");
        assertBadInput(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--validation-fraction", "1"), "--validation-fraction");
    }

    @Test
    void missingLabelColumnListsTheColumns() {
        CliRun r = CliRun.of("train", "--data", csv.toString(), "--backend", "reference");
        assertBadInput(r, "no label column 'label'");
        // The first columns and the last, with the count: a bounded piece of the header however wide it is.
        assertTrue(r.err().contains("mean_radius") && r.err().contains(", ..., benign (31 in all, "), r::toString);
        assertEquals(1, r.err().lines().count(), () -> "one line on stderr: " + r);
    }

    @Test
    void unparsableAndRaggedFilesNameTheLine() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b,label\n1,2,0\n1,x,1\n");
        assertBadInput(CliRun.of("train", "--data", bad.toString(), "--backend", "reference"), "line 3, column 'b' (2)");
        Path ragged = dir.resolve("ragged.csv");
        Files.writeString(ragged, "a,b,label\n1,2,0\n1,1\n");
        assertBadInput(CliRun.of("train", "--data", ragged.toString(), "--backend", "reference"), "line 3: 2 fields, expected 3");
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        Path bad = dir.resolve("bad2.csv");
        Files.writeString(bad, "a,b,label\n1,2,0\n1,x,1\n");
        CliRun r = CliRun.of("train", "--data", bad.toString(), "--backend", "reference", "--verbose");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("\tat dev.logreg.io.CsvDataReader"), r::toString);
    }

    @Test
    void corruptTruncatedAndNewerModelFilesAreBadInput() throws IOException {
        String json = Files.readString(model);
        Path truncated = dir.resolve("truncated.json");
        Files.writeString(truncated, json.substring(0, json.length() / 3));
        assertBadInput(CliRun.of("predict", "--model", truncated.toString(), "--data", csv.toString()), "truncated JSON");
        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, "\u0000\u0001garbage");
        assertBadInput(CliRun.of("evaluate", "--model", corrupt.toString(), "--data", csv.toString()), "not a valid model file");
        Path newer = dir.resolve("newer.json");
        Files.writeString(newer, json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 7"));
        assertBadInput(CliRun.of("predict", "--model", newer.toString(), "--data", csv.toString()), "format version 7, newer");
    }

    @Test
    void iterationBudgetIsAWarningAndAStatus() throws IOException {
        CliRun r = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--backend", "reference",
                "--max-iter", "2", "--json");
        assertOk(r);
        assertEquals("MAX_ITERATIONS", JSON.readTree(r.out()).get("status").asText());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("warning: training stopped on its iteration budget (2 iterations)")
                && l.contains("try --optimizer newton")), r::toString);
        // Newton itself, out of budget, is not told to try Newton; with an L1 part it is proximal Newton and converges.
        CliRun n = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l1", "--lambda", "0.5",
                "--backend", "reference", "--optimizer", "newton", "--max-iter", "1", "--json");
        assertOk(n);
        assertTrue(n.err().contains("iteration budget") && !n.err().contains("try --optimizer newton"), n::toString);
        CliRun converged = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l1", "--lambda", "0.5",
                "--backend", "reference", "--optimizer", "newton", "--json");
        assertOk(converged);
        assertTrue(JSON.readTree(converged.out()).get("converged").asBoolean(), converged::toString);
        assertFalse(converged.err().contains("warning:"), converged::toString);
        CliRun q = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--backend", "reference",
                "--max-iter", "2", "--quiet");
        assertOk(q);
        assertFalse(q.err().contains("train: iter"), "--quiet printed progress: " + q);
        assertTrue(q.err().contains("warning:"), q::toString);
    }

    /**
     * --init-model: from a model of the same problem the fit converges at once to the same objective; from the
     * λ = 1 model a λ = 0.5 fit reaches the cold fit's objective; with --standardize the start is mapped into the
     * standardized space; a model of other features or labels is refused naming the difference.
     */
    @Test
    void initModelWarmStartsAndRefusesAModelOfOtherData() throws IOException {
        Path first = dir.resolve("first.json");
        assertOk(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l1", "--lambda", "1",
                "--backend", "reference", "--out", first.toString(), "--quiet"));
        JsonNode cold1 = JSON.readTree(CliRun.of("train", "--data", csv.toString(), "--label", "benign",
                "--penalty", "l1", "--lambda", "1", "--backend", "reference", "--json", "--quiet").out());
        JsonNode again = JSON.readTree(CliRun.of("train", "--data", csv.toString(), "--label", "benign",
                "--penalty", "l1", "--lambda", "1", "--backend", "reference", "--init-model", first.toString(), "--json", "--quiet").out());
        assertTrue(again.get("converged").asBoolean(), again::toString);
        assertTrue(again.get("iterations").asInt() <= 2, "restarted at its own optimum: " + again);
        assertEquals(cold1.get("objective").asDouble(), again.get("objective").asDouble(), 1e-9 * cold1.get("objective").asDouble());

        JsonNode cold = JSON.readTree(CliRun.of("train", "--data", csv.toString(), "--label", "benign",
                "--penalty", "l1", "--lambda", "0.5", "--backend", "reference", "--json", "--quiet").out());
        JsonNode warm = JSON.readTree(CliRun.of("train", "--data", csv.toString(), "--label", "benign",
                "--penalty", "l1", "--lambda", "0.5", "--backend", "reference", "--init-model", first.toString(), "--json", "--quiet").out());
        assertTrue(warm.get("converged").asBoolean(), warm::toString);
        assertEquals(cold.get("objective").asDouble(), warm.get("objective").asDouble(), 1e-9 * cold.get("objective").asDouble());

        Path standardized = dir.resolve("standardized.json");
        assertOk(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--lambda", "1", "--standardize",
                "--backend", "reference", "--out", standardized.toString(), "--quiet"));
        JsonNode restd = JSON.readTree(CliRun.of("train", "--data", csv.toString(), "--label", "benign",
                "--penalty", "l2", "--lambda", "1", "--standardize", "--backend", "reference", "--init-model", standardized.toString(),
                "--json", "--quiet").out());
        assertTrue(restd.get("iterations").asInt() <= 2, "--standardize restarted at its own optimum: " + restd);

        Path narrow = dir.resolve("narrow.csv");
        Files.writeString(narrow, "a,b,benign\n1,2,1\n3,4,0\n2,2,1\n");
        assertBadInput(CliRun.of("train", "--data", narrow.toString(), "--label", "benign", "--init-model", first.toString()),
                "has 30 features, the data have 2");
        List<String> lines = Files.readAllLines(csv);
        Path renamed = dir.resolve("renamed.csv");
        List<String> r = new ArrayList<>(lines);
        r.set(0, r.get(0).replaceFirst("^mean_radius,", "radius,"));
        Files.write(renamed, r);
        assertBadInput(CliRun.of("train", "--data", renamed.toString(), "--label", "benign", "--init-model", first.toString()),
                "feature 0 is 'mean_radius' in the model but 'radius' in the data");
        Path plusMinus = dir.resolve("plus-minus.csv");
        List<String> pm = new ArrayList<>(lines);
        for (int i = 1; i < pm.size(); i++) pm.set(i, pm.get(i).replaceFirst(",0$", ",-1"));
        Files.write(plusMinus, pm);
        assertBadInput(CliRun.of("train", "--data", plusMinus.toString(), "--label", "benign", "--init-model", first.toString()),
                "maps labels");
    }

    /**
     * --cv-folds: the CLI's path is the API's (same folds from --seed, same grid, same scores, bit for bit, on the same
     * backend), the refit is the model file's, and the chosen λ is recorded where the fixed one would be.
     */
    @Test
    void crossValidationChoosesLambdaAsTheApiDoesAndRecordsIt() throws IOException {
        Path out = dir.resolve("cv.json");
        CliRun r = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--cv-folds", "4",
                "--lambdas", "10,1,0.1,100", "--seed", "7", "--backend", "reference", "--json", "--out", out.toString());
        assertOk(r);
        JsonNode cv = JSON.readTree(r.out()).get("crossValidation");
        assertEquals(4, cv.get("folds").asInt());
        assertEquals("logloss", cv.get("metric").asText());
        assertEquals("best", cv.get("rule").asText());
        assertEquals(30, cv.get("refitNonZeros").asInt(), "an L2 refit keeps every coefficient");
        Dataset d = DataReaders.read(csv, ReadOptions.DEFAULT.withLabelColumn("benign")).dataset();
        CrossValidationResult api;
        try (ReferenceBackend b = new ReferenceBackend()) {
            api = CrossValidation.run(b, d, TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1)).withSeed(7),
                    CrossValidationOptions.DEFAULT.withFolds(4).withLambdas(10, 1, 0.1, 100), null);
        }
        JsonNode path = cv.get("path");
        assertEquals(4, path.size());
        for (int g = 0; g < 4; g++) {
            CrossValidationResult.LambdaScore p = api.path().get(g);
            assertEquals(p.lambda(), path.get(g).get("lambda").asDouble(), "λ " + g + " (largest first)");
            assertEquals(p.mean(), path.get(g).get("mean").asDouble(), "mean score at λ " + p.lambda());
            for (int f = 0; f < 4; f++) assertEquals(p.foldScores()[f], path.get(g).get("folds").get(f).asDouble());
        }
        assertEquals(api.chosenLambda(), cv.get("chosenLambda").asDouble());
        SavedModel m = ModelFile.read(out);
        assertEquals(api.chosenLambda(), m.training().get("lambda"), "the model file records the chosen λ");
        assertEquals(4, m.training().get("cvFolds"));
        assertEquals("logloss", m.training().get("cvMetric"));
        assertEquals(api.chosen().mean(), m.training().get("cvScore"));
        double[] a = api.refit().model().coefficients();
        double[] c = m.model().coefficients();
        for (int j = 0; j < a.length; j++) assertEquals(a[j], c[j], "refit coefficient " + j);

        CliRun text = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l1", "--standardize", "--cv-folds", "3",
                "--lambda-count", "6", "--cv-metric", "auc", "--cv-rule", "1se", "--backend", "reference");
        assertOk(text);
        assertTrue(text.err().contains("cv: fold 3/3, 6 fits"), text::toString);
        assertTrue(text.err().contains("cv: 3 folds, auc (higher is better)"), text::toString);
        assertEquals(6, text.err().lines().filter(l -> l.matches("cv: +[0-9.e+-]+ +[0-9.e+-]+ .*")).count(), () -> "a line per λ: " + text);
        assertTrue(text.out().contains("chosen (1se) of 6 by 3-fold auc"), text::toString);
        assertTrue(text.err().contains("mean nonzero"), () -> "the path's nonzero count is the folds' mean and says so: " + text);
        assertTrue(text.out().matches("(?s).*chosen \\(1se\\)[^\n]*; the refit has [0-9]+ nonzero coefficients of 30\n.*"),
                () -> "the refit's own nonzero count: " + text);

        Path plots = dir.resolve("cv-plots");
        CliRun plotted = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--cv-folds", "3",
                "--lambda-count", "5", "--backend", "reference", "--quiet", "--json", "--plot", plots.toString());
        assertOk(plotted);
        assertEquals(2, JSON.readTree(plotted.out()).get("plots").size(), plotted::toString);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        for (String name : new String[] {"objective.png", "cross-validation.png"}) {
            byte[] b = Files.readAllBytes(plots.resolve(name));
            assertTrue(b.length > 5 * 1024, name + " is only " + b.length + " bytes");
            for (int i = 0; i < signature.length; i++) assertEquals(signature[i], b[i], name + ": PNG signature byte " + i);
        }
        try (java.util.stream.Stream<Path> left = Files.list(plots)) {
            assertEquals(2, left.count(), "no temporary file left beside the charts");
        }
    }

    @Test
    void crossValidationWarnsAtTheGridsEdgeAndRefusesWhatContradictsIt() {
        CliRun edge = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--cv-folds", "3",
                "--lambdas", "1000,300", "--backend", "reference", "--quiet");
        assertOk(edge);
        assertTrue(edge.err().contains("warning: the best λ is the smallest tried (300.0)"), edge::toString);

        String[] base = {"train", "--data", csv.toString(), "--label", "benign", "--backend", "reference"};
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--lambdas", "1,2")), "--lambdas needs --cv-folds");
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-rule", "1se")), "--cv-rule needs --cv-folds");
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--lambda", "1")), "--lambda and --cv-folds exclude each other");
        assertBadInput(CliRun.of(concat(base, "--cv-folds", "5")), "give --penalty l2, l1 or elasticnet");
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "1")), "--cv-folds is 1, expected at least 2");
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--lambdas", "1,-1")), "--lambdas: λ number 2 is -1.0");
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--cv-metric", "roc")), "--cv-metric: score 'roc' is not one of");
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--cv-rule", "min")), "--cv-rule is 'min', expected best or 1se");
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--lambdas", "1", "--lambda-count", "3")),
                "--lambdas gives the grid");
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--init-model", model.toString())),
                "--init-model and --cv-folds exclude each other");
        assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "400")), "400 folds need at least 400 rows of each class");
    }

    /**
     * --stats: the table is the API's on the same backend, the same with --standardize (no penalty: the same optimum,
     * mapped back), a warning and no table where the data are separable, refused with a penalty.
     */
    @Test
    void statsReportsStandardErrorsAsTheApiDoes() throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        int[] keep = {header.indexOf("mean_radius"), header.indexOf("mean_texture"), header.indexOf("mean_smoothness"), header.indexOf("benign")};
        List<String> narrow = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(",");
            narrow.add(f[keep[0]] + "," + f[keep[1]] + "," + f[keep[2]] + "," + f[keep[3]]);
        }
        Path three = dir.resolve("three.csv");
        Files.write(three, narrow);
        CliRun r = CliRun.of("train", "--data", three.toString(), "--label", "benign", "--stats", "--confidence", "0.9",
                "--backend", "reference", "--json", "--quiet");
        assertOk(r);
        JsonNode table = JSON.readTree(r.out()).get("coefficientStatistics");
        assertEquals(0.9, table.get("confidence").asDouble());
        Dataset d = DataReaders.read(three, ReadOptions.DEFAULT.withLabelColumn("benign")).dataset();
        CoefficientStatistics api;
        try (ReferenceBackend b = new ReferenceBackend(); dev.logreg.backend.DataTerm term = b.bind(d, dev.logreg.loss.Loss.log())) {
            api = CoefficientStatistics.of(term, Trainer.fit(b, d, TrainingOptions.DEFAULT, null), 0.9);
        }
        assertEquals(4, table.get("coefficients").size());
        for (int j = 0; j < 4; j++) {
            JsonNode c = table.get("coefficients").get(j);
            CoefficientStatistics.Coefficient e = api.coefficients().get(j);
            assertEquals(e.name(), c.get("name").asText());
            assertEquals(e.standardError(), c.get("standardError").asDouble(), "standard error of " + e.name());
            assertEquals(e.pValue(), c.get("pValue").asDouble(), "p-value of " + e.name());
            assertEquals(e.lower(), c.get("lower").asDouble());
        }
        JsonNode std = JSON.readTree(CliRun.of("train", "--data", three.toString(), "--label", "benign", "--stats", "--confidence", "0.9",
                "--standardize", "--backend", "reference", "--json", "--quiet").out()).get("coefficientStatistics");
        for (int j = 0; j < 4; j++) {
            double e = api.coefficients().get(j).standardError();
            assertEquals(e, std.get("coefficients").get(j).get("standardError").asDouble(), 1e-5 * e, "--standardize, " + api.coefficients().get(j).name());
        }
        CliRun text = CliRun.of("train", "--data", three.toString(), "--label", "benign", "--stats", "--backend", "reference", "--quiet");
        assertOk(text);
        assertTrue(text.out().contains("95% intervals") && text.out().contains("mean_texture") && text.out().contains("(intercept)"), text::toString);

        CliRun separable = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--stats", "--backend", "reference", "--json", "--quiet");
        assertOk(separable);
        assertTrue(separable.err().contains("warning: --stats: no standard errors: the fit ended with UNBOUNDED_COEFFICIENTS"), separable::toString);
        JsonNode s = JSON.readTree(separable.out());
        assertTrue(s.get("coefficientStatistics").isNull());
        assertTrue(s.get("coefficientStatisticsError").asText().contains("separable"), s::toString);

        String[] base = {"train", "--data", csv.toString(), "--label", "benign", "--backend", "reference"};
        assertBadInput(CliRun.of(concat(base, "--stats", "--penalty", "l2")), "--stats needs an unpenalized fit");
        assertBadInput(CliRun.of(concat(base, "--confidence", "0.9")), "--confidence needs --stats");
        assertBadInput(CliRun.of(concat(base, "--stats", "--confidence", "95")), "--confidence is 95.0, expected a level in (0, 1)");
        assertBadInput(CliRun.of(concat(base, "--stats", "--class-weight", "balanced")), "--class-weight balanced reweights the classes");
    }

    /** Where the training backend forms no Hessian (the GPU beyond 2,048 features), --stats takes the CPU backend's, else the reference's. */
    @Test
    void statsFallBackToABackendWithAHessian() throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[3_000 * 3];
        float[] y = new float[3_000];
        for (int i = 0; i < y.length; i++) {
            double z = 0.3;
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) (r.nextDouble() * 2 - 1);
                z += (j + 1) * x[i * 3 + j];
            }
            y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
        }
        Dataset d = Dataset.wrap(x, 3, y, null);
        TrainingResult fit;
        CoefficientStatistics expected;
        try (ReferenceBackend b = new ReferenceBackend(); dev.logreg.backend.DataTerm term = b.bind(d, dev.logreg.loss.Loss.log())) {
            fit = Trainer.fit(b, d, TrainingOptions.DEFAULT, null);
            expected = CoefficientStatistics.of(term, fit, 0.95);
        }
        for (boolean cpuOnClassPath : new boolean[] {true, false}) {
            dev.logreg.backend.BackendFactory factory = dev.logreg.backend.BackendFactory.of(
                    cpuOnClassPath ? dev.logreg.backend.BackendFactory.discover().providers() : List.of(new dev.logreg.backend.reference.ReferenceBackendProvider()),
                    java.util.Map.of(), new java.util.Properties());
            try (dev.logreg.backend.Backend noHessian = new dev.logreg.testing.WithoutHessian(new ReferenceBackend(), "no-hessian");
                 dev.logreg.backend.DataTerm trained = noHessian.bind(d, dev.logreg.loss.Loss.log())) {
                CoefficientStatistics s = StatisticsOutput.compute(factory, trained, d, fit, 0.95, 0);
                for (int j = 0; j < 4; j++) {
                    double e = expected.coefficients().get(j).standardError();
                    assertEquals(e, s.coefficients().get(j).standardError(), 1e-9 * e, (cpuOnClassPath ? "cpu" : "reference") + " coefficient " + j);
                }
            }
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** --standardize is the API's standardize(true): the penalty on the columns' scales, the same fit to the bit. */
    @Test
    void standardizeIsTheApisPenaltyOnScales() throws IOException {
        Path out = dir.resolve("standardized-l1.json");
        assertOk(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l1", "--lambda", "0.5", "--standardize",
                "--backend", "reference", "--quiet", "--out", out.toString()));
        Dataset d = DataReaders.read(csv, ReadOptions.DEFAULT.withLabelColumn("benign")).dataset();
        TrainingResult api = dev.logreg.LogisticRegression.builder().penalty(Penalty.l1(0.5)).standardize(true).backendName("reference").build().fit(d);
        double[] a = api.model().coefficients();
        double[] c = ModelFile.read(out).model().coefficients();
        for (int j = 0; j < a.length; j++) assertEquals(a[j], c[j], "coefficient " + j);
        assertTrue(api.options().penalty().scales() != null);
        assertEquals(true, ModelFile.read(out).training().get("penaltyOnScales"), "the model file says the penalty was on the scales");
        assertEquals(false, ModelFile.read(model).training().get("penaltyOnScales"));
    }

    @Test
    void progressLinesOnANonTerminal() {
        CliRun r = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--backend", "reference");
        assertOk(r);
        assertTrue(r.err().contains("train: iter 1  objective"), r::toString);
        assertTrue(r.out().startsWith("status CONVERGED"), r::toString);
    }

    @Test
    void validationStandardizeAndClassWeightsRun() throws IOException {
        Path out = dir.resolve("std.json");
        CliRun r = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "elasticnet", "--lambda", "0.5",
                "--l1-ratio", "0.5", "--standardize", "--class-weight", "balanced", "--validation-fraction", "0.25", "--seed", "3",
                "--backend", "reference", "--json", "--out", out.toString());
        assertOk(r);
        JsonNode s = JSON.readTree(r.out());
        assertEquals(142, s.get("metrics").get("validation").get("rows").asInt(), "round(569 * 0.25) rows held out");
        assertEquals(427, s.get("rows").asInt());
        SavedModel m = ModelFile.read(out);
        assertEquals(true, m.training().get("standardize"));
        assertEquals("balanced", m.training().get("classWeight"));
        assertEquals("owlqn", m.optimizer());
    }

    @Test
    void libsvmAndNpyTrainingMatchCsv() throws IOException {
        Path svmModel = dir.resolve("svm.json");
        CliRun r = CliRun.of("train", "--data", CliRun.data("breast-cancer.libsvm").toString(), "--penalty", "l2", "--backend", "reference",
                "--out", svmModel.toString(), "--quiet");
        assertOk(r);
        Dataset d = DataReaders.read(csv, ReadOptions.DEFAULT.withLabelColumn("benign")).dataset();
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(d.rows() * 31 * 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < d.rows(); i++) {
            for (int j = 0; j < 30; j++) b.putDouble(d.feature(i, j));
            b.putDouble(d.label(i));
        }
        Path npy = dir.resolve("bc.npy");
        writeNpy(npy, "<f8", d.rows(), 31, b.array());
        Path npyModel = dir.resolve("npy.json");
        assertOk(CliRun.of("train", "--data", npy.toString(), "--penalty", "l2", "--backend", "reference", "--out", npyModel.toString(), "--quiet"));
        double[] expected = ModelFile.read(model).model().coefficients();
        double[] got = ModelFile.read(npyModel).model().coefficients();
        for (int j = 0; j < expected.length; j++) {
            assertEquals(Double.doubleToLongBits(expected[j]), Double.doubleToLongBits(got[j]), npyModel + " coefficient " + j);
        }
        // LIBSVM rows are sparse: the same optimum (the 1e-9 on the objective), reached through sums taken
        // over the nonzeros (the column statistics of the preconditioner), so the same coefficients up to the
        // optimizer's tolerance rather than bit for bit.
        double[] sparse = ModelFile.read(svmModel).model().coefficients();
        double largest = 0;
        for (double c : expected) largest = Math.max(largest, Math.abs(c));
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], sparse[j], 1e-6 * largest, svmModel + " coefficient " + j);
        }
        double objective = ModelFile.read(model).objective();
        assertEquals(objective, ModelFile.read(svmModel).objective(), 1e-9 * Math.abs(objective), "objective");
        CliRun pred = CliRun.of("predict", "--model", npyModel.toString(), "--data", npy.toString());
        assertOk(pred);
        assertEquals(570, pred.out().lines().count());
        // A matrix of the wrong dtype is bad input.
        Path ints = dir.resolve("ints.npy");
        writeNpy(ints, "<i4", 2, 2, new byte[16]);
        assertBadInput(CliRun.of("train", "--data", ints.toString(), "--backend", "reference"), "dtype '<i4'");
        Path fortran = dir.resolve("fortran.npy");
        writeNpyHeader(fortran, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]);
        assertBadInput(CliRun.of("train", "--data", fortran.toString(), "--backend", "reference"), "Fortran");
    }

    private static void writeNpy(Path p, String descr, long rows, int cols, byte[] data) throws IOException {
        writeNpyHeader(p, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }", data);
    }

    private static void writeNpyHeader(Path p, String dict, byte[] data) throws IOException {
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        Files.write(p, b.array());
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        int[][] a = ValidationSplit.split(100, 0.3, new SplittableRandom(5));
        int[][] b = ValidationSplit.split(100, 0.3, new SplittableRandom(5));
        int[][] c = ValidationSplit.split(100, 0.3, new SplittableRandom(6));
        assertEquals(java.util.Arrays.toString(a[1]), java.util.Arrays.toString(b[1]));
        assertFalse(java.util.Arrays.equals(a[1], c[1]), "different seeds gave the same split");
        assertEquals(70, a[0].length);
        assertEquals(30, a[1].length);
        boolean[] seen = new boolean[100];
        for (int[] part : a) for (int i : part) {
            assertFalse(seen[(int) i], "row " + i + " twice");
            seen[(int) i] = true;
        }
        for (int i = 0; i < 100; i++) assertTrue(seen[i], "row " + i + " missing");
    }
}
