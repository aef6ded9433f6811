package dev.logreg;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.backend.reference.ReferenceBackendProvider;
import dev.logreg.data.ClassWeights;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.MulticlassData;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.Multiclass;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder's multiclass strategies, and the backend auto chooses for them. */
class MulticlassLogisticRegressionTest {
    private final Dataset three = MulticlassData.generate(200, 3, 3, false, 8);

    /**
     * A usable "gpu" of higher priority than the reference that computes every loss but the hinge losses, as the real
     * one: the multinomial loss binds, the squared hinge is refused by name.
     */
    private static final class FakeGpuProvider implements BackendProvider {
        @Override public String name() { return "gpu"; }

        @Override public int priority() { return 300; }

        @Override public Availability probe() { return Availability.usable("fake"); }

        @Override
        public Backend create(BackendOptions options) {
            ReferenceBackend inner = new ReferenceBackend();
            return new Backend() {
                @Override public String name() { return "gpu"; }

                @Override public String description() { return "fake gpu"; }

                @Override
                public DataTerm bind(Dataset data, Loss loss, BindOptions o) {
                    ParamShape.refuseHinge("gpu", loss);
                    return inner.bind(data, loss, o);
                }

                @Override public long liveAllocations() { return inner.liveAllocations(); }

                @Override public void close() { inner.close(); }
            };
        }
    }

    private static BackendFactory factory() {
        return BackendFactory.of(List.of(new FakeGpuProvider(), new ReferenceBackendProvider()), Map.of(), new Properties());
    }

    private static LogisticRegression.Builder builder() {
        return LogisticRegression.builder().penalty(Penalty.l2(1.0)).factory(factory());
    }

    @Test
    void kClassDataTrainMultinomialByDefaultOnTheBestBackend() {
        TrainingResult r = builder().build().fit(three);
        assertTrue(r.classifier() instanceof SoftmaxModel, r.classifier().toString());
        assertEquals(3, r.classifier().classes());
        assertEquals("fake gpu", r.backend(), "every backend computes the multinomial loss: auto keeps the better one");
        IllegalStateException binaryOnly = assertThrows(IllegalStateException.class, r::model);
        assertTrue(binaryOnly.getMessage().contains("classifier()"), binaryOnly.getMessage());
    }

    @Test
    void autoOpensTheReferenceForTheSquaredHingeSayingWhyAndKeepsAnExplicitChoice() {
        Dataset two = MulticlassData.generate(150, 3, 2, false, 9);
        TrainingResult r = builder().loss(Loss.squaredHinge()).build().fit(two);
        assertTrue(r.message().startsWith("auto chose the reference backend: the squared hinge loss is implemented there only"), r.message());
        assertTrue(r.backend().startsWith("reference"), r.backend());
        IllegalArgumentException gpu = assertThrows(IllegalArgumentException.class,
                () -> builder().loss(Loss.squaredHinge()).backendName("gpu").build().fit(two));
        assertTrue(gpu.getMessage().startsWith("the squared hinge loss is not implemented on the gpu backend"), gpu.getMessage());
    }

    @Test
    void twoClassesStayBinaryUnlessMultinomialIsAskedFor() {
        Dataset two = MulticlassData.generate(150, 3, 2, false, 9);
        TrainingResult binary = builder().build().fit(two);
        assertTrue(binary.isBinary());
        assertEquals("fake gpu", binary.backend(), "auto keeps the better backend for binary fits");
        TrainingResult softmax = builder().multiclass(Multiclass.MULTINOMIAL).build().fit(two);
        assertEquals(2, ((SoftmaxModel) softmax.classifier()).classes());
        assertTrue(builder().multiclass(Multiclass.ONE_VS_REST).build().fit(two).isBinary(), "one-vs-rest on two classes is the binary model");
        assertThrows(IllegalArgumentException.class, () -> builder().loss(Loss.mse()).build().fit(three));
    }

    @Test
    void balancedMultinomialIsTheFitOnBalancedWeights() {
        TrainingResult viaBuilder = builder().balanceClasses(true).backendName("reference").build().fit(three);
        try (ReferenceBackend b = new ReferenceBackend()) {
            TrainingResult direct = Trainer.fit(b, ClassWeights.balanced(three),
                    TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1.0)).withLoss(Loss.multinomial()), null);
            assertArrayEquals(((SoftmaxModel) direct.classifier()).coefficients(), ((SoftmaxModel) viaBuilder.classifier()).coefficients());
        }
    }

    @Test
    void oneVsRestIsKBinaryFitsEachBalancedOnItsOwn() {
        for (boolean balanced : new boolean[] {false, true}) {
            TrainingResult r = builder().multiclass(Multiclass.ONE_VS_REST).balanceClasses(balanced).build().fit(three);
            OneVsRestModel ovr = (OneVsRestModel) r.classifier();
            assertEquals(3, ovr.classes());
            assertTrue(r.message().startsWith("one-vs-rest, 3 binary fits"), r.message());
            try (ReferenceBackend b = new ReferenceBackend()) {
                double objective = 0;
                for (int c = 0; c < 3; c++) {
                    Dataset rows = balanced ? ClassWeights.balanced(three.oneVsRest(c)) : three.oneVsRest(c);
                    TrainingResult one = Trainer.fit(b, rows, TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1.0)), null);
                    LogisticModel expected = one.model();
                    assertArrayEquals(expected.coefficients(), ovr.model(c).coefficients(), "class " + c + ", balanced " + balanced);
                    assertEquals(expected.intercept(), ovr.model(c).intercept(), 0.0);
                    objective += one.objective();
                }
                assertEquals(objective, r.objective(), 1e-12 * objective);
            }
            double[] p = ovr.predictProbabilities(three);
            for (int i = 0; i < three.rows(); i++) assertEquals(1.0, p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 1e-12);
        }
    }

    @Test
    void kClassCrossValidationRunsAndOneVsRestIsNotForBoundData() {
        // Cross-validation of K classes (multinomial by default) was refused before; it now refits a softmax model.
        var cv = builder().build().crossValidate(three, CrossValidationOptions.DEFAULT.withFolds(3).withLambdaCount(3));
        assertEquals(3, cv.refit().classifier().classes());
        assertTrue(cv.refit().classifier() instanceof dev.logreg.model.SoftmaxModel, cv.refit().classifier().getClass().getName());
        try (ReferenceBackend b = new ReferenceBackend();
             var bound = Trainer.bind(b, three, TrainingOptions.DEFAULT.withLoss(Loss.multinomial()))) {
            assertThrows(IllegalArgumentException.class, () -> builder().multiclass(Multiclass.ONE_VS_REST).build().fitBound(bound));
            TrainingResult fromBound = builder().build().fitBound(bound);
            assertEquals(3, fromBound.classifier().classes());
        }
    }
}
