package dev.logreg.bench.cpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.cpu.Nd4jBackend;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import dev.logreg.io.NpyDataReader;
import dev.logreg.io.ReadOptions;
import dev.logreg.loss.Loss;
import dev.logreg.optim.StoppingCriteria;
import dev.logreg.optim.TrainingListener;
import dev.logreg.penalty.Penalty;
import dev.logreg.train.BoundData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What binding a dataset to the CPU backend costs, beside what moving its bytes can cost on this machine, in the
 * same run: {@code Nd4jBackend.bind} of (a) heap {@code float[]} data (copied into ND4J memory), (b) the same rows
 * permuted (gathered row by row), (c) the same rows in direct native-order buffers (read in place), next to three
 * ceilings: the streaming read bandwidth (Java read loop and {@code stream_read.c}), a bulk copy of X into memory
 * touched before (the memcpy a copying bind cannot beat), and {@code ByteBuffer.allocateDirect} of X's bytes, which
 * zero-fills and so pays the first touch of every fresh page (what any allocation of new memory pays on its first
 * use, whoever allocates it).
 *
 * <p>Then whole fits, alternated in the same minutes so that a busy neighbour hits all alike: {@code Trainer.fit}
 * on the heap rows (binds by copying), on the direct rows (binds in place), and {@code Trainer.fit(BoundData)} on
 * rows bound once (what each fit of a regularization path pays after the first); L-BFGS, L2 λ = 1, 10 iterations
 * (the budget that reaches 1e-6 of the optimum in {@code TimeToOptimumBenchmark}). Each fit's line gives the cores it
 * got (process CPU time / wall time): on a shared machine that, not the kernel, moves most.
 *
 * <p>Run through {@code benchmarks/cpu/run-bind.sh}. Arguments: {@code [--rows R] [--cols N] [--reps K]
 * [--fit-reps K] [--stream-binary PATH]} ({@code --fit-reps 0} skips the fits; they need this tree's {@code
 * Trainer.bind}). Each repetition prints its times; the summary gives medians and ratios.
 *
 * <p>Two more modes, for {@code benchmarks/cpu/run-read-and-bind.sh}: {@code --write-npy DIR} writes the same rows
 * as {@code .npy} files ({@code DIR/xy.npy}: rows x (cols + 1) float32, the label last; {@code DIR/x.npy} and
 * {@code DIR/y.npy}: the features alone and the labels) and exits; {@code --read-npy DIR [--reps K] [--label TEXT]}
 * times {@code NpyDataReader.read} of each layout followed by {@code Nd4jBackend.bind} of what it read, beside the
 * same run's ceilings (a bulk copy of X between touched direct buffers, a read of {@code x.npy}'s data into touched
 * memory, fresh pages of X's size), and says where the rows lie (heap, direct memory, ND4J arrays held by the term).
 * It uses only API that git HEAD's api and io already had, so it runs against either.
 */
public final class BindBenchmark {
    private BindBenchmark() {}

