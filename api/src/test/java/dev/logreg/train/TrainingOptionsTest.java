package dev.logreg.train;

import dev.logreg.loss.Loss;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingOptionsTest {
    private static final TrainingOptions D = TrainingOptions.DEFAULT;

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertSame(Loss.log(), D.loss());
        assertEquals(Penalty.none(), D.penalty());
        assertTrue(D.fitIntercept());
        assertEquals("auto", D.optimizer());
        assertEquals(StoppingCriteria.DEFAULT, D.criteria());
        assertTrue(D.precondition());
        assertEquals(42L, D.seed());
        assertEquals(256, D.batchSize());
        assertTrue(Double.isNaN(D.learningRate()));
    }

    @Test
    void eachWithChangesOneComponent() {
        // Each with... must equal a record built from DEFAULT with only that component replaced.
        assertEquals(new TrainingOptions(Loss.mse(), D.penalty(), true, "auto", D.criteria(), true, 42, 256, Double.NaN), D.withLoss(Loss.mse()));
        assertEquals(new TrainingOptions(D.loss(), Penalty.l1(2), true, "auto", D.criteria(), true, 42, 256, Double.NaN), D.withPenalty(Penalty.l1(2)));
        assertEquals(new TrainingOptions(D.loss(), D.penalty(), false, "auto", D.criteria(), true, 42, 256, Double.NaN), D.withFitIntercept(false));
        assertEquals(new TrainingOptions(D.loss(), D.penalty(), true, "owlqn", D.criteria(), true, 42, 256, Double.NaN), D.withOptimizer("owlqn"));
        StoppingCriteria c = StoppingCriteria.DEFAULT.withMaxIterations(7);
        assertEquals(new TrainingOptions(D.loss(), D.penalty(), true, "auto", c, true, 42, 256, Double.NaN), D.withCriteria(c));
        assertEquals(new TrainingOptions(D.loss(), D.penalty(), true, "auto", D.criteria(), false, 42, 256, Double.NaN), D.withPrecondition(false));
        assertEquals(new TrainingOptions(D.loss(), D.penalty(), true, "auto", D.criteria(), true, 7, 256, Double.NaN), D.withSeed(7));
        assertEquals(new TrainingOptions(D.loss(), D.penalty(), true, "auto", D.criteria(), true, 42, 3, Double.NaN), D.withBatchSize(3));
        assertEquals(new TrainingOptions(D.loss(), D.penalty(), true, "auto", D.criteria(), true, 42, 256, 0.1), D.withLearningRate(0.1));
        assertNotEquals(D, D.withSeed(43));
        assertFalse(D.withFitIntercept(false).fitIntercept());
    }

    @Test
    void optimizerNameIsNormalized() {
        assertEquals("lbfgs", D.withOptimizer("  LBFGS ").optimizer());
    }

    private static void expect(Executable e, String... parts) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        for (String part : parts) assertTrue(x.getMessage().contains(part), "message '" + x.getMessage() + "' lacks '" + part + "'");
    }

    @Test
    void rejectsBadValuesNamingThem() {
        expect(() -> D.withBatchSize(0), "batch size", "0");
        expect(() -> D.withBatchSize(-5), "-5");
        expect(() -> D.withLearningRate(0), "learning rate", "0.0");
        expect(() -> D.withLearningRate(-0.1), "-0.1");
        expect(() -> D.withLearningRate(Double.POSITIVE_INFINITY), "Infinity");
        assertTrue(Double.isNaN(D.withLearningRate(Double.NaN).learningRate()), "NaN means the optimizer's default");
        assertThrows(NullPointerException.class, () -> D.withLoss(null));
        assertThrows(NullPointerException.class, () -> D.withPenalty(null));
        assertThrows(NullPointerException.class, () -> D.withCriteria(null));
        assertThrows(NullPointerException.class, () -> D.withOptimizer(null));
    }
}
