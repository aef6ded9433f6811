package dev.logreg.spark;

import dev.logreg.LogisticRegression;
import dev.logreg.data.Dataset;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import dev.logreg.train.Multiclass;
import dev.logreg.train.TrainingResult;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Family {@code ovr} in local[2] mode: K binary fits over one bind of each partition, equal to the single-machine
 * engine's one-vs-rest (reference backend) to 1e-6; scikit-learn's normalised probabilities, equal to the api's
 * {@link OneVsRestModel}'s; persistence; two classes (the binary fit) and a class without rows. Small seeded data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneVsRestClassifierTest {
    private static final double PARAM_TOL = 1e-6;

    private SparkSession spark;
    private Dataset wine;
    private Dataset weighted;

    @BeforeAll
    void start() {
        spark = SparkTestData.session();
        spark.sparkContext().setLogLevel("WARN");
        wine = MulticlassData.generate(600, 13, 3, false, 20261202L);
        weighted = MulticlassData.generate(900, 6, 3, true, 20261205L);
    }

    @AfterAll
    void stop() {
        if (spark != null) spark.stop();
    }

    private static LogregClassifier classifier(Penalty penalty) {
        return new LogregClassifier().setFamily("ovr").setPenalty(penalty.kind().name().toLowerCase(java.util.Locale.ROOT).replace("_", ""))
                .setLambda(penalty.lambda()).setAlpha(penalty.alpha()).setGradientTol(1e-11).setTol(1e-15).setMaxIter(3000);
    }

    private static OneVsRestModel core(Dataset data, Penalty penalty, boolean standardize) {
        TrainingResult r = LogisticRegression.builder().backendName("reference").penalty(penalty).multiclass(Multiclass.ONE_VS_REST)
                .standardize(standardize).criteria(new StoppingCriteria(3000, 1e-11, 1e-15, null)).build().fit(data);
        assertTrue(r.status().isConverged(), "core: " + r.status() + " " + r.message());
        return (OneVsRestModel) r.classifier();
    }

    /** Class c's (θ_c, b_c), for every c, relative to max(1, |expected|); fails naming the class and index. */
    private static void assertSameModels(OneVsRestModel expected, LogregClassificationModel actual, String what) {
        assertEquals(expected.classes(), actual.numClasses(), what + ": classes");
        double[][] w = actual.coefficientMatrix();
        double[] b = actual.interceptVector();
        for (int c = 0; c < expected.classes(); c++) {
            LogisticModel m = expected.model(c);
            double[] e = Arrays.copyOf(m.coefficients(), m.features() + 1);
            e[m.features()] = m.intercept();
            double[] a = Arrays.copyOf(w[c], w[c].length + 1);
            a[w[c].length] = b[c];
            double scale = 1;
            for (double v : e) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < e.length; j++) {
                assertTrue(Math.abs(a[j] - e[j]) <= PARAM_TOL * scale, what + ": class " + c + " parameter " + j + ": spark " + a[j] + " vs core " + e[j]);
            }
        }
    }

    private LogregClassificationModel assertMatchesCore(Dataset data, int partitions, Penalty penalty, boolean withWeights, boolean standardize) {
        LogregClassifier clf = classifier(penalty).setStandardization(standardize);
        if (withWeights) clf.setWeightCol("weight");
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, data, partitions, withWeights);
        long conversions = PartitionRegistry.conversions();
        long binds = PartitionRegistry.oneVsRestBinds();
        LogregClassificationModel model = clf.fit(df);
        // Each partition converted and bound once for all K binary fits, not K times.
        assertEquals(partitions, PartitionRegistry.conversions() - conversions, "partitions converted during the fit");
        assertEquals(partitions, PartitionRegistry.oneVsRestBinds() - binds, "one-vs-rest binds during the fit");
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after fit");
        assertTrue(model.isOneVsRest() && !model.isMultinomial(), model.toString());
        LogregTrainingSummary s = model.summary().orElseThrow();
        assertTrue(s.status().isConverged(), s.status() + ": " + s.message());
        assertTrue(s.message().startsWith("one-vs-rest, " + data.classes() + " binary fits"), s.message());
        // One binding pass, then at least one pass per iteration of each class's fit.
        assertTrue(s.passes() >= 1 + s.iterations(), s.passes() + " passes for " + s.iterations() + " iterations");
        assertSameModels(core(data, penalty, standardize), model, penalty + (withWeights ? " weighted" : "") + (standardize ? " standardized" : ""));
        return model;
    }

    @Test
    void threeClassesL2MatchCore() {
        assertMatchesCore(wine, 3, Penalty.l2(1.0), false, false);
    }

    @Test
    void threeClassesWeightedElasticNetStandardizedMatchCore() {
        assertMatchesCore(weighted, 2, Penalty.elasticNet(5.0, 0.5), true, true);
    }

    /** rawPrediction: the K binary logits; probability: the api OneVsRestModel's σ_c / Σσ; prediction: the largest logit. */
    @Test
    void outputColumnsEqualTheApiModel() {
        double[][] w = {{0.5, -1.0}, {-0.25, 2.0}, {1.5, 0.0}};
        double[] b = {0.1, -0.2, 0.3};
        LogregClassificationModel model = LogregClassificationModel.oneVsRest(w, b);
        List<LogisticModel> binaries = new ArrayList<>();
        for (int c = 0; c < 3; c++) binaries.add(new LogisticModel(w[c], b[c], true, null));
        OneVsRestModel api = new OneVsRestModel(binaries);
        // The last row is far from every class: each σ underflows to 0, the normalisation is still defined.
        Dataset rows = Dataset.fromRows(new float[][] {{1f, 2f}, {-3f, 0.5f}, {0f, 0f}, {-900f, -900f}}, new float[] {0f, 1f, 2f, 0f}, null, 3);
        List<Row> out = model.transform(SparkTestData.frame(spark, rows, 1, false)).select("rawPrediction", "probability", "prediction").collectAsList();
        float[] x = new float[2];
        double[] p = new double[3];
        for (int i = 0; i < rows.rows(); i++) {
            rows.copyRow(i, x);
            api.predictProbabilities(x, p);
            Vector raw = out.get(i).getAs(0);
            Vector prob = out.get(i).getAs(1);
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                double z = api.model(c).decisionFunction(x);
                assertEquals(z, raw.apply(c), 1e-12 * Math.max(1, Math.abs(z)), "row " + i + " logit " + c);
                assertEquals(p[c], prob.apply(c), 1e-15, "row " + i + " probability " + c);
                sum += prob.apply(c);
            }
            assertEquals(1.0, sum, 1e-15, "row " + i);
            assertEquals(api.predictClass(x), out.get(i).getDouble(2), "row " + i + " prediction");
        }
        // Not the softmax of the logits: row 0's logits (−1.4, 3.55, 1.8) give other probabilities under softmax.
        Vector first = out.get(0).getAs(1);
        double s = Math.exp(-1.4) + Math.exp(3.55) + Math.exp(1.8);
        assertTrue(Math.abs(first.apply(1) - Math.exp(3.55) / s) > 1e-3, "one-vs-rest probabilities are not the softmax");
        IllegalStateException e = assertThrows(IllegalStateException.class, model::intercept);
        assertTrue(e.getMessage().contains("one-vs-rest") && e.getMessage().contains("interceptVector()"), e.getMessage());
    }

    @Test
    void oneVsRestModelSavesAndLoads(@TempDir Path dir) throws Exception {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, wine, 2, false);
        // A short fit: the round trip needs a model, not an optimum.
        LogregClassificationModel model = classifier(Penalty.l2(1.0)).setMaxIter(20).setProbabilityCol("p").fit(df);
        model.write().save(dir.resolve("model").toString());
        LogregClassificationModel loaded = LogregClassificationModel.load(dir.resolve("model").toString());
        assertEquals(model.uid(), loaded.uid());
        assertTrue(loaded.isOneVsRest() && !loaded.isMultinomial(), loaded.toString());
        assertEquals(3, loaded.numClasses());
        assertEquals("p", loaded.getProbabilityCol());
        assertTrue(Arrays.deepEquals(model.coefficientMatrix(), loaded.coefficientMatrix()), "coefficients after load");
        assertTrue(Arrays.equals(model.interceptVector(), loaded.interceptVector()), "intercepts after load");
        assertEquals(model.transform(df).select("rawPrediction", "p", "prediction").collectAsList(),
                loaded.transform(df).select("rawPrediction", "p", "prediction").collectAsList());
        // The estimator's family persists too.
        classifier(Penalty.l2(1.0)).write().save(dir.resolve("estimator").toString());
        assertEquals("ovr", LogregClassifier.load(dir.resolve("estimator").toString()).getFamily());
    }

    /** Two classes with ovr: the binary fit (one logit), as scikit-learn and the single-machine engine. */
    @Test
    void twoClassesTrainTheBinaryModel() {
        Dataset binary = MulticlassData.generate(500, 5, 2, false, 20261204L);
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, binary, 2, false);
        LogregClassificationModel ovr = classifier(Penalty.l2(1.0)).fit(df);
        LogregClassificationModel bin = classifier(Penalty.l2(1.0)).setFamily("binomial").fit(df);
        assertFalse(ovr.isOneVsRest() || ovr.isMultinomial(), ovr.toString());
        assertEquals(2, ovr.numClasses());
        assertTrue(Arrays.equals(bin.coefficients(), ovr.coefficients()) && bin.intercept() == ovr.intercept(), "ovr K = 2 is the binomial fit");
        TrainingResult core = LogisticRegression.builder().backendName("reference").penalty(Penalty.l2(1.0)).multiclass(Multiclass.ONE_VS_REST)
                .criteria(new StoppingCriteria(3000, 1e-11, 1e-15, null)).build().fit(binary);
        LogisticModel m = core.model();
        for (int j = 0; j < m.features(); j++) assertEquals(m.coefficient(j), ovr.coefficients()[j], PARAM_TOL * Math.max(1, Math.abs(m.coefficient(j))));
        assertEquals(m.intercept(), ovr.intercept(), PARAM_TOL * Math.max(1, Math.abs(m.intercept())));
    }

    /** A class without rows (labels 0 and 2 of 3): refused by name, before any optimizer runs, nothing left bound. */
    @Test
    void aClassWithoutRowsIsAClearError() {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, wine, 2, false)
                .withColumn("label", functions.when(functions.col("label").equalTo(1.0), 0.0).otherwise(functions.col("label")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier(Penalty.l2(1.0)).fit(df));
        assertTrue(e.getMessage().contains("class 1 of 3 has no rows") && e.getMessage().contains("one-vs-rest"), e.getMessage());
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after a failed fit");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new LogregClassifier().setFamily("one-vs-rest"));
        assertTrue(bad.getMessage().contains("family"), bad.getMessage());
    }
}
