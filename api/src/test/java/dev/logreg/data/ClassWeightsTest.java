package dev.logreg.data;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.backend.reference.ReferenceBackendProvider;
import dev.logreg.penalty.Penalty;
import dev.logreg.testing.BundledData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ClassWeights} and {@link Dataset#withWeights}: scikit-learn's balanced weights, without a copy of the rows. */
class ClassWeightsTest {
    @Test
    void balancedWeightsGiveEachClassHalfAndMultiplyTheSampleWeights() {
        // 3 rows of label 1, 7 of label 0; sample weights 1..10.
        float[] x = new float[10];
        float[] y = new float[10];
        float[] w = new float[10];
        for (int i = 0; i < 10; i++) {
            x[i] = i;
            y[i] = i < 3 ? 1 : 0;
            w[i] = i + 1;
        }
        Dataset unweighted = Dataset.wrap(x, 1, y, null);
        assertArrayEquals(new double[] {10 / 14.0, 10 / 6.0}, ClassWeights.balancedFactors(unweighted), 1e-15);
        Dataset b = ClassWeights.balanced(unweighted);
        double s0 = 0, s1 = 0;
        for (long i = 0; i < 10; i++) {
            if (b.label(i) == 1) s1 += b.weight(i);
            else s0 += b.weight(i);
        }
        assertEquals(5.0, s0, 1e-6, "label 0 weighs m/2");
        assertEquals(5.0, s1, 1e-6, "label 1 weighs m/2");
        Dataset bw = ClassWeights.balanced(Dataset.wrap(x, 1, y, w));
        for (int i = 0; i < 10; i++) assertEquals((float) ((i + 1) * (i < 3 ? 10 / 6.0 : 10 / 14.0)), bw.weight(i), "row " + i);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassWeights.balanced(Dataset.wrap(new float[] {1, 2}, 1, new float[] {1, 1}, null)));
        assertTrue(e.getMessage().contains("need rows of both classes; all 2 rows have label 1"), e.getMessage());
    }

    @Test
    void withWeightsSharesTheRowsAcrossBlocksAndChecksEachWeight() {
        Dataset.Builder b = Dataset.builder(2).blockCapacity(6).featureNames(List.of("a", "b"));   // 3 rows a block
        for (int i = 0; i < 7; i++) b.addRow(new float[] {i, -i}, i % 2);
        Dataset data = b.build();
        assertTrue(data.blocks().size() >= 3, "several blocks: " + data.blocks().size());
        float[] w = {1, 0, 2, 0, 3, 0, 4};
        Dataset re = data.withWeights(w);
        w[0] = 99;   // copied: the caller's array may change
        assertEquals(10.0, re.weightSum());
        assertEquals(List.of("a", "b"), re.featureNames());
        for (long i = 0; i < 7; i++) {
            assertEquals(i == 0 ? 1f : w[(int) i], re.weight(i), "weight of row " + i);
            assertEquals(data.feature(i, 1), re.feature(i, 1));
        }
        for (int k = 0; k < re.blocks().size(); k++) {
            RowBlock block = re.blocks().get(k);
            assertTrue(block.weights().isDirect() && block.weights().order() == ByteOrder.nativeOrder(), "direct native-order weights");
            assertEquals(data.blocks().get(k).features().get(0), block.features().get(0), "block " + k + " shares its features");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.withWeights(new float[6]));
        assertTrue(e.getMessage().contains("expected one per row (7)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> data.withWeights(new float[] {1, 1, 1, 1, Float.NaN, 1, 1}));
        assertTrue(e.getMessage().contains("row 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> data.withWeights(new float[7]));
        assertTrue(e.getMessage().contains("every sample weight is zero"), e.getMessage());
    }

    @Test
    void theEntryPointBalancesAsTheExplicitWeightsDo() {
        Dataset data = BundledData.breastCancer();
        BackendFactory reference = BackendFactory.of(List.of(new ReferenceBackendProvider()), Map.of(), new Properties());
        TrainingResult viaBuilder = LogisticRegression.builder().penalty(Penalty.l2(1)).balanceClasses(true).backendName("reference")
                .factory(reference).build().fit(data);
        TrainingResult explicit;
        try (ReferenceBackend b = new ReferenceBackend()) {
            explicit = Trainer.fit(b, ClassWeights.balanced(data), TrainingOptions.DEFAULT.withPenalty(Penalty.l2(1)), null);
        }
        assertArrayEquals(explicit.model().coefficients(), viaBuilder.model().coefficients(), 0.0);
        TrainingResult plain = LogisticRegression.builder().penalty(Penalty.l2(1)).backendName("reference").factory(reference).build().fit(data);
        assertTrue(Math.abs(plain.model().intercept() - viaBuilder.model().intercept()) > 1e-3, "balancing moves the intercept");
        try (ReferenceBackend b = new ReferenceBackend(); dev.logreg.train.BoundData bound = Trainer.bind(b, data, TrainingOptions.DEFAULT)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LogisticRegression.builder().balanceClasses(true).build().fitBound(bound));
            assertTrue(e.getMessage().contains("bind ClassWeights.balanced(data)"), e.getMessage());
        }
    }
}
