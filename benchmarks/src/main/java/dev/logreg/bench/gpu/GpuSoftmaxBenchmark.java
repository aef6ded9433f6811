package dev.logreg.bench.gpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.BackendOptions;
import dev.logreg.data.Dataset;
import dev.logreg.gpu.CudaBackend;
import dev.logreg.gpu.CudaBackendProvider;
import dev.logreg.gpu.CudaSoftmaxTerm;
import dev.logreg.loss.Loss;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The multinomial GPU benchmark: on seeded m x n float32 data with K classes (default 10,000,000 x 128, K = 10) it
 * times the fused softmax value+gradient pass ({@link CudaSoftmaxTerm}, softmax.cu) and its value-only twin in GB/s
 * of X read, beside the read-only reduction over the same X (the ceiling) and beside PyTorch's float32
 * {@code mm, log_softmax, mm} on the same bytes ({@code benchmarks/gpu/torch_softmax.py}, which also checks our
 * gradient against a float64 one); checks that two runs give the same bits; prints the targets (at least
 * 0.8 of the ceiling, at least 2x PyTorch) as {@code targets:} lines. Without a usable CUDA device it prints
 * {@code no usable CUDA device: <reason>} and exits with status 2.
 *
 * <p>Usage: {@code GpuSoftmaxBenchmark [--rows M] [--cols N] [--classes K] [--reps R] [--seed S] [--work DIR]
 * [--python python3] [--script benchmarks/gpu/torch_softmax.py] [--no-torch]}. Needs about 4 bytes per element of
 * host heap (-Xmx12g for the default size) and as much free disk under DIR for the .npy files (deleted after).
 */
