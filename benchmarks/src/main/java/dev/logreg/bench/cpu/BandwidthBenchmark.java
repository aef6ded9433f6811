package dev.logreg.bench.cpu;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.cpu.Nd4jBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Issue requirement 4a: the CPU backend's value+gradient throughput in GB/s of X read, beside this machine's
 * streaming read bandwidth measured in the same run.
 *
 * <p>Data: seeded {@code rows × cols} float32 (default 1,000,000 × 100, 400 MB), N(0,1) features, labels from a
 * noisy linear rule. Throughput = bytes of X (4·rows·cols) / seconds per evaluation, the median of several
 * evaluations after warm-up. Streaming bandwidth = the best of (i) a Java read loop summing a large float array,
 * one thread per core, and (ii) the C kernel {@code benchmarks/cpu/stream_read.c} (an OpenMP read-only
 * reduction), whose path is given with {@code --stream-binary}. Run through {@code benchmarks/cpu/run-bandwidth.sh}.
 *
 * <p>Each cpu line also gives the cores the evaluation actually got (process CPU time / wall time, median): on a
 * shared machine a busy neighbour shows up there, and GB/s per busy core is then the fairer figure of the kernel.
 *
 * <p>Also the CPU backend's Hessian pass (Newton's method) beside the ND4J gemms it cannot avoid, same shapes, same
 * run ({@code --hessian-reps 0} leaves it out).
 *
 * <p>Arguments: {@code [--rows R] [--cols N] [--reps K] [--warmup W] [--seed S] [--stream-binary PATH]
 * [--reference-reps K] [--hessian-reps K] [--threads 1,2] [--passes FUSED,FUSED_SCALAR]}. {@code --threads} repeats
 * the ceiling (Java loop with that many threads, the C kernel with {@code OMP_NUM_THREADS}) and the CPU backend's
 * passes (capped at that many threads) for each count, so each pass is set beside the ceiling of its own thread
 * count (default: all cores only); {@code --passes} picks the backend's passes (default all).
 */
public final class BandwidthBenchmark {
    private BandwidthBenchmark() {}

