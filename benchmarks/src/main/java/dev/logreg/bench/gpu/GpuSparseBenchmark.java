package dev.logreg.bench.gpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.data.Dataset;
import dev.logreg.gpu.CudaBackend;
import dev.logreg.gpu.CudaBackendProvider;
import dev.logreg.gpu.CudaSparseTerm;
import dev.logreg.loss.Loss;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The sparse GPU benchmark: on a seeded CSR set shaped like rcv1/news20 at scale (default 5,000,000 rows x 2^20
 * features, about 100 nonzeros a row, column frequencies by a power law: column ⌊n u³⌋, u uniform) it times
 * <ul>
 *   <li>the sparse value+gradient pass ({@link CudaSparseTerm}: the rows pass and Xᵀr over the transposed copy), on
 *       the device alone and with θ's copy down and the gradient's back, the value-only pass and a Hessian-vector
 *       product;</li>
 *   <li>as ceilings, a read-only pass over the same value and index arrays: the CSR's (8 bytes a nonzero) and the CSR's
 *       plus the transposed copy's (16 bytes a nonzero: what the pass must read at least);</li>
 *   <li>PyTorch's sparse mv on the same GPU and the same CSR ({@code benchmarks/gpu/torch_sparse.py}:
 *       {@code torch.sparse_csr_tensor @ θ}, then its transpose with r, float32, as a user writes the gradient; it
 *       also checks our gradient against a float64 one and says whether its transposed mv repeats bit for bit);</li>
 * </ul>
 * checks that two passes give the same bits, and prints the target (the pass at least 0.6 of the read-only
 * pass over the same arrays) as a {@code targets:} line. Without a usable CUDA device it prints
 * {@code no usable CUDA device: <reason>} and exits with status 2.
 *
 * <p>Usage: {@code GpuSparseBenchmark [--rows M] [--cols N] [--per-row K] [--reps R] [--seed S] [--work DIR]
 * [--python python3] [--script benchmarks/gpu/torch_sparse.py] [--no-torch] [--torch-device cuda|cpu]} ({@code cpu}: the PyTorch
 * script on the CPU, to rehearse under simcuda). Needs about 9 bytes a nonzero of host
 * heap (-Xmx8g for the default size) and as much free disk under DIR for the .npy files (deleted after).
 */
