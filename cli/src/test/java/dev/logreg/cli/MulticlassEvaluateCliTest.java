package dev.logreg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate} and {@code train --cv-folds} on K-class models, end to end on the bundled wine data (178 rows, three
 * cultivars): the JSON document agrees with itself and with {@code train}'s summary, the charts are PNG files, and
 * the flags that mean nothing for K classes are refused in one line.
 */
class MulticlassEvaluateCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String wine() {
        return CliRun.data("wine.csv").toString();
    }

    @Test
    void evaluateMultinomialAndOneVsRestModels() throws IOException {
        for (String strategy : List.of("multinomial", "ovr")) {
            Path model = dir.resolve(strategy + ".json");
            // Three iterations of an unstandardized fit: a model that still errs, so the matrix has off-diagonal cells.
            CliRun t = CliRun.of("train", "--data", wine(), "--label", "cultivar", "--multiclass", strategy, "--max-iter", "3", "--quiet",
                    "--json", "--out", model.toString());
            assertEquals(0, t.code(), t.toString());
            JsonNode training = JSON.readTree(t.out()).get("metrics").get("training");

            Path plots = dir.resolve("plots-" + strategy);
            CliRun e = CliRun.of("evaluate", "--model", model.toString(), "--data", wine(), "--json", "--plot", plots.toString());
            assertEquals(0, e.code(), e.toString());
            JsonNode r = JSON.readTree(e.out());
            assertEquals(model.toString(), r.get("model").asText());
            assertEquals(wine(), r.get("data").asText());
            assertEquals(178, r.get("rows").asLong());
            assertEquals(3, r.get("classes").asInt());
            assertEquals("log-probabilities", r.get("logLossFrom").asText());

            JsonNode cm = r.get("confusionMatrix");
            List<String> names = new ArrayList<>();
            cm.get("classes").forEach(n -> names.add(n.asText()));
            assertEquals(List.of("class_0", "class_1", "class_2"), names);
            long total = 0;
            long diagonal = 0;
            long[] actual = new long[3];
            long[] predicted = new long[3];
            for (int a = 0; a < 3; a++) {
                for (int p = 0; p < 3; p++) {
                    long v = cm.get("rows").get(a).get(p).asLong();
                    total += v;
                    actual[a] += v;
                    predicted[p] += v;
                    if (a == p) diagonal += v;
                }
            }
            assertEquals(178, total, e.out());
            assertTrue(diagonal < total, "a three-iteration model should still err somewhere: " + e.out());
            assertEquals((double) diagonal / total, r.get("accuracy").asDouble(), 1e-15, e.out());
            // The summary of train and the evaluation count the same rows the same way (one implementation of each).
            assertEquals(training.get("accuracy").asDouble(), r.get("accuracy").asDouble(), 1e-15, strategy);
            assertEquals(training.get("logLoss").asDouble(), r.get("logLoss").asDouble(), 1e-12, strategy);
            // micro precision = recall = accuracy where every row has one label and one prediction.
            assertEquals(r.get("accuracy").asDouble(), r.get("micro").get("precision").asDouble(), 1e-12);

            JsonNode per = r.get("perClass");
            assertEquals(3, per.size());
            double macroRecall = 0;
            for (int c = 0; c < 3; c++) {
                JsonNode row = per.get(c);
                assertEquals(names.get(c), row.get("class").asText());
                assertEquals(actual[c], row.get("rows").asLong());
                assertEquals(predicted[c], row.get("predicted").asLong());
                assertEquals(predicted[c] == 0 ? 0 : (double) cm.get("rows").get(c).get(c).asLong() / predicted[c], row.get("precision").asDouble(), 1e-12);
                double recall = (double) cm.get("rows").get(c).get(c).asLong() / actual[c];
                assertEquals(recall, row.get("recall").asDouble(), 1e-12);
                macroRecall += recall / 3;
                double auc = row.get("rocAuc").asDouble();
                assertTrue(auc > 0.5 && auc <= 1, row.toString());
            }
            assertEquals(macroRecall, r.get("macro").get("recall").asDouble(), 1e-12);

            List<String> files = new ArrayList<>();
            r.get("plots").forEach(p -> files.add(Path.of(p.asText()).getFileName().toString()));
            assertEquals(List.of("objective.png", "confusion-matrix.png", "roc.png"), files, e.out());
            for (String f : files) assertNotNull(ImageIO.read(plots.resolve(f).toFile()), f + " is not an image");

            // The table says the same as the document.
            CliRun table = CliRun.of("evaluate", "--model", model.toString(), "--data", wine());
            assertEquals(0, table.code(), table.toString());
            assertTrue(table.out().contains(String.format(java.util.Locale.ROOT, "accuracy           %.6f", r.get("accuracy").asDouble())), table.out());
            assertTrue(table.out().contains("confusion matrix (rows: actual, columns: predicted)"), table.out());
        }
    }

    @Test
    void thresholdIsRefusedForKClassModels() throws IOException {
        Path model = dir.resolve("m.json");
        CliRun t = CliRun.of("train", "--data", wine(), "--label", "cultivar", "--standardize", "--penalty", "l2", "--quiet", "--out", model.toString());
        assertEquals(0, t.code(), t.toString());
        for (String threshold : List.of("0.5", "0.3")) {
            CliRun e = CliRun.of("evaluate", "--model", model.toString(), "--data", wine(), "--threshold", threshold);
            assertEquals(Cli.BAD_INPUT, e.code(), e.toString());
            assertTrue(e.err().contains("--threshold applies to binary models") && e.err().contains("3 classes") && !e.err().contains("Exception"), e.err());
            assertEquals(1, e.err().strip().lines().count(), e.err());
            assertEquals("", e.out());
        }
    }

    @Test
    void crossValidationOfKClassesWithEachMetric() throws IOException {
        Path model = dir.resolve("cv.json");
        CliRun d = CliRun.of("train", "--data", wine(), "--label", "cultivar", "--standardize", "--penalty", "l2", "--cv-folds", "3",
                "--lambda-count", "6", "--json", "--out", model.toString());
        assertEquals(0, d.code(), d.toString());
        JsonNode s = JSON.readTree(d.out());
        JsonNode cv = s.get("crossValidation");
        assertEquals("logloss", cv.get("metric").asText());
        assertFalse(cv.get("higherIsBetter").asBoolean());
        assertEquals(6, cv.get("path").size());
        assertEquals(3, cv.get("path").get(0).get("folds").size());
        assertEquals(39, cv.get("refitNonZeros").asInt(), "l2 keeps every one of the 3 x 13 coefficients");
        double chosen = cv.get("chosenLambda").asDouble();
        JsonNode best = cv.get("path").get(0);
        for (JsonNode p : cv.get("path")) if (p.get("mean").asDouble() < best.get("mean").asDouble()) best = p;
        assertEquals(best.get("lambda").asDouble(), chosen, 0, "the best rule keeps the lowest mean log loss");
        assertEquals("multinomial", s.get("multiclass").asText());
        assertTrue(d.err().contains("cv: fold 3/3") && d.err().contains("cv: 3 folds, logloss (lower is better)"), d.err());
        String file = Files.readString(model);
        assertTrue(file.contains("\"cvMetric\" : \"logloss\"") && file.contains("\"cvRule\" : \"best\""), file);

        for (String strategy : List.of("multinomial", "ovr")) {
            CliRun a = CliRun.of("train", "--data", wine(), "--label", "cultivar", "--standardize", "--penalty", "l1", "--multiclass", strategy,
                    "--cv-folds", "3", "--cv-metric", "accuracy", "--lambda-count", "5", "--quiet");
            assertEquals(0, a.code(), a.toString());
            assertTrue(a.out().startsWith("cross-validation: λ = ") && a.out().contains("by 3-fold accuracy")
                    && a.out().contains("nonzero coefficients of 39"), a.out());
            assertTrue(a.out().contains(strategy + ", 3 classes"), a.out());
        }
        CliRun f = CliRun.of("train", "--data", wine(), "--label", "cultivar", "--standardize", "--penalty", "l2", "--cv-folds", "3",
                "--cv-metric", "macro-f1", "--lambdas", "10,1,0.1", "--quiet", "--json");
        assertEquals(0, f.code(), f.toString());
        assertEquals("macro-f1", JSON.readTree(f.out()).get("crossValidation").get("metric").asText());
    }

    @Test
    void binaryOnlyMetricsAreRefusedForKClasses() {
        for (String metric : List.of("auc", "brier", "f1")) {
            CliRun r = CliRun.of("train", "--data", wine(), "--label", "cultivar", "--standardize", "--penalty", "l2", "--cv-folds", "3",
                    "--cv-metric", metric, "--quiet");
            assertEquals(Cli.BAD_INPUT, r.code(), r.toString());
            assertTrue(r.err().contains("--cv-metric " + metric + " scores binary models") && r.err().contains("logloss, accuracy, macro-f1")
                    && !r.err().contains("Exception"), r.err());
        }
        CliRun b = CliRun.of("train", "--data", wine(), "--label", "cultivar", "--multiclass", "ovr", "--class-weight", "balanced", "--penalty", "l2",
                "--cv-folds", "3", "--quiet");
        assertEquals(Cli.BAD_INPUT, b.code(), b.toString());
        assertTrue(b.err().contains("--class-weight balanced is not supported"), b.err());
        CliRun mse = CliRun.of("train", "--data", wine(), "--label", "cultivar", "--loss", "mse", "--quiet");
        assertEquals(Cli.BAD_INPUT, mse.code(), mse.toString());
        assertTrue(mse.err().contains("is a binary loss; the multinomial model trains the multiclass log loss"), mse.err());
    }
}
