package dev.logreg.spark;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.optim.Status;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import dev.logreg.train.Multiclass;
import dev.logreg.train.TrainingResult;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The estimator with K classes in local[2] mode: the same optimum as the single-machine engine (coefficients and
 * intercepts to 1e-6), as Spark MLlib's multinomial LogisticRegression under the documented λ mapping, K from the label
 * column's metadata or the data, the K-vector output columns, persistence, and clear errors for labels that are not
 * class indices. One session for the class; small seeded data (seconds a test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MulticlassClassifierTest {
    /** Coefficients and intercepts of two fits of the same objective, relative to the largest (at least 1). */
    private static final double PARAM_TOL = 1e-6;

    private SparkSession spark;
    /** Wine-like: 13 features of different means and scales, 3 classes (as UCI wine), more rows than its 178. */
    private Dataset wine;
    private Dataset tenClassesWeighted;

    @BeforeAll
    void start() {
        spark = SparkTestData.session();
        spark.sparkContext().setLogLevel("WARN");
        wine = MulticlassData.generate(600, 13, 3, false, 20261202L);
        tenClassesWeighted = MulticlassData.generate(2000, 8, 10, true, 20261203L);
    }

    @AfterAll
    void stop() {
        if (spark != null) spark.stop();
    }

    private static LogregClassifier classifier(Penalty penalty) {
        return new LogregClassifier().setPenalty(penalty.kind().name().toLowerCase(java.util.Locale.ROOT).replace("_", ""))
                .setLambda(penalty.lambda()).setAlpha(penalty.alpha()).setGradientTol(1e-11).setTol(1e-15).setMaxIter(3000);
    }

    /** The single-machine engine's fit, on the reference backend, with the same tolerances ({@code strategy} null: its default). */
    private static TrainingResult core(Dataset data, Penalty penalty, Multiclass strategy) {
        LogisticRegression.Builder b = LogisticRegression.builder().backendName("reference").penalty(penalty)
                .criteria(new StoppingCriteria(3000, 1e-11, 1e-15, null));
        if (strategy != null) b.multiclass(strategy);
        return b.build().fit(data);
    }

    /** K×n coefficients then K intercepts of a softmax model, as one class-major parameter vector. */
    private static double[] params(double[][] w, double[] b) {
        int n = w[0].length;
        double[] p = new double[w.length * (n + 1)];
        for (int c = 0; c < w.length; c++) {
            System.arraycopy(w[c], 0, p, c * (n + 1), n);
            p[c * (n + 1) + n] = b[c];
        }
        return p;
    }

    /** J of the multinomial objective at (W, b), evaluated by the reference backend on the float32 data. */
    private static double judge(Dataset data, Penalty penalty, double[][] w, double[] b) {
        try (ReferenceBackend ref = new ReferenceBackend(); DataTerm term = ref.bind(data, Loss.multinomial())) {
            return new LogisticObjective(term, Loss.multinomial(), penalty, true, null).objectiveAtModel(params(w, b));
        }
    }

    /** The largest |a − e| over the entries, divided by max(1, largest |e|); fails on NaN. */
    private static double difference(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "parameter count");
        double scale = 1;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(actual[i] - expected[i]) / scale;
            if (!(d <= Double.MAX_VALUE)) return Double.NaN;
            worst = Math.max(worst, d);
        }
        return worst;
    }

    private static void assertSameParameters(double[] expected, double[] actual, double tol, String what) {
        double d = difference(expected, actual);
        int first = -1;
        for (int i = 0; i < expected.length && first < 0; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])) * 10)) first = i;
        }
        assertTrue(d <= tol, what + ": parameters differ by " + d + " (relative to the largest), expected <= " + tol
                + (first >= 0 ? "; e.g. index " + first + ": " + actual[first] + " vs " + expected[first] : ""));
    }

    /** Fits on Spark and on the core; asserts the same coefficients and intercepts; returns the Spark model. */
    private LogregClassificationModel assertMatchesCore(Dataset data, int partitions, Penalty penalty, boolean weighted, String optimizer) {
        LogregClassifier clf = classifier(penalty).setOptimizer(optimizer);
        if (weighted) clf.setWeightCol("weight");
        long conversionsBefore = PartitionRegistry.conversions();
        LogregClassificationModel model = clf.fit(SparkTestData.frame(spark, data, partitions, weighted));
        assertEquals(partitions, PartitionRegistry.conversions() - conversionsBefore, "partitions converted during the fit");
        assertTrue(model.isMultinomial(), "K > 2 trains the multinomial model by default");
        assertEquals(data.classes(), model.numClasses());
        SoftmaxModel core = (SoftmaxModel) core(data, penalty, Multiclass.MULTINOMIAL).classifier();
        assertSameParameters(params(core.coefficients(), core.intercepts()), params(model.coefficientMatrix(), model.interceptVector()),
                PARAM_TOL, penalty + " " + optimizer + " spark vs core");
        LogregTrainingSummary s = model.summary().orElseThrow();
        assertTrue(s.status().isConverged(), "status " + s.status() + ": " + s.message());
        double j = judge(data, penalty, model.coefficientMatrix(), model.interceptVector());
        assertTrue(Math.abs(s.objective() - j) <= 1e-9 * Math.abs(j), "summary objective " + s.objective() + " vs reference evaluation " + j);
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after fit");
        return model;
    }

    @Test
    void threeClassesL2MatchCore() {
        LogregClassificationModel m = assertMatchesCore(wine, 3, Penalty.l2(1.0), false, "auto");
        // Free intercepts are centred over the classes (the core's and MLlib's representative).
        double sum = 0;
        for (double b : m.interceptVector()) sum += b;
        assertEquals(0.0, sum, 1e-12, "intercepts sum to zero");
    }

    @Test
    void tenClassesWeightedElasticNetMatchCore() {
        LogregClassificationModel m = assertMatchesCore(tenClassesWeighted, 4, Penalty.elasticNet(20.0, 0.5), true, "auto");
        long zeros = 0;
        for (double[] row : m.coefficientMatrix()) for (double c : row) if (c == 0.0) zeros++;
        assertTrue(zeros > 0, "an elastic-net fit of 10 classes sets some coefficients to exactly 0");
    }

    @Test
    void newtonOnThreeClassesMatchesCore() {
        LogregClassificationModel m = assertMatchesCore(wine, 2, Penalty.l2(0.5), false, "newton");
        assertTrue(m.summary().orElseThrow().iterations() < 30, "Newton's iterations: " + m.summary().orElseThrow().iterations());
    }

    /**
     * MLlib minimizes the same J with regParam = λ/m (m = Σwᵢ), elasticNetParam = α, standardization = false; its
     * multinomial family is the same symmetric parameterisation, with the intercepts centred over the classes.
     * Breeze's L-BFGS at tol 1e-12 gets within 1.8e-8 (K = 3) and 1.2e-7 (K = 10) of our optimum here, relative to
     * the largest parameter; asserted to 1e-6.
     */
    @Test
    void matchesSparkMllibMultinomial() {
        for (Dataset data : List.of(wine, tenClassesWeighted)) {
            boolean weighted = data == tenClassesWeighted;
            org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, data, 3, weighted).cache();
            Penalty penalty = Penalty.l2(2.0);
            double m = data.weightSum();
            org.apache.spark.ml.classification.LogisticRegression lr = new org.apache.spark.ml.classification.LogisticRegression()
                    .setFamily("multinomial").setRegParam(penalty.lambda() / m).setElasticNetParam(0.0).setStandardization(false)
                    .setFitIntercept(true).setMaxIter(2000).setTol(1e-12);
            if (weighted) lr.setWeightCol("weight");
            LogisticRegressionModel mllib = lr.fit(df);
            LogregClassifier clf = classifier(penalty);
            if (weighted) clf.setWeightCol("weight");
            LogregClassificationModel ours = clf.fit(df);
            Matrix w = mllib.coefficientMatrix();
            double[][] mw = new double[w.numRows()][w.numCols()];
            for (int c = 0; c < w.numRows(); c++) for (int j = 0; j < w.numCols(); j++) mw[c][j] = w.apply(c, j);
            double[] expected = params(mw, mllib.interceptVector().toArray());
            double[] actual = params(ours.coefficientMatrix(), ours.interceptVector());
            System.out.println("MLlib multinomial vs logreg-spark, K = " + data.classes() + ": largest parameter difference "
                    + difference(expected, actual) + " (relative to the largest parameter)");
            assertSameParameters(expected, actual, 1e-6, "K = " + data.classes() + " logreg-spark vs MLlib");
            double jMllib = judge(data, penalty, mw, mllib.interceptVector().toArray());
            double jOurs = judge(data, penalty, ours.coefficientMatrix(), ours.interceptVector());
            assertTrue(jOurs <= jMllib * (1 + 1e-12), "our J " + jOurs + " is not above MLlib's " + jMllib);
            df.unpersist();
        }
    }

    /**
     * Two classes as a multinomial model: with L2 λ, the optimum is the binary model's with λ/2 (θ = θ₂ − θ₁,
     * b = b₂ − b₁), since the symmetric solution has θ₁ = −θ₂ and ‖θ₁‖² + ‖θ₂‖² = ‖θ‖²/2.
     */
    @Test
    void twoClassesMultinomialIsTheBinaryModelAtHalfLambda() {
        Dataset binary = MulticlassData.generate(500, 5, 2, false, 20261204L);
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, binary, 2, false);
        LogregClassificationModel multi = classifier(Penalty.l2(2.0)).setFamily("multinomial").fit(df);
        LogregClassificationModel bin = classifier(Penalty.l2(1.0)).fit(df);
        assertTrue(multi.isMultinomial() && !bin.isMultinomial() && multi.numClasses() == 2);
        double[][] w = multi.coefficientMatrix();
        double[] b = multi.interceptVector();
        double[] theta = new double[w[0].length + 1];
        for (int j = 0; j < w[0].length; j++) theta[j] = w[1][j] - w[0][j];
        theta[w[0].length] = b[1] - b[0];
        double[] expected = java.util.Arrays.copyOf(bin.coefficients(), theta.length);
        expected[theta.length - 1] = bin.intercept();
        assertSameParameters(expected, theta, PARAM_TOL, "multinomial K = 2 at 2 vs binary at 1");
        LogisticModel core = core(binary, Penalty.l2(1.0), null).model();
        double[] coreParams = java.util.Arrays.copyOf(core.coefficients(), theta.length);
        coreParams[theta.length - 1] = core.intercept();
        assertSameParameters(coreParams, expected, PARAM_TOL, "binary spark vs binary core");
        // The multinomial model's columns: K = 2 logits, their softmax, the argmax.
        Row r = multi.transform(df).select("rawPrediction", "probability", "prediction").first();
        Vector raw = r.getAs(0);
        Vector p = r.getAs(1);
        assertEquals(2, raw.size());
        assertEquals(1.0, p.apply(0) + p.apply(1), 1e-15);
        assertEquals(raw.apply(1) > raw.apply(0) ? 1.0 : 0.0, r.getDouble(2));
    }

    @Test
    void binomialFamilyRefusesThreeClasses() {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, wine, 2, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LogregClassifier().setFamily("binomial").fit(df));
        assertTrue(e.getMessage().contains("family binomial") && e.getMessage().contains("3"), e.getMessage());
    }

    /** Output columns against the api's SoftmaxModel on the same rows: K logits, probabilities summing to 1, the argmax. */
    @Test
    void modelAddsKLogitsKProbabilitiesAndTheArgmax() {
        double[][] w = {{0.5, -1.0}, {-0.25, 2.0}, {1.5, 0.0}};
        double[] b = {0.1, -0.2, 0.3};
        LogregClassificationModel model = new LogregClassificationModel(w, b);
        SoftmaxModel api = new SoftmaxModel(w, b, true, null);
        Dataset rows = Dataset.fromRows(new float[][] {{1f, 2f}, {-3f, 0.5f}, {0f, 0f}, {800f, -900f}}, new float[] {0f, 1f, 2f, 0f}, null, 3);
        List<Row> out = model.transform(SparkTestData.frame(spark, rows, 1, false)).select("rawPrediction", "probability", "prediction").collectAsList();
        float[] x = new float[2];
        double[] z = new double[3];
        double[] p = new double[3];
        for (int i = 0; i < rows.rows(); i++) {
            rows.copyRow(i, x);
            api.decisionFunction(x, z);
            api.predictProbabilities(x, p);
            Vector raw = out.get(i).getAs(0);
            Vector prob = out.get(i).getAs(1);
            for (int c = 0; c < 3; c++) {
                assertEquals(z[c], raw.apply(c), 1e-12 * Math.max(1, Math.abs(z[c])), "row " + i + " logit " + c);
                assertEquals(p[c], prob.apply(c), 1e-15, "row " + i + " probability " + c);
                assertTrue(Double.isFinite(prob.apply(c)), "row " + i + ": finite probabilities even for logits near 2000");
            }
            assertEquals(api.predictClass(x), out.get(i).getDouble(2), "row " + i + " prediction");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, model::coefficients);
        assertTrue(e.getMessage().contains("coefficientMatrix()"), e.getMessage());
    }

    /** String labels through StringIndexer: K from the indexed column's metadata, MLlib's evaluator on the output. */
    @Test
    void classesFromStringIndexerMetadataAndMllibsEvaluator() {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, wine, 2, false)
                .withColumn("cultivar", functions.concat(functions.lit("class_"), functions.col("label").cast("int").cast("string")));
        org.apache.spark.sql.Dataset<Row> indexed = new StringIndexer().setInputCol("cultivar").setOutputCol("y").fit(df).transform(df);
        assertEquals(3, DistributedTrainer.statedClasses(indexed.schema(), "y"));
        LogregClassificationModel m = classifier(Penalty.l2(1.0)).setLabelCol("y").fit(indexed);
        assertEquals(3, m.numClasses());
        double accuracy = new MulticlassClassificationEvaluator().setLabelCol("y").setMetricName("accuracy").evaluate(m.transform(indexed));
        assertTrue(accuracy > 0.5, "training accuracy " + accuracy + " on 3 classes drawn from a softmax model");
    }

    /** Metadata that state more classes than have rows: the missing class is named, and nothing stays bound. */
    @Test
    void metadataWithAClassWithoutRowsIsAClearError() {
        org.apache.spark.sql.types.Metadata four = org.apache.spark.ml.attribute.NominalAttribute.defaultAttr().withNumValues(4).toMetadata();
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, wine, 2, false);
        org.apache.spark.sql.Dataset<Row> stated = df.withColumn("label", functions.col("label").as("label", four));
        assertEquals(4, DistributedTrainer.statedClasses(stated.schema(), "label"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LogregClassifier().fit(stated));
        assertTrue(e.getMessage().contains("class 3 of 4 has no rows"), e.getMessage());
        org.apache.spark.sql.types.Metadata two = org.apache.spark.ml.attribute.NominalAttribute.defaultAttr().withNumValues(2).toMetadata();
        IllegalArgumentException over = assertThrows(IllegalArgumentException.class,
                () -> new LogregClassifier().fit(df.withColumn("label", functions.col("label").as("label", two))));
        assertTrue(over.getMessage().contains("not a class index") && over.getMessage().contains("metadata states 2"), over.getMessage());
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after failed fits");
    }

    @Test
    void labelsThatAreNotClassIndicesAreClearErrors() {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, wine, 2, false);
        IllegalArgumentException frac = assertThrows(IllegalArgumentException.class,
                () -> new LogregClassifier().fit(df.withColumn("label", functions.col("label").plus(0.5))));
        assertTrue(frac.getMessage().contains("not a class index") && frac.getMessage().contains("0.5"), frac.getMessage());
        IllegalArgumentException gap = assertThrows(IllegalArgumentException.class,
                () -> new LogregClassifier().fit(df.withColumn("label", functions.col("label").multiply(2.0))));
        assertTrue(gap.getMessage().contains("class 1 of 5 has no rows"), gap.getMessage());
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after failed fits");
    }

    @Test
    void separableClassesWithoutPenaltyAreUnboundedAsInCore() {
        // Three classes far apart on a line, in two dimensions: separable by construction.
        Dataset.Builder b = Dataset.builder(2).classes(3);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        for (int i = 0; i < 300; i++) {
            int y = i % 3;
            b.addRow(new float[] {(float) (10 * y + rng.nextDouble()), (float) rng.nextDouble()}, y);
        }
        Dataset data = b.build();
        LogregClassificationModel m = new LogregClassifier().setMaxIter(200).fit(SparkTestData.frame(spark, data, 2, false));
        assertEquals(Status.UNBOUNDED_COEFFICIENTS, m.summary().orElseThrow().status(), m.summary().orElseThrow().message());
        assertEquals(Status.UNBOUNDED_COEFFICIENTS, core(data, Penalty.none(), Multiclass.MULTINOMIAL).status());
    }

    @Test
    void multinomialModelSavesAndLoads(@TempDir Path dir) throws Exception {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, wine, 2, false);
        LogregClassificationModel model = classifier(Penalty.l2(1.0)).setProbabilityCol("p").fit(df);
        model.write().save(dir.resolve("model").toString());
        LogregClassificationModel loaded = LogregClassificationModel.load(dir.resolve("model").toString());
        assertEquals(model.uid(), loaded.uid());
        assertTrue(loaded.isMultinomial());
        assertEquals(3, loaded.numClasses());
        assertEquals("p", loaded.getProbabilityCol());
        assertTrue(java.util.Arrays.deepEquals(model.coefficientMatrix(), loaded.coefficientMatrix()), "coefficients after load");
        assertTrue(java.util.Arrays.equals(model.interceptVector(), loaded.interceptVector()), "intercepts after load");
        assertEquals(model.transform(df).select("rawPrediction", "p", "prediction").collectAsList(),
                loaded.transform(df).select("rawPrediction", "p", "prediction").collectAsList());
        // A binary model keeps the one data layout every earlier version wrote and read: (intercept, coefficients).
        new LogregClassificationModel(new double[] {0.5, -1.0}, 0.25).write().save(dir.resolve("binary").toString());
        assertEquals(List.of("intercept", "coefficients"),
                List.of(spark.read().parquet(dir.resolve("binary").resolve("data").toString()).columns()), "binary model data columns");
        LogregClassificationModel binary = LogregClassificationModel.load(dir.resolve("binary").toString());
        assertTrue(!binary.isMultinomial() && binary.intercept() == 0.25 && binary.coefficients()[1] == -1.0, binary.toString());
    }
}