    /** Runs the benchmark; prints one line per measurement and a summary. */
    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int cols = 100;
        int reps = 9;
        int warmup = 10;
        int referenceReps = 3;
        long seed = 42;
        String streamBinary = null;
        int hessianReps = 5;
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> threadCounts = List.of(cores);
        List<Nd4jBackend.Pass> passes = List.of(Nd4jBackend.Pass.values());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Integer.parseInt(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--warmup": warmup = Integer.parseInt(args[++i]); break;
                case "--reference-reps": referenceReps = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--stream-binary": streamBinary = args[++i]; break;
                case "--hessian-reps": hessianReps = Integer.parseInt(args[++i]); break;
                case "--threads": threadCounts = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList(); break;
                case "--passes": passes = Arrays.stream(args[++i].split(",")).map(Nd4jBackend.Pass::valueOf).toList(); break;
                default: throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        double bytesX = 4.0 * rows * cols;
        System.out.printf(Locale.ROOT, "data: %d x %d float32, seed %d, X = %.1f MB; %d cores; java %s%n",
                rows, cols, seed, bytesX / 1e6, cores, System.getProperty("java.version"));

        float[] x = new float[Math.multiplyExact(rows, cols)];
        float[] y = new float[rows];
        generate(x, y, rows, cols, new SplittableRandom(seed));
        Dataset data = Dataset.wrap(x, cols, y, null);
        double[] params = new double[cols + 1];
        SplittableRandom prng = new SplittableRandom(seed + 1);
        for (int j = 0; j <= cols; j++) params[j] = (prng.nextDouble() - 0.5) * 0.2;

        List<String> summary = new ArrayList<>();
        double stream = Double.NaN;
        for (int threads : threadCounts) {
            double javaRead = javaReadBandwidth(x, threads, 10);
            System.out.printf(Locale.ROOT, "stream (i)  Java read loop, %d threads, %.0f MB float[]: best %.2f GB/s%n", threads, bytesX / 1e6, javaRead);
            double cRead = Double.NaN;
            if (streamBinary != null) {
                cRead = runStream(streamBinary, threads);
                System.out.printf(Locale.ROOT, "stream (ii) C stream_read (gcc -O3 -march=native -fopenmp, %d threads): best %.2f GB/s%n", threads, cRead);
            }
            stream = Double.isNaN(cRead) ? javaRead : Math.max(javaRead, cRead);
            String ceiling = String.format(Locale.ROOT, "streaming read bandwidth, %d threads (best of the above): %.2f GB/s", threads, stream);
            System.out.println(ceiling);
            summary.add(ceiling);
            String tag = threadCounts.size() > 1 ? threads + "T " : "";
            for (Nd4jBackend.Pass pass : passes) {
                for (Loss loss : List.of(Loss.log(), Loss.mse())) {
                    int cap = threads == cores ? 0 : threads;
                    try (Nd4jBackend backend = new Nd4jBackend(new BackendOptions(cap, 0), pass)) {
                        double[] r = measure(backend, data, loss, params, warmup, reps);
                        String line = String.format(Locale.ROOT, "cpu %s%-12s %-3s value+gradient: median %.2f ms = %.2f GB/s = %.0f%% of stream (%.2f cores busy, %.2f GB/s per busy core); value only: %.2f ms = %.2f GB/s",
                                tag, pass, loss, r[0] * 1e3, bytesX / r[0] / 1e9, 100 * bytesX / r[0] / 1e9 / stream, r[2], bytesX / r[0] / 1e9 / r[2],
                                r[1] * 1e3, bytesX / r[1] / 1e9);
                        System.out.println(line);
                        summary.add(line);
                        if (pass == Nd4jBackend.Pass.FUSED && loss == Loss.log()) System.out.println("  " + backend.description());
                    }
                }
            }
        }
        if (hessianReps > 0) {
            String line = hessianLine(data, params, hessianReps);
            System.out.println(line);
            summary.add(line);
        }
        if (referenceReps > 0) try (Backend ref = new ReferenceBackend()) {
            double[] r = measure(ref, data, Loss.log(), params, 1, referenceReps);
            String line = String.format(Locale.ROOT, "reference log value+gradient: median %.2f ms = %.2f GB/s = %.0f%% of stream (%.2f cores busy, %.2f GB/s per busy core)",
                    r[0] * 1e3, bytesX / r[0] / 1e9, 100 * bytesX / r[0] / 1e9 / stream, r[2], bytesX / r[0] / 1e9 / r[2]);
            System.out.println(line);
            summary.add(line);
        }
        System.out.println("summary (stream " + String.format(Locale.ROOT, "%.2f", stream) + " GB/s):");
        for (String s : summary) System.out.println("  " + s);
    }

    /** The seeded data of this benchmark: N(0,1) float32 features into x (row-major), labels from a noisy linear rule into y. */
    public static void generate(float[] x, float[] y, int rows, int cols, SplittableRandom rnd) {
        double[] beta = new double[cols];
        for (int j = 0; j < cols; j++) beta[j] = rnd.nextDouble(-1, 1) / Math.sqrt(cols);
        for (int i = 0; i < rows; i++) {
            double z = 0;
            for (int j = 0; j < cols; j++) {
                float v = (float) gaussian(rnd);
                x[i * cols + j] = v;
                z += beta[j] * v;
            }
            y[i] = z + 0.5 * gaussian(rnd) > 0 ? 1f : 0f;
        }
    }

    static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log1p(-rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    /** Median seconds of value+gradient and of value alone over all rows, after {@code warmup} of each. */
    private static double[] measure(Backend backend, Dataset data, Loss loss, double[] params, int warmup, int reps) {
        try (DataTerm term = backend.bind(data, loss)) {
            double[] g = new double[params.length];
            double sink = 0;
            for (int i = 0; i < warmup; i++) sink += term.valueAndGradient(params, g) + term.value(params);
            double[] vg = new double[reps];
            double[] v = new double[reps];
            double[] busy = new double[reps];
            for (int i = 0; i < reps; i++) {
                long c0 = processCpuNanos();
                long t0 = System.nanoTime();
                sink += term.valueAndGradient(params, g);
                long t1 = System.nanoTime();
                vg[i] = (t1 - t0) * 1e-9;
                busy[i] = (double) (processCpuNanos() - c0) / (t1 - t0);
            }
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                sink += term.value(params);
                v[i] = (System.nanoTime() - t0) * 1e-9;
            }
            if (Double.isNaN(sink)) System.out.println("(NaN in results)");
            return new double[] {median(vg), median(v), median(busy)};
        }
    }

    /** Doubles of the CPU backend's float64 row blocks (Nd4jGemmPasses.BLOCK_DOUBLES): the ceiling's gemms take the same shape. */
    private static final int HESSIAN_BLOCK_DOUBLES = 1 << 17;

