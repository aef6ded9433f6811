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
import dev.logreg.penalty.Penalty;
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
        CliRun.assertOk(r);
    }

    private static void assertBadInput(CliRun r, String fragment) {
        CliRun.assertBadInput(r, fragment);
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
