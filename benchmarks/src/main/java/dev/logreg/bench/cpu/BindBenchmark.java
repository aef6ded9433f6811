package dev.logreg.bench.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.cpu.Nd4jBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.BoundData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What binding a dataset to the CPU backend costs, beside what moving its bytes can cost on this machine, in the
 * same run: {@code Nd4jBackend.bind} of (a) heap {@code float[]} data (copied into ND4J memory), (b) the same rows
 * permuted (gathered row by row), (c) the same rows in direct native-order buffers (read in place), next to three
 * ceilings: the streaming read bandwidth (Java read loop and {@code stream_read.c}), a bulk copy of X into memory
 * touched before (the memcpy a copying bind cannot beat), and {@code ByteBuffer.allocateDirect} of X's bytes, which
 * zero-fills and so pays the first touch of every fresh page (what any allocation of new memory pays on its first
 * use, whoever allocates it).
 *
 * <p>Then whole fits, alternated in the same minutes so that a busy neighbour hits all alike: {@code Trainer.fit}
 * on the heap rows (binds by copying), on the direct rows (binds in place), and {@code Trainer.fit(BoundData)} on
 * rows bound once (what each fit of a regularization path pays after the first); L-BFGS, L2 λ = 1, 10 iterations
 * (the budget that reaches 1e-6 of the optimum in {@code TimeToOptimumBenchmark}). Each fit's line gives the cores it
 * got (process CPU time / wall time): on a shared machine that, not the kernel, moves most.
 *
 * <p>Run through {@code benchmarks/cpu/run-bind.sh}. Arguments: {@code [--rows R] [--cols N] [--reps K]
 * [--fit-reps K] [--stream-binary PATH]} ({@code --fit-reps 0} skips the fits; they need this tree's {@code
 * Trainer.bind}). Each repetition prints its times; the summary gives medians and ratios.
 */
public final class BindBenchmark {
    private BindBenchmark() {}

