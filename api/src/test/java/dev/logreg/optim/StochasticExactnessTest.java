package dev.logreg.optim;

import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.objective.LogisticObjective;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.IndependentSolvers;
import dev.logreg.testing.SyntheticData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient descent, SGD and Adam, trained through {@link Trainer} with their defaults, reach 1e-3 relative of the
 * L2 optimum (λ = 1) on the isotropic 100,000 x 50 set within 50 epochs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StochasticExactnessTest {
    private Dataset data;
    private double[] optimum;
    private ReferenceBackend backend;

    @BeforeAll
    void solve() {
        data = SyntheticData.isotropic(100_000, 50, 7L);
        optimum = IndependentSolvers.newtonL2(data, 1.0).params();
        backend = new ReferenceBackend();
    }

    @AfterAll
    void close() {
        backend.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gd", "sgd", "adam"})
    void reachesTheOptimumWithin50Epochs(String name) {
        TrainingOptions o = TrainingOptions.DEFAULT.withOptimizer(name).withPenalty(Penalty.l2(1.0))
                .withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(50)).withSeed(11L);
        TrainingResult r = Trainer.fit(backend, data, o, null);
        double[] params = Arrays.copyOf(r.model().coefficients(), data.cols() + 1);
        params[data.cols()] = r.model().intercept();
        LogisticObjective f = Fixtures.objective(backend, data, Penalty.l2(1.0), true);
        double gap = Fixtures.relativeGap(f, params, optimum);
        System.out.println(Fixtures.row(name, "isotropic-100k/l2(1)", r.optimization(), gap));
        assertEquals(name, r.optimizer());
        assertTrue(Math.abs(gap) <= 1e-3, name + ": relative gap " + gap + " after " + r.optimization().iterations() + " epochs, expected at most 1e-3");
        assertTrue(r.optimization().iterations() <= 50, "ran " + r.optimization().iterations() + " iterations");
    }
}
