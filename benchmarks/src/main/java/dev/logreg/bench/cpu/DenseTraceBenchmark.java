package dev.logreg.bench.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.cpu.Nd4jBackend;
import dev.logreg.data.Dataset;
import dev.logreg.io.DataFormat;
import dev.logreg.io.LoadedData;
import dev.logreg.io.NpyDataReader;
import dev.logreg.io.ReadOptions;
import dev.logreg.loss.Loss;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 19, item 3: logreg's CPU fit on the end-to-end rows (X.npy, y.npy, read as {@code ./logreg train} reads them:
 * mapped), traced so that {@code time_to_optimum_sklearn.py} can time it to J ≤ J*(1 + 1e-6) beside scikit-learn's
 * lbfgs. Each rep is a fresh {@link Trainer#fit} (L2 λ, free intercept, the optimizer asked for, gradient test
 * 1e-10, so that the trace runs past the target); the trace (iteration, J, seconds since the call to fit, evaluations
 * so far) goes to {@code OUT/trace-LABEL-REP.txt}, its first iterations to the output. Iteration 1's time includes
 * what precedes the first step (binding, the column statistics of the preconditioner, the first evaluation).
 *
 * <p>Arguments: {@code --x X.npy --y y.npy --out DIR [--label NAME] [--lambda 1] [--optimizer lbfgs] [--reps 2]
 * [--threads 0]}.
 */
public final class DenseTraceBenchmark {
    private DenseTraceBenchmark() {}

    /** Runs the traced fits; prints one line per fit. */
    public static void main(String[] args) throws Exception {
        Path x = null;
        Path y = null;
        Path out = null;
        String label = "logreg";
        String optimizer = "lbfgs";
        double lambda = 1;
        int reps = 2;
        int threads = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--x": x = Path.of(args[++i]); break;
                case "--y": y = Path.of(args[++i]); break;
                case "--out": out = Path.of(args[++i]); break;
                case "--label": label = args[++i]; break;
                case "--optimizer": optimizer = args[++i]; break;
                case "--lambda": lambda = Double.parseDouble(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--threads": threads = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (x == null || y == null || out == null) throw new IllegalArgumentException("--x, --y and --out are required");
        long r0 = System.nanoTime();
        LoadedData loaded = NpyDataReader.read(x, ReadOptions.DEFAULT.withFormat(DataFormat.NPY).withLabelsFile(y));
        Dataset data = loaded.dataset();
        System.out.printf(Locale.ROOT, "%s: read %d x %d in %.2f s%n", label, data.rows(), data.cols(), (System.nanoTime() - r0) * 1e-9);
        TrainingOptions options = TrainingOptions.DEFAULT.withLoss(Loss.log()).withPenalty(Penalty.l2(lambda)).withFitIntercept(true)
                .withOptimizer(optimizer)
                .withCriteria(TrainingOptions.DEFAULT.criteria().withGradientTolerance(1e-10).withRelativeObjectiveTolerance(1e-14).withMaxIterations(100));
        for (int rep = 1; rep <= reps; rep++) {
            try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT.withThreads(threads))) {
                if (rep == 1) System.out.println(label + ": backend " + cpu.description());
                List<double[]> trace = new ArrayList<>();
                long c0 = BandwidthBenchmark.processCpuNanos();
                long start = System.nanoTime();
                TrainingListener listener = s -> trace.add(new double[] {s.iteration(), s.objective(), (System.nanoTime() - start) * 1e-9, s.evaluations()});
                TrainingResult fit = Trainer.fit(cpu, data, options, listener);
                double total = (System.nanoTime() - start) * 1e-9;
                double cpuSeconds = (BandwidthBenchmark.processCpuNanos() - c0) * 1e-9;
                StringBuilder lines = new StringBuilder();
                StringBuilder brief = new StringBuilder();
                for (double[] t : trace) {
                    lines.append((int) t[0]).append(' ').append(t[1]).append(' ').append(t[2]).append(' ').append((long) t[3]).append('\n');
                    if (t[0] <= 6) brief.append(String.format(Locale.ROOT, " %d:%.3fs/%d", (int) t[0], t[2], (long) t[3]));
                }
                Files.writeString(out.resolve("trace-" + label + "-" + rep + ".txt"), lines.toString());
                System.out.printf(Locale.ROOT, "%s rep %d: %s after %d iterations, %d evaluations, %.2f s (%.2f CPU-s), final J = %.15g%n", label, rep,
                        fit.status(), fit.optimization().iterations(), fit.optimization().evaluations(), total, cpuSeconds, fit.objective());
                System.out.println("  iteration:seconds/evaluations" + brief);
            }
        }
    }
}
