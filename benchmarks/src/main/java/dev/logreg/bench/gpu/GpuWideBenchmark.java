package dev.logreg.bench.gpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.data.Dataset;
import dev.logreg.gpu.CudaBackend;
import dev.logreg.gpu.CudaDataTerm;
import dev.logreg.gpu.CudaOptions;
import dev.logreg.gpu.GradientPath;
import dev.logreg.loss.Loss;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The fused value + gradient pass across row widths (issue #18, item 3: at least 0.75 of the read-only ceiling for
 * every n from 257 to 16,384), each width beside the read-only pass of the same bound data in the same run. For each
 * width: rows chosen so that X is about {@code --gb} GB, generated as {@link GpuBenchmark} does, bound, then the
 * medians of the read-only reduction, the fused pass, the value-only pass and our two-pass path; one line a width as
 * it is measured, and whether two fused runs gave the same bits. For 256 < n ≤ 512 a second line: the 128-thread
 * block kernel ({@link CudaOptions#mediumRowBlocks}), the candidate for that range.
 *
 * <p>Arguments: {@code --widths 257,384,...} (default the list), {@code --gb 4.5}, {@code --reps 10},
 * {@code --seed 1}. Run by scripts/gpu-bundle.sh's {@code wide} section; under simcuda only as a rehearsal (tiny
 * {@code --gb}: the timings mean nothing there).
 */
public final class GpuWideBenchmark {
    private GpuWideBenchmark() {}

    /** The widths: the warp-per-row range, the block range, padded widths and the new wide kernels. */
    static final int[] DEFAULT_WIDTHS = {257, 384, 512, 1000, 2047, 3000, 4096, 8192, 16384};

    public static void main(String[] args) {
        int[] widths = DEFAULT_WIDTHS;
        double gb = 4.5;
        int reps = 10;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--widths": widths = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray(); break;
                case "--gb": gb = Double.parseDouble(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "fused pass across widths, X about %.2f GB a width, median of %d runs%n", gb, reps);
        System.out.printf(Locale.ROOT, "%6s %10s %8s %9s %9s %9s %8s %8s %8s %9s  %s%n", "n", "rows", "GB", "read ms", "fused ms",
                "value ms", "fused/rd", "value/rd", "2pass/rd", "same bits", "kernels (gradient / value)");
        int below = 0;
        for (int n : widths) {
            int rows = (int) Math.max(1, Math.min(Integer.MAX_VALUE / n, (long) (gb * 1e9 / (4.0 * n))));
            Dataset data = GpuBenchmark.generate(rows, n, seed + n);
            double[] params = new double[n + 1];
            SplittableRandom pr = new SplittableRandom(seed + 1);
            for (int j = 0; j <= n; j++) params[j] = (pr.nextDouble() * 2 - 1) / Math.sqrt(n);
            double best = measure(CudaOptions.DEFAULT, data, rows, n, params, reps);
            // 256 < n <= 512: also the 128-thread block kernel (CudaOptions.mediumRowBlocks, off by default until this
            // line shows it faster than the warp-per-row path above it).
            if (n > 256 && n <= 512) best = Math.max(best, measure(CudaOptions.DEFAULT.withMediumRowBlocks(true), data, rows, n, params, reps));
            if (best < 0.75) below++;
        }
        System.out.printf(Locale.ROOT, "widths below 0.75 of the read-only ceiling (fused, best kernel): %d of %d (issue #18 item 3 target: none)%n",
                below, widths.length);
    }

    /** Binds the data on a backend with these options, prints one line, returns the fused pass's share of the ceiling. */
    private static double measure(CudaOptions options, Dataset data, int rows, int n, double[] params, int reps) {
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT, options);
             CudaDataTerm t = gpu.bindBinary(data, Loss.log())) {
            double[] g = new double[n + 1];
            double[] again = new double[n + 1];
            double readMs = GpuBenchmark.time(reps, t::readPass);
            double fusedMs = GpuBenchmark.time(reps, () -> t.valueAndGradient(0, rows, params, g, GradientPath.FUSED));
            double valueMs = GpuBenchmark.time(reps, () -> t.value(params));
            double twoPassMs = GpuBenchmark.time(reps, () -> t.valueAndGradient(0, rows, params, g, GradientPath.TWO_PASS));
            double v1 = t.valueAndGradient(0, rows, params, g, GradientPath.FUSED);
            double v2 = t.valueAndGradient(0, rows, params, again, GradientPath.FUSED);
            boolean same = Double.doubleToRawLongBits(v1) == Double.doubleToRawLongBits(v2) && Arrays.equals(g, again);
            System.out.printf(Locale.ROOT, "%6d %10d %8.2f %9.3f %9.3f %9.3f %8.2f %8.2f %8.2f %9s  %s%n", n, rows,
                    t.featureBytes() / 1e9, readMs, fusedMs, valueMs, readMs / fusedMs, readMs / valueMs, readMs / twoPassMs,
                    same ? "yes" : "NO", t.fusedKernels());
            return readMs / fusedMs;
        }
    }
}
