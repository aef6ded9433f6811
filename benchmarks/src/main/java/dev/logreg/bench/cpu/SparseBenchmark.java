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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The CPU backend on sparse (CSR) data (issue 17, item 9), on the arrays {@code benchmarks/cpu/sparse_data.py} wrote
 * ({@code indptr.npy}, {@code indices.npy}, {@code data.npy}, {@code y.npy}: the same bytes scikit-learn reads),
 * bound in place through {@link Dataset#wrapCsr}. Two modes:
 * <ul>
 *   <li>{@code --mode pass}: the value+gradient pass (and value alone, and Hessian-vector products, first and from
 *       the kept curvatures) for both ways of forming Xᵀr (per-segment gradient partials, the default, and the
 *       column-major copy), medians, beside a read-only pass over the same index and value arrays with the same
 *       threads, measured in the same run (the ceiling); bind times; the process's peak resident memory.</li>
 *   <li>{@code --mode train}: L2-regularized log loss without intercept, J = (1/m) Σ ℓ + (λ/2m)‖θ‖² (scikit-learn's
 *       C = 1/λ, liblinear's objective exactly), with {@code --optimizer NAME}, run tightly; the time from the start
 *       of {@code Trainer.fit} to the first iteration with J ≤ J*(1 + 1e-6), J* given by {@code --jstar} or else this
 *       run's final objective; the whole trace (iteration, J, seconds) goes to {@code DIR/trace-NAME.txt}, from which
 *       {@code sparse_sklearn.py} times every run to one J*.</li>
 * </ul>
 * Arguments: {@code --data DIR --mode pass|train --threads T (0: all cores) --reps N --optimizer NAME --lambda L
 * --jstar J --precondition true|false} (the last: the trainer's diagonal preconditioner, on by default). Run through {@code benchmarks/cpu/run-sparse.sh}.
 */
public final class SparseBenchmark {
    private SparseBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("benchmarks/target/cpu-sparse/data");
        String mode = "pass";
        int threads = 0;
        int reps = 7;
        String optimizer = "lbfgs";
        double lambda = 1.0;
        double jStarGiven = Double.NaN;
        Boolean precondition = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data": dir = Path.of(args[++i]); break;
                case "--mode": mode = args[++i]; break;
                case "--threads": threads = Integer.parseInt(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--optimizer": optimizer = args[++i]; break;
                case "--lambda": lambda = Double.parseDouble(args[++i]); break;
                case "--jstar": jStarGiven = Double.parseDouble(args[++i]); break;
                case "--precondition": precondition = Boolean.parseBoolean(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        long t0 = System.nanoTime();
        long[] indptr = Npy.longs(dir.resolve("indptr.npy"));
        int[] indices = Npy.ints(dir.resolve("indices.npy"));
        float[] values = Npy.floats(dir.resolve("data.npy"));
        float[] y = Npy.floats(dir.resolve("y.npy"));
        int cols = Integer.parseInt(Files.readAllLines(dir.resolve("meta.txt")).get(1).split(" ")[3]);
        long t1 = System.nanoTime();
        Dataset data = Dataset.wrapCsr(indptr, indices, values, cols, y, null, 2);
        long t2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "data: %d rows x %d features, %d nonzeros (%.1f a row; %.0f MB of indices and values), read in %.2f s, validated by wrapCsr in %.2f s%n",
                data.rows(), cols, data.nonzeros(), (double) data.nonzeros() / data.rows(), 8e-6 * data.nonzeros(), (t1 - t0) * 1e-9, (t2 - t1) * 1e-9);
        int cores = Runtime.getRuntime().availableProcessors();
        int used = threads == 0 ? cores : Math.min(threads, cores);
        if (mode.equals("pass")) {
            pass(data, indices, values, used, reps);
        } else if (mode.equals("train")) {
            train(data, used, optimizer, lambda, jStarGiven, precondition, dir);
        } else {
            throw new IllegalArgumentException("--mode is " + mode + ", expected pass or train");
        }
        System.out.println("peak resident memory of this JVM (VmHWM): " + peakResident());
    }

    /**
     * Per layout: the passes and the read-only ceiling, rep by rep in turn (so that both meet the same load on a
     * shared machine), each timed by the wall clock and by the process's CPU time (cores busy = CPU time / wall).
     */
    private static void pass(Dataset data, int[] indices, float[] values, int threads, int reps) throws Exception {
        double bytes = 8.0 * indices.length;
        int n = data.cols();
        double[] p = new double[n + 1];
        double[] v = new double[n + 1];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int j = 0; j <= n; j++) {
            p[j] = rnd.nextGaussian() * 0.3;
            v[j] = rnd.nextGaussian();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (String layout : List.of("partials", "column-major")) {
                String budget = layout.equals("partials") ? String.valueOf(256L << 20) : "0";
                System.setProperty(Nd4jBackend.SPARSE_PARTIAL_BUDGET_PROPERTY, budget);
                try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT.withThreads(threads))) {
                    long b0 = System.nanoTime();
                    try (DataTerm term = cpu.bind(data, Loss.log())) {
                        double bind = (System.nanoTime() - b0) * 1e-9;
                        double[] g = new double[n + 1];
                        double[] hv = new double[n + 1];
                        double[] q = p.clone();
                        // The read is short: repeated so that each timing spans about 0.25 s (the CPU clock ticks coarsely).
                        long r0 = System.nanoTime();
                        readOnly(pool, indices, values, threads);
                        readOnly(pool, indices, values, threads);
                        int repeats = (int) Math.max(1, Math.min(64, 0.25e9 / Math.max(1, (System.nanoTime() - r0) / 2)));
                        Timing read = new Timing(reps, repeats);
                        Timing vg = new Timing(reps, 1);
                        Timing val = new Timing(reps, 1);
                        Timing fill = new Timing(reps, 1);
                        Timing cached = new Timing(reps, 1);
                        for (int i = -2; i < reps; i++) {  // two warm-ups
                            int at = Math.max(i, 0);
                            read.time(at, () -> {
                                for (int k = 0; k < repeats; k++) readOnly(pool, indices, values, threads);
                            });
                            vg.time(at, () -> term.valueAndGradient(p, g));
                            val.time(at, () -> term.value(p));
                            q[0] = p[0] + 1e-3 * (i + 3);  // new parameters: the first product computes the curvatures
                            fill.time(at, () -> term.hessianVector(q, v, hv));
                            cached.time(at, () -> term.hessianVector(q, v, hv));
                        }
                        System.out.printf(Locale.ROOT, "%s (bind %.2f s; column-major copy: %s, off-heap arrays held %d):%n", layout, bind,
                                cpu.liveAllocations() > 0 ? "yes" : "no", cpu.liveAllocations());
                        System.out.printf(Locale.ROOT, "  read-only pass over the same indices and values (Java, %d threads, the ceiling): %s%n",
                                threads, read.describe(bytes, null));
                        System.out.printf(Locale.ROOT, "  value+gradient (log loss):                %s%n", vg.describe(bytes, read));
                        System.out.printf(Locale.ROOT, "  value only:                               %s%n", val.describe(bytes, read));
                        System.out.printf(Locale.ROOT, "  Hessian-vector, first at new parameters:  %s%n", fill.describe(bytes, read));
                        System.out.printf(Locale.ROOT, "  Hessian-vector, from kept curvatures:     %s%n", cached.describe(bytes, read));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Wall and CPU seconds of repeated runs of one operation (each timing of {@code repeats} runs, divided). */
    private static final class Timing {
        final double[] wall;
        final double[] cpu;
        final int repeats;

        Timing(int reps, int repeats) {
            wall = new double[reps];
            cpu = new double[reps];
            this.repeats = repeats;
        }

        interface Body {
            void run() throws Exception;
        }

        void time(int i, Body body) throws Exception {
            long c0 = BandwidthBenchmark.processCpuNanos();
            long t0 = System.nanoTime();
            body.run();
            wall[i] = (System.nanoTime() - t0) * 1e-9 / repeats;
            cpu[i] = (BandwidthBenchmark.processCpuNanos() - c0) * 1e-9 / repeats;
        }

        /** Median wall time and GB/s, cores busy, CPU ns a nonzero; against {@code ceiling}: both ratios. */
        String describe(double bytes, Timing ceiling) {
            double w = median(wall);
            double c = median(cpu);
            String s = String.format(Locale.ROOT, "median %7.1f ms = %5.2f GB/s, %.2f cores busy, %5.2f CPU ns a nonzero", w * 1e3, bytes / w / 1e9,
                    c / w, c / (bytes / 8) * 1e9);
            if (ceiling == null) return s;
            return s + String.format(Locale.ROOT, "; %.3f of the ceiling by wall time, %.3f by CPU time", median(ceiling.wall) / w, median(ceiling.cpu) / c);
        }
    }

    private static void train(Dataset data, int threads, String optimizer, double lambda, double jStarGiven, Boolean precondition, Path dir)
            throws IOException {
        TrainingOptions options = TrainingOptions.DEFAULT.withLoss(Loss.log()).withPenalty(Penalty.l2(lambda)).withFitIntercept(false)
                .withOptimizer(optimizer)
                .withCriteria(TrainingOptions.DEFAULT.criteria().withGradientTolerance(1e-10).withRelativeObjectiveTolerance(1e-14).withMaxIterations(3000));
        if (precondition != null) options = options.withPrecondition(precondition);
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT.withThreads(threads))) {
            System.out.println("backend: " + cpu.description() + "; preconditioner " + (options.precondition() ? "on" : "off"));
            List<double[]> trace = new ArrayList<>();
            long start = System.nanoTime();
            TrainingListener listener = s -> trace.add(new double[] {s.iteration(), s.objective(), (System.nanoTime() - start) * 1e-9});
            TrainingResult fit = Trainer.fit(cpu, data, options, listener);
            double total = (System.nanoTime() - start) * 1e-9;
            double jStar = Double.isNaN(jStarGiven) ? fit.objective() : jStarGiven;
            double target = jStar * (1 + 1e-6);
            double[] reached = null;
            StringBuilder lines = new StringBuilder();
            for (double[] t : trace) {
                if (reached == null && t[1] <= target) reached = t;
                lines.append((int) t[0]).append(' ').append(t[1]).append(' ').append(t[2]).append('\n');
            }
            // The whole trace, for sparse_sklearn.py to time every run to one J* (the least final J of all of them).
            Files.writeString(dir.resolve("trace-" + optimizer + ".txt"), lines.toString());
            System.out.printf(Locale.ROOT, "logreg cpu %s (L2 lambda %s, no intercept, tight run): %s after %d iterations, %.2f s; final J = %.15g%n",
                    optimizer, lambda, fit.status(), fit.optimization().iterations(), total, fit.objective());
            if (reached != null) {
                System.out.printf(Locale.ROOT, "logreg cpu %s time to J <= J*(1 + 1e-6) with J* = %s (%s): %.2f s (iteration %d)%n", optimizer,
                        jStar, Double.isNaN(jStarGiven) ? "this run's final J" : "given", reached[2], (int) reached[0]);
            }
        }
    }

    /** One read of both arrays split over {@code threads} threads of {@code pool}; returns a sum (to keep the loop). */
    static double readOnly(ExecutorService pool, int[] idx, float[] val, int threads) throws Exception {
        List<Future<Double>> parts = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            int lo = (int) ((long) idx.length * k / threads);
            int hi = (int) ((long) idx.length * (k + 1) / threads);
            parts.add(pool.submit(() -> sum(idx, val, lo, hi)));
        }
        double sink = 0;
        for (Future<Double> f : parts) sink += f.get();
        return sink;
    }

    /** Σ indices and Σ values over [lo, hi), eight independent float sums so the loop waits on memory, not on adds. */
    private static double sum(int[] idx, float[] val, int lo, int hi) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i0 = 0, i1 = 0, i2 = 0, i3 = 0;
        int i = lo;
        for (; i + 8 <= hi; i += 8) {
            s0 += val[i];
            s1 += val[i + 1];
            s2 += val[i + 2];
            s3 += val[i + 3];
            s4 += val[i + 4];
            s5 += val[i + 5];
            s6 += val[i + 6];
            s7 += val[i + 7];
            i0 += idx[i] + idx[i + 4];
            i1 += idx[i + 1] + idx[i + 5];
            i2 += idx[i + 2] + idx[i + 6];
            i3 += idx[i + 3] + idx[i + 7];
        }
        for (; i < hi; i++) {
            s0 += val[i];
            i0 += idx[i];
        }
        return (double) s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + ((long) i0 + i1 + i2 + i3);
    }

    /** The process's peak resident set (VmHWM from /proc/self/status), or "?" where the file is absent. */
    static String peakResident() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return line.substring(6).trim();
            }
        } catch (IOException e) {
            // not Linux
        }
        return "?";
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    /** A minimal reader of the one-dimensional little-endian {@code .npy} arrays sparse_data.py writes. */
    public static final class Npy {
        private Npy() {}

        public static long[] longs(Path p) throws IOException {
            ByteBuffer b = body(p, "<i8");
            long[] a = new long[b.remaining() / 8];
            b.asLongBuffer().get(a);
            return a;
        }

        public static int[] ints(Path p) throws IOException {
            ByteBuffer b = body(p, "<i4");
            int[] a = new int[b.remaining() / 4];
            b.asIntBuffer().get(a);
            return a;
        }

        public static float[] floats(Path p) throws IOException {
            ByteBuffer b = body(p, "<f4");
            float[] a = new float[b.remaining() / 4];
            b.asFloatBuffer().get(a);
            return a;
        }

        /** The data after the header, checked to be {@code descr}, C order, one dimension. */
        private static ByteBuffer body(Path p, String descr) throws IOException {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
                if (all.get(0) != (byte) 0x93 || all.get(1) != 'N') throw new IOException(p + ": not a .npy file");
                int major = all.get(6);
                int headerLength = major == 1 ? Short.toUnsignedInt(all.getShort(8)) : all.getInt(8);
                int start = (major == 1 ? 10 : 12) + headerLength;
                byte[] h = new byte[headerLength];
                all.get(major == 1 ? 10 : 12, h);
                String header = new String(h, StandardCharsets.ISO_8859_1);
                if (!header.contains("'descr': '" + descr + "'") || header.contains("'fortran_order': True")) {
                    throw new IOException(p + ": expected a 1-D " + descr + " array in C order, the header says " + header.trim());
                }
                return all.position(start).slice().order(ByteOrder.LITTLE_ENDIAN);
            }
        }
    }
}
