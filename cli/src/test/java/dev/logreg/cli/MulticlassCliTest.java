package dev.logreg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train, predict and warm start on the bundled wine data (three text classes), end to end. */
class MulticlassCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void multinomialAndOneVsRestOnWine() throws IOException {
        Path wine = CliRun.data("wine.csv");
        Path model = dir.resolve("wine.json");
        CliRun t = CliRun.of("train", "--data", wine.toString(), "--label", "cultivar", "--standardize", "--penalty", "l2", "--lambda", "1",
                "--quiet", "--json", "--out", model.toString());
        assertEquals(0, t.code(), t.toString());
        JsonNode cold = JSON.readTree(t.out());
        assertEquals("CONVERGED_GRADIENT", cold.get("status").asText(), t.out());
        assertEquals("multinomial", cold.get("multiclass").asText());
        assertEquals(1.0, cold.get("metrics").get("training").get("accuracy").asDouble(), 0.02, t.out());
        assertTrue(cold.get("metrics").get("training").get("logLoss").asDouble() < 0.2, t.out());
        String json = Files.readString(model);
        assertTrue(json.contains("\"formatVersion\" : 2") && json.contains("\"class_2\""), json);

        Path pred = dir.resolve("p.csv");
        CliRun p = CliRun.of("predict", "--model", model.toString(), "--data", wine.toString(), "--out", pred.toString());
        assertEquals(0, p.code(), p.toString());
        List<String> lines = Files.readAllLines(pred);
        assertEquals("p_class_0,p_class_1,p_class_2,label", lines.get(0));
        assertEquals(179, lines.size());
        assertTrue(lines.get(1).endsWith(",class_0") && lines.get(178).endsWith(",class_2"), lines.get(1) + " / " + lines.get(178));
        String[] f = lines.get(1).split(",");
        assertEquals(1.0, Double.parseDouble(f[0]) + Double.parseDouble(f[1]) + Double.parseDouble(f[2]), 1e-12);

        // Warm start from the model: already at the optimum, so the same objective in fewer iterations.
        CliRun w = CliRun.of("train", "--data", wine.toString(), "--label", "cultivar", "--standardize", "--penalty", "l2", "--lambda", "1",
                "--quiet", "--json", "--init-model", model.toString());
        assertEquals(0, w.code(), w.toString());
        JsonNode warm = JSON.readTree(w.out());
        assertTrue(warm.get("iterations").asInt() < cold.get("iterations").asInt(), w.out() + " / " + t.out());
        assertEquals(cold.get("objective").asDouble(), warm.get("objective").asDouble(), 1e-8 * cold.get("objective").asDouble());

        Path ovr = dir.resolve("ovr.json");
        CliRun o = CliRun.of("train", "--data", wine.toString(), "--label", "cultivar", "--standardize", "--quiet", "--multiclass", "ovr",
                "--class-weight", "balanced", "--out", ovr.toString());
        assertEquals(0, o.code(), o.toString());
        assertTrue(Files.readString(ovr).contains("\"strategy\" : \"ovr\""));
        CliRun po = CliRun.of("predict", "--model", ovr.toString(), "--data", wine.toString());
        assertEquals(0, po.code(), po.toString());
        assertTrue(po.out().startsWith("p_class_0,p_class_1,p_class_2,label\n"), po.out());

