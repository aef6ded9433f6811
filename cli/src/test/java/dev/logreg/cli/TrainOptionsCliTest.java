package dev.logreg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.io.DataReaders;
import dev.logreg.io.ModelFile;
import dev.logreg.io.ReadOptions;
import dev.logreg.io.SavedModel;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train}'s fitting options end to end on the bundled data, in-process, on the reference backend: the iteration
 * budget, warm starts, cross-validation, {@code --stats}, {@code --standardize}, a validation split and class weights
 * (the commands themselves: {@link CommandLineTest}).
 */
class TrainOptionsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path csv;
    static Path model;

    @BeforeAll
    static void trainOnce() {
        csv = CliRun.data("breast-cancer.csv");
        model = CliRun.trainBundled(dir);
    }

    @Test
    void iterationBudgetIsAWarningAndAStatus() throws IOException {
        CliRun r = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--backend", "reference",
                "--max-iter", "2", "--json");
        CliRun.assertOk(r);
        assertEquals("MAX_ITERATIONS", JSON.readTree(r.out()).get("status").asText());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("warning: training stopped on its iteration budget (2 iterations)")
                && l.contains("try --optimizer newton")), r::toString);
        // Newton itself, out of budget, is not told to try Newton; with an L1 part it is proximal Newton and converges.
        CliRun n = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l1", "--lambda", "0.5",
                "--backend", "reference", "--optimizer", "newton", "--max-iter", "1", "--json");
        CliRun.assertOk(n);
        assertTrue(n.err().contains("iteration budget") && !n.err().contains("try --optimizer newton"), n::toString);
        CliRun converged = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l1", "--lambda", "0.5",
                "--backend", "reference", "--optimizer", "newton", "--json");
        CliRun.assertOk(converged);
        assertTrue(JSON.readTree(converged.out()).get("converged").asBoolean(), converged::toString);
        assertFalse(converged.err().contains("warning:"), converged::toString);
        CliRun q = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--backend", "reference",
                "--max-iter", "2", "--quiet");
        CliRun.assertOk(q);
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
        CliRun.assertOk(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l1", "--lambda", "1",
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
        CliRun.assertOk(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l2", "--lambda", "1", "--standardize",
                "--backend", "reference", "--out", standardized.toString(), "--quiet"));
        JsonNode restd = JSON.readTree(CliRun.of("train", "--data", csv.toString(), "--label", "benign",
                "--penalty", "l2", "--lambda", "1", "--standardize", "--backend", "reference", "--init-model", standardized.toString(),
                "--json", "--quiet").out());
        assertTrue(restd.get("iterations").asInt() <= 2, "--standardize restarted at its own optimum: " + restd);

        Path narrow = dir.resolve("narrow.csv");
        Files.writeString(narrow, "a,b,benign\n1,2,1\n3,4,0\n2,2,1\n");
        CliRun.assertBadInput(CliRun.of("train", "--data", narrow.toString(), "--label", "benign", "--init-model", first.toString()),
                "has 30 features, the data have 2");
        List<String> lines = Files.readAllLines(csv);
        Path renamed = dir.resolve("renamed.csv");
        List<String> r = new ArrayList<>(lines);
        r.set(0, r.get(0).replaceFirst("^mean_radius,", "radius,"));
        Files.write(renamed, r);
        CliRun.assertBadInput(CliRun.of("train", "--data", renamed.toString(), "--label", "benign", "--init-model", first.toString()),
                "feature 0 is 'mean_radius' in the model but 'radius' in the data");
        Path plusMinus = dir.resolve("plus-minus.csv");
        List<String> pm = new ArrayList<>(lines);
        for (int i = 1; i < pm.size(); i++) pm.set(i, pm.get(i).replaceFirst(",0$", ",-1"));
        Files.write(plusMinus, pm);
        CliRun.assertBadInput(CliRun.of("train", "--data", plusMinus.toString(), "--label", "benign", "--init-model", first.toString()),
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
        CliRun.assertOk(r);
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
        CliRun.assertOk(text);
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
        CliRun.assertOk(plotted);
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
        CliRun.assertOk(edge);
        assertTrue(edge.err().contains("warning: the best λ is the smallest tried (300.0)"), edge::toString);

        String[] base = {"train", "--data", csv.toString(), "--label", "benign", "--backend", "reference"};
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--lambdas", "1,2")), "--lambdas needs --cv-folds");
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-rule", "1se")), "--cv-rule needs --cv-folds");
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--lambda", "1")), "--lambda and --cv-folds exclude each other");
        CliRun.assertBadInput(CliRun.of(concat(base, "--cv-folds", "5")), "give --penalty l2, l1 or elasticnet");
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "1")), "--cv-folds is 1, expected at least 2");
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--lambdas", "1,-1")), "--lambdas: λ number 2 is -1.0");
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--cv-metric", "roc")), "--cv-metric: score 'roc' is not one of");
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--cv-rule", "min")), "--cv-rule is 'min', expected best or 1se");
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--lambdas", "1", "--lambda-count", "3")),
                "--lambdas gives the grid");
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "5", "--init-model", model.toString())),
                "--init-model and --cv-folds exclude each other");
        CliRun.assertBadInput(CliRun.of(concat(base, "--penalty", "l2", "--cv-folds", "400")), "400 folds need at least 400 rows of each class");
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
        CliRun.assertOk(r);
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
        CliRun.assertOk(text);
        assertTrue(text.out().contains("95% intervals") && text.out().contains("mean_texture") && text.out().contains("(intercept)"), text::toString);

        CliRun separable = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--stats", "--backend", "reference", "--json", "--quiet");
        CliRun.assertOk(separable);
        assertTrue(separable.err().contains("warning: --stats: no standard errors: the fit ended with UNBOUNDED_COEFFICIENTS"), separable::toString);
        JsonNode s = JSON.readTree(separable.out());
        assertTrue(s.get("coefficientStatistics").isNull());
        assertTrue(s.get("coefficientStatisticsError").asText().contains("separable"), s::toString);

        String[] base = {"train", "--data", csv.toString(), "--label", "benign", "--backend", "reference"};
        CliRun.assertBadInput(CliRun.of(concat(base, "--stats", "--penalty", "l2")), "--stats needs an unpenalized fit");
        CliRun.assertBadInput(CliRun.of(concat(base, "--confidence", "0.9")), "--confidence needs --stats");
        CliRun.assertBadInput(CliRun.of(concat(base, "--stats", "--confidence", "95")), "--confidence is 95.0, expected a level in (0, 1)");
        CliRun.assertBadInput(CliRun.of(concat(base, "--stats", "--class-weight", "balanced")), "--class-weight balanced reweights the classes");
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
        CliRun.assertOk(CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "l1", "--lambda", "0.5", "--standardize",
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
        CliRun.assertOk(r);
        assertTrue(r.err().contains("train: iter 1  objective"), r::toString);
        assertTrue(r.out().startsWith("status CONVERGED"), r::toString);
    }

    @Test
    void validationStandardizeAndClassWeightsRun() throws IOException {
        Path out = dir.resolve("std.json");
        CliRun r = CliRun.of("train", "--data", csv.toString(), "--label", "benign", "--penalty", "elasticnet", "--lambda", "0.5",
                "--l1-ratio", "0.5", "--standardize", "--class-weight", "balanced", "--validation-fraction", "0.25", "--seed", "3",
                "--backend", "reference", "--json", "--out", out.toString());
        CliRun.assertOk(r);
        JsonNode s = JSON.readTree(r.out());
        assertEquals(142, s.get("metrics").get("validation").get("rows").asInt(), "round(569 * 0.25) rows held out");
        assertEquals(427, s.get("rows").asInt());
        SavedModel m = ModelFile.read(out);
        assertEquals(true, m.training().get("standardize"));
        assertEquals("balanced", m.training().get("classWeight"));
        assertEquals("owlqn", m.optimizer());
    }
}
