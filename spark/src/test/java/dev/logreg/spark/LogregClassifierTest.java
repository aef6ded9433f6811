package dev.logreg.spark;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.optim.Status;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import dev.logreg.testing.SyntheticData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
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
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark estimator in local[2] mode: the same optimum as logreg's single-machine engine and as Spark MLlib's own
 * LogisticRegression (objectives judged by the reference backend), column checks before any job, persistence, and
 * the release of every bound partition; sparse features ({@link SparseFeaturesChecks}). One session for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogregClassifierTest implements SparseFeaturesChecks {
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

    /** The session {@link SparseFeaturesChecks}' tests run in. */
    @Override
    public SparkSession spark() { return spark; }

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

    /** The executors' backend chosen by name, matched ignoring case like the core's (`reference` here). */
    @Test
    void theBackendIsChosenByName() {
        LogregClassificationModel m = new LogregClassifier().setBackend(" Reference ").setPenalty("l2").setLambda(1.0)
                .fit(SparkTestData.frame(spark, cancer, 2, false));
        List<String> used = m.summary().orElseThrow().backends();
        assertTrue(!used.isEmpty() && used.stream().allMatch(b -> b.startsWith("reference")), "executors' backends: " + used);
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
    void modelAddsRawPredictionProbabilityAndPredictionColumns() {
        LogregClassificationModel model = new LogregClassificationModel(new double[] {0.5, -1.0}, 0.25).setThreshold(0.4);
        Dataset two = Dataset.fromRows(new float[][] {{1f, 2f}, {-3f, 0.5f}, {0f, 0f}}, new float[] {0f, 1f, 1f});
        org.apache.spark.sql.Dataset<Row> frame = SparkTestData.frame(spark, two, 1, false);
        List<Row> out = model.transform(frame).select("rawPrediction", "probability", "prediction").collectAsList();
        for (int i = 0; i < 3; i++) {
            double z = 0.25 + 0.5 * two.feature(i, 0) - 1.0 * two.feature(i, 1);
            double p = 1.0 / (1.0 + Math.exp(-z));
            Vector raw = out.get(i).getAs(0);
            assertEquals(-z, raw.apply(0), 1e-15, "row " + i + ": rawPrediction[0] is -z (MLlib's convention)");
            assertEquals(z, raw.apply(1), 1e-15, "row " + i + ": rawPrediction[1] is z");
            Vector prob = out.get(i).getAs(1);
            assertTrue(Math.abs(prob.apply(1) - p) <= 1e-15 && Math.abs(prob.apply(0) - (1 - p)) <= 1e-15,
                    "row " + i + ": probability " + prob + ", expected [" + (1 - p) + ", " + p + "]");
            assertEquals(p > 0.4 ? 1.0 : 0.0, out.get(i).getDouble(2), "row " + i + " prediction at p = " + p);
        }
        List<String> without = Arrays.asList(model.copy(new org.apache.spark.ml.param.ParamMap()).setRawPredictionCol("").transform(frame).columns());
        assertTrue(!without.contains("rawPrediction") && without.contains("probability"), "an empty rawPredictionCol leaves it out: " + without);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.copy(new org.apache.spark.ml.param.ParamMap())
                .setRawPredictionCol("probability").transform(frame));
        assertTrue(e.getMessage().contains("repeat a name"), e.getMessage());
    }

    /**
     * setStandardization(true): the penalty on the merged column statistics' scales, the same optimum as the core's
     * {@code standardize(true)} (judged by the reference backend with the scaled penalty), and another optimum than
     * without it on these raw scales.
     */
    @Test
    void standardizationPenalizesStandardizedCoefficientsAsTheCoreDoes() {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, cancer, 3, false);
        Penalty penalty = Penalty.l1(0.5);
        LogregClassificationModel standardized = classifier(penalty).setStandardization(true).setBackend("reference").fit(df);
        TrainingResult core = dev.logreg.LogisticRegression.builder().options(TrainingOptions.DEFAULT.withPenalty(penalty)
                        .withCriteria(new StoppingCriteria(3000, 1e-10, 1e-15, null))).standardize(true).backendName("reference").build().fit(cancer);
        Penalty scaled = core.options().penalty();
        assertTrue(scaled.scales() != null, "the core's fit penalized on scales");
        assertSameObjective(judge(cancer, scaled, core.model().coefficients(), core.model().intercept()),
                judge(cancer, scaled, standardized.coefficients(), standardized.intercept()), "standardized L1 on spark vs core");
        LogregClassificationModel raw = classifier(penalty).setBackend("reference").fit(df);
        double gap = Math.abs(judge(cancer, scaled, raw.coefficients(), raw.intercept()) - judge(cancer, scaled, standardized.coefficients(), standardized.intercept()));
        assertTrue(gap > 1e-4, "without standardization the optimum differs: gap " + gap);
    }

    /**
     * Newton on Spark (a distributed Hessian, (n+1)² compensated sums per partition): the core's optimum for L2 and
     * for L1 (proximal Newton), in a fraction of the quasi-Newton methods' passes on these collinear columns; refused
     * before any optimization where an executor's backend forms no Hessian (as the GPU's).
     */
    @Test
    void newtonReachesTheCoreOptimumInFewPassesAndNeedsAHessian() {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, cancer, 2, false).cache();
        for (Penalty penalty : List.of(Penalty.l2(1.0), Penalty.l1(0.5))) {
            LogregClassificationModel newton = classifier(penalty).setOptimizer("newton").setBackend("reference").fit(df);
            LogregClassificationModel quasi = classifier(penalty).setBackend("reference").fit(df);
            TrainingResult core = core(cancer, penalty);
            assertSameObjective(judge(cancer, penalty, core.model().coefficients(), core.model().intercept()),
                    judge(cancer, penalty, newton.coefficients(), newton.intercept()), penalty + " newton on spark vs core");
            LogregTrainingSummary n = newton.summary().orElseThrow();
            LogregTrainingSummary q = quasi.summary().orElseThrow();
            assertEquals("newton", n.optimizer());
            assertTrue(n.status().isConverged(), n.status() + ": " + n.message());
            assertTrue(3 * n.passes() < q.passes(), penalty + ": newton " + n.passes() + " passes, " + q.optimizer() + " " + q.passes());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> classifier(Penalty.l2(1.0)).setOptimizer("newton").setBackend("no-hessian-test").fit(df));
        assertTrue(e.getMessage().contains("optimizer newton needs the Hessian") && e.getMessage().contains("no-hessian-test")
                && e.getMessage().contains("use lbfgs"), e.getMessage());
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after the refusal");
        df.unpersist();
    }

    /**
     * Spark ML's own model selection runs the estimator unchanged: CrossValidator over a grid of λ with the default
     * BinaryClassificationEvaluator (ROC AUC of rawPrediction) picks the λ whose folds score best, and its best
     * model is refitted on all rows with that λ.
     */
    @Test
    void sparkCrossValidatorChoosesLambdaWithItsDefaultEvaluator() {
        org.apache.spark.sql.Dataset<Row> df = SparkTestData.frame(spark, cancer, 2, false).cache();
        LogregClassifier clf = new LogregClassifier().setPenalty("l2").setBackend("reference");
        double[] lambdas = {1e4, 1.0};
        org.apache.spark.ml.tuning.CrossValidator cv = new org.apache.spark.ml.tuning.CrossValidator()
                .setEstimator(clf)
                .setEvaluator(new org.apache.spark.ml.evaluation.BinaryClassificationEvaluator())
                .setEstimatorParamMaps(new org.apache.spark.ml.tuning.ParamGridBuilder().addGrid(clf.lambda(), lambdas).build())
                .setNumFolds(3).setSeed(7);
        org.apache.spark.ml.tuning.CrossValidatorModel fitted = cv.fit(df);
        double[] auc = fitted.avgMetrics();
        assertEquals(2, auc.length);
        assertTrue(auc[1] > auc[0] && auc[1] > 0.98, "λ = 1 ranks far better than the near-null model at λ = 1e4: " + Arrays.toString(auc));
        LogregClassificationModel best = (LogregClassificationModel) fitted.bestModel();
        assertEquals(1.0, ((LogregClassifier) best.parent()).getLambda(), "the best model's estimator carries the chosen λ");
        assertSameObjective(judge(cancer, Penalty.l2(1.0), core(cancer, Penalty.l2(1.0)).model().coefficients(), core(cancer, Penalty.l2(1.0)).model().intercept()),
                judge(cancer, Penalty.l2(1.0), best.coefficients(), best.intercept()), "CrossValidator's refit vs the core at λ = 1");
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after cross-validation");
        df.unpersist();
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

    /**
     * Two unit-variance Gaussian blobs around ±(3, 3), labels alternating 1, 0. Each row is resampled until
     * (2y − 1)(x₁ + x₂) ≥ 1, so the rows are linearly separable by construction (x₁ + x₂ = 0, margin ≥ 1/√2).
     */
    private static Dataset separableBlobs(int rows, SplittableRandom rng) {
        Dataset.Builder b = Dataset.builder(2);
        float[] x = new float[2];
        for (int i = 0; i < rows; i++) {
            int y = i % 2 == 0 ? 1 : 0;
            double c = y == 1 ? 3.0 : -3.0;
            do {
                x[0] = (float) (c + gaussian(rng));
                x[1] = (float) (c + gaussian(rng));
            } while (!((2 * y - 1) * ((double) x[0] + x[1]) >= 1.0));
            b.addRow(x, y, 1f);
        }
        return b.build();
    }

    /** A standard normal draw (Box-Muller). */
    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    /** {@code data} with one more row, at the centre of the class-1 blob but labelled 0, of weight {@code weight}. */
    private static Dataset withMislabeledRow(Dataset data, float weight) {
        Dataset.Builder b = Dataset.builder(data.cols());
        float[] row = new float[data.cols()];
        for (long i = 0; i < data.rows(); i++) {
            // In the middle of the rows: a middle partition holds it, not the first one the check looks at.
            if (i == data.rows() / 2) b.addRow(new float[] {3f, 3f}, 0f, weight);
            data.copyRow(i, row);
            b.addRow(row, data.label(i), data.weight(i));
        }
        return b.build();
    }

    /** Whether (θ, b) puts every row of positive weight strictly on its label's side, computed here on the host. */
    private static boolean separatesOnHost(Dataset data, double[] theta, double b) {
        for (long i = 0; i < data.rows(); i++) {
            if (data.weight(i) == 0f) continue;
            double z = b;
            for (int j = 0; j < theta.length; j++) z += theta[j] * data.feature(i, j);
            if (!((data.label(i) == 1f ? z : -z) > 0)) return false;
        }
        return true;
    }

    /** A fit on Spark in its own job group, with how many of its stages were the separability check. */
    private record CountedFit(LogregClassificationModel model, long separabilityStages) {}

    private CountedFit fitCounted(LogregClassifier clf, org.apache.spark.sql.Dataset<Row> df) throws Exception {
        String group = "fit-" + System.nanoTime();
        spark.sparkContext().setJobGroup(group, "separability check count", false);
        LogregClassificationModel model;
        try {
            model = clf.fit(df);
        } finally {
            spark.sparkContext().clearJobGroup();
        }
        // The status store is filled from Spark's listener bus, asynchronously: let it catch up with the fit's jobs.
        spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
        JavaSparkStatusTracker tracker = JavaSparkContext.fromSparkContext(spark.sparkContext()).statusTracker();
        long count = 0;
        int[] jobs = tracker.getJobIdsForGroup(group);
        assertTrue(jobs.length > 0, "the fit ran no job in group " + group);
        for (int job : jobs) {
            SparkJobInfo info = tracker.getJobInfo(job);
            assertTrue(info != null, "job " + job + " of the fit is not in the status store");
            for (int stage : info.stageIds()) {
                SparkStageInfo st = tracker.getStageInfo(stage);
                if (st != null && DistributedDataTerm.SEPARABILITY_CALL_SITE.equals(st.name())) count++;
            }
        }
        return new CountedFit(model, count);
    }

    @Test
    void separableDataWithoutPenaltyAreUnboundedAsInCore() throws Exception {
        Dataset data = separableBlobs(300, new SplittableRandom(20261126L));
        for (Penalty penalty : List.of(Penalty.none(), Penalty.l2(0.0))) {
            TrainingResult core = core(data, penalty);
            assertEquals(Status.UNBOUNDED_COEFFICIENTS, core.status(), penalty + ": the core's status on separable blobs");
            CountedFit fit = fitCounted(classifier(penalty), SparkTestData.frame(spark, data, 3, false));
            LogregTrainingSummary s = fit.model().summary().orElseThrow();
            assertEquals(core.status(), s.status(), penalty + ": " + s.message());
            assertEquals(DistributedTrainer.UNBOUNDED_MESSAGE, s.message());
            assertTrue(s.message().contains("linearly separable"), s.message());
            assertEquals(1, fit.separabilityStages(), penalty + ": separability checks run");
            // Finite coefficients (the model's constructor rejects others), and a model that does separate the rows.
            assertTrue(separatesOnHost(data, fit.model().coefficients(), fit.model().intercept()),
                    "the Spark model said to separate the rows does not: " + Arrays.toString(fit.model().coefficients()) + ", b = " + fit.model().intercept());
            assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after fit");
        }
    }

    @Test
    void rowsOfWeightZeroDoNotCountInTheSeparabilityCheck() throws Exception {
        // The rows of nonSeparableDataWithoutPenaltyHaveTheCoreOptimum, the mislabeled row with weight 0: the others separate.
        Dataset data = withMislabeledRow(separableBlobs(300, new SplittableRandom(7L)), 0f);
        TrainingResult core = core(data, Penalty.none());
        assertEquals(Status.UNBOUNDED_COEFFICIENTS, core.status(), "the core's status with the mislabeled row at weight 0");
        CountedFit fit = fitCounted(classifier(Penalty.none()).setWeightCol("weight"), SparkTestData.frame(spark, data, 3, true));
        LogregTrainingSummary s = fit.model().summary().orElseThrow();
        assertEquals(core.status(), s.status(), s.message());
        assertEquals(1, fit.separabilityStages(), "separability checks run");
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after fit");
    }

    @Test
    void nonSeparableDataWithoutPenaltyHaveTheCoreOptimum() throws Exception {
        // One row labelled 0 in the middle of the class-1 blob, weight 1: no line separates the rows, a finite optimum exists.
        Dataset data = withMislabeledRow(separableBlobs(300, new SplittableRandom(7L)), 1f);
        TrainingResult core = core(data, Penalty.none());
        assertTrue(core.status().isConverged(), "the core's status on non-separable data: " + core.status() + ": " + core.message());
        CountedFit fit = fitCounted(classifier(Penalty.none()), SparkTestData.frame(spark, data, 3, false));
        LogregTrainingSummary s = fit.model().summary().orElseThrow();
        assertTrue(s.status().isConverged(), "a finite optimum exists; status " + s.status() + ": " + s.message());
        assertEquals(1, fit.separabilityStages(), "separability checks run (and said no)");
        assertSameObjective(judge(data, Penalty.none(), core.model().coefficients(), core.model().intercept()),
                judge(data, Penalty.none(), fit.model().coefficients(), fit.model().intercept()), "spark vs core without penalty");
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after fit");
    }

    @Test
    void separableDataWithPenaltyHaveTheCoreOptimumAndNoSeparabilityCheck() throws Exception {
        Dataset data = separableBlobs(300, new SplittableRandom(20261126L));
        for (Penalty penalty : List.of(Penalty.l2(1.0), Penalty.l1(1.0))) {
            CountedFit fit = fitCounted(classifier(penalty), SparkTestData.frame(spark, data, 3, false));
            LogregTrainingSummary s = fit.model().summary().orElseThrow();
            assertTrue(s.status().isConverged(), penalty + ": status " + s.status() + ": " + s.message());
            assertEquals(0, fit.separabilityStages(), penalty + ": separability checks run with a penalty");
            TrainingResult core = core(data, penalty);
            assertTrue(core.status().isConverged(), penalty + ": core status " + core.status());
            assertSameObjective(judge(data, penalty, core.model().coefficients(), core.model().intercept()),
                    judge(data, penalty, fit.model().coefficients(), fit.model().intercept()), penalty + " spark vs core on separable blobs");
        }
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
        // The backend is any provider's name, checked on the driver before any job.
        assertRejectedWithoutJobs(() -> new LogregClassifier().setBackend("quantum").fit(df), "backend 'quantum' from param backend");
        // Labels that are not class indices: one aggregate job finds them, before any partition is bound.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LogregClassifier().fit(df.withColumn("label", functions.col("label").multiply(-2.0))));
        assertTrue(e.getMessage().contains("not a class index") && e.getMessage().contains("-2.0"), e.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> new LogregClassifier().fit(df.withColumn("label", functions.lit(1.0))));
        assertTrue(one.getMessage().contains("both classes"), one.getMessage());
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after failed fits");
    }
}
