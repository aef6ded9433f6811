package dev.logreg.model;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks the class comment's claim that scoring allocates nothing per row, and that one model scores from many
 * threads at once with the answers of a single thread.
 */
class LogisticModelAllocationTest {
    private static final int ROWS = 20_000;
    private static final int COLS = 12;

    private static com.sun.management.ThreadMXBean threads() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) mx;
        assumeTrue(t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled(), "per-thread allocation counting is off");
        return t;
    }

    private static LogisticModel model(SplittableRandom r) {
        double[] theta = new double[COLS];
        for (int j = 0; j < COLS; j++) theta[j] = r.nextDouble(-1, 1);
        return new LogisticModel(theta, 0.3, true, null);
    }

    private static float[] batch(SplittableRandom r, int rows) {
        float[] x = new float[rows * COLS];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void batchAndSingleRowScoringAllocateNothingPerRow() {
        com.sun.management.ThreadMXBean mx = threads();
        SplittableRandom r = new SplittableRandom(5);
        LogisticModel m = model(r);
        float[] x = batch(r, ROWS);
        double[] out = new double[ROWS];
        float[] row = new float[COLS];
        long tid = Thread.currentThread().getId();
        double sink = 0;
        for (int warm = 0; warm < 3; warm++) { // let the JIT settle; interpreted code would not allocate either
            m.predictProbability(x, out);
            m.decisionFunction(x, out);
        }
        long before = mx.getThreadAllocatedBytes(tid);
        m.predictProbability(x, out);
        m.decisionFunction(x, out);
        long batchBytes = mx.getThreadAllocatedBytes(tid) - before;

        before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < ROWS; i++) {
            System.arraycopy(x, i * COLS, row, 0, COLS);
            sink += m.predictProbability(row) + m.predictLabel(row, 0.5);
        }
        long singleBytes = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(Double.isFinite(sink));
        // A per-row allocation would cost at least 16 bytes a row (an object header): 320,000 bytes here. Allow a
        // little for the measurement itself (the MXBean call may allocate a few hundred bytes).
        assertTrue(batchBytes < ROWS / 4, "batch scoring of " + ROWS + " rows allocated " + batchBytes + " bytes");
        assertTrue(singleBytes < ROWS / 4, "single-row scoring of " + ROWS + " rows allocated " + singleBytes + " bytes");
    }

    @Test
    void concurrentBatchScoringAgreesWithOneThread() throws Exception {
        SplittableRandom r = new SplittableRandom(6);
        LogisticModel m = model(r);
        float[] x = batch(r, 5_000);
        double[] expected = new double[5_000];
        m.predictProbability(x, expected);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    double[] out = new double[5_000];
                    for (int rep = 0; rep < 20; rep++) m.predictProbability(x, out);
                    return out;
                }));
            }
            for (Future<double[]> f : results) {
                double[] got = f.get();
                for (int i = 0; i < got.length; i++) {
                    assertTrue(Double.compare(got[i], expected[i]) == 0, "row " + i + ": " + got[i] + " vs " + expected[i]);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
