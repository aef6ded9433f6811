package dev.logreg.bench.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.cpu.Nd4jBackend;
import dev.logreg.data.Dataset;
import dev.logreg.model.LogisticModel;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.CrossValidation;
import dev.logreg.train.CrossValidationOptions;
import dev.logreg.train.CrossValidationResult;
import dev.logreg.train.Scorer;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What choosing λ by k-fold cross-validation costs on the CPU backend, measured against two yardsticks in the same
 * run (the machine is shared, so only ratios taken minutes apart mean anything):
 * <ul>
 *   <li>one cold fit on all rows at the chosen λ: the cost of training without choosing λ;</li>
 *   <li>the same grid and folds done the way Spark ML's {@code CrossValidator} does it: every (fold, λ) fitted cold
 *       on a copy of its training rows, scored on a copy of its held-out rows.</li>
 * </ul>
 * {@link CrossValidation} fits each fold's path from the largest λ down, each fit warm-started from the last, on the
 * rows bound once with the held-out fold at weight 0. The two ways must give the same held-out scores; the largest
 * relative difference is printed beside the times, with the data passes (objective evaluations) each way took.
 *
 * <p>Usage: {@code CrossValidationBenchmark [--rows R] [--cols N] [--folds K] [--lambdas L] [--penalty l1|l2]
 * [--reps N]}; {@code benchmarks/cpu/run-cross-validation.sh} builds and runs it and keeps the raw output.
 */
public final class CrossValidationBenchmark {
    private CrossValidationBenchmark() {}

    public static void main(String[] args) {
        int rows = 200_000;
        int cols = 50;
        int folds = 5;
        int lambdas = 10;
        int reps = 3;
        String penalty = "l1";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Integer.parseInt(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--folds": folds = Integer.parseInt(args[++i]); break;
                case "--lambdas": lambdas = Integer.parseInt(args[++i]); break;
                case "--penalty": penalty = args[++i]; break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        float[] x = new float[Math.multiplyExact(rows, cols)];
        float[] y = new float[rows];
        BandwidthBenchmark.generate(x, y, rows, cols, new SplittableRandom(42));
        Dataset data = direct(x, y, cols);
        TrainingOptions options = TrainingOptions.DEFAULT.withPenalty(Penalty.of(penalty, 1.0, 0.5));
        CrossValidationOptions cv = CrossValidationOptions.DEFAULT.withFolds(folds).withLambdaCount(lambdas);
        System.out.printf(Locale.ROOT, "data: %d x %d float32 (BandwidthBenchmark.generate, seed 42), penalty %s, %d folds x %d lambdas"
                + " from the data, optimizer auto, default tolerance; %d reps, the three ways alternated%n", rows, cols, penalty, folds, lambdas, reps);
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT)) {
            System.out.println("backend: " + backend.description());
            for (int rep = 0; rep < reps; rep++) {
                long[] cvEvaluations = new long[1];
                long t0 = System.nanoTime();
                CrossValidationResult r = CrossValidation.run(backend, data, options, cv.withRefit(false),
                        (f, lambda, fit, score) -> cvEvaluations[0] += fit.optimization().evaluations());
                double cvSeconds = (System.nanoTime() - t0) / 1e9;

                t0 = System.nanoTime();
                TrainingResult one = Trainer.fit(backend, data, options.withPenalty(Penalty.of(penalty, r.chosenLambda(), 0.5)), null);
                double oneSeconds = (System.nanoTime() - t0) / 1e9;

                t0 = System.nanoTime();
                double[] worst = new double[1];
                long coldEvaluations = coldGrid(backend, data, options, penalty, r, options.seed(), worst);
                double coldSeconds = (System.nanoTime() - t0) / 1e9;

                System.out.printf(Locale.ROOT, "rep %d: cross-validation %.2f s (%d fits, %d evaluations, chose lambda %.4g of %d, %d unconverged);"
                                + " one cold fit at that lambda %.3f s (%d evaluations); cold per (fold, lambda) on copies %.2f s (%d evaluations)%n",
                        rep, cvSeconds, folds * r.path().size(), cvEvaluations[0], r.chosenLambda(), r.path().size(), r.unconvergedFits(),
                        oneSeconds, one.optimization().evaluations(), coldSeconds, coldEvaluations);
                System.out.printf(Locale.ROOT, "rep %d: ratios: cross-validation / one fit %.1f (evaluations %.1f); cold grid / cross-validation %.2f"
                                + " (evaluations %.2f); largest relative score difference %.2e%n",
                        rep, cvSeconds / oneSeconds, (double) cvEvaluations[0] / one.optimization().evaluations(), coldSeconds / cvSeconds,
                        (double) coldEvaluations / cvEvaluations[0], worst[0]);
            }
        }
    }

    /**
     * Every (fold, λ) of {@code r}'s grid fitted cold on copies of the fold's rows; returns the evaluations and puts
     * the largest relative difference from {@code r}'s scores in {@code worst[0]}.
     */
    private static long coldGrid(Nd4jBackend backend, Dataset data, TrainingOptions options, String penalty, CrossValidationResult r, long seed,
                                 double[] worst) {
        int k = r.folds();
        int[] fold = CrossValidation.stratifiedFolds(data.copyLabels(), k, seed);
        long evaluations = 0;
        for (int f = 0; f < k; f++) {
            Dataset train = data.select(rowsOf(fold, f, false));
            Dataset held = data.select(rowsOf(fold, f, true));
            float[] heldLabels = held.copyLabels();
            for (int g = 0; g < r.path().size(); g++) {
                CrossValidationResult.LambdaScore s = r.path().get(g);
                TrainingResult fit = Trainer.fit(backend, train, options.withPenalty(Penalty.of(penalty, s.lambda(), 0.5)), null);
                evaluations += fit.optimization().evaluations();
                LogisticModel m = fit.model();
                double score = Scorer.logLoss().score(m.decisionFunction(held), heldLabels, null);
                worst[0] = Math.max(worst[0], Math.abs(score - s.foldScores()[f]) / Math.abs(s.foldScores()[f]));
            }
        }
        return evaluations;
    }

    /** The rows of fold {@code f} ({@code held}) or of every other fold. */
    private static int[] rowsOf(int[] fold, int f, boolean held) {
        return java.util.stream.IntStream.range(0, fold.length).filter(i -> (fold[i] == f) == held).toArray();
    }

    /** Direct native-order buffers, as the readers give, so the CPU backend reads them in place. */
    static Dataset direct(float[] x, float[] y, int cols) {
        java.nio.FloatBuffer fx = java.nio.ByteBuffer.allocateDirect(4 * x.length).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().put(0, x);
        java.nio.FloatBuffer fy = java.nio.ByteBuffer.allocateDirect(4 * y.length).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().put(0, y);
        return Dataset.wrap(fx, cols, fy, null, null);
    }
}
