package dev.logreg.bench.io;

import dev.logreg.data.Dataset;
import dev.logreg.io.CsvDataReader;
import dev.logreg.io.LibsvmDataReader;
import dev.logreg.io.ReadOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How fast one existing file is parsed, with 1 and with 2 (or more) threads: {@link CsvDataReader} or
 * {@link LibsvmDataReader} by the file's extension, {@code --repeats} times each, round robin (so that a burst of load
 * from other processes hits every thread count alike), after one unmeasured warm-up read. Prints wall and CPU seconds
 * (the whole process: parsing threads, GC, JIT) and MB/s per read, then the medians. Uses only the readers' public
 * {@code read(file, options, threads)}, so the same class measures an older build of the io module put first on the
 * class path (benchmarks/cpu/run-parse.sh does, for the baseline).
 *
 * <pre>
 * java -cp ... dev.logreg.bench.io.ParseRate FILE [--repeats 3] [--threads 1,2] [--tag NAME]
 * </pre>
 */
public final class ParseRate {
    private ParseRate() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int repeats = 3;
        String tag = "current";
        List<Integer> threads = List.of(1, 2);
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--repeats": repeats = Integer.parseInt(args[++i]); break;
                case "--tag": tag = args[++i]; break;
                case "--threads": {
                    threads = new ArrayList<>();
                    for (String t : args[++i].split(",")) threads.add(Integer.parseInt(t));
                    break;
                }
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        boolean libsvm = file.toString().endsWith(".libsvm") || file.toString().endsWith(".svm");
        double mb = Files.size(file) / 1e6;
        read(file, libsvm, threads.get(threads.size() - 1)); // warm-up: JIT, page cache
        List<List<double[]>> rates = new ArrayList<>();
        for (int k = 0; k < threads.size(); k++) rates.add(new ArrayList<>());
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int r = 1; r <= repeats; r++) {
            for (int k = 0; k < threads.size(); k++) {
                System.gc();
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                Dataset d = read(file, libsvm, threads.get(k));
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (os.getProcessCpuTime() - c0) / 1e9;
                System.out.printf(Locale.ROOT, "%s %s threads %d run %d: %d rows, %.1f MB, wall %.2f s (%.1f MB/s), cpu %.2f s (%.1f MB per cpu-s), load %.2f%n",
                        tag, libsvm ? "libsvm" : "csv", threads.get(k), r, d.rows(), mb, wall, mb / wall, cpu, mb / cpu, os.getSystemLoadAverage());
                rates.get(k).add(new double[] {mb / wall, mb / cpu});
            }
        }
        for (int k = 0; k < threads.size(); k++) {
            List<Double> wall = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (double[] x : rates.get(k)) {
                wall.add(x[0]);
                cpu.add(x[1]);
            }
            System.out.printf(Locale.ROOT, "# median %s %s threads %d: %.1f MB/s wall (best %.1f), %.1f MB per cpu-s%n", tag, libsvm ? "libsvm" : "csv",
                    threads.get(k), median(wall), Collections.max(wall), median(cpu));
        }
    }

    private static Dataset read(Path file, boolean libsvm, int threads) throws IOException {
        ReadOptions o = ReadOptions.DEFAULT;
        return libsvm ? LibsvmDataReader.read(file, o, threads).dataset() : CsvDataReader.read(file, o, threads).dataset();
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
