package dev.logreg.bench.gpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.BackendOptions;
import dev.logreg.data.Dataset;
import dev.logreg.gpu.CudaBackend;
import dev.logreg.gpu.CudaBackendProvider;
import dev.logreg.gpu.CudaDataTerm;
import dev.logreg.gpu.CudaOptions;
import dev.logreg.gpu.GradientPath;
import dev.logreg.loss.Loss;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The GPU benchmark: on seeded m x n float32 data generated on the host (default 10,000,000 x 128), it times
 * <ul>
 *   <li>the fused value+gradient pass, and the value-only pass, in GB/s of X read;</li>
 *   <li>as ceilings, a read-only reduction over X and a device-to-device copy (bytes read plus written);</li>
 *   <li>our unfused two-pass path, and the JCuBLAS (Sgemv) path where it loads;</li>
 *   <li>the Hessian (Newton's method, coefficient statistics), where the term forms it;</li>
 *   <li>the same gradient in PyTorch on the same GPU and the same bytes ({@code benchmarks/gpu/torch_gradient.py},
 *       which also computes the float64 Newton optimum of the L2-penalised objective);</li>
 *   <li>full L-BFGS training (L2, λ = 1) to 1e-6 relative of that optimum, wall time, twice, with a bit-identity
 *       check of the two models;</li>
 * </ul>
 * and prints one table with ratios. Without a usable CUDA device it prints {@code no usable CUDA device: <reason>}
 * and exits with status 2 (no stack trace).
 *
 * <p>Usage: {@code GpuBenchmark [--rows M] [--cols N] [--reps R] [--seed S] [--work DIR] [--python python3]
 * [--script benchmarks/gpu/torch_gradient.py] [--no-torch] [--no-training]} ({@code --no-training} leaves out the
 * two L-BFGS fits: with {@code --no-torch}, the passes alone, as under a profiler). Needs about 8 bytes per element of host heap
 * (-Xmx12g for the default size) and 4 bytes per element of free disk under DIR for the .npy files (deleted after).
 */
public final class GpuBenchmark {
    private GpuBenchmark() {}

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        long rows = 10_000_000L;
        int cols = 128;
        int reps = 20;
        long seed = 20_240_601L;
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "logreg-gpu-bench");
        String python = "python3";
        Path script = Path.of("benchmarks/gpu/torch_gradient.py");
        boolean torch = true;
        boolean training = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Long.parseLong(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--work": work = Path.of(args[++i]); break;
                case "--python": python = args[++i]; break;
                case "--script": script = Path.of(args[++i]); break;
                case "--no-torch": torch = false; break;
                case "--no-training": training = false; break;
                default:
                    System.err.println("unknown argument " + args[i] + "; see the class comment of " + GpuBenchmark.class.getName());
                    System.exit(64);
            }
        }
        if (rows < 1 || cols < 1 || rows * cols > Integer.MAX_VALUE - 8) {
            System.err.println("rows x cols is " + rows + " x " + cols + ", expected at least 1 x 1 and at most 2^31 - 9 elements (one array)");
            System.exit(64);
        }
        Availability a = new CudaBackendProvider().probe();
        if (!a.usable()) {
            System.err.println("no usable CUDA device: " + a.reason());
            System.exit(2);
        }
        System.out.println("device: " + a.reason());
        new GpuBenchmark.Run((int) rows, cols, reps, seed, work, python, script, torch, training).run();
    }

    /** Seeded data: x uniform with unit variance, labels from a logistic model with |z| of a few units. */
    static Dataset generate(int rows, int cols, long seed) {
        float[] x = new float[Math.multiplyExact(rows, cols)];
        float[] y = new float[rows];
        double[] beta = new double[cols];
        SplittableRandom r = new SplittableRandom(seed);
        for (int j = 0; j < cols; j++) beta[j] = (r.nextDouble() * 2 - 1) * 2 / Math.sqrt(cols);
        int chunk = 1 << 16;
        int chunks = (rows + chunk - 1) / chunk;
        // One generator per chunk, split from the seed in chunk order: the data do not depend on the thread count.
        SplittableRandom[] gens = new SplittableRandom[chunks];
        for (int c = 0; c < chunks; c++) gens[c] = r.split();
        double s3 = Math.sqrt(3);
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom g = gens[c];
            int end = Math.min(rows, (c + 1) * chunk);
            for (int i = c * chunk; i < end; i++) {
                double z = 0.3;
                for (int j = 0; j < cols; j++) {
                    float v = (float) ((g.nextDouble() * 2 - 1) * s3);
                    x[i * cols + j] = v;
                    z += beta[j] * v;
                }
                y[i] = g.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
            }
        });
        return Dataset.wrap(x, cols, y, null);
    }

    /** One benchmark run's state. */
    private static final class Run {
        final int rows;
        final int cols;
        final int reps;
        final long seed;
        final Path work;
        final String python;
        final Path script;
        final boolean torch;
        final boolean training;
        final List<String[]> table = new ArrayList<>();

        Run(int rows, int cols, int reps, long seed, Path work, String python, Path script, boolean torch, boolean training) {
            this.rows = rows;
            this.cols = cols;
            this.reps = reps;
            this.seed = seed;
            this.work = work;
            this.python = python;
            this.script = script;
            this.torch = torch;
            this.training = training;
        }

        void run() throws Exception {
            long t0 = System.nanoTime();
            Dataset data = generate(rows, cols, seed);
            System.out.printf(Locale.ROOT, "generated %d x %d float32 (seed %d) in %.1f s%n", rows, cols, seed, secondsSince(t0));
            double[] params = new double[cols + 1];
            SplittableRandom pr = new SplittableRandom(seed + 1);
            for (int j = 0; j <= cols; j++) params[j] = (pr.nextDouble() * 2 - 1) / Math.sqrt(cols);
            double[] ours = new double[cols + 1];
            double oursValue;
            boolean bitIdentical;
            boolean prefetchIdentical;
            double xBytes;
            double readMs;
            double fusedMs;
            double twoPassMs;
            // The plain kernels first (CudaOptions.prefetchRows off), then, below, their prefetching twins (the default).
            try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withPrefetchRows(false))) {
                System.out.println(gpu.description());
                t0 = System.nanoTime();
                try (CudaDataTerm t = gpu.bindBinary(data, Loss.log())) {
                    double bindS = secondsSince(t0);
                    System.out.printf(Locale.ROOT, "bind (upload through pinned memory): %.2f s%n", bindS);
                    xBytes = t.featureBytes();
                    // Issue 18's upload goal: the bind at 0.8 of the device's own pinned host-to-device bandwidth.
                    double pinnedGBs = pinnedCopyGBs((long) Math.min(xBytes, 1L << 30));
                    System.out.printf(Locale.ROOT, "pinned host-to-device copy, one buffer of %.0f MiB, best of 3 (ceiling): %.1f GB/s;"
                                    + " bind of X (%.0f MB, staged through up to three 32 MiB pinned buffers in turn): %.1f GB/s = %.2f of it (goal 0.8)%n",
                            Math.min(xBytes, 1L << 30) / (1 << 20), pinnedGBs, xBytes / 1e6, xBytes / bindS / 1e9, xBytes / bindS / 1e9 / pinnedGBs);
                    readMs = time(reps, t::readPass);
                    add("read-only reduction over X (ceiling)", readMs, xBytes, readMs);
                    long copyBytes = t.copyPass(t.featureBytes());
                    double copyMs = time(reps, () -> t.copyPass(copyBytes));
                    add("cuMemcpyDtoDAsync of X (read + write, ceiling)", copyMs, 2.0 * copyBytes, readMs * 2.0 * copyBytes / xBytes);
                    double[] g = new double[cols + 1];
                    fusedMs = time(reps, () -> t.valueAndGradient(0, rows, params, g, GradientPath.FUSED));
                    add("fused value + gradient", fusedMs, xBytes, readMs);
                    double valueMs = time(reps, () -> t.value(params));
                    add("fused value only (line search)", valueMs, xBytes, readMs);
                    twoPassMs = time(reps, () -> t.valueAndGradient(0, rows, params, g, GradientPath.TWO_PASS));
                    add("two-pass X.theta then X^T.r (ours)", twoPassMs, xBytes, readMs);
                    double v1 = t.valueAndGradient(0, rows, params, ours, GradientPath.FUSED);
                    double[] again = new double[cols + 1];
                    double v2 = t.valueAndGradient(0, rows, params, again, GradientPath.FUSED);
                    bitIdentical = Double.doubleToRawLongBits(v1) == Double.doubleToRawLongBits(v2) && Arrays.equals(ours, again);
                    oursValue = v1;
                    // The Hessian Newton's method and --stats form once an iteration: X is read once by the curvature
                    // pass and (n+1)/32-ish times, from cache in part, by the tile pass; its "GB/s" is X's bytes per call.
                    if (t.supportsHessian()) {
                        double[] h = new double[(cols + 1) * (cols + 1)];
                        double hessianMs = time(Math.max(3, reps / 4), () -> t.hessian(params, h));
                        add("Hessian (curvature + 32x32 tiles), for Newton", hessianMs, xBytes, readMs);
                    }
                    // Last: a cuBLAS failure closes the term (the backend frees everything on a native failure).
                    if (CudaBackend.cublasProblem().isEmpty()) {
                        try {
                            double cbMs = time(reps, () -> t.valueAndGradient(0, rows, params, g, GradientPath.CUBLAS));
                            add("cuBLAS Sgemv x2 + residual kernel", cbMs, xBytes, readMs);
                        } catch (RuntimeException e) {
                            record(new String[] {"cuBLAS Sgemv x2 + residual kernel", "-", "-", "-", "failed: " + e.getMessage()});
                        }
                    } else {
                        record(new String[] {"cuBLAS Sgemv x2 + residual kernel", "-", "-", "-", CudaBackend.cublasProblem().get()});
                    }
                }
            }

            // The prefetching twins of the register kernels (CudaOptions.prefetchRows, the default): same bits, faster.
            double fusedPfMs;
            try (CudaBackend pf = new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withPrefetchRows(true));
                 CudaDataTerm t = pf.bindBinary(data, Loss.log())) {
                double[] g = new double[cols + 1];
                fusedPfMs = time(reps, () -> t.valueAndGradient(0, rows, params, g, GradientPath.FUSED));
                add("fused value + gradient, prefetching kernels", fusedPfMs, xBytes, readMs);
                double valuePfMs = time(reps, () -> t.value(params));
                add("fused value only, prefetching kernels", valuePfMs, xBytes, readMs);
                double[] gp = new double[cols + 1];
                double vp = t.valueAndGradient(0, rows, params, gp, GradientPath.FUSED);
                prefetchIdentical = Double.doubleToRawLongBits(vp) == Double.doubleToRawLongBits(oursValue) && Arrays.equals(gp, ours);
            }

            String torchJson = null;
            if (torch) torchJson = runTorch(data, params, ours);
            Double newton = torchJson == null ? null : number(torchJson, "newton_objective");
            if (torchJson != null) {
                double torchMs = number(torchJson, "grad_ms");
                add("PyTorch float32: mv, sigmoid, mv (same bytes)", torchMs, xBytes, readMs);
            }

            // Full training, twice: L-BFGS, L2 with lambda = 1, tight criteria so that it reaches 1e-6 of the optimum.
            TrainingOptions opts = TrainingOptions.DEFAULT.withOptimizer("lbfgs").withPenalty(Penalty.l2(1.0))
                    .withCriteria(StoppingCriteria.DEFAULT.withGradientTolerance(1e-9).withRelativeObjectiveTolerance(1e-15).withMaxIterations(2000));
            TrainingResult[] fits = new TrainingResult[2];
            double[] wall = new double[2];
            double[] setup = new double[2];
            double bindS = 0;
            double statisticsS = 0;
            try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT)) {
                if (training) {
                    // Where a fit's wall time goes before its first iterate: the upload, then the column statistics of
                    // the preconditioner (on the host), each timed alone once.
                    long s = System.nanoTime();
                    try (dev.logreg.train.BoundData bound = Trainer.bind(gpu, data, opts)) {
                        bindS = secondsSince(s);
                        s = System.nanoTime();
                        bound.statistics();
                        statisticsS = secondsSince(s);
                    }
                }
                for (int k = 0; k < (training ? 2 : 0); k++) {
                    long s = System.nanoTime();
                    long[] firstIterate = {0};
                    fits[k] = Trainer.fit(gpu, data, opts, state -> {
                        if (firstIterate[0] == 0) firstIterate[0] = System.nanoTime();
                    });
                    wall[k] = secondsSince(s);
                    setup[k] = firstIterate[0] == 0 ? Double.NaN : (firstIterate[0] - s) / 1e9;
                }
            }
            boolean modelsIdentical = training && Arrays.equals(fits[0].model().coefficients(), fits[1].model().coefficients())
                    && Double.doubleToRawLongBits(fits[0].model().intercept()) == Double.doubleToRawLongBits(fits[1].model().intercept());

            System.out.println();
            System.out.printf(Locale.ROOT, "GPU benchmark, %d x %d float32 (%.2f GB of X), median of %d runs%n", rows, cols, xBytes / 1e9, reps);
            System.out.printf(Locale.ROOT, "%-48s %10s %10s %12s  %s%n", "pass", "ms", "GB/s", "vs read", "note");
            for (String[] r : table) System.out.printf(Locale.ROOT, "%-48s %10s %10s %12s  %s%n", (Object[]) r);
            if (torchJson != null) {
                System.out.printf(Locale.ROOT, "fused vs PyTorch: %.2fx faster%n", number(torchJson, "grad_ms") / fusedMs);
                System.out.printf(Locale.ROOT, "fused gradient vs torch float64 gradient: max error / scale = %.3g%n", number(torchJson, "grad_check_err_over_scale"));
            }
            System.out.printf(Locale.ROOT, "fused value+gradient two runs bit-identical: %s%n", bitIdentical ? "yes" : "NO");
            System.out.printf(Locale.ROOT, "prefetching kernels bit-identical to the plain ones: %s%n", prefetchIdentical ? "yes" : "NO");
            double best = Math.min(fusedMs, fusedPfMs);
            System.out.printf(Locale.ROOT, "targets: fused at %.0f%% of the read-only ceiling (plain %.0f%%, prefetching %.0f%%; target 85%%)%n",
                    100 * readMs / best, 100 * readMs / fusedMs, 100 * readMs / fusedPfMs);
            System.out.printf(Locale.ROOT, "targets: fused (best kernel) vs our two-pass path: %.2fx faster (target 1.7x)%s%n", twoPassMs / best,
                    torchJson == null ? "" : String.format(Locale.ROOT, "; vs PyTorch: %.2fx faster (target 1.7x)", number(torchJson, "grad_ms") / best));
            for (int k = 0; k < (training ? 2 : 0); k++) {
                TrainingResult f = fits[k];
                String gap = newton == null ? "n/a (no torch optimum)"
                        : String.format(Locale.ROOT, "%.3g", (f.objective() - newton) / Math.abs(newton));
                System.out.printf(Locale.ROOT, "L-BFGS training run %d: %s, %d iterations, %d evaluations, wall %.2f s (%.2f s of it before the first iterate), objective %.15g, relative gap to Newton optimum %s%n",
                        k + 1, f.status(), f.optimization().iterations(), f.optimization().evaluations(), wall[k], setup[k], f.objective(), gap);
            }
            if (training) {
                System.out.printf(Locale.ROOT, "a fit's setup, timed alone: bind (validation, upload through pinned memory) %.2f s, column statistics (host) %.2f s%n",
                        bindS, statisticsS);
            }
            if (newton != null && training) {
                System.out.printf(Locale.ROOT, "torch float64 Newton optimum %.15g (%d iterations, %.1f s), within 1e-6: %s%n", newton,
                        (long) (double) number(torchJson, "newton_iterations"), number(torchJson, "newton_s"),
                        (fits[0].objective() - newton) / Math.abs(newton) <= 1e-6 ? "yes" : "NO");
            }
            if (training) System.out.printf(Locale.ROOT, "two training runs bit-identical: %s%n", modelsIdentical ? "yes" : "NO");
        }

        void add(String name, double ms, double bytes, double readMs) {
            record(new String[] {name, String.format(Locale.ROOT, "%.3f", ms), String.format(Locale.ROOT, "%.1f", bytes / (ms * 1e-3) / 1e9),
                    String.format(Locale.ROOT, "%.2fx", readMs / ms), ""});
        }

        /**
         * Keeps a row for the final table and prints it now: the run has a time limit, and a hang or a crash later
         * (PyTorch, training, a native failure) must not take the rows already measured with it.
         */
        void record(String[] row) {
            table.add(row);
            System.out.printf(Locale.ROOT, "measured: %-48s %10s %10s %12s  %s%n", (Object[]) row);
            System.out.flush();
        }

        /** Writes the .npy files, runs the torch script, returns its JSON line (null, with a note, where it fails). */
        String runTorch(Dataset data, double[] params, double[] ours) {
            try {
                Files.createDirectories(work);
                long t0 = System.nanoTime();
                Npy.writeFloat32(work.resolve("X.npy"), data, rows, cols);
                Npy.writeFloat32Labels(work.resolve("y.npy"), data, rows);
                Npy.writeFloat64(work.resolve("params.npy"), params);
                Npy.writeFloat64(work.resolve("ours.npy"), ours);
                System.out.printf(Locale.ROOT, "wrote .npy files to %s in %.1f s%n", work, secondsSince(t0));
                Process p = new ProcessBuilder(python, script.toString(), "--dir", work.toString(), "--reps", String.valueOf(reps), "--lam", "1.0")
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                byte[] outBytes = p.getInputStream().readAllBytes();
                if (!p.waitFor(30, TimeUnit.MINUTES)) {
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
                for (String f : List.of("X.npy", "y.npy", "params.npy", "ours.npy")) {
                    try {
                        Files.deleteIfExists(work.resolve(f));
                    } catch (IOException ignored) {
                        // best effort: the work folder is scratch
                    }
                }
            }
        }
    }

    static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Median wall time in ms of {@code reps} runs of {@code task} (each waits for the device), after 3 warm-ups. */
    static double time(int reps, Runnable task) {
        for (int i = 0; i < 3; i++) task.run();
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    /** A number field of a flat JSON object. */
    static Double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*([-+0-9.eEinfaINF]+)").matcher(json);
        return m.find() ? Double.valueOf(m.group(1)) : Double.NaN;
    }

    /** Minimal .npy (version 1.0) writer for little-endian float32/float64 arrays. */
    static final class Npy {
        private Npy() {}

        static void header(OutputStream out, String descr, String shape) throws IOException {
            String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
            int len = 10 + dict.length() + 1;
            int pad = (64 - len % 64) % 64;
            String h = dict + " ".repeat(pad) + "\n";
            ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) h.length());
            out.write(b.array());
            out.write(h.getBytes(StandardCharsets.US_ASCII));
        }

        static void writeFloat32(Path path, Dataset d, int rows, int cols) throws IOException {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                header(out, "<f4", "(" + rows + ", " + cols + ")");
                out.flush();
                ByteBuffer buf = ByteBuffer.allocateDirect(64 << 20).order(ByteOrder.LITTLE_ENDIAN);
                for (dev.logreg.data.RowBlock blk : d.blocks()) {
                    java.nio.FloatBuffer f = blk.features();
                    while (f.hasRemaining()) {
                        buf.clear();
                        int k = Math.min(f.remaining(), buf.capacity() / 4);
                        java.nio.FloatBuffer view = f.slice(f.position(), k);
                        buf.asFloatBuffer().put(view);
                        f.position(f.position() + k);
                        buf.limit(4 * k);
                        while (buf.hasRemaining()) ch.write(buf);
                    }
                }
            }
        }

        static void writeFloat32Labels(Path path, Dataset d, int rows) throws IOException {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(path), 1 << 20)) {
                header(out, "<f4", "(" + rows + ",)");
                ByteBuffer b = ByteBuffer.allocate(4 * rows).order(ByteOrder.LITTLE_ENDIAN);
                int pos = 0;
                for (dev.logreg.data.RowBlock blk : d.blocks()) {
                    java.nio.FloatBuffer y = blk.labels();
                    for (int i = 0; i < blk.rows(); i++) b.putFloat(4 * pos++, y.get(i));
                }
                out.write(b.array());
            }
        }

        static void writeFloat64(Path path, double[] v) throws IOException {
            try (OutputStream out = Files.newOutputStream(path)) {
                header(out, "<f8", "(" + v.length + ",)");
                ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (double x : v) b.putDouble(x);
                out.write(b.array());
            }
        }
    }

    /**
     * The device's host-to-device bandwidth from page-locked memory: {@code bytes} in one {@code cuMemAllocHost} buffer
     * copied by {@code cuMemcpyHtoDAsync} on a stream of its own, best of three, in GB/s (10^9 bytes a second). Runs
     * in the context current on this thread (a backend's, after any of its calls).
     */
    static double pinnedCopyGBs(long bytes) {
        jcuda.Pointer host = new jcuda.Pointer();
        jcuda.driver.CUdeviceptr dev = new jcuda.driver.CUdeviceptr();
        jcuda.driver.CUstream stream = new jcuda.driver.CUstream();
        check(jcuda.driver.JCudaDriver.cuMemAllocHost(host, bytes), "cuMemAllocHost");
        try {
            check(jcuda.driver.JCudaDriver.cuMemAlloc(dev, bytes), "cuMemAlloc");
            try {
                check(jcuda.driver.JCudaDriver.cuStreamCreate(stream, jcuda.driver.CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
                try {
                    double best = Double.MAX_VALUE;
                    for (int rep = 0; rep < 3; rep++) {
                        long t0 = System.nanoTime();
                        check(jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync(dev, host, bytes, stream), "cuMemcpyHtoDAsync");
                        check(jcuda.driver.JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
                        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                    }
                    return bytes / best / 1e9;
                } finally {
                    jcuda.driver.JCudaDriver.cuStreamDestroy(stream);
                }
            } finally {
                jcuda.driver.JCudaDriver.cuMemFree(dev);
            }
        } finally {
            jcuda.driver.JCudaDriver.cuMemFreeHost(host);
        }
    }

    private static void check(int rc, String call) {
        if (rc != jcuda.driver.CUresult.CUDA_SUCCESS) throw new IllegalStateException(call + " failed: " + jcuda.driver.CUresult.stringFor(rc));
    }
}