    /**
     * The CPU backend's Hessian pass (Newton's, O(m·n²)) beside its unavoidable part measured in the same run: the
     * same ND4J float64 gemms X̃_bᵀ·S_b, [k, n+1]ᵀ·[k, n+1] per block of k rows, on scratch matrices alone, with no
     * cast of X, no logits and no scaling. Medians of {@code reps} after one warm-up each.
     */
    private static String hessianLine(Dataset data, double[] params, int reps) {
        int d = data.cols() + 1;
        int blockRows = Math.max(1, HESSIAN_BLOCK_DOUBLES / d);
        long blocks = (data.rows() + blockRows - 1) / blockRows;
        double[] pass = new double[reps];
        try (Nd4jBackend backend = new Nd4jBackend(BackendOptions.DEFAULT); DataTerm term = backend.bind(data, Loss.log())) {
            double[] h = new double[d * d];
            term.hessian(params, h);
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                term.hessian(params, h);
                pass[i] = (System.nanoTime() - t0) * 1e-9;
            }
        }
        org.nd4j.linalg.api.ndarray.INDArray a = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, blockRows, d);
        org.nd4j.linalg.api.ndarray.INDArray b = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.DOUBLE, blockRows, d);
        org.nd4j.linalg.api.ndarray.INDArray c = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, d, d);
        double[] gemm = new double[reps];
        for (int i = -1; i < reps; i++) {
            long t0 = System.nanoTime();
            for (long k = 0; k < blocks; k++) org.nd4j.linalg.factory.Nd4j.gemm(a, b, c, true, false, 1.0, 1.0);
            if (i >= 0) gemm[i] = (System.nanoTime() - t0) * 1e-9;
        }
        double flops = 2.0 * blocks * blockRows * d * (double) d;
        return String.format(Locale.ROOT, "cpu hessian pass (Newton): median %.3f s; its gemms alone (%d of [%d, %d]^T [%d, %d], ND4J float64): median %.3f s = %.1f GFLOP/s; pass / gemms = %.2f",
                median(pass), blocks, blockRows, d, blockRows, d, median(gemm), flops / median(gemm) / 1e9, median(pass) / median(gemm));
    }

    /**
     * CPU time of this process (all threads), to show how many cores an evaluation actually got: on a shared
     * machine a busy neighbour shows up as fewer cores busy, not as a slower kernel.
     */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0L;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    /** Best GB/s of summing {@code a} with one thread per core, each over its own contiguous slice. */
    public static double javaReadBandwidth(float[] a, int threads, int reps) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double best = Double.MAX_VALUE;
            double sink = 0;
            for (int r = 0; r < reps + 2; r++) {
                List<Future<Double>> parts = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    int lo = (int) ((long) a.length * t / threads);
                    int hi = (int) ((long) a.length * (t + 1) / threads);
                    parts.add(pool.submit(() -> sum(a, lo, hi)));
                }
                for (Future<Double> f : parts) sink += f.get();
                double s = (System.nanoTime() - t0) * 1e-9;
                if (r >= 2) best = Math.min(best, s);  // the first two warm the JIT
            }
            if (Double.isNaN(sink)) System.out.println("(NaN)");
            return 4.0 * a.length / best / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Eight independent float sums, so the loop is bound by memory rather than by the latency of one add chain. */
    private static double sum(float[] a, int lo, int hi) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = lo;
        for (; i + 8 <= hi; i += 8) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
            s4 += a[i + 4];
            s5 += a[i + 5];
            s6 += a[i + 6];
            s7 += a[i + 7];
        }
        for (; i < hi; i++) s0 += a[i];
        return (double) s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
    }

    /** Runs the C kernel and returns the GB/s on its {@code stream_read_GBps} line. */
    public static double runStream(String binary) throws IOException, InterruptedException {
        return runStream(binary, Runtime.getRuntime().availableProcessors());
    }

    /** The C kernel with {@code threads} OpenMP threads; its GB/s. */
    public static double runStream(String binary, int threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(binary, "1024", "10").redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Process p = pb.start();
        double gbps = Double.NaN;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                System.out.println("  | " + line);
                if (line.startsWith("stream_read_GBps ")) gbps = Double.parseDouble(line.substring(17).trim());
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || Double.isNaN(gbps)) throw new IOException(binary + " exited with " + rc + " and no stream_read_GBps line");
        return gbps;
    }
}
