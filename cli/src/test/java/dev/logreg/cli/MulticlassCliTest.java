package dev.logreg.cli;

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
    @TempDir
    Path dir;

    @Test
    void multinomialAndOneVsRestOnWine() throws IOException {
        Path wine = CliRun.data("wine.csv");
        Path model = dir.resolve("wine.json");
        CliRun t = CliRun.of("train", "--data", wine.toString(), "--label", "cultivar", "--standardize", "--quiet", "--out", model.toString());
        assertEquals(0, t.code(), t.toString());
        assertTrue(t.out().contains("multinomial, 3 classes") && t.out().contains("multiclass log loss"), t.out());
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

        // Warm start from the model: already at the optimum, so few iterations.
        CliRun w = CliRun.of("train", "--data", wine.toString(), "--label", "cultivar", "--standardize", "--quiet", "--json",
                "--init-model", model.toString());
        assertEquals(0, w.code(), w.toString());
        assertTrue(w.out().contains("\"multiclass\" : \"multinomial\"") || w.out().contains("\"multiclass\":\"multinomial\""), w.out());

        Path ovr = dir.resolve("ovr.json");
        CliRun o = CliRun.of("train", "--data", wine.toString(), "--label", "cultivar", "--standardize", "--quiet", "--multiclass", "ovr",
                "--class-weight", "balanced", "--out", ovr.toString());
        assertEquals(0, o.code(), o.toString());
        assertTrue(Files.readString(ovr).contains("\"strategy\" : \"ovr\""));
        CliRun po = CliRun.of("predict", "--model", ovr.toString(), "--data", wine.toString());
        assertEquals(0, po.code(), po.toString());
        assertTrue(po.out().startsWith("p_class_0,p_class_1,p_class_2,label\n"), po.out());

        CliRun e = CliRun.of("evaluate", "--model", model.toString(), "--data", wine.toString(), "--label", "cultivar");
        assertEquals(Cli.BAD_INPUT, e.code(), e.toString());
        assertTrue(e.err().contains("3 classes"), e.err());
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
}
