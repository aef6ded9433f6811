package dev.logreg.spark;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.Multiclass;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sparse features on Spark: a {@code SparseVector} column is held as CSR partitions on the executors and reaches the
 * single-machine engine's optimum (1e-6 relative; the engine trains the same rows held dense), binary and K-class,
 * weighted, with standardization off and on; DenseVectors and a mixed column of the same rows reach it too. Test
 * methods of {@link LogregClassifierTest}, which implements this interface and lends its session (JUnit runs these
 * default methods as that class's own), so that they start no Spark session of their own.
 */
interface SparseFeaturesChecks {
    /** The implementing test class's local session. */
    SparkSession spark();

    /** Wide for its rows: 120 columns, 0 to 12 stored entries a row (6 on average). */
    Dataset BINARY = SparkTestData.sparseSet(800, 120, 2, true, 20261211L);
    Dataset THREE_CLASSES = SparkTestData.sparseSet(600, 40, 3, true, 20261212L);

    double REL_TOL = 1e-6;

    /**
     * The estimator with weights; {@code newton} on the reference backend (each partition's Hessian over its CSR
     * rows: a few passes, where L-BFGS and OWL-QN take hundreds), else the default optimizer and backend.
     */
    private static LogregClassifier classifier(Penalty penalty, boolean standardize, boolean newton) {
        LogregClassifier clf = new LogregClassifier().setPenalty(penalty.kind().name().toLowerCase(java.util.Locale.ROOT).replace("_", ""))
                .setLambda(penalty.lambda()).setAlpha(penalty.alpha()).setWeightCol("weight").setStandardization(standardize)
                .setGradientTol(1e-8).setTol(1e-12).setMaxIter(2000);
        return newton ? clf.setOptimizer("newton").setBackend("reference") : clf;
    }

    /** The single-machine engine's fit of the same rows held dense, on the reference backend. */
    private static TrainingResult core(Dataset data, Penalty penalty, boolean standardize) {
        LogisticRegression.Builder b = LogisticRegression.builder().options(TrainingOptions.DEFAULT.withPenalty(penalty)
                .withCriteria(new StoppingCriteria(3000, 1e-10, 1e-15, null))).standardize(standardize).backendName("reference");
        if (data.classes() > 2) b.multiclass(Multiclass.MULTINOMIAL);
        return b.build().fit(data.toDense());
    }

    /**
     * J at the model (K×n coefficients and K intercepts; one row for the binary model), evaluated by the reference
     * backend on the sparse float32 data.
     */
    private static double judge(Dataset data, Penalty penalty, double[][] w, double[] b) {
        Loss loss = w.length == 1 ? Loss.log() : Loss.multinomial();
        int n = w[0].length;
        double[] params = new double[w.length * (n + 1)];
        for (int c = 0; c < w.length; c++) {
            System.arraycopy(w[c], 0, params, c * (n + 1), n);
            params[c * (n + 1) + n] = b[c];
        }
        try (ReferenceBackend ref = new ReferenceBackend(); DataTerm term = ref.bind(data, loss)) {
            return new LogisticObjective(term, loss, penalty, true, null).objectiveAtModel(params);
        }
    }

    /** J of the core's model, on the core's penalty (on its standardization scales where standardized). */
    private static double judgeCore(Dataset data, TrainingResult core) {
        if (data.classes() > 2) {
            SoftmaxModel m = (SoftmaxModel) core.classifier();
            return judge(data, core.options().penalty(), m.coefficients(), m.intercepts());
        }
        LogisticModel m = core.model();
        return judge(data, core.options().penalty(), new double[][] {m.coefficients()}, new double[] {m.intercept()});
    }

    /** Asserts that the Spark model reaches the core's J (on the core's penalty), 1e-6 relative. */
    private static void assertSameOptimum(Dataset data, TrainingResult core, LogregClassificationModel spark, String what) {
        double expected = judgeCore(data, core);
        double actual = judge(data, core.options().penalty(), spark.coefficientMatrix(), spark.interceptVector());
        double rel = Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(rel <= REL_TOL, what + ": J " + actual + " vs the core's " + expected + " (relative difference " + rel + ", expected <= " + REL_TOL + ")");
    }

    /** The Spark fit of {@code frame}, asserting how many of its partitions were held as CSR. */
    private static LogregClassificationModel fit(LogregClassifier clf, org.apache.spark.sql.Dataset<Row> frame, int csrPartitions) {
        long before = PartitionRegistry.sparseConversions();
        LogregClassificationModel m = clf.fit(frame);
        assertEquals(csrPartitions, PartitionRegistry.sparseConversions() - before, "partitions held as CSR");
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after fit");
        assertTrue(m.summary().orElseThrow().status().isConverged(), "status " + m.summary().orElseThrow().status());
        return m;
    }

    /** Binary, weighted, L2 with L-BFGS on the default backend: SparseVectors, DenseVectors and a mix of both reach the core's optimum. */
    @Test
    default void sparseVectorsReachTheCoreOptimumAsDenseVectorsDo() {
        Penalty penalty = Penalty.l2(2.0);
        TrainingResult core = core(BINARY, penalty, false);
        org.apache.spark.sql.Dataset<Row> sparseFrame = SparkTestData.frame(spark(), BINARY, 3, true, i -> true);
        LogregClassificationModel sparse = fit(classifier(penalty, false, false), sparseFrame, 3);
        assertSameOptimum(BINARY, core, sparse, "SparseVectors");
        org.apache.spark.sql.Dataset<Row> denseFrame = SparkTestData.frame(spark(), BINARY, 3, true, i -> false);
        assertSameOptimum(BINARY, core, fit(classifier(penalty, false, false), denseFrame, 0), "DenseVectors");
        // A third of the rows dense, row 0 among them: partition 0 starts dense and turns CSR at its first sparse row.
        assertSameOptimum(BINARY, core, fit(classifier(penalty, false, false), SparkTestData.frame(spark(), BINARY, 3, true, i -> i % 3 != 0), 3),
                "a mix of both");
        // The model scores SparseVector rows as their dense copies.
        List<Row> a = sparse.transform(sparseFrame).select("rawPrediction", "probability", "prediction").collectAsList();
        List<Row> b = sparse.transform(denseFrame).select("rawPrediction", "probability", "prediction").collectAsList();
        assertEquals(b, a, "scores of SparseVector rows and of their dense copies");
    }

    /** Binary, weighted elastic net, standardized: the penalty on scales from the CSR partitions' moments, as the core's on the dense rows. */
    @Test
    default void standardizedSparseVectorsReachTheCoreOptimum() {
        Penalty penalty = Penalty.elasticNet(3.0, 0.5);
        TrainingResult core = core(BINARY, penalty, true);
        assertTrue(core.options().penalty().scales() != null, "the core's penalty is on its standardization scales");
        assertSameOptimum(BINARY, core, fit(classifier(penalty, true, true), SparkTestData.frame(spark(), BINARY, 3, true, i -> true), 3),
                "standardized elastic net, SparseVectors");
    }

    /** Three classes, weighted, multinomial L2, standardization off (L-BFGS, default backend) and on (Newton). */
    @Test
    default void sparseVectorsOfThreeClassesReachTheCoreMultinomialOptimum() {
        Penalty penalty = Penalty.l2(1.0);
        org.apache.spark.sql.Dataset<Row> frame = SparkTestData.frame(spark(), THREE_CLASSES, 3, true, i -> true);
        for (boolean standardize : new boolean[] {false, true}) {
            LogregClassificationModel m = fit(classifier(penalty, standardize, standardize), frame, 3);
            assertTrue(m.isMultinomial() && m.numClasses() == 3, m.toString());
            assertSameOptimum(THREE_CLASSES, core(THREE_CLASSES, penalty, standardize), m, (standardize ? "standardized " : "") + "multinomial, SparseVectors");
        }
    }

    /** A backend named by the user that cannot bind CSR is refused by name, with what to do instead. */
    @Test
    default void aNamedBackendWithoutASparsePassIsRefusedOnSparseVectors() {
        LogregClassifier clf = new LogregClassifier().setBackend("dense-only-test").setPenalty("l2").setLambda(1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> clf.fit(SparkTestData.frame(spark(), BINARY, 2, false, i -> true)));
        assertTrue(e.getMessage().contains("backend 'dense-only-test' cannot bind") && e.getMessage().contains("setBackend(\"reference\")"), e.getMessage());
        assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after the refusal");
    }
}