public final class GpuSoftmaxBenchmark {
    private GpuSoftmaxBenchmark() {}

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        long rows = 10_000_000L;
        int cols = 128;
        int classes = 10;
        int reps = 10;
        long seed = 20_261_202L;
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "logreg-gpu-softmax-bench");
        String python = "python3";
        Path script = Path.of("benchmarks/gpu/torch_softmax.py");
        boolean torch = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Long.parseLong(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--classes": classes = Integer.parseInt(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--work": work = Path.of(args[++i]); break;
                case "--python": python = args[++i]; break;
                case "--script": script = Path.of(args[++i]); break;
                case "--no-torch": torch = false; break;
                default:
                    System.err.println("unknown argument " + args[i] + "; see the class comment of " + GpuSoftmaxBenchmark.class.getName());
                    System.exit(64);
            }
        }
        if (rows < 1 || cols < 1 || classes < 2 || reps < 1 || rows * cols > Integer.MAX_VALUE - 8) {
            System.err.println("rows x cols is " + rows + " x " + cols + " with " + classes + " classes and " + reps
                    + " repetitions; expected at least 1 x 1, 2 classes, 1 repetition and at most 2^31 - 9 elements");
            System.exit(64);
        }
        Availability a = new CudaBackendProvider().probe();
        if (!a.usable()) {
            System.err.println("no usable CUDA device: " + a.reason());
            System.exit(2);
        }
        System.out.println("device: " + a.reason());
        run((int) rows, cols, classes, reps, seed, work, python, script, torch);
    }

    /** Seeded data: x uniform with unit variance, labels drawn from a softmax model with logits of a few units. */
    static Dataset generate(int rows, int cols, int classes, long seed) {
        float[] x = new float[Math.multiplyExact(rows, cols)];
        float[] y = new float[rows];
        SplittableRandom r = new SplittableRandom(seed);
        double[] beta = new double[classes * cols];
        for (int i = 0; i < beta.length; i++) beta[i] = (r.nextDouble() * 2 - 1) * 2 / Math.sqrt(cols);
        int chunk = 1 << 16;
        int chunks = (rows + chunk - 1) / chunk;
        // One generator per chunk, split in chunk order: the data do not depend on the thread count.
        SplittableRandom[] gens = new SplittableRandom[chunks];
        for (int c = 0; c < chunks; c++) gens[c] = r.split();
        double s3 = Math.sqrt(3);
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom g = gens[c];
            double[] z = new double[classes];
            int end = Math.min(rows, (c + 1) * chunk);
            for (int i = c * chunk; i < end; i++) {
                for (int j = 0; j < cols; j++) x[i * cols + j] = (float) ((g.nextDouble() * 2 - 1) * s3);
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    double s = 0;
                    for (int j = 0; j < cols; j++) s += beta[k * cols + j] * x[i * cols + j];
                    z[k] = s;
                    max = Math.max(max, s);
                }
                double total = 0;
                for (int k = 0; k < classes; k++) total += z[k] = Math.exp(z[k] - max);
                double u = g.nextDouble() * total;
                int label = classes - 1;
                for (int k = 0; k < classes - 1; k++) {
                    u -= z[k];
                    if (u < 0) {
                        label = k;
                        break;
                    }
                }
                y[i] = label;
            }
        });
        return Dataset.wrap(x, cols, y, null, classes);
    }

    private static void run(int rows, int cols, int classes, int reps, long seed, Path work, String python, Path script, boolean torch)
            throws Exception {
        long t0 = System.nanoTime();
        Dataset data = generate(rows, cols, classes, seed);
        System.out.printf(Locale.ROOT, "generated %d x %d float32, %d classes (seed %d) in %.1f s%n", rows, cols, classes, seed,
                GpuBenchmark.secondsSince(t0));
        int length = classes * (cols + 1);
        double[] params = new double[length];
        SplittableRandom pr = new SplittableRandom(seed + 1);
        for (int i = 0; i < length; i++) params[i] = (pr.nextDouble() * 2 - 1) / Math.sqrt(cols);
        double[] ours = new double[length];
        double[] again = new double[length];
        double readMs;
        double fusedMs;
        double valueMs;
        boolean identical;
        double xBytes;
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT);
             CudaSoftmaxTerm t = (CudaSoftmaxTerm) gpu.bind(data, Loss.multinomial())) {
            xBytes = t.featureBytes();
            System.out.printf(Locale.ROOT, "bound in %.1f s; fused kernel %s%n", GpuBenchmark.secondsSince(t0), t.fusedKernel());
            readMs = GpuBenchmark.time(reps, t::readPass);
            row("read-only reduction over X (ceiling)", readMs, xBytes, readMs);
            fusedMs = GpuBenchmark.time(reps, () -> t.valueAndGradient(params, ours));
            row("multinomial fused value+gradient", fusedMs, xBytes, readMs);
            valueMs = GpuBenchmark.time(reps, () -> t.value(params));
            row("multinomial value only", valueMs, xBytes, readMs);
            double v1 = t.valueAndGradient(params, ours);
            double v2 = t.valueAndGradient(params, again);
            identical = Double.doubleToRawLongBits(v1) == Double.doubleToRawLongBits(v2) && Arrays.equals(ours, again);
            System.out.printf(Locale.ROOT, "value %.17g%n", v1);
        }
        String json = torch ? runTorch(data, rows, cols, params, ours, reps, work, python, script) : null;
        Double torchMs = json == null ? null : GpuBenchmark.number(json, "grad_ms");
        if (torchMs != null) {
            row("PyTorch float32: mm, log_softmax, mm (same bytes)", torchMs, xBytes, readMs);
            System.out.printf(Locale.ROOT, "fused gradient vs torch float64 gradient: max error / scale = %.3g%n",
                    GpuBenchmark.number(json, "grad_check_err_over_scale"));
        }
        System.out.printf(Locale.ROOT, "multinomial fused value+gradient two runs bit-identical: %s%n", identical ? "yes" : "NO");
        System.out.printf(Locale.ROOT, "targets: multinomial fused (K = %d) at %.0f%% of the read-only ceiling (target 80%%)%n", classes,
                100 * readMs / fusedMs);
        System.out.printf(Locale.ROOT, "targets: multinomial fused (K = %d) vs PyTorch mm, log_softmax, mm: %s (target 2x)%n", classes,
                torchMs == null ? "n/a (no torch run)" : String.format(Locale.ROOT, "%.2fx faster", torchMs / fusedMs));
    }

    private static void row(String name, double ms, double bytes, double readMs) {
        System.out.printf(Locale.ROOT, "measured: %-52s %10.3f ms %10.1f GB/s %8.2fx of the ceiling%n", name, ms, bytes / (ms * 1e-3) / 1e9,
                readMs / ms);
        System.out.flush();
    }

    /** Writes the .npy files, runs the torch script, returns its JSON line (null, with a note, where it fails). */
    private static String runTorch(Dataset data, int rows, int cols, double[] params, double[] ours, int reps, Path work, String python,
                                   Path script) {
        List<String> files = List.of("X.npy", "y.npy", "params.npy", "ours.npy");
        try {
            Files.createDirectories(work);
            long t0 = System.nanoTime();
            GpuBenchmark.Npy.writeFloat32(work.resolve("X.npy"), data, rows, cols);
            GpuBenchmark.Npy.writeFloat32Labels(work.resolve("y.npy"), data, rows);
            GpuBenchmark.Npy.writeFloat64(work.resolve("params.npy"), params);
            GpuBenchmark.Npy.writeFloat64(work.resolve("ours.npy"), ours);
            System.out.printf(Locale.ROOT, "wrote .npy files to %s in %.1f s%n", work, GpuBenchmark.secondsSince(t0));
            Process p = new ProcessBuilder(python, script.toString(), "--dir", work.toString(), "--reps", String.valueOf(reps))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] outBytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                System.out.println("torch script timed out");
                return null;
            }
            String out = new String(outBytes, StandardCharsets.UTF_8).strip();
            String last = out.isEmpty() ? "" : out.substring(out.lastIndexOf('\n') + 1);
            if (p.exitValue() != 0 || !last.startsWith("{")) {
                System.out.println("torch script failed (exit " + p.exitValue() + "): " + out);
                return null;
            }
            System.out.println("torch: " + last);
            return last;
        } catch (IOException | InterruptedException e) {
            System.out.println("torch comparison skipped: " + e);
            return null;
        } finally {
            for (String f : files) {
                try {
                    Files.deleteIfExists(work.resolve(f));
                } catch (IOException ignored) {
                    // best effort: the work folder is scratch
                }
            }
        }
    }
}
