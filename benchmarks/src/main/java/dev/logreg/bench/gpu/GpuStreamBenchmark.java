package dev.logreg.bench.gpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.gpu.CudaBackend;
import dev.logreg.gpu.CudaBackendProvider;
import dev.logreg.gpu.CudaOptions;
import dev.logreg.gpu.StreamedDataTerm;
import dev.logreg.loss.Loss;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Data larger than device memory, streamed (issue #18 item 2): the pinned host-to-device bandwidth of the device,
 * measured here ({@code cuMemcpyHtoD} from {@code cuMemAllocHost} memory, 256 MiB a copy), beside a streamed
 * evaluation (value and gradient) of the same rows x cols, forced by a device memory limit below X; the goal is a
 * streamed evaluation at 0.8 of that bandwidth or more (X bytes / evaluation time). Also a value-only pass and a
 * streamed Hessian, timed, and whether the streamed bits (value, gradient, Hessian) equal the in-memory ones where the
 * device holds X (it does on an H200 at 10,000,000 x 128).
 *
 * <p>Usage: {@code GpuStreamBenchmark [--rows M] [--cols N] [--reps R] [--copy-mib C] [--chunk-rows K]} (defaults
 * 10,000,000 x 128, 5 reps, 256 MiB copies, automatic chunks). Needs about 4 bytes per element of heap. Prints one
 * line per measurement and a last {@code stream:} line with the ratio.
 */
public final class GpuStreamBenchmark {
    private GpuStreamBenchmark() {}

    public static void main(String[] args) {
        long rows = 10_000_000;
        int cols = 128;
        int reps = 5;
        long copyMib = 256;
        long chunkRows = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Long.parseLong(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--copy-mib": copyMib = Long.parseLong(args[++i]); break;
                case "--chunk-rows": chunkRows = Long.parseLong(args[++i]); break;
                default:
                    System.err.println("unknown argument " + args[i] + "; see the class comment of " + GpuStreamBenchmark.class.getName());
                    System.exit(64);
            }
        }
        Availability a = new CudaBackendProvider().probe();
        if (!a.usable()) {
            System.err.println("no usable CUDA device: " + a.reason());
            System.exit(2);
        }
        long t0 = System.nanoTime();
        Dataset data = GpuBenchmark.generate(Math.toIntExact(rows), cols, 2026);
        System.out.printf(Locale.ROOT, "generated %d x %d float32 in %.1f s%n", rows, cols, (System.nanoTime() - t0) / 1e9);
        double[] params = new double[cols + 1];
        SplittableRandom pr = new SplittableRandom(7);
        for (int j = 0; j <= cols; j++) params[j] = (pr.nextDouble() * 2 - 1) / Math.sqrt(cols);
        long xBytes = 4L * rows * cols;
        CudaOptions options = CudaOptions.DEFAULT.withChunkRows(chunkRows);

        double h2d;
        double streamedS;
        double[] gStreamed = new double[cols + 1];
        double vStreamed;
        double[] hStreamed = null;
        // A limit of half of X: the backend must stream (and says so in its log line).
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT, options.withDeviceMemoryLimit(xBytes / 2))) {
            System.out.println(gpu.description());
            h2d = pinnedBandwidth(Math.min(copyMib << 20, xBytes), reps);
            System.out.printf(Locale.ROOT, "pinned host-to-device: %.2f GB/s (cuMemcpyHtoD of %d MiB from cuMemAllocHost memory, best of %d)%n",
                    h2d / 1e9, Math.min(copyMib << 20, xBytes) >> 20, reps);
            t0 = System.nanoTime();
            try (DataTerm t = gpu.bind(data, Loss.log())) {
                if (!(t instanceof StreamedDataTerm s)) throw new IllegalStateException("the backend did not stream: " + t.getClass().getName());
                System.out.printf(Locale.ROOT, "bind (labels to the device; X %s): %.2f s, chunks of %d rows%n",
                        s.residentHost() ? "gathered once into page-locked host memory" : "left in the dataset, gathered every pass",
                        (System.nanoTime() - t0) / 1e9, s.chunkRows());
                vStreamed = t.valueAndGradient(params, gStreamed);  // warm-up
                double best = Double.MAX_VALUE;
                double[] times = new double[reps];
                for (int r = 0; r < reps; r++) {
                    long s0 = System.nanoTime();
                    t.valueAndGradient(params, gStreamed);
                    times[r] = (System.nanoTime() - s0) / 1e9;
                    best = Math.min(best, times[r]);
                }
                streamedS = best;
                System.out.printf(Locale.ROOT, "streamed evaluation (value and gradient): best %.2f ms, all %s%n", 1e3 * best,
                        Arrays.toString(Arrays.stream(times).map(x -> Math.round(x * 1e5) / 1e2).toArray()));
                long v0 = System.nanoTime();
                t.value(params);
                System.out.printf(Locale.ROOT, "streamed value-only pass: %.2f ms%n", (System.nanoTime() - v0) / 1e6);
                if (t.supportsHessian()) {
                    hStreamed = new double[(cols + 1) * (cols + 1)];
                    t.hessian(params, hStreamed);  // warm-up (allocates its workspaces)
                    long h0 = System.nanoTime();
                    t.hessian(params, hStreamed);
                    System.out.printf(Locale.ROOT, "streamed Hessian (curvature and 32 x 32 tiles a piece): %.2f ms%n", (System.nanoTime() - h0) / 1e6);
                }
            }
        }
        String identical;
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT, options)) {
            long[] mem = gpu.memoryInfo();
            if (xBytes + (64L << 20) > mem[0]) {
                identical = "not compared (X does not fit the device: " + mem[0] + " bytes free)";
            } else {
                try (DataTerm t = gpu.bind(data, Loss.log())) {
                    double[] g = new double[cols + 1];
                    double v = t.valueAndGradient(params, g);
                    identical = Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(vStreamed) && Arrays.equals(g, gStreamed) ? "yes" : "NO";
                    if (hStreamed != null && t.supportsHessian()) {
                        double[] h = new double[hStreamed.length];
                        t.hessian(params, h);
                        identical += Arrays.equals(h, hStreamed) ? " (Hessian: yes)" : " (Hessian: NO)";
                    }
                }
            }
        }
        double rate = xBytes / streamedS;
        System.out.printf(Locale.ROOT, "stream: %d x %d, X %.2f GB, streamed evaluation %.2f GB/s = %.2f of the pinned host-to-device %.2f GB/s"
                        + " (goal 0.8); bit-identical to in memory: %s%n",
                rows, cols, xBytes / 1e9, rate / 1e9, rate / h2d, h2d / 1e9, identical);
    }

    /** Bytes a second of a synchronous host-to-device copy of {@code bytes} from pinned memory, best of {@code reps}. */
    private static double pinnedBandwidth(long bytes, int reps) {
        Pointer host = new Pointer();
        CUdeviceptr dev = new CUdeviceptr();
        check(JCudaDriver.cuMemAllocHost(host, bytes), "cuMemAllocHost");
        try {
            check(JCudaDriver.cuMemAlloc(dev, bytes), "cuMemAlloc");
            try {
                check(JCudaDriver.cuMemcpyHtoD(dev, host, bytes), "cuMemcpyHtoD");  // warm-up
                double best = Double.MAX_VALUE;
                for (int r = 0; r < Math.max(1, reps); r++) {
                    long t0 = System.nanoTime();
                    check(JCudaDriver.cuMemcpyHtoD(dev, host, bytes), "cuMemcpyHtoD");
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
                return bytes / best;
            } finally {
                check(JCudaDriver.cuMemFree(dev), "cuMemFree");
            }
        } finally {
            check(JCudaDriver.cuMemFreeHost(host), "cuMemFreeHost");
        }
    }

    private static void check(int rc, String call) {
        if (rc != 0) throw new IllegalStateException(call + " failed: CUresult " + rc);
    }
}
