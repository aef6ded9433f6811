package dev.logreg.optim;

import java.util.SplittableRandom;

/**
 * The epoch loop shared by {@link SgdOptimizer} and {@link AdamOptimizer}. The rows [0, rows()) are cut into
 * contiguous batches of {@code batchSize} rows (the last one shorter); each epoch visits every batch once, in an
 * order drawn from a {@link SplittableRandom} seeded with the optimizer's seed (Fisher–Yates), so that a run is
 * reproducible bit for bit. After each epoch the full objective and gradient are evaluated for the listener, the
 * history and the stopping tests. Where a batch value, gradient or step turns non-finite the epoch is undone: the
 * iterate at its start (whose full objective was finite) is returned with {@link Status#NUMERIC_ERROR}.
 */
final class MiniBatchLoop {
    /** One update rule; owns its own per-call state (velocity, moments). */
    interface Rule {
        /**
         * Updates {@code x} in place from the mini-batch gradient {@code g}.
         *
         * @param t    1-based count of steps so far in this call
         * @param rate the learning rate for this step
         */
        void step(double[] x, double[] g, long t, double rate);
    }

    private MiniBatchLoop() {}

    /**
     * Runs the loop from {@code x} (overwritten).
     *
     * @param initialRate η₀
     * @param decay       γ of the inverse-time schedule η = η₀ / (1 + γ·e), e the (fractional) epochs done
     */
    static OptimizationResult run(Objective f, double[] x, int batchSize, long seed, double initialRate, double decay, Rule rule,
                                  Progress p) {
        int n = x.length;
        long rows = f.rows();
        if (rows < 1) throw new IllegalArgumentException("objective has " + rows + " rows, expected at least 1");
        long batchesLong = (rows + batchSize - 1) / batchSize;
        if (batchesLong > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + " rows in batches of " + batchSize + " make more than 2^31 batches; use a larger batch size");
        }
        int batches = (int) batchesLong;
        int[] order = new int[batches];
        for (int i = 0; i < batches; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);

        double[] g = new double[n];
        Progress.Start start = p.start(f, x, g);
        if (start.finished() != null) return start.finished();
        double fx = start.value();
        double gNorm = start.gradientNorm();

        double[] gb = new double[n];
        double[] xStart = new double[n];
        long t = 0;
        while (true) {
            for (int i = batches - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            System.arraycopy(x, 0, xStart, 0, n);
            double rate = initialRate;
            for (int b = 0; b < batches; b++) {
                long from = (long) order[b] * batchSize;
                long to = Math.min(from + batchSize, rows);
                double v = f.batchValueAndGradient(from, to, x, gb);
                rate = initialRate / (1.0 + decay * ((double) t / batches));
                if (Double.isFinite(v) && Vectors.allFinite(gb)) {
                    rule.step(x, gb, ++t, rate);
                }
                if (!Double.isFinite(v) || !Vectors.allFinite(gb) || !Vectors.allFinite(x)) {
                    p.evaluated();
                    return p.finish(xStart, fx, gNorm, Status.NUMERIC_ERROR,
                            "non-finite mini-batch value, gradient or step in epoch " + (p.iterations() + 1) + " (diverging? try a smaller learning rate);"
                                    + " returned the iterate at the start of that epoch");
                }
            }
            p.evaluated();
            double previous = fx;
            double fNew = f.smoothValueAndGradient(x, g);
            p.evaluated();
            if (!Double.isFinite(fNew) || !Vectors.allFinite(g)) {
                return p.finish(xStart, fx, gNorm, Status.NUMERIC_ERROR,
                        "non-finite objective after epoch " + (p.iterations() + 1) + "; returned the iterate at the start of that epoch");
            }
            fx = fNew;
            gNorm = Vectors.infNorm(g);
            Status st = p.afterIteration(previous, fx, gNorm, rate);
            if (st != null) return p.finish(x, fx, gNorm, st, Progress.describe(st));
        }
    }

    static void checkCommon(int batchSize, double learningRate, double decay) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size is " + batchSize + ", expected at least 1");
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate is " + learningRate + ", expected a finite number > 0");
        }
        if (!(decay >= 0) || !Double.isFinite(decay)) {
            throw new IllegalArgumentException("learning-rate decay is " + decay + ", expected a finite number >= 0");
        }
    }
}
