package dev.logreg.bench.io;

import dev.logreg.data.Dataset;
import dev.logreg.io.LibsvmDataReader;
import dev.logreg.io.ReadOptions;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How fast the LIBSVM reader loads a large sparse file, beside a plain read of the same file in the same run (the
 * ceiling: every byte read through a {@link FileChannel} into a 1 MiB buffer and summed, no parsing). The file is
 * generated, seeded, shaped like a text set (rcv1, news20): {@code --rows} rows of about {@code --nnz} nonzeros over
 * {@code --cols} columns, column frequencies a power law (a few columns in most rows, most in few), values tf-idf-like
 * decimals with six digits, labels 0/1. The reader runs with its default parallelism and on one thread. Each is read
 * {@code --repeats} times round-robin; the first round includes JIT warm-up. The file is in the page cache when
 * read: parse speed, not disk speed. MB/s(cpu) is MB per CPU-second of the whole process (every thread, GC, JIT).
 *
 * <pre>
 * java -Xmx3g -cp ... dev.logreg.bench.io.LibsvmLoadBenchmark [--rows 200000] [--cols 1048576] [--nnz 100] [--repeats 3] [--dir /tmp] [--keep]
 * </pre>
 */
public final class LibsvmLoadBenchmark {
    private LibsvmLoadBenchmark() {}

    public static void main(String[] args) throws IOException {
        long rows = 200_000;
        int cols = 1 << 20;
        int nnz = 100;
        int repeats = 3;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Long.parseLong(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--nnz": nnz = Integer.parseInt(args[++i]); break;
                case "--repeats": repeats = Integer.parseInt(args[++i]); break;
                case "--dir": dir = Path.of(args[++i]); break;
                case "--keep": keep = true; break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.println("# LIBSVM load benchmark, " + java.time.Instant.now());
        System.out.println("# java: " + Runtime.version() + " " + System.getProperty("java.vm.name") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, " + Runtime.getRuntime().availableProcessors() + " processors");
        Path file = dir.resolve("logreg-bench-" + rows + "x" + cols + "-" + nnz + ".libsvm");
        try {
            long t0 = System.nanoTime();
            long written = generate(file, rows, cols, nnz, new SplittableRandom(20261202L));
            System.out.printf(Locale.ROOT, "# generated %s: %.1f MB, %d nonzeros, in %.1f s%n", file.getFileName(), Files.size(file) / 1e6, written,
                    (System.nanoTime() - t0) / 1e9);
            System.out.println("reader\trun\trows\tcols\tnonzeros\tMB\twall_s\tMB/s(wall)\tcpu_s(process)\tMB/s(cpu)\tof_plain_read");
            ReadOptions ro = ReadOptions.DEFAULT;
            int threads = Runtime.getRuntime().availableProcessors();
            String[] names = {"plain read (FileChannel, 1 MiB buffer, bytes summed)", "libsvm reader, default (" + Math.min(8, threads) + " threads)",
                "libsvm reader, 1 thread"};
            Load[] loads = {
                () -> plainRead(file),
                () -> LibsvmDataReader.read(file, ro).dataset(),
                () -> LibsvmDataReader.read(file, ro, 1).dataset(),
            };
            List<List<Double>> wall = new ArrayList<>();
            List<List<Double>> cpu = new ArrayList<>();
            for (int k = 0; k < loads.length; k++) {
                wall.add(new ArrayList<>());
                cpu.add(new ArrayList<>());
            }
            for (int r = 1; r <= repeats; r++) {
                double plain = 0;
                for (int k = 0; k < loads.length; k++) {
                    double[] x = time(names[k], r, file, loads[k], k == 0 ? 0 : plain);
                    if (k == 0) plain = x[0];
                    wall.get(k).add(x[0]);
                    cpu.get(k).add(x[1]);
                }
            }
            double plainMedian = median(wall.get(0));
            for (int k = 0; k < loads.length; k++) {
                System.out.printf(Locale.ROOT, "# %s: median %.1f MB/s wall (best %.1f; %.3f of the plain read's median), median %.1f MB per CPU-second%n",
                        names[k], median(wall.get(k)), Collections.max(wall.get(k)), median(wall.get(k)) / plainMedian, median(cpu.get(k)));
            }
        } finally {
            if (!keep) Files.deleteIfExists(file);
        }
    }

    private interface Load {
        Object run() throws IOException;
    }

    /** Runs {@code load} once; prints a line; returns {MB/s wall, MB per CPU-second}. */
    private static double[] time(String name, int run, Path file, Load load, double plain) throws IOException {
        System.gc();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Object o = load.run();
        double s = (System.nanoTime() - t0) / 1e9;
        double c = (os.getProcessCpuTime() - c0) / 1e9;
        double mb = Files.size(file) / 1e6;
        String shape = o instanceof Dataset d ? d.rows() + "\t" + d.cols() + "\t" + d.nonzeros() : "-\t-\t-";
        System.out.printf(Locale.ROOT, "%s\t%d\t%s\t%.1f\t%.3f\t%.1f\t%.3f\t%.1f\t%s%n", name, run, shape, mb, s, mb / s, c, mb / c,
                plain > 0 ? String.format(Locale.ROOT, "%.3f", (mb / s) / plain) : "1");
        return new double[] {mb / s, mb / c};
    }

    /** The ceiling: every byte of the file through a 1 MiB heap buffer, summed so that nothing is skipped. */
    private static Long plainRead(Path file) throws IOException {
        long sum = 0;
        byte[] a = new byte[1 << 20];
        ByteBuffer b = ByteBuffer.wrap(a);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int r;
            while ((r = ch.read(b.clear())) > 0) {
                for (int i = 0; i < r; i++) sum += a[i];
            }
        }
        return sum;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /**
     * Writes the file; returns the nonzeros written. Column j (0-based) is drawn with probability proportional to
     * 1/(j+1) (Zipf, by inverting its continuous approximation), so low columns are common and high ones rare; a row's
     * columns are drawn until {@code nnz} distinct ones are found (fewer where the draw repeats too often), then sorted.
     */
    private static long generate(Path file, long rows, int cols, int nnz, SplittableRandom rnd) throws IOException {
        long total = 0;
        int[] picked = new int[nnz];
        java.util.BitSet seen = new java.util.BitSet(cols);
        double logCols = Math.log(cols + 1.0);
        StringBuilder sb = new StringBuilder(nnz * 20);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (long i = 0; i < rows; i++) {
                int count = 0;
                for (int tries = 0; count < nnz && tries < 4 * nnz; tries++) {
                    int j = (int) Math.min(cols - 1, Math.floor(Math.exp(rnd.nextDouble() * logCols)) - 1);
                    if (!seen.get(j)) {
                        seen.set(j);
                        picked[count++] = j;
                    }
                }
                java.util.Arrays.sort(picked, 0, count);
                sb.setLength(0);
                sb.append(rnd.nextInt(2));
                for (int k = 0; k < count; k++) {
                    seen.clear(picked[k]);
                    sb.append(' ').append(picked[k] + 1).append(':');
                    appendSixDecimals(sb, 0.001 + rnd.nextDouble() * 0.4);
                }
                sb.append('\n');
                for (int k = 0; k < sb.length(); k++) out.write(sb.charAt(k));
                total += count;
            }
        }
        return total;
    }

    private static void appendSixDecimals(StringBuilder sb, double v) {
        long micro = Math.round(v * 1e6);
        sb.append(micro / 1_000_000).append('.');
        String f = Long.toString(micro % 1_000_000);
        for (int k = f.length(); k < 6; k++) sb.append('0');
        sb.append(f);
    }
}