    /** Runs the benchmark; prints one line per repetition and a summary. */
    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int cols = 100;
        int reps = 5;
        int fitReps = 5;
        String streamBinary = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Integer.parseInt(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--fit-reps": fitReps = Integer.parseInt(args[++i]); break;
                case "--stream-binary": streamBinary = args[++i]; break;
                default: throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        long floats = Math.multiplyExact((long) rows, cols);
        long bytes = 4 * floats;
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("X is " + bytes + " bytes; this benchmark holds it in one direct buffer (at most 2^31 - 1 bytes)");
        System.out.printf(Locale.ROOT, "data: %d x %d float32 (BandwidthBenchmark's, seed 42), X = %.1f MB; %d cores; java %s%n",
                rows, cols, bytes / 1e6, cores, System.getProperty("java.version"));
        float[] x = new float[(int) floats];
        float[] y = new float[rows];
        BandwidthBenchmark.generate(x, y, rows, cols, new SplittableRandom(42));
        Dataset heap = Dataset.wrap(x, cols, y, null);
        FloatBuffer dx = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, x);
        FloatBuffer dy = ByteBuffer.allocateDirect(4 * rows).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, y);
        Dataset direct = Dataset.wrap(dx, cols, dy, null, null);
        // Touched once here, so that the copies below measure moving bytes, not the first touch of fresh pages.
        FloatBuffer touched = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, x);

        double javaRead = BandwidthBenchmark.javaReadBandwidth(x, cores, 10);
        double cRead = streamBinary == null ? Double.NaN : BandwidthBenchmark.runStream(streamBinary);
        double stream = Double.isNaN(cRead) ? javaRead : Math.max(javaRead, cRead);
        System.out.printf(Locale.ROOT, "streaming read bandwidth: Java %.2f GB/s, C %.2f GB/s, best %.2f GB/s (%d cores)%n", javaRead, cRead, stream, cores);

        double[] copy = new double[reps];
        double[] fresh = new double[reps];
        double[] bindHeap = new double[reps];
        double[] bindPermuted = new double[reps];
        double[] bindDirect = new double[reps];
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT)) {
            cpu.bind(heap, Loss.log()).close();  // loads the kernels' classes and ND4J's allocator once
            if (fitReps > 0) fits(cpu, heap, direct, fitReps);
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                touched.put(0, x);
                copy[r] = seconds(t0);

                t0 = System.nanoTime();
                ByteBuffer b = ByteBuffer.allocateDirect((int) bytes);
                fresh[r] = seconds(t0);
                if (b.get((int) (bytes / 2)) != 0) throw new AssertionError("allocateDirect did not zero-fill");
                b = null;

                bindHeap[r] = timeBind(cpu, heap, BindOptions.DEFAULT);
                bindPermuted[r] = timeBind(cpu, heap, BindOptions.permuted(7));
                bindDirect[r] = timeBind(cpu, direct, BindOptions.DEFAULT);
                System.out.printf(Locale.ROOT, "rep %d: bulk copy of X into touched memory %.3f s; allocateDirect (fresh pages, zero-filled) %.3f s;"
                                + " bind heap %.3f s, heap permuted %.3f s, direct native-order %.4f s%n",
                        r + 1, copy[r], fresh[r], bindHeap[r], bindPermuted[r], bindDirect[r]);
                System.gc();  // frees the direct buffer of this repetition (its Cleaner runs after a collection)
            }
        }
        double c = median(copy);
        double f = median(fresh);
        double h = median(bindHeap);
        double p = median(bindPermuted);
        double d = median(bindDirect);
        System.out.printf(Locale.ROOT, "summary (medians of %d):%n", reps);
        System.out.printf(Locale.ROOT, "  X at the streaming read bandwidth: %.3f s; bulk copy into touched memory: %.3f s (%.2f GB/s); fresh pages of X's size: %.3f s%n",
                bytes / (stream * 1e9), c, bytes / c / 1e9, f);
        System.out.printf(Locale.ROOT, "  bind heap:                 %.3f s = %.1f x the bulk copy, %.2f x the fresh pages%n", h, h / c, h / f);
        System.out.printf(Locale.ROOT, "  bind heap permuted:        %.3f s = %.1f x the bulk copy, %.2f x the fresh pages%n", p, p / c, p / f);
        System.out.printf(Locale.ROOT, "  bind direct native-order:  %.4f s = %.3f x the bulk copy%n", d, d / c);
    }

    /** Whole fits three ways, alternated; prints each and the medians. */
    private static void fits(Nd4jBackend cpu, Dataset heap, Dataset direct, int reps) {
        TrainingOptions o = TrainingOptions.DEFAULT.withOptimizer("lbfgs").withPenalty(Penalty.l2(1.0))
                .withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(10).withGradientTolerance(1e-15).withRelativeObjectiveTolerance(0));
        String[] names = {"Trainer.fit, heap float[] rows", "Trainer.fit, direct native-order rows", "Trainer.fit(BoundData), heap rows bound once"};
        double[][] wall = new double[3][reps];
        double[][] opt = new double[3][reps];
        double[][] busy = new double[3][reps];
        try (BoundData bound = Trainer.bind(cpu, heap, o)) {
            Trainer.fit(bound, o.withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(1)), TrainingListener.NONE);  // JIT warm-up; keeps the column statistics
            Trainer.fit(cpu, direct, o.withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(1)), TrainingListener.NONE);
            for (int r = 0; r < reps; r++) {
                for (int k = 0; k < 3; k++) {
                    long c0 = BandwidthBenchmark.processCpuNanos();
                    long t0 = System.nanoTime();
                    TrainingResult res = k == 0 ? Trainer.fit(cpu, heap, o, TrainingListener.NONE)
                            : k == 1 ? Trainer.fit(cpu, direct, o, TrainingListener.NONE)
                            : Trainer.fit(bound, o, TrainingListener.NONE);
                    wall[k][r] = seconds(t0);
                    busy[k][r] = (BandwidthBenchmark.processCpuNanos() - c0) / 1e9 / wall[k][r];
                    opt[k][r] = res.optimization().elapsedNanos() / 1e9;
                    System.out.printf(Locale.ROOT, "fit rep %d: %-46s %.3f s (optimizer %.3f s, %d evaluations, %.2f cores busy), J = %.15g%n",
                            r + 1, names[k], wall[k][r], opt[k][r], res.optimization().evaluations(), busy[k][r], res.objective());
                }
            }
        }
        System.out.printf(Locale.ROOT, "fits, medians of %d:%n", reps);
        for (int k = 0; k < 3; k++) {
            System.out.printf(Locale.ROOT, "  %-46s %.3f s (optimizer %.3f s, %.2f cores busy)%n", names[k], median(wall[k]), median(opt[k]), median(busy[k]));
        }
    }

    private static double timeBind(Nd4jBackend cpu, Dataset data, BindOptions options) {
        long t0 = System.nanoTime();
        DataTerm term = cpu.bind(data, Loss.log(), options);
        double s = seconds(t0);
        term.close();
        return s;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
