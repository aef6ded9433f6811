package dev.logreg.io;

import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ModelFile#save} and {@link ModelFile#load}: a training run round-trips with its provenance. */
class ModelFileSaveLoadTest {
    @TempDir
    Path dir;

    private static TrainingResult train() {
        SplittableRandom r = new SplittableRandom(11);
        int m = 200, n = 4;
        float[] x = new float[m * n];
        float[] y = new float[m];
        for (int i = 0; i < m; i++) {
            double z = 0;
            for (int j = 0; j < n; j++) {
                x[i * n + j] = (float) r.nextGaussian();
                z += (j + 1) * 0.5 * x[i * n + j];
            }
            y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
        }
        Dataset d = Dataset.wrap(x, n, y, null).withFeatureNames(List.of("a", "b", "c", "d"));
        try (ReferenceBackend b = new ReferenceBackend()) {
            return Trainer.fit(b, d, TrainingOptions.DEFAULT.withPenalty(Penalty.l2(0.5)), null);
        }
    }

    @Test
    void saveThenLoadKeepsModelAndProvenance() throws IOException {
        TrainingResult t = train();
        Path f = dir.resolve("model.json");
        ModelFile.save(f, t);
        SavedModel s = ModelFile.load(f);
        double[] want = t.model().coefficients();
        double[] got = s.model().coefficients();
        for (int j = 0; j < want.length; j++) {
            assertTrue(Double.compare(want[j], got[j]) == 0, "coefficient " + j + ": saved " + want[j] + ", loaded " + got[j]);
        }
        assertTrue(Double.compare(t.model().intercept(), s.model().intercept()) == 0, "intercept");
        assertEquals(List.of("a", "b", "c", "d"), s.model().featureNames());
        assertEquals(t.status(), s.status());
        assertEquals(t.objective(), s.objective(), 0.0);
        assertEquals(t.optimizer(), s.optimizer());
        assertEquals(t.backend(), s.backend());
        assertEquals("l2", s.training().get("penalty"));
        assertEquals(LabelMapping.ZERO_ONE, s.labels());
        assertEquals(t.optimization().iterations(), s.iterations());
        assertEquals(ModelFile.libraryVersion(), s.libraryVersion());

        ModelFile.save(f, t, LabelMapping.MINUS_ONE_PLUS_ONE); // replaces the file atomically
        assertEquals(LabelMapping.MINUS_ONE_PLUS_ONE, ModelFile.load(f).labels());
    }
}
