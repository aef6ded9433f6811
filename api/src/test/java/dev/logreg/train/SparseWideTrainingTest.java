package dev.logreg.train;

import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.objective.ColumnStatistics;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 2<sup>24</sup> features, 300 rows of 3 to 6 nonzeros each among 24 columns spread over the whole width (the first
 * and the last included): training reads the nonzeros only. A dense copy of these rows would take 300 · 2<sup>24</sup>
 * · 4 bytes = 20 GB, five times the test JVM's heap (and its direct memory, which defaults to the heap's size), so
 * a fit that densified anything of rows × cols would fail here; what a fit may hold is O(n): the parameter vector and
 * the optimizer's vectors of 2<sup>24</sup> + 1 doubles. The same rows with their 24 columns packed side by side
 * (the compact set) are the comparison: a column no row holds has no gradient and stays exactly 0, and every sum over
 * the wide vectors adds exact zeros, so the wide fit equals the compact fit bit for bit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparseWideTrainingTest {
    private static final int WIDE = 1 << 24;
    private static final int ACTIVE = 24;
    private static final int ROWS = 300;

    private final ReferenceBackend backend = new ReferenceBackend();
    private final int[] active = new int[ACTIVE];
    private final Dataset wide;
    private final Dataset compact;

    SparseWideTrainingTest() {
        SplittableRandom r = new SplittableRandom(2024);
        // Distinct sorted columns: 0, the last one, and 22 spread between (one per stride, at a random offset).
        int stride = WIDE / (ACTIVE - 1);
        for (int s = 1; s < ACTIVE - 1; s++) active[s] = s * stride + r.nextInt(stride / 2);
        active[ACTIVE - 1] = WIDE - 1;
        double[] beta = new double[ACTIVE];
        for (int s = 0; s < ACTIVE; s++) beta[s] = r.nextGaussian();
        long[] offsets = new long[ROWS + 1];
        int[] wideIdx = new int[ROWS * 6];
        int[] slotIdx = new int[ROWS * 6];
        float[] val = new float[ROWS * 6];
        float[] y = new float[ROWS];
        int nz = 0;
        for (int i = 0; i < ROWS; i++) {
            int k = 3 + r.nextInt(4);
            int start = r.nextInt(ACTIVE - k + 1);   // k consecutive slots from a random start: sorted, distinct
            double z = 0;
            for (int s = start; s < start + k; s++) {
                float v = (float) r.nextGaussian();
                wideIdx[nz] = active[s];
                slotIdx[nz] = s;
                val[nz++] = v;
                z += beta[s] * v;
            }
            offsets[i + 1] = nz;
            y[i] = i < 2 ? i : r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
        }
        wide = Dataset.wrapCsr(offsets, java.util.Arrays.copyOf(wideIdx, nz), java.util.Arrays.copyOf(val, nz), WIDE, y, null, 2);
        compact = Dataset.wrapCsr(offsets, java.util.Arrays.copyOf(slotIdx, nz), java.util.Arrays.copyOf(val, nz), ACTIVE, y.clone(), null, 2);
    }

    @AfterAll
    void close() {
        backend.close();
    }

    private void assertWideEqualsCompact(TrainingResult w, TrainingResult c, String what) {
        LogisticModel wm = w.model();
        LogisticModel cm = c.model();
        assertEquals(WIDE, wm.features(), what);
        double[] theta = wm.coefficients();
        double[] packed = cm.coefficients();
        int s = 0;
        for (int j = 0; j < WIDE; j++) {
            if (s < ACTIVE && active[s] == j) {
                assertEquals(packed[s], theta[j], 0.0, what + ": θ" + j + " (compact column " + s + ")");
                s++;
            } else if (theta[j] != 0.0) {
                throw new AssertionError(what + ": θ" + j + " = " + theta[j] + ", but no row holds column " + j);
            }
        }
        assertEquals(cm.intercept(), wm.intercept(), 0.0, what + ": intercept");
        assertEquals(c.objective(), w.objective(), 0.0, what + ": objective");
        assertEquals(c.optimization().evaluations(), w.optimization().evaluations(), what + ": evaluations");
    }

    @Test
    void columnStatisticsOfEveryColumnFromTheNonzeros() {
        ColumnStatistics stats = ColumnStatistics.of(wide);
        ColumnStatistics packed = ColumnStatistics.of(compact);
        double[][] got = {stats.mean(), stats.std(), stats.rms()};
        double[][] want = {packed.mean(), packed.std(), packed.rms()};
        String[] names = {"mean", "std", "rms"};
        for (int k = 0; k < 3; k++) {
            int s = 0;
            for (int j = 0; j < WIDE; j++) {
                if (s < ACTIVE && active[s] == j) {
                    assertEquals(want[k][s], got[k][j], 0.0, names[k] + " of column " + j);
                    s++;
                } else if (got[k][j] != 0.0) {
                    throw new AssertionError(names[k] + " of column " + j + " is " + got[k][j] + ", but no row holds it");
                }
            }
        }
    }

    @Test
    void gradientDescentEqualsTheCompactFit() {
        // Two iterations are enough to compare the paths (each costs passes over 2^24-long vectors, not over data).
        // No preconditioner: its statistics are the test above, and its vectors would add 2^24-long arrays to a
        // heap shared with the rest of the module's tests.
        TrainingOptions o = TrainingOptions.DEFAULT.withOptimizer("gd").withPenalty(Penalty.l2(1)).withPrecondition(false)
                .withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(2));
        assertWideEqualsCompact(Trainer.fit(backend, wide, o, null), Trainer.fit(backend, compact, o, null), "gd, L2");
    }

    @Test
    void theHingeLossDualCoordinateDescentEqualsTheCompactFit() {
        // 30 passes: each costs the nonzeros and the columns held, not the width (the dual's ‖w̃‖² over held columns).
        TrainingOptions o = TrainingOptions.DEFAULT.withLoss(Loss.hinge()).withPenalty(Penalty.l2(1))
                .withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(30));
        TrainingResult w = Trainer.fit(backend, wide, o, null);
        assertEquals(30, w.optimization().iterations(), "passes");
        assertWideEqualsCompact(w, Trainer.fit(backend, compact, o, null), "hinge, dual coordinate descent");
    }
}
