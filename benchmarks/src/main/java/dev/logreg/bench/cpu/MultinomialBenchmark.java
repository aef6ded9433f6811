package dev.logreg.bench.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.cpu.Nd4jBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The multinomial (softmax) pass of the CPU backend and its time to the optimum, for issue 16's CPU benchmark:
 * <ol>
 *   <li>seeded rows × cols float32 features and K classes drawn from a random softmax model (no class separates),
 *       written as raw little-endian float32 ({@code x.f32}, {@code y.f32}) for scikit-learn to read the same bytes;</li>
 *   <li>the fused value+gradient and value-only passes (medians) beside a read-only pass over the same bytes with one
 *       thread per core ({@link BandwidthBenchmark#javaReadBandwidth}: the ceiling a memory-bound pass could reach);</li>
 *   <li>L-BFGS on the CPU backend with L2 λ (J = (1/m) Σ ℓ + (λ/2m) ‖W‖², intercepts free), run tightly: its final
 *       objective is J*; the time to the first iteration with J ≤ J*·(1 + 1e-6) is logreg's time to the optimum,
 *       from the start of {@code Trainer.fit} (bind and column statistics included). J*, that time and the
 *       coefficients go to {@code logreg.txt} for the scikit-learn side ({@code benchmarks/cpu/multinomial_sklearn.py}).</li>
 * </ol>
 * Arguments: {@code --rows R --cols N --classes K --lambda L --seed S --reps N --out DIR}. Run through
 * {@code benchmarks/cpu/run-multinomial.sh}.
 */
public final class MultinomialBenchmark {
    private MultinomialBenchmark() {}

    /** Runs the benchmark; see the class comment. */
    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int cols = 100;
        int classes = 10;
        double lambda = 1.0;
        long seed = 20261202L;
        int reps = 5;
        Path out = Path.of("benchmarks/target/cpu-multinomial");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Integer.parseInt(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--classes": classes = Integer.parseInt(args[++i]); break;
                case "--lambda": lambda = Double.parseDouble(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--out": out = Path.of(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Files.createDirectories(out);
        float[] x = new float[Math.multiplyExact(rows, cols)];
        float[] y = new float[rows];
        generate(x, y, rows, cols, classes, new SplittableRandom(seed));
        write(out.resolve("x.f32"), x);
        write(out.resolve("y.f32"), y);
        System.out.printf(Locale.ROOT, "data: %d x %d float32 (%.0f MB), K = %d, seed %d, L2 lambda = %s (J = (1/m) sum loss + (lambda/2m) ||W||^2)%n",
                rows, cols, 4.0 * x.length / 1e6, classes, seed, lambda);

        Dataset data = Dataset.wrap(x, cols, y, null, classes);
        int cores = Runtime.getRuntime().availableProcessors();
        double bytes = 4.0 * x.length;
        double read = BandwidthBenchmark.javaReadBandwidth(x, cores, reps);
        System.out.printf(Locale.ROOT, "read-only pass over X (Java, %d threads, the ceiling): best %.2f GB/s = %.1f ms%n", cores, read, bytes / read / 1e6);
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT)) {
            System.out.println("backend: " + cpu.description());
            double[] params = new double[classes * (cols + 1)];
            SplittableRandom r = new SplittableRandom(seed + 1);
            for (int i = 0; i < params.length; i++) params[i] = r.nextGaussian() * 0.05;
            try (DataTerm term = cpu.bind(data, Loss.multinomial())) {
                double[] g = new double[params.length];
                term.valueAndGradient(params, g);
                term.value(params);
                double[] vg = new double[reps];
                double[] v = new double[reps];
                double[] busy = new double[reps];
                for (int i = 0; i < reps; i++) {
                    long c0 = BandwidthBenchmark.processCpuNanos();
                    long t0 = System.nanoTime();
                    term.valueAndGradient(params, g);
                    long t1 = System.nanoTime();
                    vg[i] = (t1 - t0) * 1e-9;
                    busy[i] = (double) (BandwidthBenchmark.processCpuNanos() - c0) / (t1 - t0);
                    long t2 = System.nanoTime();
                    term.value(params);
                    v[i] = (System.nanoTime() - t2) * 1e-9;
                }
                double mvg = median(vg);
                System.out.printf(Locale.ROOT, "fused multinomial value+gradient: median %.1f ms = %.2f GB/s = %.1f%% of the read-only pass (%.2f cores busy; %.1f ns a row a busy core); value only: median %.1f ms%n",
                        mvg * 1e3, bytes / mvg / 1e9, 100 * (bytes / mvg / 1e9) / read, median(busy), mvg * median(busy) / rows * 1e9, median(v) * 1e3);
            }

            TrainingOptions options = TrainingOptions.DEFAULT.withLoss(Loss.multinomial()).withPenalty(Penalty.l2(lambda)).withOptimizer("lbfgs")
                    .withCriteria(TrainingOptions.DEFAULT.criteria().withGradientTolerance(1e-10).withRelativeObjectiveTolerance(1e-14).withMaxIterations(3000));
            List<double[]> trace = new ArrayList<>();
            long start = System.nanoTime();
            TrainingListener listener = s -> trace.add(new double[] {s.iteration(), s.objective(), (System.nanoTime() - start) * 1e-9});
            TrainingResult fit = Trainer.fit(cpu, data, options, listener);
            double total = (System.nanoTime() - start) * 1e-9;
            double jStar = fit.objective();
            double target = jStar * (1 + 1e-6);
            double[] reached = null;
            for (double[] t : trace) {
                if (t[1] <= target) {
                    reached = t;
                    break;
                }
            }
            System.out.printf(Locale.ROOT, "logreg cpu lbfgs (tight run): %s after %d iterations, %.1f s; J* = %.15g%n",
                    fit.status(), fit.optimization().iterations(), total, jStar);
            if (reached == null) throw new IllegalStateException("no iteration reached J*(1 + 1e-6)");
            System.out.printf(Locale.ROOT, "logreg cpu lbfgs time to J <= J*(1 + 1e-6): %.2f s (iteration %d)%n", reached[2], (int) reached[0]);
            StringBuilder s = new StringBuilder();
            s.append("jstar ").append(jStar).append('\n').append("seconds ").append(reached[2]).append('\n')
                    .append("iterations ").append((int) reached[0]).append('\n');
            Files.writeString(out.resolve("logreg.txt"), s.toString());
        }
    }

    /**
     * Features N(0, 1) scaled by 1 + (j mod 3) and shifted by (j mod 2)·0.5; labels drawn from softmax(W·x + b) with
     * W entries N(0, 0.3²/n·10) so no class separates; every class has rows.
     */
    static void generate(float[] x, float[] y, int rows, int cols, int classes, SplittableRandom rnd) {
        double[] w = new double[classes * cols];
        double[] b = new double[classes];
        double sd = 0.3 * Math.sqrt(10.0 / cols);
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextGaussian() * sd;
        for (int c = 0; c < classes; c++) b[c] = rnd.nextGaussian() * 0.3;
        double[] z = new double[classes];
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) x[o + j] = (float) (rnd.nextGaussian() * (1 + j % 3) + (j % 2) * 0.5);
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = b[c];
                for (int j = 0; j < cols; j++) s += w[c * cols + j] * x[o + j] / (1 + j % 3);
                z[c] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += (z[c] = Math.exp(z[c] - max));
            int label = classes - 1;
            if (i < classes) {
                label = i;
            } else {
                double u = rnd.nextDouble() * sum;
                for (int c = 0; c < classes; c++) {
                    u -= z[c];
                    if (u < 0) {
                        label = c;
                        break;
                    }
                }
            }
            y[i] = label;
        }
    }

    private static void write(Path path, float[] a) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < a.length; ) {
                buf.clear();
                int k = Math.min(a.length - i, buf.capacity() / 4);
                buf.asFloatBuffer().put(a, i, k);
                buf.limit(k * 4);
                while (buf.hasRemaining()) ch.write(buf);
                i += k;
            }
        }
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
