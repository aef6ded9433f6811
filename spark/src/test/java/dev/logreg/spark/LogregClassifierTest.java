package dev.logreg.spark;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import dev.logreg.testing.SyntheticData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
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
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark estimator in local[2] mode: the same optimum as logreg's single-machine engine and as Spark MLlib's own
 * LogisticRegression (objectives judged by the reference backend), column checks before any job, persistence, and
 * the release of every bound partition. One session for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogregClassifierTest {
    private static final double REL_TOL = 1e-6;

    private SparkSession spark;
    private Dataset cancer;
    private Dataset synthetic;

    @BeforeAll
    void start() {
        spark = SparkTestData.session();
        spark.sparkContext().setLogLevel("WARN");
        cancer = BundledData.breastCancer();
        synthetic = SyntheticData.isotropic(20_000, 20, 20261126L);
    }

    @AfterAll
    void stop() {
        if (spark != null) spark.stop();
    }

    /** J at (θ, b), evaluated by the reference backend on the float32 data. */
    private static double judge(Dataset data, Penalty penalty, double[] theta, double b) {
        try (ReferenceBackend ref = new ReferenceBackend(); DataTerm term = ref.bind(data, Loss.log())) {
            LogisticObjective objective = new LogisticObjective(term, Loss.log(), penalty, true, null);
            double[] params = Arrays.copyOf(theta, theta.length + 1);
            params[theta.length] = b;
            return objective.objectiveAtModel(params);
        }
    }

    private static TrainingResult core(Dataset data, Penalty penalty) {
        TrainingOptions options = TrainingOptions.DEFAULT.withPenalty(penalty).withCriteria(new StoppingCriteria(3000, 1e-10, 1e-15, null));
        try (ReferenceBackend ref = new ReferenceBackend()) {
            return Trainer.fit(ref, data, options, null);
        }
    }

    private static LogregClassifier classifier(Penalty penalty) {
        return new LogregClassifier().setPenalty(penalty.kind().name().toLowerCase(java.util.Locale.ROOT).replace("_", ""))
                .setLambda(penalty.lambda()).setAlpha(penalty.alpha()).setGradientTol(1e-8).setTol(1e-11).setMaxIter(2000);
    }

    private static void assertSameObjective(double expected, double actual, String what) {
        double rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
        assertTrue(rel <= REL_TOL, what + ": objective " + actual + " vs " + expected + " (relative difference " + rel + ", expected <= " + REL_TOL + ")");
    }

    /** Fits on Spark and on the core; asserts the same optimum; returns the Spark model. */
    private LogregClassificationModel assertMatchesCore(Dataset data, int partitions, Penalty penalty, boolean weighted) {
        LogregClassifier clf = classifier(penalty);
        if (weighted) clf.setWeightCol("weight");
        long conversionsBefore = PartitionRegistry.conversions();
        LogregClassificationModel model = clf.fit(SparkTestData.frame(spark, data, partitions, weighted));
        // Each partition is converted and bound once, then reused by every evaluation (local mode: one JVM).
        assertEquals(partitions, PartitionRegistry.conversions() - conversionsBefore, "partitions converted during the fit");
        TrainingResult core = core(data, penalty);
        double jCore = judge(data, penalty, core.model().coefficients(), core.model().intercept());
        double jSpark = judge(data, penalty, model.coefficients(), model.intercept());
        assertSameObjective(jCore, jSpark, penalty + " spark vs core");
        // The driver's own J (distributed sums) agrees with the reference evaluation of its solution.
        LogregTrainingSummary s = model.summary().orElseThrow();
        assertTrue(s.passes() > 3, "the optimizer ran several distributed evaluations: " + s.passes());
        assertSameObjective(jSpark, s.objective(), "summary objective vs reference evaluation");
        assertEquals(data.rows(), s.rows());
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after fit");
        return model;
    }

    @Test
    void breastCancerL2MatchesCore() {
        assertMatchesCore(cancer, 3, Penalty.l2(1.0), false);
    }

    @Test
    void breastCancerL1MatchesCore() {
        LogregClassificationModel m = assertMatchesCore(cancer, 3, Penalty.l1(5.0), false);
        long zeros = Arrays.stream(m.coefficients()).filter(c -> c == 0.0).count();
        assertTrue(zeros > 0, "an L1 fit on 30 correlated features sets some coefficients to exactly 0; none is: " + Arrays.toString(m.coefficients()));
    }

    @Test
    void weightedBreastCancerMatchesCore() {
        Dataset.Builder b = Dataset.builder(cancer.cols());
        float[] row = new float[cancer.cols()];
        for (long i = 0; i < cancer.rows(); i++) {
            cancer.copyRow(i, row);
            b.addRow(row, cancer.label(i), (float) (1 + i % 3));
        }
        assertMatchesCore(b.build(), 2, Penalty.elasticNet(2.0, 0.5), true);
    }

    @Test
    void syntheticL2MatchesCore() {
        assertMatchesCore(synthetic, 4, Penalty.l2(1.0), false);
    }

    @Test
    void syntheticL1MatchesCore() {
        assertMatchesCore(synthetic, 4, Penalty.l1(20.0), false);
    }

    @Test
    void matchesSparkMllibOnTheSameObjective() {
        // The well-conditioned synthetic set: on the raw-scale breast-cancer data MLlib's own line search needs
        // minutes to get within 1e-6 (MLlib is the reference here, not the subject).
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, synthetic, 4, false).cache();
        double m = synthetic.rows();
        for (Penalty penalty : List.of(Penalty.l2(1.0), Penalty.elasticNet(20.0, 0.5))) {
            LogisticRegressionModel mllib = new LogisticRegression().setRegParam(penalty.lambda() / m).setElasticNetParam(penalty.alpha())
                    .setStandardization(false).setFitIntercept(true).setMaxIter(1000).setTol(1e-13).fit(df);
            LogregClassificationModel ours = classifier(penalty).fit(df);
            double jMllib = judge(synthetic, penalty, mllib.coefficients().toArray(), mllib.intercept());
            double jOurs = judge(synthetic, penalty, ours.coefficients(), ours.intercept());
            assertSameObjective(jMllib, jOurs, penalty + " logreg-spark vs MLlib");
        }
        df.unpersist();
    }

    @Test
    void modelAddsProbabilityAndPredictionColumns() {
        LogregClassificationModel model = new LogregClassificationModel(new double[] {0.5, -1.0}, 0.25).setThreshold(0.4);
        Dataset two = Dataset.fromRows(new float[][] {{1f, 2f}, {-3f, 0.5f}, {0f, 0f}}, new float[] {0f, 1f, 1f});
        List<Row> out = model.transform(SparkTestData.frame(spark, two, 1, false)).select("probability", "prediction").collectAsList();
        for (int i = 0; i < 3; i++) {
            double z = 0.25 + 0.5 * two.feature(i, 0) - 1.0 * two.feature(i, 1);
            double p = 1.0 / (1.0 + Math.exp(-z));
            Vector prob = out.get(i).getAs(0);
            assertTrue(Math.abs(prob.apply(1) - p) <= 1e-15 && Math.abs(prob.apply(0) - (1 - p)) <= 1e-15,
                    "row " + i + ": probability " + prob + ", expected [" + (1 - p) + ", " + p + "]");
            assertEquals(p > 0.4 ? 1.0 : 0.0, out.get(i).getDouble(1), "row " + i + " prediction at p = " + p);
        }
    }

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws Exception {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, cancer, 2, false);
        LogregClassifier clf = classifier(Penalty.l2(1.0)).setProbabilityCol("p").setThreshold(0.3);
        clf.write().save(dir.resolve("estimator").toString());
        LogregClassifier clf2 = LogregClassifier.load(dir.resolve("estimator").toString());
        assertEquals(clf.uid(), clf2.uid());
        assertEquals("l2", clf2.getPenalty());
        assertEquals(1.0, clf2.getLambda());
        assertEquals("p", clf2.getProbabilityCol());
        assertEquals(clf.getGradientTol(), clf2.getGradientTol());
        assertEquals(clf.getMaxIter(), clf2.getMaxIter());

        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {clf}).fit(df);
        LogregClassificationModel model = (LogregClassificationModel) pipeline.stages()[0];
        model.write().save(dir.resolve("model").toString());
        LogregClassificationModel loaded = LogregClassificationModel.load(dir.resolve("model").toString());
        assertEquals(model.uid(), loaded.uid());
        assertEquals(model.intercept(), loaded.intercept());
        double[] a = model.coefficients();
        double[] b = loaded.coefficients();
        assertEquals(a.length, b.length);
        for (int j = 0; j < a.length; j++) assertEquals(a[j], b[j], "coefficient " + j);
        assertEquals(0.3, loaded.getThreshold());
        assertEquals("p", loaded.getProbabilityCol());
        assertTrue(loaded.summary().isEmpty(), "a loaded model has no training summary");

        List<Row> before = model.transform(df).select("p", "prediction").collectAsList();
        List<Row> after = loaded.transform(df).select("p", "prediction").collectAsList();
        assertEquals(before, after);

        pipeline.write().save(dir.resolve("pipeline").toString());
        PipelineModel pipeline2 = PipelineModel.load(dir.resolve("pipeline").toString());
        assertEquals(model.intercept(), ((LogregClassificationModel) pipeline2.stages()[0]).intercept());
    }

    /** Asserts that {@code action} throws an IllegalArgumentException naming {@code expected} and ran no Spark job. */
    private void assertRejectedWithoutJobs(Runnable action, String expected) {
        String group = "reject-" + System.nanoTime();
        spark.sparkContext().setJobGroup(group, "column checks", false);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
            assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should mention '" + expected + "'");
            assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length, "jobs run before the column check failed");
        } finally {
            spark.sparkContext().clearJobGroup();
        }
    }

    @Test
    void badColumnsAreClearErrors() {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, cancer, 2, false);
        assertRejectedWithoutJobs(() -> new LogregClassifier().setFeaturesCol("x").fit(df), "'x' is missing");
        assertRejectedWithoutJobs(() -> new LogregClassifier().setWeightCol("w").fit(df), "'w' is missing");
        assertRejectedWithoutJobs(() -> new LogregClassifier().setFeaturesCol("label").fit(df), "expected a vector");
        assertRejectedWithoutJobs(() -> new LogregClassifier().fit(df.withColumn("label", functions.lit("yes"))), "expected a numeric type");
        assertRejectedWithoutJobs(() -> new LogregClassifier().setOptimizer("lbfgs").setPenalty("l1").setLambda(1).fit(df), "owlqn");
        // Labels other than 0/1: one aggregate job finds them, before any partition is bound.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LogregClassifier().fit(df.withColumn("label", functions.col("label").multiply(2.0))));
        assertTrue(e.getMessage().contains("other than 0 or 1") && e.getMessage().contains("2.0"), e.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> new LogregClassifier().fit(df.withColumn("label", functions.lit(1.0))));
        assertTrue(one.getMessage().contains("both classes"), one.getMessage());
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after failed fits");
    }
}
