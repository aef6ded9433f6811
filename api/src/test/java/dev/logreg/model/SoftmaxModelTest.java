package dev.logreg.model;

import dev.logreg.data.Dataset;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Scoring of the K-class models: stable probabilities, ±∞ and NaN logits, one answer whichever path, no allocation. */
class SoftmaxModelTest {
    private static final int K = 4;
    private static final int N = 6;

    private static SoftmaxModel model(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] w = new double[K][N];
        double[] b = new double[K];
        for (int c = 0; c < K; c++) {
            for (int j = 0; j < N; j++) w[c][j] = r.nextDouble(-1, 1);
            b[c] = r.nextDouble(-0.5, 0.5);
        }
        return new SoftmaxModel(w, b, true, null);
    }

    private static float[] batch(SplittableRandom r, int rows) {
        float[] x = new float[rows * N];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void probabilitiesAreTheSoftmaxOfTheLogitsAndSumToOne() {
        SoftmaxModel m = model(1);
        float[] row = {0.5f, -1, 2, 0, 0.25f, -0.75f};
        double[] z = new double[K];
        m.decisionFunction(row, z);
        double[] p = new double[K];
        m.predictProbabilities(row, p);
        double norm = 0;
        for (double zc : z) norm += Math.exp(zc);
        double sum = 0;
        int best = 0;
        for (int c = 0; c < K; c++) {
            assertEquals(Math.exp(z[c]) / norm, p[c], 1e-15);
            sum += p[c];
            if (z[c] > z[best]) best = c;
        }
        assertEquals(1.0, sum, 1e-15);
        assertEquals(best, m.predictClass(row));
    }

    @Test
    void hugeLogitsDoNotOverflowAndInfiniteOnesShareTheProbability() {
        SoftmaxModel m = new SoftmaxModel(new double[][] {{1000}, {999}, {-1000}}, new double[3], true, null);
        double[] p = new double[3];
        m.predictProbabilities(new float[] {1}, p);
        assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-15);
        assertEquals(Math.exp(-1) / (1 + Math.exp(-1)), p[1], 1e-15);
        assertEquals(0.0, p[2], 0.0);
        m.predictProbabilities(new float[] {Float.POSITIVE_INFINITY}, p);
        assertArrayEquals(new double[] {0.5, 0.5, 0}, p, 0.0);
        m.predictProbabilities(new float[] {Float.NEGATIVE_INFINITY}, p);
        assertArrayEquals(new double[] {0, 0, 1}, p, 0.0);
        SoftmaxModel same = new SoftmaxModel(new double[][] {{1}, {1}}, new double[2], true, null);
        same.predictProbabilities(new float[] {Float.NEGATIVE_INFINITY}, p);
        assertEquals(0.5, p[0], 0.0, "every logit −∞: equally likely");
        assertEquals(0, same.predictClass(new float[] {3}), "ties go to the lowest class");
    }

    @Test
    void aNaNLogitIsAnErrorNamingTheRowAndClass() {
        SoftmaxModel m = new SoftmaxModel(new double[][] {{1, 0}, {0, 1}}, new double[2], true, null);
        UndefinedLogitException single = assertThrows(UndefinedLogitException.class, () -> m.predictProbabilities(new float[] {Float.NaN, 0}, new double[2]));
        assertTrue(single.getMessage().startsWith("row 0: the logit of class 0 is NaN"), single.getMessage());
        UndefinedLogitException batch = assertThrows(UndefinedLogitException.class,
                () -> m.predictProbabilitiesBatch(new float[] {1, 2, 0, Float.NaN}, new double[4]));
        assertTrue(batch.getMessage().startsWith("row 1: the logit of class 0 is NaN"), batch.getMessage()); // 0·NaN is NaN too
        assertEquals(1, batch.row(), "the row, for callers that name it their own way");
        assertThrows(IllegalArgumentException.class, () -> m.predictClass(new float[] {Float.NaN, 0}));
        OneVsRestModel ovr = new OneVsRestModel(List.of(new LogisticModel(new double[] {1, 0}, 0, true, null), new LogisticModel(new double[] {0, 1}, 0, true, null)));
        assertThrows(UndefinedLogitException.class, () -> ovr.predictProbabilities(new float[] {0, Float.NaN}, new double[2]));
    }

    @Test
    void aRowScoresTheSameBitsAloneInABatchAndInADataset() {
        SoftmaxModel m = model(2);
        SplittableRandom r = new SplittableRandom(3);
        int rows = 50;
        float[] x = batch(r, rows);
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) labels[i] = i % K;
        Dataset d = Dataset.wrap(x, N, labels, null, K);
        double[] fromData = m.predictProbabilities(d);
        int[] classes = m.predictClasses(d);
        double[] batchOut = new double[rows * K];
        m.predictProbabilitiesBatch(x, batchOut);
        int[] batchClasses = new int[rows];
        m.predictClassesBatch(x, batchClasses);
        assertArrayEquals(fromData, batchOut, 0.0);
        assertArrayEquals(classes, batchClasses);
        float[] row = new float[N];
        double[] p = new double[K];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, i * N, row, 0, N);
            m.predictProbabilities(row, p);
            for (int c = 0; c < K; c++) assertEquals(fromData[i * K + c], p[c], 0.0, "row " + i + ", class " + c);
            assertEquals(classes[i], m.predictClass(row));
        }
    }

    /**
     * A dataset of three blocks and more rows than one parallel piece (4,096) scores each row as the row alone does:
     * the pieces run on several threads, each row's logits where its block and offset put them.
     */
    @Test
    void aLargeDatasetOfSeveralBlocksScoresEveryRowAsTheRowAlone() {
        SoftmaxModel m = model(2);
        SplittableRandom r = new SplittableRandom(4);
        int[] blockRows = {9_001, 5, 4_100};
        java.util.List<java.nio.FloatBuffer> xs = new java.util.ArrayList<>();
        java.util.List<java.nio.FloatBuffer> ys = new java.util.ArrayList<>();
        for (int rows : blockRows) {
            float[] labels = new float[rows];
            for (int i = 0; i < rows; i++) labels[i] = i % K;
            xs.add(java.nio.FloatBuffer.wrap(batch(r, rows)));
            ys.add(java.nio.FloatBuffer.wrap(labels));
        }
        Dataset d = Dataset.wrapBlocks(xs, N, ys, null, null, K, false);
        double[] z = m.decisionFunction(d);
        assertEquals(13_106 * K, z.length);
        float[] row = new float[N];
        double[] expected = new double[K];
        int i = 0;
        for (java.nio.FloatBuffer x : xs) {
            for (int local = 0; local < x.limit() / N; local++, i++) {
                x.get(local * N, row, 0, N);
                m.decisionFunction(row, expected);
                for (int c = 0; c < K; c++) assertEquals(expected[c], z[i * K + c], 0.0, "row " + i + ", class " + c);
            }
        }
    }

    @Test
    void oneVsRestProbabilitiesAreNormalisedSigmoidsEvenFarFromEveryClass() {
        LogisticModel a = new LogisticModel(new double[] {1, 0}, 0.5, true, null);
        LogisticModel b = new LogisticModel(new double[] {0, 1}, -0.5, true, null);
        LogisticModel c = new LogisticModel(new double[] {-1, -1}, 0, true, null);
        OneVsRestModel ovr = new OneVsRestModel(List.of(a, b, c));
        float[] row = {0.3f, -0.2f};
        double[] p = new double[3];
        ovr.predictProbabilities(row, p);
        double sa = a.predictProbability(row);
        double sb = b.predictProbability(row);
        double sc = c.predictProbability(row);
        assertEquals(sa / (sa + sb + sc), p[0], 1e-15);
        assertEquals(sb / (sa + sb + sc), p[1], 1e-15);
        assertEquals(0, ovr.predictClass(row));
        // Every σ underflows to 0 here: σ/Σσ would be 0/0; the log-domain form still answers.
        OneVsRestModel far = new OneVsRestModel(List.of(new LogisticModel(new double[] {1}, -2000, true, null),
                new LogisticModel(new double[] {1}, -2001, true, null)));
        far.predictProbabilities(new float[] {0}, p);
        assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-12);
        assertEquals(1.0, p[0] + p[1], 1e-15);
    }

    @Test
    void badModelsAreRefusedNamingTheEntry() {
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxModel(new double[][] {{1}}, new double[1], true, null));
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxModel(new double[][] {{1, 2}, {1}}, new double[2], true, null));
        assertTrue(ragged.getMessage().contains("class 1"), ragged.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxModel(new double[][] {{1}, {Double.NaN}}, new double[2], true, null));
        assertEquals("coefficient 0 of class 1 is NaN, expected a finite number", nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxModel(new double[][] {{1}, {2}}, new double[] {0, 1}, false, null));
        assertThrows(IllegalArgumentException.class, () -> model(1).predictProbabilities(new float[N], new double[K - 1]));
        assertThrows(IllegalArgumentException.class, () -> model(1).predictClass(new float[N + 1]));
    }

    @Test
    void singleRowAndBatchScoringAllocateNothingPerRow() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(), "per-thread allocation counting is off");
        SoftmaxModel m = model(4);
        int rows = 20_000;
        float[] x = batch(new SplittableRandom(5), rows);
        double[] out = new double[rows * K];
        int[] classes = new int[rows];
        float[] row = new float[N];
        double[] p = new double[K];
        long sink = 0;
        for (int warm = 0; warm < 3; warm++) {
            m.predictProbabilitiesBatch(x, out);
            m.predictClassesBatch(x, classes);
            for (int i = 0; i < 1000; i++) {
                m.predictProbabilities(row, p);
                sink += m.predictClass(row);
            }
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        m.predictProbabilitiesBatch(x, out);
        m.predictClassesBatch(x, classes);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, i * N, row, 0, N);
            m.predictProbabilities(row, p);
            sink += m.predictClass(row);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        // A few hundred bytes of measurement noise at most; one allocation per row would be ≥ 20,000 x 16 bytes.
        assertTrue(allocated < 4096, "scoring " + rows + " rows allocated " + allocated + " bytes (sink " + sink + ")");
    }
}
