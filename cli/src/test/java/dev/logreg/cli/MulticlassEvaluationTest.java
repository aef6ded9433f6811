package dev.logreg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.LogisticRegression;
import dev.logreg.data.Dataset;
import dev.logreg.metrics.MulticlassMetrics;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.DrawnTicks;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MulticlassEvaluation} on a softmax model trained here (reference backend, K = 3): the table and the JSON
 * document say what {@link MulticlassMetrics} computes, the predictions are the model's, and the charts are written
 * and drawn as intended. Set {@code -Dlogreg.test.plotDir=DIR} to keep the charts for a look.
 */
class MulticlassEvaluationTest {
    private static final List<String> NAMES = List.of("setosa", "versicolor", "virginica");
    private static Dataset train;
    private static Dataset test;
    private static LinearClassifier model;

    @BeforeAll
    static void fit() {
        // One draw (one set of true coefficients), split: rows 0..599 to train, 600..899 to evaluate.
        Dataset all = MulticlassData.generate(900, 4, 3, false, 16);
        train = all.select(IntStream.range(0, 600).toArray());
        test = all.select(IntStream.range(600, 900).toArray());
        model = LogisticRegression.builder().penalty(Penalty.l2(1.0)).backendName("reference").build().fit(train).classifier();
        assertTrue(model instanceof SoftmaxModel, "K = 3 trains the multinomial model by default, got " + model);
    }

    private static Path plotDir(Path tmp, String name) {
        String keep = System.getProperty("logreg.test.plotDir");
        return keep == null ? tmp.resolve(name) : Path.of(keep, name);
    }

    private static String run(LinearClassifier m, Dataset d, List<String> names, boolean json, Path plots, String weightColumn) throws Exception {
        StringWriter s = new StringWriter();
        MulticlassEvaluation.evaluate(m, d, names, "test.csv", weightColumn, json, plots, true, Map.of("model", "model.json"), new PrintWriter(s));
        return s.toString();
    }

