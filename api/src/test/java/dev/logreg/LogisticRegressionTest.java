package dev.logreg;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendChoice;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;
import dev.logreg.backend.BackendUnavailableException;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.optim.IterationState;
import dev.logreg.optim.Status;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogisticRegressionTest {

    /** A reference provider that records every backend it creates, so a test can see whether it was closed. */
    private static final class RecordingProvider implements BackendProvider {
        final List<ReferenceBackend> created = new ArrayList<>();
        final List<BackendOptions> options = new ArrayList<>();

        @Override public String name() { return "reference"; }
        @Override public int priority() { return 100; }
        @Override public Availability probe() { return Availability.usable("test"); }
        @Override public Backend create(BackendOptions o) {
            options.add(o);
            ReferenceBackend b = new ReferenceBackend();
            created.add(b);
            return b;
        }
    }

    private static BackendFactory factory(RecordingProvider p, Properties props) {
        return BackendFactory.of(List.of(p), Map.of(), props);
    }

    @Test
    void fluentFitEqualsTrainerAndClosesTheBackend() {
        Dataset data = BundledData.breastCancer();
        RecordingProvider provider = new RecordingProvider();
        AtomicInteger iterations = new AtomicInteger();
        LogisticRegression lr = LogisticRegression.builder()
                .penalty(Penalty.l2(1.0)).loss(Loss.log()).optimizer("LBFGS").fitIntercept(true)
                .backend(BackendChoice.REFERENCE).threads(3).maxIterations(900).tolerance(1e-7).seed(7)
                .listener(new TrainingListener() {
                    @Override public void onIteration(IterationState s) { iterations.incrementAndGet(); }
                })
                .factory(factory(provider, new Properties()))
                .build();
        TrainingResult r = lr.fit(data);

        TrainingOptions expected = TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1.0)).withOptimizer("lbfgs")
                .withCriteria(TrainingOptions.DEFAULT.criteria().withMaxIterations(900).withGradientTolerance(1e-7)).withSeed(7);
        assertEquals(expected, r.options());
        TrainingResult direct;
        try (ReferenceBackend b = new ReferenceBackend()) {
            direct = Trainer.fit(b, data, expected, null);
        }
        // Same options, same backend: the same run, bit for bit.
        double[] got = r.model().coefficients();
        double[] want = direct.model().coefficients();
        for (int j = 0; j < want.length; j++) {
            assertTrue(Double.compare(got[j], want[j]) == 0, "coefficient " + j + ": fluent " + got[j] + ", trainer " + want[j]);
        }
        assertTrue(Double.compare(r.model().intercept(), direct.model().intercept()) == 0, "intercept");
        assertEquals(Status.CONVERGED_GRADIENT, r.status(), r.message());
        assertEquals("lbfgs", r.optimizer());
        assertEquals(r.optimization().iterations(), iterations.get(), "the listener saw every iteration");
        assertEquals(1, provider.created.size());
        assertEquals(3, provider.options.get(0).threads(), "threads reach the backend");
        ReferenceBackend used = provider.created.get(0);
        assertThrows(IllegalStateException.class, () -> used.bind(data, Loss.log(), dev.logreg.backend.BindOptions.DEFAULT),
                "fit closes the backend it opened");
    }

    /** The backend is told how many fits a call makes (a hint for what pays only over many fits). */
    @Test
    void theBackendIsToldHowManyFitsACallMakes() {
        RecordingProvider provider = new RecordingProvider();
        BackendFactory f = factory(provider, new Properties());
        Dataset binary = BundledData.breastCancer();
        Dataset three = dev.logreg.testing.MulticlassData.generate(300, 4, 3, false, 1);
        dev.logreg.train.CrossValidationOptions cv = dev.logreg.train.CrossValidationOptions.DEFAULT.withFolds(3).withLambdas(1, 0.1);
        LogisticRegression l2 = LogisticRegression.builder().penalty(Penalty.l2(1)).factory(f).build();
        LogisticRegression ovr = LogisticRegression.builder().penalty(Penalty.l2(1)).multiclass(dev.logreg.train.Multiclass.ONE_VS_REST)
                .factory(f).build();
        l2.fit(binary);
        l2.crossValidate(binary, cv);
        ovr.fit(three);
        ovr.crossValidate(three, cv);
        l2.fit(three);
        List<Integer> fits = provider.options.stream().map(BackendOptions::expectedFits).toList();
        assertEquals(List.of(1, 3 * 2 + 1, 3, (3 * 2 + 1) * 3, 1), fits, "one fit; 3 folds x 2 λ and the refit; 3 classes; both; multinomial");
        // The same rule, which the command line calls.
        assertEquals(7 * 5, LogisticRegression.expectedFits(cv, dev.logreg.train.Multiclass.ONE_VS_REST, 5));
        assertEquals(7, LogisticRegression.expectedFits(cv, dev.logreg.train.Multiclass.MULTINOMIAL, 5));
        assertEquals(1, LogisticRegression.expectedFits(null, null, 2));
    }

    @Test
    void nullBackendDefersToTheSystemProperty() {
        Properties props = new Properties();
        props.setProperty(BackendFactory.PROPERTY, "gpu");
        RecordingProvider provider = new RecordingProvider();
        LogisticRegression deferred = LogisticRegression.builder().backend(null).factory(factory(provider, props)).build();
        assertNull(deferred.backend());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> deferred.fit(BundledData.breastCancer()));
        assertTrue(e.getMessage().contains("'gpu'"), e.getMessage());
        // Without the property the same deferred builder falls back to auto, which finds the reference backend.
        TrainingResult auto = LogisticRegression.builder().penalty(Penalty.l2(1)).backend(null)
                .factory(factory(provider, new Properties())).build().fit(BundledData.breastCancer());
        assertTrue(auto.backend().startsWith("reference"), auto.backend());
        // An explicit argument wins over the property.
        LogisticRegression explicit = LogisticRegression.builder().backend(BackendChoice.REFERENCE).penalty(Penalty.l2(1))
                .factory(factory(provider, props)).build();
        TrainingResult r = explicit.fit(BundledData.breastCancer());
        assertTrue(r.backend().startsWith("reference"), r.backend());
    }

    /** A backend named by a string: a built-in one, or a third-party provider's name, matched ignoring case. */
    @Test
    void aBackendIsChosenByName() {
        RecordingProvider provider = new RecordingProvider();
        LogisticRegression byName = LogisticRegression.builder().penalty(Penalty.l2(1)).backendName("Reference")
                .factory(factory(provider, new Properties())).build();
        assertEquals("Reference", byName.backend());
        assertTrue(byName.fit(BundledData.breastCancer()).backend().startsWith("reference"));
        assertEquals(1, provider.created.size(), "the named provider was opened");
        LogisticRegression unknown = LogisticRegression.builder().backendName("quantum").factory(factory(provider, new Properties())).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> unknown.fit(BundledData.breastCancer()));
        assertTrue(e.getMessage().contains("'quantum'") && e.getMessage().contains("found: reference"), e.getMessage());
    }

    @Test
    void fitOnACallersBackendLeavesItOpen() {
        LogisticRegression lr = LogisticRegression.builder().penalty(Penalty.l1(0.5)).build(); // auto -> owlqn
        try (ReferenceBackend b = new ReferenceBackend()) {
            TrainingResult r = lr.fit(b, BundledData.breastCancer());
            assertEquals("owlqn", r.optimizer());
            assertEquals(0, b.liveAllocations(), "the data term is closed");
            TrainingResult again = lr.fit(b, BundledData.breastCancer()); // still open: no IllegalStateException
            assertEquals(r.objective(), again.objective(), 0.0);
        }
    }

    @Test
    void badSettingsAreRefusedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogisticRegression.builder().optimizer("bfgs"));
        assertTrue(e.getMessage().contains("bfgs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogisticRegression.builder().threads(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogisticRegression.builder().maxIterations(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogisticRegression.builder().tolerance(-1e-3));
        assertTrue(e.getMessage().contains("-0.001"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogisticRegression.builder().penalty(Penalty.l1(1)).optimizer("lbfgs").build());
        assertTrue(e.getMessage().contains("owlqn"), e.getMessage());
        assertThrows(NullPointerException.class, () -> LogisticRegression.builder().build().fit(null));
    }
}
