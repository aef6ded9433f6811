package dev.logreg.spark;

import dev.logreg.backend.Availability;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.SimulatedGpu;
import dev.logreg.testing.SyntheticData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Spark estimator with the GPU backend on the executors (local[2]: two task threads in one JVM, one GPU backend
 * per partition, all on the device's primary context): each partition is bound on one task thread and evaluated on
 * whichever thread runs the next stage; the fit reaches the core's optimum and releases every partition. Runs on a
 * GPU, and in the build under simcuda (the simulated driver; an unusable gpu backend there is a failure, not a skip);
 * skips elsewhere with the reason.
 */
@Tag("gpu")
class SparkOnGpuTest {
    @Test
    void gpuExecutorsReachTheCoreOptimumAndReleaseEveryPartition() {
        Availability gpu = BackendFactory.discover().report().stream().filter(r -> r.name().equals("gpu")).findFirst()
                .map(BackendFactory.BackendReport::availability).orElse(Availability.unusable("logreg-gpu-backend not on the class path"));
        SimulatedGpu.assertUsableWhereRequired(gpu);
        assumeTrue(gpu.usable(), () -> "gpu backend not usable here: " + gpu.reason());

        Dataset data = SyntheticData.isotropic(3_000, 12, 20261127L);
        Penalty penalty = Penalty.l2(1.0);
        SparkSession spark = SparkTestData.session();
        try {
            spark.sparkContext().setLogLevel("WARN");
            LogregClassificationModel model = new LogregClassifier().setBackend("gpu").setPenalty("l2").setLambda(1.0)
                    .setGradientTol(1e-9).setMaxIter(500).fit(SparkTestData.frame(spark, data, 3, false));
            List<String> used = model.summary().orElseThrow().backends();
            assertTrue(!used.isEmpty() && used.stream().allMatch(b -> b.startsWith("gpu")), "executors' backends: " + used);
            assertEquals(0, PartitionRegistry.runsHeld(), "bound partitions left after the fit");

            TrainingResult core;
            try (ReferenceBackend ref = new ReferenceBackend()) {
                core = Trainer.fit(ref, data, TrainingOptions.DEFAULT.withPenalty(penalty).withCriteria(new StoppingCriteria(3000, 1e-10, 1e-15, null)), null);
            }
            double jCore = judge(data, penalty, core.model().coefficients(), core.model().intercept());
            double jGpu = judge(data, penalty, model.coefficients(), model.intercept());
            double rel = Math.abs(jGpu - jCore) / Math.abs(jCore);
            assertTrue(rel <= 1e-6, "spark on gpu: objective " + jGpu + " vs core " + jCore + " (relative difference " + rel + ")");
        } finally {
            spark.stop();
        }
    }

    /** J at (θ, b), evaluated by the reference backend. */
    private static double judge(Dataset data, Penalty penalty, double[] theta, double b) {
        try (ReferenceBackend ref = new ReferenceBackend(); DataTerm term = ref.bind(data, Loss.log())) {
            double[] params = Arrays.copyOf(theta, theta.length + 1);
            params[theta.length] = b;
            return new LogisticObjective(term, Loss.log(), penalty, true, null).objectiveAtModel(params);
        }
    }
}
