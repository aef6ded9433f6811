package dev.logreg.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.logreg.LogisticRegression;
import dev.logreg.backend.BackendChoice;
import dev.logreg.io.DataReaders;
import dev.logreg.io.LoadedData;
import dev.logreg.io.ModelFile;
import dev.logreg.io.ReadOptions;
import dev.logreg.io.SavedModel;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's Java snippet of section "ONNX export" is the code between the markers below, run here on the bundled
 * data: the test fails where the two differ (but for the paths, resolved here in a temporary directory, where README
 * writes {@code Path.of}) or where the snippet's results differ from logreg's.
 */
class OnnxReadmeTest {
    @TempDir
    Path dir;

    @Test
    void readmeJavaSnippetRunsAndScoresAsLogreg() throws Exception {
        LoadedData data = DataReaders.read(OnnxExportTest.bundled("breast-cancer.csv"), ReadOptions.DEFAULT.withLabelColumn("benign"));
        TrainingResult fit = LogisticRegression.builder().backend(BackendChoice.REFERENCE).penalty(Penalty.l2(1.0)).build().fit(data.dataset());
        ModelFile.save(dir.resolve("model.json"), fit, data.labels());
        float[][] rows = OnnxExportTest.rows(data.dataset());

        // README: begin
        Path json = dir.resolve("model.json"), onnx = dir.resolve("model.onnx");
        SavedModel saved = ModelFile.load(json);                                     // what logreg train wrote
        OnnxExport.write(onnx, saved, OnnxExport.Options.DEFAULT);                   // float32 X, float64 arithmetic

        OrtEnvironment env = OrtEnvironment.getEnvironment();                        // com.microsoft.onnxruntime:onnxruntime
        long[] labels;                                                               // String[] where the labels are text
        double[][] probabilities;                                                    // [N][K]; float[][] from a float32 graph
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, rows);                      // float[N][n], in the model's feature order
             OrtSession.Result result = session.run(Map.of("X", x))) {
            labels = (long[]) result.get("label").get().getValue();
            probabilities = (double[][]) result.get("probabilities").get().getValue();
        }
        // README: end

        double[] p = saved.model().predictProbability(data.dataset());
        for (int i = 0; i < p.length; i++) {
            assertTrue(Math.abs(probabilities[i][1] - p[i]) <= 1e-6, "row " + i + ": " + probabilities[i][1] + " against logreg's " + p[i]);
            assertEquals(p[i] >= 0.5 ? 1L : 0L, labels[i], "row " + i);
        }
        assertEquals(snippet(), readmeBlock());
    }

    /** The lines between the markers of this file, as README shows them. */
    private static List<String> snippet() throws Exception {
        List<String> source = Files.readAllLines(Path.of("src/test/java/dev/logreg/onnx/OnnxReadmeTest.java"), StandardCharsets.UTF_8);
        int begin = source.indexOf("        // README: begin");
        int end = source.indexOf("        // README: end");
        List<String> lines = new ArrayList<>();
        for (String l : source.subList(begin + 1, end)) lines.add(l.isBlank() ? "" : l.substring(8).replace("dir.resolve(", "Path.of(").stripTrailing());
        return lines;
    }

    /** README's fenced java block that writes the ONNX file. */
    private static List<String> readmeBlock() throws Exception {
        Path readme = OnnxExportTest.bundled("breast-cancer.csv").getParent().resolveSibling("README.md");
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals("```java")) continue;
            int end = lines.subList(i + 1, lines.size()).indexOf("```") + i + 1;
            List<String> block = lines.subList(i + 1, end).stream().map(String::stripTrailing).toList();
            if (block.stream().anyMatch(l -> l.contains("OnnxExport.write("))) return block;
        }
        throw new AssertionError(readme + " has no java block with OnnxExport.write(");
    }
}
