package dev.logreg.bench.io;

import dev.logreg.data.Dataset;
import dev.logreg.io.DataReaders;
import dev.logreg.io.CsvDataReader;
import dev.logreg.io.DataFormat;
import dev.logreg.io.FastCsvDataReader;
import dev.logreg.io.LoadedData;
import dev.logreg.io.ReadOptions;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
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
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How fast the readers load a large file: a generated m x n CSV (about 1 GB at 1,000,000 x 100: values with six
 * decimals, a 0/1 label column) read with {@link DataReaders} (the byte scanner + FastDoubleParser) and with the
 * FastCSV-based {@link FastCsvDataReader}, the same matrix as a
 * float32 {@code .npy}, and, as a baseline, the naive way (BufferedReader, String.split, Float.parseFloat into
 * the same Dataset builder). Each is read {@code --repeats} times; the first run includes JIT warm-up. The files are
 * written just before, so they are normally in the page cache: the figures are parse speed, not disk speed. Each
 * run reports wall time and the process's CPU time (every thread: the parsing threads, GC, JIT): on a shared
 * machine the wall time includes waiting for a core, the CPU time does not; MB/s(cpu) is MB per CPU-second.
 *
 * <pre>
 * java -Xmx6g -cp ... dev.logreg.bench.io.CsvLoadBenchmark [--rows 1000000] [--cols 100] [--repeats 3] [--dir /tmp] [--keep] [--no-baseline]
 * </pre>
 */
public final class CsvLoadBenchmark {
    private CsvLoadBenchmark() {}