public final class GpuSparseBenchmark {
    private GpuSparseBenchmark() {}

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int rows = 5_000_000;
        int cols = 1 << 20;
        int perRow = 100;
        int reps = 10;
        long seed = 20_261_217L;
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "logreg-gpu-sparse-bench");
        String python = "python3";
        Path script = Path.of("benchmarks/gpu/torch_sparse.py");
        boolean torch = true;
        String torchDevice = "cuda";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows": rows = Integer.parseInt(args[++i]); break;
                case "--cols": cols = Integer.parseInt(args[++i]); break;
                case "--per-row": perRow = Integer.parseInt(args[++i]); break;
                case "--reps": reps = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--work": work = Path.of(args[++i]); break;
                case "--python": python = args[++i]; break;
                case "--script": script = Path.of(args[++i]); break;
                case "--no-torch": torch = false; break;
                case "--torch-device": torchDevice = args[++i]; break;
                default:
                    System.err.println("unknown argument " + args[i] + "; see the class comment of " + GpuSparseBenchmark.class.getName());
                    System.exit(64);
            }
        }
        if (rows < 1 || cols < 1 || perRow < 1 || reps < 1 || (long) rows * 2 * perRow > Integer.MAX_VALUE - 8) {
            System.err.println("rows " + rows + ", cols " + cols + ", per-row " + perRow + ", reps " + reps
                    + ": expected positive values and at most 2^31 - 9 nonzeros (rows x 2 x per-row)");
            System.exit(64);
        }
        Availability a = new CudaBackendProvider().probe();
        if (!a.usable()) {
            System.err.println("no usable CUDA device: " + a.reason());
            System.exit(2);
        }
        System.out.println("device: " + a.reason());
        long t0 = System.nanoTime();
        Csr csr = generate(rows, cols, perRow, seed);
        System.out.printf(Locale.ROOT, "generated %d x %d CSR, %d nonzeros (%.1f a row), power-law columns (seed %d) in %.1f s%n", rows, cols,
                csr.nonzeros(), (double) csr.nonzeros() / rows, seed, GpuBenchmark.secondsSince(t0));
        run(csr, rows, cols, reps, seed, work, python, script, torch ? torchDevice : null);
    }

    /** A CSR set in Java arrays (labels 0/1 from a logistic model over a sparse β). */
    record Csr(long[] offsets, int[] indices, float[] values, float[] labels) {
        long nonzeros() { return offsets[offsets.length - 1]; }

        Dataset dataset(int cols) {
            return Dataset.wrapCsr(offsets, indices, values, cols, labels, null, 2);
        }
    }

    /**
     * Seeded rows: length uniform in [perRow/2, 3 perRow/2], columns ⌊n u³⌋ (a power law: column c has density about
     * c^(-2/3)), duplicates dropped, values uniform in [-1, 1); one generator per chunk of rows, split in order, so the
     * data do not depend on the thread count.
     */
    static Csr generate(int rows, int cols, int perRow, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        double[] beta = new double[Math.min(cols, 1 << 16)];  // β_c for c below 2^16, 0 above: a sparse model
        for (int c = 0; c < beta.length; c++) beta[c] = (root.nextDouble() * 2 - 1) * 0.5;
        int chunk = 1 << 14;
        int chunks = (rows + chunk - 1) / chunk;
        SplittableRandom[] gens = new SplittableRandom[chunks];
        for (int c = 0; c < chunks; c++) gens[c] = root.split();
        int[][] lengths = new int[chunks][];
        int[][] idx = new int[chunks][];
        float[][] val = new float[chunks][];
        float[] labels = new float[rows];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            SplittableRandom g = gens[c];
            int r0 = c * chunk;
            int r1 = Math.min(rows, r0 + chunk);
            int[] len = new int[r1 - r0];
            int[] ci = new int[(r1 - r0) * (perRow * 3 / 2 + 1)];
            float[] cv = new float[ci.length];
            int pos = 0;
            int[] row = new int[perRow * 3 / 2 + 1];
            for (int r = r0; r < r1; r++) {
                int want = perRow / 2 + g.nextInt(perRow + 1);
                for (int k = 0; k < want; k++) {
                    double u = g.nextDouble();
                    row[k] = (int) Math.min(cols - 1, Math.floor(cols * u * u * u));
                }
                Arrays.sort(row, 0, want);
                int count = 0;
                double z = 0;
                for (int k = 0; k < want; k++) {
                    if (count > 0 && ci[pos + count - 1] == row[k]) continue;
                    ci[pos + count] = row[k];
                    float v = (float) (g.nextDouble() * 2 - 1);
                    cv[pos + count] = v;
                    if (row[k] < beta.length) z += beta[row[k]] * v;
                    count++;
                }
                len[r - r0] = count;
                pos += count;
                labels[r] = g.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1f : 0f;
            }
            lengths[c] = len;
            idx[c] = Arrays.copyOf(ci, pos);
            val[c] = Arrays.copyOf(cv, pos);
        });
        long[] offsets = new long[rows + 1];
        int total = 0;
        for (int c = 0; c < chunks; c++) total = Math.addExact(total, idx[c].length);
        int[] indices = new int[total];
        float[] values = new float[total];
        int pos = 0;
        int r = 0;
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(idx[c], 0, indices, pos, idx[c].length);
            System.arraycopy(val[c], 0, values, pos, val[c].length);
            for (int len : lengths[c]) {
                offsets[r + 1] = offsets[r] + len;
                r++;
            }
            pos += idx[c].length;
            idx[c] = null;
            val[c] = null;
        }
        return new Csr(offsets, indices, values, labels);
    }

    /** The measurements; {@code torchDevice} null: no PyTorch run. */
    private static void run(Csr csr, int rows, int cols, int reps, long seed, Path work, String python, Path script, String torchDevice)
            throws Exception {
        Dataset data = csr.dataset(cols);
        double[] params = new double[cols + 1];
        SplittableRandom pr = new SplittableRandom(seed + 1);
        for (int j = 0; j <= cols; j++) params[j] = (pr.nextDouble() * 2 - 1) * 0.1;
        double[] ours = new double[cols + 1];
        double[] again = new double[cols + 1];
        double value;
        double readCsrMs;
        double readAllMs;
        double passMs;
        boolean identical;
        long arrayBytes;
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT)) {
            long t0 = System.nanoTime();
            CudaSparseTerm t = gpu.bindSparse(data, Loss.log(), BindOptions.DEFAULT);
            System.out.printf(Locale.ROOT, "bound in %.2f s (CSR upload and the transposed copy built on the device): %d of %d columns occur,"
                    + " rows kernel %s%n", GpuBenchmark.secondsSince(t0), t.deviceColumns(), cols, t.rowsKernel());
            arrayBytes = t.arrayBytes(true);
            readCsrMs = GpuBenchmark.time(reps, () -> t.readPass(false));
            row("read-only pass over the CSR's indices and values", readCsrMs, t.arrayBytes(false), readCsrMs);
            readAllMs = GpuBenchmark.time(reps, () -> t.readPass(true));
            row("read-only pass over CSR and transposed copy (ceiling)", readAllMs, arrayBytes, readAllMs);
            value = t.valueAndGradient(params, ours);
            passMs = GpuBenchmark.time(reps, t::devicePass);
            row("sparse value+gradient pass, on the device", passMs, arrayBytes, readAllMs);
            double withCopies = GpuBenchmark.time(reps, () -> t.valueAndGradient(params, again));
            row("sparse value+gradient, with theta down and gradient back", withCopies, arrayBytes, readAllMs);
            double valueMs = GpuBenchmark.time(reps, () -> t.value(params));
            row("sparse value only (rows pass)", valueMs, t.arrayBytes(false), readCsrMs);
            double[] hv = new double[cols + 1];
            double hvMs = GpuBenchmark.time(reps, () -> t.hessianVector(params, params, hv));
            row("Hessian-vector product (curvatures kept)", hvMs, arrayBytes, readAllMs);
            double v2 = t.valueAndGradient(params, again);
            identical = Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(v2) && Arrays.equals(ours, again);
            System.out.printf(Locale.ROOT, "value %.17g%n", value);
            t.close();
        }
        String json = torchDevice != null ? runTorch(csr, params, ours, value, reps, work, python, script, torchDevice) : null;
        if (json != null) {
            for (String[] k : new String[][] {{"mv_ms", "PyTorch float32 CSR mv, X theta"}, {"mvt_ms", "PyTorch float32 transposed mv, X^T r"},
                    {"grad_ms", "PyTorch float32 gradient (mv, sigmoid, transposed mv)"}}) {
                Double ms = GpuBenchmark.number(json, k[0]);
                // Bytes of the CSR's value and index arrays it reads: once for an mv, twice for the gradient.
                if (ms != null && !ms.isNaN()) row(k[1], ms, k[0].equals("grad_ms") ? arrayBytes : arrayBytes / 2.0, readAllMs);
            }
            System.out.printf(Locale.ROOT, "sparse gradient vs torch float64 gradient: max error / scale = %.3g; torch's transposed mv repeats"
                    + " bit for bit: %s%n", GpuBenchmark.number(json, "grad_check_err_over_scale"), json.contains("\"mvt_repeats\": true") ? "yes" : "no");
        }
        Double torchMs = json == null ? null : GpuBenchmark.number(json, "grad_ms");
        System.out.printf(Locale.ROOT, "sparse value+gradient two runs bit-identical: %s%n", identical ? "yes" : "NO");
        System.out.printf(Locale.ROOT, "targets: sparse pass at %.0f%% of the read-only pass over the same arrays (target 60%%)%n", 100 * readAllMs / passMs);
        System.out.printf(Locale.ROOT, "targets: sparse pass vs PyTorch's float32 sparse gradient: %s%n",
                torchMs == null || torchMs.isNaN() ? "n/a (no torch run)" : String.format(Locale.ROOT, "%.2fx faster", torchMs / passMs));
    }

    private static void row(String name, double ms, double bytes, double ceilingMs) {
        System.out.printf(Locale.ROOT, "measured: %-58s %10.3f ms %10.1f GB/s %8.2fx of the ceiling%n", name, ms, bytes / (ms * 1e-3) / 1e9,
                ceilingMs / ms);
        System.out.flush();
    }

    /** Writes the .npy files, runs the torch script, returns its JSON line (null, with a note, where it fails). */
    private static String runTorch(Csr csr, double[] params, double[] ours, double value, int reps, Path work, String python, Path script,
                                   String device) {
        List<String> files = List.of("crow.npy", "col.npy", "val.npy", "y.npy", "params.npy", "ours.npy");
        try {
            Files.createDirectories(work);
            long t0 = System.nanoTime();
            write(work.resolve("crow.npy"), "<i8", csr.offsets().length, (b, k) -> b.putLong(csr.offsets()[k]), 8);
            write(work.resolve("col.npy"), "<i4", csr.indices().length, (b, k) -> b.putInt(csr.indices()[k]), 4);
            write(work.resolve("val.npy"), "<f4", csr.values().length, (b, k) -> b.putFloat(csr.values()[k]), 4);
            write(work.resolve("y.npy"), "<f4", csr.labels().length, (b, k) -> b.putFloat(csr.labels()[k]), 4);
            write(work.resolve("params.npy"), "<f8", params.length, (b, k) -> b.putDouble(params[k]), 8);
            write(work.resolve("ours.npy"), "<f8", ours.length, (b, k) -> b.putDouble(ours[k]), 8);
            System.out.printf(Locale.ROOT, "wrote .npy files to %s in %.1f s%n", work, GpuBenchmark.secondsSince(t0));
            Process p = new ProcessBuilder(python, script.toString(), "--dir", work.toString(), "--reps", String.valueOf(reps),
                    "--value", String.valueOf(value), "--device", device).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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

    private interface Put {
        void put(ByteBuffer b, int k);
    }

    /** A little-endian one-dimensional .npy of {@code count} elements of {@code size} bytes, written in 64 MiB pieces. */
    private static void write(Path path, String descr, int count, Put put, int size) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            GpuBenchmark.Npy.header(out, descr, "(" + count + ",)");
            out.flush();
            ByteBuffer buf = ByteBuffer.allocateDirect(64 << 20).order(ByteOrder.LITTLE_ENDIAN);
            int per = buf.capacity() / size;
            for (int k0 = 0; k0 < count; k0 += per) {
                buf.clear();
                int k1 = Math.min(count, k0 + per);
                for (int k = k0; k < k1; k++) put.put(buf, k);
                buf.flip();
                while (buf.hasRemaining()) ch.write(buf);
            }
        }
    }
}