    /** Runs the benchmark; prints one line per repetition and a summary. */
    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int cols = 100;
        int reps = 5;
        int fitReps = 5;
        String streamBinary = null;
        String writeNpy = null;
        String readNpy = null;
        String label = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--write-npy": writeNpy = args[++i]; break;
                case "--read-npy": readNpy = args[++i]; break;
                case "--label": label = args[++i]; break;
                case "--rows": rows = Integer.parseInt(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--fit-reps": fitReps = Integer.parseInt(args[++i]); break;
                case "--stream-binary": streamBinary = args[++i]; break;
                default: throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (readNpy != null) {
            readAndBind(Path.of(readNpy), reps, label);
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        long floats = Math.multiplyExact((long) rows, cols);
        long bytes = 4 * floats;
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("X is " + bytes + " bytes; this benchmark holds it in one direct buffer (at most 2^31 - 1 bytes)");
        System.out.printf(Locale.ROOT, "data: %d x %d float32 (BandwidthBenchmark's, seed 42), X = %.1f MB; %d cores; java %s%n",
                rows, cols, bytes / 1e6, cores, System.getProperty("java.version"));
        float[] x = new float[(int) floats];
        float[] y = new float[rows];
        BandwidthBenchmark.generate(x, y, rows, cols, new SplittableRandom(42));
        if (writeNpy != null) {
            writeNpyFiles(Path.of(writeNpy), x, y, rows, cols);
            return;
        }
        Dataset heap = Dataset.wrap(x, cols, y, null);
        FloatBuffer dx = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, x);
        FloatBuffer dy = ByteBuffer.allocateDirect(4 * rows).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, y);
        Dataset direct = Dataset.wrap(dx, cols, dy, null, null);
        // Touched once here, so that the copies below measure moving bytes, not the first touch of fresh pages.
        FloatBuffer touched = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, x);

        double javaRead = BandwidthBenchmark.javaReadBandwidth(x, cores, 10);
        double cRead = streamBinary == null ? Double.NaN : BandwidthBenchmark.runStream(streamBinary);
        double stream = Double.isNaN(cRead) ? javaRead : Math.max(javaRead, cRead);
        System.out.printf(Locale.ROOT, "streaming read bandwidth: Java %.2f GB/s, C %.2f GB/s, best %.2f GB/s (%d cores)%n", javaRead, cRead, stream, cores);

        double[] copy = new double[reps];
        double[] fresh = new double[reps];
        double[] bindHeap = new double[reps];
        double[] bindPermuted = new double[reps];
        double[] bindDirect = new double[reps];
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT)) {
            cpu.bind(heap, Loss.log()).close();  // loads the kernels' classes and ND4J's allocator once
            if (fitReps > 0) fits(cpu, heap, direct, fitReps);
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                touched.put(0, x);
                copy[r] = seconds(t0);

                t0 = System.nanoTime();
                ByteBuffer b = ByteBuffer.allocateDirect((int) bytes);
                fresh[r] = seconds(t0);
                if (b.get((int) (bytes / 2)) != 0) throw new AssertionError("allocateDirect did not zero-fill");
                b = null;

                bindHeap[r] = timeBind(cpu, heap, BindOptions.DEFAULT);
                bindPermuted[r] = timeBind(cpu, heap, BindOptions.permuted(7));
                bindDirect[r] = timeBind(cpu, direct, BindOptions.DEFAULT);
                System.out.printf(Locale.ROOT, "rep %d: bulk copy of X into touched memory %.3f s; allocateDirect (fresh pages, zero-filled) %.3f s;"
                                + " bind heap %.3f s, heap permuted %.3f s, direct native-order %.4f s%n",
                        r + 1, copy[r], fresh[r], bindHeap[r], bindPermuted[r], bindDirect[r]);
                System.gc();  // frees the direct buffer of this repetition (its Cleaner runs after a collection)
            }
        }
        double c = median(copy);
        double f = median(fresh);
        double h = median(bindHeap);
        double p = median(bindPermuted);
        double d = median(bindDirect);
        System.out.printf(Locale.ROOT, "summary (medians of %d):%n", reps);
        System.out.printf(Locale.ROOT, "  X at the streaming read bandwidth: %.3f s; bulk copy into touched memory: %.3f s (%.2f GB/s); fresh pages of X's size: %.3f s%n",
                bytes / (stream * 1e9), c, bytes / c / 1e9, f);
        System.out.printf(Locale.ROOT, "  bind heap:                 %.3f s = %.1f x the bulk copy, %.2f x the fresh pages%n", h, h / c, h / f);
        System.out.printf(Locale.ROOT, "  bind heap permuted:        %.3f s = %.1f x the bulk copy, %.2f x the fresh pages%n", p, p / c, p / f);
        System.out.printf(Locale.ROOT, "  bind direct native-order:  %.4f s = %.3f x the bulk copy%n", d, d / c);
    }

    /** Whole fits three ways, alternated; prints each and the medians. */
    private static void fits(Nd4jBackend cpu, Dataset heap, Dataset direct, int reps) {
        TrainingOptions o = TrainingOptions.DEFAULT.withOptimizer("lbfgs").withPenalty(Penalty.l2(1.0))
                .withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(10).withGradientTolerance(1e-15).withRelativeObjectiveTolerance(0));
        String[] names = {"Trainer.fit, heap float[] rows", "Trainer.fit, direct native-order rows", "Trainer.fit(BoundData), heap rows bound once"};
        double[][] wall = new double[3][reps];
        double[][] opt = new double[3][reps];
        double[][] busy = new double[3][reps];
        try (BoundData bound = Trainer.bind(cpu, heap, o)) {
            Trainer.fit(bound, o.withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(1)), TrainingListener.NONE);  // JIT warm-up; keeps the column statistics
            Trainer.fit(cpu, direct, o.withCriteria(StoppingCriteria.DEFAULT.withMaxIterations(1)), TrainingListener.NONE);
            for (int r = 0; r < reps; r++) {
                for (int k = 0; k < 3; k++) {
                    long c0 = BandwidthBenchmark.processCpuNanos();
                    long t0 = System.nanoTime();
                    TrainingResult res = k == 0 ? Trainer.fit(cpu, heap, o, TrainingListener.NONE)
                            : k == 1 ? Trainer.fit(cpu, direct, o, TrainingListener.NONE)
                            : Trainer.fit(bound, o, TrainingListener.NONE);
                    wall[k][r] = seconds(t0);
                    busy[k][r] = (BandwidthBenchmark.processCpuNanos() - c0) / 1e9 / wall[k][r];
                    opt[k][r] = res.optimization().elapsedNanos() / 1e9;
                    System.out.printf(Locale.ROOT, "fit rep %d: %-46s %.3f s (optimizer %.3f s, %d evaluations, %.2f cores busy), J = %.15g%n",
                            r + 1, names[k], wall[k][r], opt[k][r], res.optimization().evaluations(), busy[k][r], res.objective());
                }
            }
        }
        System.out.printf(Locale.ROOT, "fits, medians of %d:%n", reps);
        for (int k = 0; k < 3; k++) {
            System.out.printf(Locale.ROOT, "  %-46s %.3f s (optimizer %.3f s, %.2f cores busy)%n", names[k], median(wall[k]), median(opt[k]), median(busy[k]));
        }
    }

    // ---- reading a .npy file and binding it --------------------------------------------------------------------

    /** Writes DIR/xy.npy (label last), DIR/x.npy and DIR/y.npy, little-endian float32, format 1.0. */
    private static void writeNpyFiles(Path dir, float[] x, float[] y, int rows, int cols) throws IOException {
        Files.createDirectories(dir);
        writeNpy(dir.resolve("xy.npy"), new long[] {rows, cols + 1}, rows, r -> {
            FloatBuffer row = FloatBuffer.allocate(cols + 1);
            row.put(x, r * cols, cols).put(y[r]);
            return row.flip();
        });
        writeNpy(dir.resolve("x.npy"), new long[] {rows, cols}, rows, r -> FloatBuffer.wrap(x, r * cols, cols));
        writeNpy(dir.resolve("y.npy"), new long[] {rows}, rows, r -> FloatBuffer.wrap(y, r, 1));
        System.out.printf(Locale.ROOT, "wrote %s/{xy,x,y}.npy: %d x %d float32 (BandwidthBenchmark's, seed 42), labels last in xy.npy%n", dir, rows, cols);
    }

    private static void writeNpy(Path file, long[] shape, int rows, java.util.function.IntFunction<FloatBuffer> row) throws IOException {
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) sh.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + sh + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
            head.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
            head.put(header.getBytes(StandardCharsets.ISO_8859_1)).flip();
            while (head.hasRemaining()) ch.write(head);
            ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
            FloatBuffer fb = buf.asFloatBuffer();
            for (int r = 0; r < rows; r++) {
                FloatBuffer src = row.apply(r);
                if (fb.remaining() < src.remaining()) {
                    flush(ch, buf, fb);
                }
                fb.put(src);
            }
            flush(ch, buf, fb);
        }
    }

    private static void flush(FileChannel ch, ByteBuffer buf, FloatBuffer fb) throws IOException {
        buf.clear().limit(fb.position() * Float.BYTES);
        while (buf.hasRemaining()) ch.write(buf);
        fb.clear();
    }

    /**
     * Reads DIR/xy.npy (label column: staged and split row by row at this tree) and DIR/x.npy with DIR/y.npy
     * (features alone: read straight into the block at this tree), binds each, and times both beside the ceilings.
     */
    private static void readAndBind(Path dir, int reps, String label) throws Exception {
        Path xy = dir.resolve("xy.npy");
        Path x = dir.resolve("x.npy");
        Path y = dir.resolve("y.npy");
        long dataOffset;
        long bytes;
        try (FileChannel ch = FileChannel.open(x, StandardOpenOption.READ)) {
            ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(pre, 0);
            dataOffset = 10 + Short.toUnsignedInt(pre.getShort(8));
            bytes = ch.size() - dataOffset;
        }
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException(x + ": " + bytes + " bytes of data; this mode holds X in one direct buffer");
        ReadOptions withLabels = ReadOptions.DEFAULT.withLabelsFile(y);
        String[] names = {"xy.npy (label last)", "x.npy + y.npy"};
        System.out.printf(Locale.ROOT, "read and bind (%s): X = %.1f MB in %s; %d cores; java %s; max heap %d MB, max direct memory default = max heap%n",
                label, bytes / 1e6, dir, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        double[][] read = new double[2][reps];
        double[][] bind = new double[2][reps];
        double[] copy = new double[reps];
        double[] fileRead = new double[reps];
        double[] firstRead = new double[reps];
        double[] fresh = new double[reps];
        try (Nd4jBackend cpu = new Nd4jBackend(BackendOptions.DEFAULT)) {
            // Warm-up: the page cache holds the files, the reader's and ND4J's classes are loaded and compiled.
            for (int k = 0; k < 2; k++) {
                cpu.bind(NpyDataReader.read(k == 0 ? xy : x, k == 0 ? ReadOptions.DEFAULT : withLabels).dataset(), Loss.log()).close();
            }
            settle();
            System.out.printf(Locale.ROOT, "peak resident memory after the warm-up (one read + bind of each layout, in turn): %d MB%n", vm("VmHWM") >> 10);
            for (int r = 0; r < reps; r++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "rep %d:", r + 1));
                for (int k = 0; k < 2; k++) {
                    long t0 = System.nanoTime();
                    Dataset d = NpyDataReader.read(k == 0 ? xy : x, k == 0 ? ReadOptions.DEFAULT : withLabels).dataset();
                    read[k][r] = seconds(t0);
                    t0 = System.nanoTime();
                    DataTerm term = cpu.bind(d, Loss.log());
                    bind[k][r] = seconds(t0);
                    long heap = heapUsedAfterGc();
                    long direct = directUsed();
                    line.append(String.format(Locale.ROOT, " %s read %.3f s + bind %.4f s [%d block(s), %s; heap in use %d MB, direct buffers %d MB, ND4J arrays held by the term %d];",
                            names[k], read[k][r], bind[k][r], d.blocks().size(), where(d), heap >> 20, direct >> 20, cpu.liveAllocations()));
                    term.close();
                    term = null;  // a closed term still refers to the rows it read in place
                    d = null;
                    settle();
                }
                // The ceilings, each in fresh memory of X's size or in memory touched before.
                ByteBuffer a = ByteBuffer.allocateDirect((int) bytes);
                ByteBuffer b = ByteBuffer.allocateDirect((int) bytes);
                try (FileChannel ch = FileChannel.open(x, StandardOpenOption.READ)) {
                    fill(ch, a, dataOffset);
                    // b is touched (allocateDirect zero-fills it); its first read still costs far more than a
                    // re-read on the development VM, so both are timed.
                    long t0 = System.nanoTime();
                    fill(ch, b, dataOffset);
                    firstRead[r] = seconds(t0);
                    t0 = System.nanoTime();
                    fill(ch, b, dataOffset);
                    fileRead[r] = seconds(t0);
                }
                long t0 = System.nanoTime();
                b.clear();
                b.put(a.clear());
                copy[r] = seconds(t0);
                a = null;
                b = null;
                settle();
                t0 = System.nanoTime();
                ByteBuffer f = ByteBuffer.allocateDirect((int) bytes);
                fresh[r] = seconds(t0);
                if (f.get((int) (bytes / 2)) != 0) throw new AssertionError("allocateDirect did not zero-fill");
                f = null;
                settle();
                line.append(String.format(Locale.ROOT, " ceilings: x.npy's data read into touched memory %.3f s (first read into it), %.3f s (read again);"
                                + " bulk copy of X between touched buffers %.3f s; fresh pages of X's size %.3f s",
                        firstRead[r], fileRead[r], copy[r], fresh[r]));
                System.out.println(line);
            }
        }
        System.out.printf(Locale.ROOT, "summary (%s, medians of %d); peak resident memory of the run %d MB:%n", label, reps, vm("VmHWM") >> 10);
        double fr = median(fileRead);
        double ff = median(firstRead);
        double c = median(copy);
        double f = median(fresh);
        System.out.printf(Locale.ROOT, "  ceilings: x.npy's data into touched memory %.3f s first, %.3f s again (%.2f GB/s); bulk copy of X %.3f s (%.2f GB/s); fresh pages of X's size %.3f s%n",
                ff, fr, bytes / fr / 1e9, c, bytes / c / 1e9, f);
        for (int k = 0; k < 2; k++) {
            double rd = median(read[k]);
            double bd = median(bind[k]);
            System.out.printf(Locale.ROOT, "  %-20s read %.3f s + bind %.4f s = %.3f s = %.2f x (file read into touched memory + fresh pages)%n",
                    names[k], rd, bd, rd + bd, (rd + bd) / (fr + f));
        }
    }

    /** Where a dataset's feature blocks lie: "heap", "direct native-order" or a mix. */
    private static String where(Dataset d) {
        long direct = 0;
        for (RowBlock b : d.blocks()) {
            FloatBuffer f = b.features();
            if (f.isDirect() && f.order() == ByteOrder.nativeOrder()) direct++;
        }
        return direct == d.blocks().size() ? "direct native-order" : direct == 0 ? "heap" : direct + " of " + d.blocks().size() + " direct";
    }

    private static void fill(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        dst.clear();
        while (dst.hasRemaining()) {
            if (ch.read(dst, pos + dst.position()) < 0) throw new IOException("short file");
        }
    }

    /** Collects garbage and gives direct buffers' cleaners a moment, so that the next step starts from freed memory. */
    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(200);
        System.gc();
    }

    private static long heapUsedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long directUsed() {
        for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (p.getName().equals("direct")) return p.getMemoryUsed();
        }
        return -1;
    }

    /** A field of /proc/self/status in KiB (VmHWM: peak resident set), or -1 where there is none. */
    private static long vm(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field + ":")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static double timeBind(Nd4jBackend cpu, Dataset data, BindOptions options) {
        long t0 = System.nanoTime();
        DataTerm term = cpu.bind(data, Loss.log(), options);
        double s = seconds(t0);
        term.close();
        return s;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