        CliRun e = CliRun.of("evaluate", "--model", model.toString(), "--data", wine.toString(), "--label", "cultivar");
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().contains("classes            3"), e.out());
    }

    /** --timings on a K-class fit: the same line as a binary fit's, its phases those of the K-class path. */
    @Test
    void timingsNameTheKClassPhases() throws IOException {
        Path wine = CliRun.data("wine.csv");
        CliRun t = CliRun.of("train", "--data", wine.toString(), "--label", "cultivar", "--quiet", "--timings",
                "--out", dir.resolve("timed.json").toString());
        assertEquals(0, t.code(), t.toString());
        String line = t.err().lines().filter(l -> l.startsWith("timings: ")).findFirst().orElseThrow(() -> new AssertionError(t.toString()));
        List<String> phases = new java.util.ArrayList<>();
        for (String part : line.substring("timings: ".length()).split(", ")) {
            String[] f = part.split(" ");
            assertEquals(3, f.length, line);
            assertTrue(Double.parseDouble(f[1]) >= 0 && f[2].equals("s"), line);
            phases.add(f[0]);
        }
        assertEquals(List.of("read", "backend", "fit", "write", "metrics", "total"), phases, line);
        CliRun cv = CliRun.of("train", "--data", wine.toString(), "--label", "cultivar", "--quiet", "--timings", "--json",
                "--multiclass", "ovr", "--standardize", "--penalty", "l2", "--cv-folds", "3", "--lambda-count", "3");
        assertEquals(0, cv.code(), cv.toString());
        JsonNode timings = JSON.readTree(cv.out()).get("timings");
        assertTrue(timings != null && timings.has("cross-validation") && timings.has("metrics") && timings.has("total"), cv.out());
        CliRun none = CliRun.of("train", "--data", wine.toString(), "--label", "cultivar", "--quiet");
        assertTrue(none.err().lines().noneMatch(l -> l.startsWith("timings:")), "no timings without the flag: " + none);
    }

    @Test
    void oneClassIsAClearError() throws IOException {
        Path one = dir.resolve("one.csv");
        Files.writeString(one, "x,label\n1,a\n2,a\n");
        CliRun t = CliRun.of("train", "--data", one.toString(), "--quiet");
        assertEquals(Cli.BAD_INPUT, t.code(), t.toString());
        assertTrue(t.err().contains("one class only (label 'a')") && !t.err().contains("Exception"), t.err());
        CliRun m = CliRun.of("train", "--data", CliRun.data("wine.csv").toString(), "--label", "cultivar", "--multiclass", "softmax", "--quiet");
        assertEquals(Cli.BAD_INPUT, m.code(), m.toString());
        assertTrue(m.err().contains("--multiclass is 'softmax'"), m.err());
    }

    @Test
    void autoTrainsMultinomialOnTheBestBackendAndCrossValidationIsClear() {
        String wine = CliRun.data("wine.csv").toString();
        CliRun t = CliRun.of("train", "--data", wine, "--label", "cultivar", "--standardize", "--max-iter", "5");
        assertEquals(0, t.code(), t.toString());
        // Every backend computes the multinomial loss: auto keeps its usual choice (the CPU here, where no GPU is usable).
        assertTrue(t.err().contains("backend: ") && !t.err().contains("backend: reference"), t.err());
        // K-class cross-validation is the api's: where it refuses (more folds than a class has rows), the command line
        // says so in one line naming the flag.
        CliRun cv = CliRun.of("train", "--data", wine, "--label", "cultivar", "--standardize", "--penalty", "l2", "--cv-folds", "60", "--quiet");
        assertEquals(Cli.BAD_INPUT, cv.code(), cv.toString());
        assertTrue(cv.err().contains("--cv-folds with 3 classes") && cv.err().contains("class 0 has 59 rows") && !cv.err().contains("Exception"), cv.toString());
    }

    @Test
    void npyLabelsThatAreNotNumbersNameTheFile() throws IOException {
        Path x = dir.resolve("x.npy");
        npy(x, "<f4", "(2, 1)", java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).array());
        Path y = dir.resolve("y.npy");
        npy(y, "<U3", "(2,)", new byte[24]);
        CliRun t = CliRun.of("train", "--data", x.toString(), "--labels", y.toString(), "--quiet");
        assertEquals(Cli.BAD_INPUT, t.code(), t.toString());
        assertTrue(t.err().contains(y.toString()) && t.err().contains("labels are not numbers"), t.err());
    }

    /** A version-1.0 .npy file: magic, header length, the header dict padded with spaces to a multiple of 64, the data. */
    private static void npy(Path p, String descr, String shape, byte[] data) throws IOException {
        StringBuilder h = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }");
        while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
        h.append('\n');
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (h.length() & 0xff), (byte) (h.length() >> 8)});
        b.write(h.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.write(data);
        Files.write(p, b.toByteArray());
    }

    /**
     * A thousand text classes end to end (issue 16: "at least 1,000 classes work"): each class's two rows near a
     * center of its own, trained multinomial on the CPU's fused pass, predicted back with one probability column per
     * class and the labels in the file's own words.
     */
    @Test
    void aThousandClassesTrainAndPredict() throws IOException {
        int k = 1000, n = 4;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1000);
        double[][] center = new double[k][n];
        StringBuilder csv = new StringBuilder("x0,x1,x2,x3,label\n");
        for (int c = 0; c < k; c++) for (int j = 0; j < n; j++) center[c][j] = rnd.nextDouble(-50, 50);
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < n; j++) csv.append((float) (center[c][j] + rnd.nextDouble(-0.01, 0.01))).append(',');
                csv.append("k").append(c).append('\n');
            }
        }
        Path data = Files.writeString(dir.resolve("thousand.csv"), csv);
        Path model = dir.resolve("thousand.json");
        CliRun t = CliRun.of("train", "--data", data.toString(), "--penalty", "l2", "--lambda", "0.01", "--backend", "cpu",
                "--max-iter", "300", "--quiet", "--json", "--out", model.toString());
        assertEquals(0, t.code(), t.toString());
        JsonNode fit = JSON.readTree(t.out());
        assertTrue(fit.get("metrics").get("training").get("accuracy").asDouble() > 0.99, t.out());
        Path pred = dir.resolve("thousand-p.csv");
        CliRun p = CliRun.of("predict", "--model", model.toString(), "--data", data.toString(), "--out", pred.toString());
        assertEquals(0, p.code(), p.toString());
        List<String> lines = Files.readAllLines(pred);
        String[] header = lines.get(0).split(",");
        assertEquals(k + 1, header.length, "one probability column per class, then the label");
        assertEquals("label", header[k]);
        assertEquals(2 * k + 1, lines.size());
        int right = 0;
        for (int i = 1; i < lines.size(); i++) if (lines.get(i).endsWith(",k" + ((i - 1) % k))) right++;
        assertTrue(right > 0.99 * 2 * k, right + " of " + 2 * k + " rows predicted as their own class");
    }
}