    @Test
    void tableSaysWhatTheMetricsAreAndPredictionsAreTheModels() throws Exception {
        String out = run(model, test, NAMES, false, null, null);
        MulticlassMetrics m = MulticlassMetrics.compute(model, test);
        int[] predicted = model.predictClasses(test);
        int[] y = MulticlassMetrics.classIndices(test);
        long right = IntStream.range(0, y.length).filter(i -> predicted[i] == y[i]).count();
        assertEquals((double) right / y.length, m.accuracy(), 1e-15, "accuracy from the model's own predictions");
        assertTrue(m.accuracy() > 0.5, "a trained model beats chance (1/3): " + m.accuracy());
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "log loss           %.6f%n", m.logLoss())), out);
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "accuracy           %.6f%n", m.accuracy())), out);
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "macro      %10.6f %10.6f %10.6f", m.macro().precision(), m.macro().recall(),
                m.macro().f1())), out);
        assertTrue(out.contains("(one-vs-rest, macro mean over the 3 classes)"), out);
        assertTrue(out.contains("confusion matrix (rows: actual, columns: predicted)"), out);
        // The confusion matrix row of "versicolor" as printed.
        String row = out.lines().filter(l -> l.startsWith("versicolor") && !l.contains(".")).findFirst().orElseThrow();
        String[] cells = row.trim().split("\\s+");
        assertEquals(List.of(Long.toString(m.confusion(1, 0)), Long.toString(m.confusion(1, 1)), Long.toString(m.confusion(1, 2))),
                List.of(cells[1], cells[2], cells[3]), row);
        // The log loss is the mean of −log p of the true class, p from the model.
        double[] p = model.predictProbabilities(test);
        double ll = 0;
        for (int i = 0; i < y.length; i++) ll -= Math.log(p[i * 3 + y[i]]);
        assertEquals(ll / y.length, m.logLoss(), 1e-12);
    }

    @Test
    void jsonHoldsEveryMetricAndThePlots(@TempDir Path tmp) throws Exception {
        Path dir = plotDir(tmp, "k3");
        JsonNode doc = new ObjectMapper().readTree(run(model, test, NAMES, true, dir, null));
        MulticlassMetrics m = MulticlassMetrics.compute(model, test);
        assertEquals("model.json", doc.get("model").asText());
        assertEquals(300, doc.get("rows").asInt());
        assertEquals(3, doc.get("classes").asInt());
        assertEquals(m.logLoss(), doc.get("logLoss").asDouble(), 0.0);
        assertEquals("log-probabilities", doc.get("logLossFrom").asText());
        for (String avg : List.of("macro", "micro", "weightedAverage")) {
            for (String k : List.of("precision", "recall", "f1")) assertTrue(doc.get(avg).get(k).isNumber(), avg + "." + k);
        }
        assertEquals(m.accuracy(), doc.get("micro").get("f1").asDouble(), 1e-15, "micro F1 = accuracy");
        assertEquals(m.macroRocAuc(), doc.get("macroRocAuc").asDouble(), 0.0);
        assertEquals(3, doc.get("perClass").size());
        assertEquals("virginica", doc.get("perClass").get(2).get("class").asText());
        JsonNode cm = doc.get("confusionMatrix");
        assertEquals(NAMES, List.of(cm.get("classes").get(0).asText(), cm.get("classes").get(1).asText(), cm.get("classes").get(2).asText()));
        long total = 0;
        for (JsonNode r : cm.get("rows")) for (JsonNode v : r) total += v.asLong();
        assertEquals(300, total);
        assertFalse(doc.has("weightedConfusionMatrix"));
        assertEquals(2, doc.get("plots").size());
        for (JsonNode f : doc.get("plots")) {
            BufferedImage img = ImageIO.read(Path.of(f.asText()).toFile());
            assertNotNull(img, f.asText() + " is a PNG");
        }
        assertTrue(Files.exists(dir.resolve("confusion-matrix.png")));
        assertTrue(Files.exists(dir.resolve("roc.png")));
    }

    @Test
    void weightsReachEveryMetricAndTheReport(@TempDir Path tmp) throws Exception {
        float[] w = new float[(int) test.rows()];
        for (int i = 0; i < w.length; i++) w[i] = 0.25f * (1 + i % 7);
        Dataset weighted = test.withWeights(w);
        String out = run(model, weighted, NAMES, false, plotDir(tmp, "weighted"), "w");
        MulticlassMetrics m = MulticlassMetrics.compute(model, weighted);
        assertTrue(m.weighted());
        assertTrue(out.contains("sample weights     column 'w', sum " + EvaluateCommand.weightSum(weighted.weightSum())), out);
        assertTrue(out.contains("weighted confusion matrix (sums of sample weights"), out);
        JsonNode doc = new ObjectMapper().readTree(run(model, weighted, NAMES, true, null, "w"));
        assertEquals("w", doc.get("weightColumn").asText());
        double sum = 0;
        for (JsonNode r : doc.get("weightedConfusionMatrix").get("rows")) for (JsonNode v : r) sum += v.asDouble();
        assertEquals(weighted.weightSum(), sum, 1e-9);
    }

    @Test
    void aClassWithNoRowIsReportedUndefinedNotHidden(@TempDir Path tmp) throws Exception {
        int[] keep = IntStream.range(0, (int) test.rows()).filter(i -> test.label(i) != 2).toArray();
        Dataset two = test.select(keep);
        assertEquals(3, two.classes());
        String out = run(model, two, NAMES, false, plotDir(tmp, "absent"), null);
        assertTrue(out.contains("macro mean over 2 of 3 classes; undefined for a class with no row or every row"), out);
        String virginica = out.lines().filter(l -> l.startsWith("virginica") && l.contains(".")).findFirst().orElseThrow();
        assertTrue(virginica.endsWith("undefined"), virginica);
        MulticlassMetrics m = MulticlassMetrics.compute(model, two);
        XYChart roc = MulticlassPlots.roc(m, model.predictProbabilities(two), MulticlassMetrics.classIndices(two), null, NAMES);
        List<String> legend = new ArrayList<>();
        for (XYSeries s : roc.getSeriesMap().values()) if (s.isShowInLegend()) legend.add(s.getName());
        assertTrue(legend.get(0).startsWith("setosa (AUC "), legend.toString());
        assertEquals("virginica: no ROC curve (no row of this class)", legend.get(2));
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), DrawnTicks.x(roc));
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), DrawnTicks.y(roc));
    }

    @Test
    void thirtyClassesDrawAHeatMapAndNoRocChart(@TempDir Path tmp) throws Exception {
        Dataset d30 = MulticlassData.generate(3000, 6, 30, false, 30);
        LinearClassifier m30 = LogisticRegression.builder().penalty(Penalty.l2(1.0)).backendName("reference").build().fit(d30).classifier();
        List<String> names = IntStream.range(0, 30).mapToObj(c -> "class_" + c).toList();
        Path dir = plotDir(tmp, "k30");
        String out = run(m30, d30, names, false, dir, null);
        assertTrue(out.contains("ROC curves are drawn for at most 10 classes; this model has 30"), out);
        assertTrue(out.contains("confusion matrix   30 x 30: in --json and --plot"), out);
        BufferedImage img = ImageIO.read(dir.resolve("confusion-matrix.png").toFile());
        assertNotNull(img);
        assertTrue(img.getWidth() >= 1000 && img.getHeight() >= 1000, img.getWidth() + "x" + img.getHeight());
        assertFalse(Files.exists(dir.resolve("roc.png")));
    }

    @Test
    void heatMapCellsAreTheMatrixWithTheFirstTrueClassAtTheTop() {
        MulticlassMetrics m = MulticlassMetrics.compute(model, test);
        org.knowm.xchart.HeatMapChart c = MulticlassPlots.confusion(m, NAMES);
        org.knowm.xchart.HeatMapSeries s = c.getHeatMapSeries();
        assertEquals(NAMES, s.getXData(), "predicted classes left to right");
        assertEquals(List.of("virginica", "versicolor", "setosa"), s.getYData(), "XChart lists y from the bottom");
        assertEquals(9, s.getHeatData().size());
        for (Number[] cell : s.getHeatData()) {
            int predicted = cell[0].intValue();
            int actual = 2 - cell[1].intValue();
            assertEquals((double) m.confusion(actual, predicted), cell[2].doubleValue(), 0.0, "cell " + actual + "," + predicted);
        }
        assertTrue(c.getStyler().isShowValue(), "counts printed in the cells at K = 3");
    }

    @Test
    void longNamesAreCutAndStayDistinctOnCharts() {
        String a = "a-class-name-far-longer-than-the-table-allows-1";
        String b = "a-class-name-far-longer-than-the-table-allows-2";
        assertEquals(List.of("a-class-name-far-long... #0", "a-class-name-far-long... #1", "short", "line?break"),
                MulticlassPlots.labels(List.of(a, b, "short", "line\nbreak")));
        MulticlassMetrics m = MulticlassMetrics.compute(model, test);
        XYChart roc = MulticlassPlots.roc(m, model.predictProbabilities(test), MulticlassMetrics.classIndices(test), null, List.of(a, b, "short"));
        assertEquals(5, roc.getSeriesMap().size(), "three classes, chance, and the hidden axis helper");
    }

    @Test
    void oneVsRestModelsAreEvaluatedAlike() throws Exception {
        LinearClassifier ovr = LogisticRegression.builder().penalty(Penalty.l2(1.0)).backendName("reference")
                .multiclass(dev.logreg.train.Multiclass.ONE_VS_REST).build().fit(train).classifier();
        assertTrue(ovr instanceof dev.logreg.model.OneVsRestModel, ovr.toString());
        JsonNode doc = new ObjectMapper().readTree(run(ovr, test, NAMES, true, null, null));
        double[] p = ovr.predictProbabilities(test);
        int[] y = MulticlassMetrics.classIndices(test);
        double ll = 0;
        for (int i = 0; i < y.length; i++) ll -= Math.log(p[i * 3 + y[i]]);
        assertEquals(ll / y.length, doc.get("logLoss").asDouble(), 1e-12, "log loss of the normalised one-vs-rest probabilities");
        assertTrue(doc.get("accuracy").asDouble() > 0.5, doc.toString());
    }

    @Test
    void mismatchesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(model, test, List.of("a", "b"), false, null, null));
        assertEquals("2 class names for a model of 3 classes", e.getMessage());
        Dataset four = MulticlassData.generate(20, 4, 4, false, 1);
        e = assertThrows(IllegalArgumentException.class, () -> run(model, four, NAMES, false, null, null));
        assertEquals("the model has 3 classes, the data 4", e.getMessage());
        Dataset wide = MulticlassData.generate(20, 5, 3, false, 1);
        e = assertThrows(IllegalArgumentException.class, () -> run(model, wide, NAMES, false, null, null));
        assertEquals("the data have 5 features, the model expects 4", e.getMessage());
        // ∞ − ∞: a logit that is NaN (possible only for a model made in code) names the file and the row.
        SoftmaxModel huge = new SoftmaxModel(new double[][] {{1e308, -1e308}, {0, 0}}, new double[] {0, 0}, true, null);
        Dataset big = Dataset.fromRows(new float[][] {{1, 1}, {3e38f, 3e38f}}, new float[] {0, 1}, null, 2);
        e = assertThrows(IllegalArgumentException.class, () -> run(huge, big, List.of("a", "b"), false, null, null));
        assertTrue(e.getMessage().startsWith("test.csv, data row 2 (1-based, header not counted): the logit of class 0 is NaN"), e.getMessage());
    }
}