    public static void main(String[] args) throws IOException {
        long rows = 1_000_000;
        int cols = 100;
        int repeats = 3;
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        boolean keep = false;
        boolean baseline = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Long.parseLong(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--repeats": repeats = Integer.parseInt(args[++i]); break;
                case "--dir": dir = Path.of(args[++i]); break;
                case "--keep": keep = true; break;
                case "--no-baseline": baseline = false; break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.println("# CSV load benchmark, " + java.time.Instant.now());
        System.out.println("# machine: " + machine());
        System.out.println("# java: " + Runtime.version() + " " + System.getProperty("java.vm.name") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        Path csv = dir.resolve("logreg-bench-" + rows + "x" + cols + ".csv");
        Path npy = dir.resolve("logreg-bench-" + rows + "x" + cols + ".npy");
        try {
            long t0 = System.nanoTime();
            generate(csv, npy, rows, cols, new SplittableRandom(20261126L));
            System.out.printf(Locale.ROOT, "# generated %s (%.1f MB) and %s (%.1f MB) in %.1f s%n", csv.getFileName(), Files.size(csv) / 1e6,
                    npy.getFileName(), Files.size(npy) / 1e6, (System.nanoTime() - t0) / 1e9);
            System.out.println("reader\trun\trows\tcols\tMB\twall_s\tMB/s(wall)\trows/s(wall)\tcpu_s(process)\tMB/s(cpu)");
            ReadOptions ro = ReadOptions.DEFAULT;
            // Round-robin over the readers, so that a burst of load from other processes hits them alike.
            String[] names = {"csv byte scanner, 1 thread (the default)", "csv byte scanner, 2 threads (opt-in)", "csv FastCSV callback, 1 thread",
                    "npy float32 (bulk read)"};
            Load[] loads = {
                () -> DataReaders.read(csv, ro).dataset(),
                () -> CsvDataReader.read(csv, ro, 2).dataset(),
                () -> FastCsvDataReader.read(csv, ro).dataset(),
                () -> DataReaders.read(npy, ro.withFormat(DataFormat.NPY)).dataset(),
            };
            Path[] files = {csv, csv, csv, npy};
            List<List<double[]>> rates = new ArrayList<>();
            for (int k = 0; k < loads.length; k++) rates.add(new ArrayList<>());
            for (int r = 1; r <= repeats; r++) {
                for (int k = 0; k < loads.length; k++) rates.get(k).add(time(names[k], r, files[k], loads[k]));
            }
            final int n = cols;
            if (baseline) time("csv naive (split + Float.parseFloat), 1 thread", 1, csv, () -> naive(csv, n));
            for (int k = 0; k < loads.length; k++) {
                List<Double> wall = new ArrayList<>();
                List<Double> cpu = new ArrayList<>();
                for (double[] x : rates.get(k)) {
                    wall.add(x[0]);
                    cpu.add(x[1]);
                }
                System.out.printf(Locale.ROOT, "# %s: median %.1f MB/s wall (best %.1f), median %.1f MB per CPU-second%n",
                        names[k], median(wall), Collections.max(wall), median(cpu));
            }
        } finally {
            if (!keep) {
                Files.deleteIfExists(csv);
                Files.deleteIfExists(npy);
            }
        }
    }

    private interface Load {
        Dataset run() throws IOException;
    }

    /** Runs {@code load} once; returns {MB/s wall, MB per CPU-second}. */
    private static double[] time(String name, int run, Path file, Load load) throws IOException {
        System.gc();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Dataset d = load.run();
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - c0) / 1e9;
        double mb = Files.size(file) / 1e6;
        System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%d\t%.1f\t%.3f\t%.1f\t%.0f\t%.3f\t%.1f%n", name, run, d.rows(), d.cols(), mb, s, mb / s, d.rows() / s, cpu, mb / cpu);
        return new double[] {mb / s, mb / cpu};
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The naive reader: what the fast path is measured against. */
    private static Dataset naive(Path csv, int cols) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            int n = header.split(",").length - 1;
            Dataset.Builder b = Dataset.builder(n);
            float[] row = new float[n];
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",");
                for (int j = 0; j < n; j++) row[j] = Float.parseFloat(f[j]);
                b.addRow(row, 0, Float.parseFloat(f[n]), 0f, false);
            }
            return b.build();
        }
    }

    /** Writes the CSV (six decimals, label last) and the same values as a float32 .npy (label last). */
    private static void generate(Path csv, Path npy, long rows, int cols, SplittableRandom rnd) throws IOException {
        byte[] line = new byte[cols * 16 + 16];
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + (cols + 1) + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String npyHeader = dict + " ".repeat(pad) + "\n";
        ByteBuffer nb = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20);
             FileChannel ch = FileChannel.open(npy, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            StringBuilder h = new StringBuilder();
            for (int j = 0; j < cols; j++) h.append('x').append(j).append(',');
            h.append("label\n");
            out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
            ByteBuffer hb = ByteBuffer.allocate(10 + npyHeader.length()).order(ByteOrder.LITTLE_ENDIAN);
            hb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) npyHeader.length()).put(npyHeader.getBytes(StandardCharsets.ISO_8859_1));
            hb.flip();
            ch.write(hb);
            for (long i = 0; i < rows; i++) {
                int p = 0;
                for (int j = 0; j < cols; j++) {
                    long micro = Math.round(rnd.nextGaussian() * 2_000_000); // value = micro / 1e6, six decimals
                    p = format(micro, line, p);
                    line[p++] = ',';
                    put(nb, ch, micro / 1e6f);
                }
                int y = rnd.nextInt(2);
                line[p++] = (byte) ('0' + y);
                line[p++] = '\n';
                out.write(line, 0, p);
                put(nb, ch, y);
            }
            nb.flip();
            while (nb.hasRemaining()) ch.write(nb);
        }
    }

    private static void put(ByteBuffer nb, FileChannel ch, float v) throws IOException {
        if (!nb.hasRemaining()) {
            nb.flip();
            while (nb.hasRemaining()) ch.write(nb);
            nb.clear();
        }
        nb.putFloat(v);
    }

    /** micro/1e6 with exactly six decimals, into {@code b} at {@code p}; returns the new end. */
    private static int format(long micro, byte[] b, int p) {
        if (micro < 0) {
            b[p++] = '-';
            micro = -micro;
        }
        long ip = micro / 1_000_000;
        long fp = micro % 1_000_000;
        String s = Long.toString(ip);
        for (int k = 0; k < s.length(); k++) b[p++] = (byte) s.charAt(k);
        b[p++] = '.';
        for (int k = 5; k >= 0; k--) {
            b[p + k] = (byte) ('0' + fp % 10);
            fp /= 10;
        }
        return p + 6;
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux; keep the default
        }
        String mem = "";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal")) {
                    mem = ", " + Long.parseLong(l.replaceAll("[^0-9]", "")) / (1 << 20) + " GiB RAM";
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores" + mem + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch");
    }
}
