package dev.logreg.cpu;

import dev.logreg.loss.Loss;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Runs the fused kernel ({@link FusedKernel}, or {@link VectorKernel} where the JVM has the Vector API) over a small
 * synthetic block, so that the JIT has compiled it by the time the first real pass starts.
 *
 * <p>Why: in a fresh JVM the first passes of a fit run the kernel in the interpreter and in C1's profiling code while
 * C2 compiles it; on 1,000,000 x 100 that cost ~0.15–0.25 s of a 0.4 s time to the optimum, on both worker threads
 * at once (a JFR recording of a cold fit, {@code benchmarks/cpu/README.md}). A few thousand calls on a block that
 * stays in the L2 cache reach the same compiled code in ~0.1 CPU-seconds on one thread, which {@code logreg train}
 * overlaps with reading the file ({@link Nd4jBackendProvider#prepare()}). A pass's result does not depend on it:
 * Java's floating point is strict in every tier, so the interpreter, C1 and C2 give the same bits; only time changes.
 *
 * <p>The block is a direct native-order buffer, as the rows of a real fit are (mapped {@code .npy} files, ND4J
 * memory), so the kernel's buffer reads see the same buffer class and compile to the same code. It takes every path a
 * fit takes (value and gradient, value only, weighted and unweighted), so C2 sees each branch in the profile and does
 * not compile one out, then deoptimise at the first real pass that takes it. Owns nothing after it returns.
 */
final class KernelWarmUp {
    /**
     * Columns of the synthetic rows. The compiled code does not depend on the width (the loops run to {@code n});
     * this one is typical of the dense data where a pass costs enough to matter.
     */
    static final int COLUMNS = 128;
    /**
     * Tiles (of 8 rows) each path goes through: past C2's thresholds for the per-tile methods (~5,000 calls and ~15,000 loop
     * iterations) with room. Wide rows stop earlier, at {@link #FLOATS} floats a path: their long inner loops reach
     * the thresholds through their back-edges in far fewer calls.
     */
    private static final int TILES = 24_000;
    private static final long FLOATS = 24_000_000L;
    /** Floats of the synthetic block (256 KiB): small enough to stay in the L2 cache, so it reads no main memory. */
    private static final int BLOCK_FLOATS = 64 * 1024;

    private KernelWarmUp() {}

    /**
     * Starts the warm-up on a daemon thread of low priority and returns at once; the thread ends when it is done (a
     * JVM that exits earlier does not wait for it).
     *
     * @param vectorized warm {@link VectorKernel} (only where {@link Nd4jSupport#vectorApiAvailable()}), else
     *                   {@link FusedKernel}
     */
    static Thread startInBackground(int n, boolean vectorized) {
        Thread t = new Thread(() -> run(n, vectorized), "logreg-cpu-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /**
     * Runs the warm-up on the calling thread for rows of {@code n} features.
     *
     * @return the value sum of the last pass (finite; returned so that the work is not dead code)
     */
    static double run(int n, boolean vectorized) {
        if (n < 1) throw new IllegalArgumentException("n is " + n + ", expected at least 1");
        int tileRows = vectorized ? VectorKernel.tileRows(n) : FusedKernel.tileRows(n);
        // The same rows and calls for both kernels (a multiple of 8 rows, a whole number of either's tiles), so that
        // their results can be compared; an even number of calls, half of them weighted.
        int rows = Math.max(8, BLOCK_FLOATS / n & ~7);
        long calls = Math.max(1, Math.min((long) TILES * 8 / rows, FLOATS / ((long) rows * n)) / 2) * 2;
        FloatBuffer x = direct(rows * n);
        FloatBuffer y = direct(rows);
        FloatBuffer w = direct(rows);
        for (int i = 0; i < rows; i++) {
            y.put(i, i % 3 == 0 ? 1f : 0f);
            w.put(i, 1f + (i & 1));
            for (int j = 0; j < n; j++) x.put(i * n + j, ((i * 31 + j * 17) % 97) / 97f - 0.5f);
        }
        double[] theta = new double[n];
        for (int j = 0; j < n; j++) theta[j] = (j % 5 - 2) * 0.01;
        double[] acc = new double[n + 3];
        float[] tile = new float[tileRows * n];
        for (long call = 0; call < calls; call++) {
            FloatBuffer weights = (call & 1) == 0 ? null : w;
            Arrays.fill(acc, 0.0);
            pass(vectorized, x, y, weights, n, rows, theta, true, acc, tile);
            pass(vectorized, x, y, weights, n, rows, theta, false, acc, tile);
        }
        return acc[n + 1];
    }

    private static void pass(boolean vectorized, FloatBuffer x, FloatBuffer y, FloatBuffer w, int n, int rows,
                             double[] theta, boolean gradient, double[] acc, float[] tile) {
        // VectorKernel is named only on this branch: loading it without the module fails.
        if (vectorized) VectorKernel.accumulate(true, x, y, w, n, 0, rows, theta, 0.1, gradient, acc, tile);
        else FusedKernel.accumulate(Loss.Kind.LOG, x, y, w, n, 0, rows, theta, 0.1, gradient, acc, tile);
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
