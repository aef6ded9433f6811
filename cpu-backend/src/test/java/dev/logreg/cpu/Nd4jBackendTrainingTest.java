package dev.logreg.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.optim.Status;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.logreg.cpu.Fixtures.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end through {@link Trainer}: training on the cpu backend reaches the same optimum as on the reference
 * backend (compared by the objective and by the predictions, never by iterates).
 */
class Nd4jBackendTrainingTest {
    @ParameterizedTest
    @ValueSource(strings = {"lbfgs", "newton"})
    void trainingOnCpuReachesTheReferenceOptimum(String optimizer) {
        Dataset data = BundledData.breastCancer();
        TrainingOptions options = TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1.0)).withOptimizer(optimizer);
        TrainingResult expected;
        try (ReferenceBackend ref = new ReferenceBackend()) {
            expected = Trainer.fit(ref, data, options.withOptimizer("lbfgs"), null);
        }
        TrainingResult actual;
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT)) {
            actual = Trainer.fit(cpu, data, options, null);
            assertEquals(0, cpu.liveAllocations(), "the trainer closes the term it binds");
        }
        assertTrue(expected.status() == Status.CONVERGED_GRADIENT || expected.status() == Status.CONVERGED_VALUE,
                "reference: " + expected.status() + " " + expected.message());
        assertTrue(actual.status() == Status.CONVERGED_GRADIENT || actual.status() == Status.CONVERGED_VALUE,
                optimizer + " on cpu: " + actual.status() + " " + actual.message());
        assertRelative(expected.objective(), actual.objective(), 1e-6, optimizer + " objective at the optimum");
        int disagreements = 0;
        float[] row = new float[data.cols()];
        for (long i = 0; i < data.rows(); i++) {
            data.copyRow(i, row);
            double pe = expected.model().predictProbability(row);
            double pa = actual.model().predictProbability(row);
            if (Math.abs(pe - pa) > 1e-3) disagreements++;
        }
        assertEquals(0, disagreements, optimizer + ": rows whose probability differs by more than 1e-3 from the reference model");
    }
}
