package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Run in a child JVM by {@link SparseGpuFaultInjectionTest}, with simcuda as the driver and {@code SIMCUDA_FAULT_FILE}
 * naming {@code args[0]}: for each kind of call in turn ({@code alloc}, {@code host-alloc}, {@code copy},
 * {@code launch}), fails the k-th call of that kind, k = 1, 2, ..., during a sparse bind (the CSR upload and the
 * transposed copy's build on the device: counts, compact ids, radix passes) and a round of evaluations (gradient over
 * all rows and a range, value, margins, a Hessian-vector product, a weight sum), then the same for the multinomial
 * term on three classes (bind, gradient, value, margins, a Hessian-vector product), until a round ends without the fault landing. Prints, one line each, as {@link FaultSweepMain} does: {@code CLEAN kind=K}, then
 * {@code POINT kind=K k=N phase=bind|eval device=D pinned=P after=reused|closed recovered=same|differs closed=...
 * message=...} and {@code BEYOND kind=K k=N recovered=...}; {@code ERROR ...} for anything else. Ends with
 * {@code LIVE n}.
 */
final class SparseFaultSweepMain {
    private static final int MAX_ROUNDS = 200;

    private SparseFaultSweepMain() {}

    public static void main(String[] args) throws IOException {
        Path faultFile = Path.of(args[0]);
        // Weighted; about 400 of the 1,000 columns occur (two radix passes, compact ids), and 1,800 entries with them
        // make two X^T r blocks, so that the fixup launches too.
        Dataset data = CudaSparseGpuTest.sparse(2027, 200, 1000, 16, true, true);
        // And three classes on a smaller set for the multinomial term.
        Dataset classes = CudaSparseGpuTest.withClasses(CudaSparseGpuTest.sparse(2028, 60, 300, 8, false, true), 3, 5);
        Files.writeString(faultFile, "", StandardCharsets.US_ASCII);
        CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT);
        double[] reference = evaluate(gpu, data, classes);
        for (String kind : new String[] {"alloc", "host-alloc", "copy", "launch"}) {
            System.out.println("CLEAN kind=" + kind);
            for (int k = 1; k <= MAX_ROUNDS; k++) {
                Files.writeString(faultFile, kind + " " + k + " round " + k + "\n", StandardCharsets.US_ASCII);
                String[] phase = {"bind"};
                BackendException failure = null;
                double[] got = null;
                try {
                    got = evaluate(gpu, data, classes, phase);
                } catch (BackendException e) {
                    failure = e;
                } catch (RuntimeException e) {
                    System.out.println("ERROR kind=" + kind + " k=" + k + " phase=" + phase[0] + " threw " + e);
                    break;
                }
                Files.writeString(faultFile, "", StandardCharsets.US_ASCII);
                if (failure == null) {
                    System.out.println("BEYOND kind=" + kind + " k=" + k + " recovered=" + same(reference, got));
                    break;
                }
                long device = gpu.liveDeviceAllocations();
                long pinned = gpu.livePinnedAllocations();
                String after = "reused";
                String closed = "-";
                if (gpu.poisoned()) {
                    after = "closed";
                    closed = closeAndUse(gpu, data);
                    gpu = new CudaBackend(BackendOptions.DEFAULT);
                }
                String recovered;
                try {
                    recovered = same(reference, evaluate(gpu, data, classes));
                } catch (RuntimeException e) {
                    recovered = "threw:" + CudaBackend.oneLine(e);
                }
                System.out.println("POINT kind=" + kind + " k=" + k + " phase=" + phase[0] + " device=" + device + " pinned=" + pinned + " after="
                        + after + " recovered=" + recovered + " closed=" + closed + " message=" + failure.getMessage().replace('\n', ' '));
            }
        }
        gpu.close();
        System.out.println("LIVE " + gpu.liveAllocations());
    }

    private static double[] evaluate(CudaBackend gpu, Dataset data, Dataset classes) {
        return evaluate(gpu, data, classes, new String[1]);
    }

    /** Both terms' results, concatenated; {@code phase[0]} says how far it got. */
    private static double[] evaluate(CudaBackend gpu, Dataset data, Dataset classes, String[] phase) {
        double[] binary = evaluate(gpu, data, phase);
        int length = 3 * (classes.cols() + 1);
        double[] p = new double[length];
        SplittableRandom r = new SplittableRandom(6);
        for (int j = 0; j < length; j++) p[j] = r.nextDouble() - 0.5;
        phase[0] = "bind";
        try (DataTerm t = gpu.bind(classes, Loss.multinomial(), BindOptions.DEFAULT)) {
            phase[0] = "eval";
            // Fewer calls than the binary term's (a range is the same launches): each launch swept is a new backend.
            double[] g = new double[length];
            double[] z = new double[30];
            double value = t.valueAndGradient(p, g);
            double line = t.value(5, 25, p);
            t.margins(20, 30, p, z);
            double[] h = new double[length];
            t.hessianVector(p, g, h);
            double[] all = Arrays.copyOf(binary, binary.length + 2 + 2 * length + z.length);
            int k = binary.length;
            for (double x : new double[] {value, line}) all[k++] = x;
            for (double[] a : new double[][] {g, z, h}) {
                System.arraycopy(a, 0, all, k, a.length);
                k += a.length;
            }
            return all;
        }
    }

    /** Binds the binary term and evaluates it; {@code phase[0]} says how far it got. The results, concatenated. */
    private static double[] evaluate(CudaBackend gpu, Dataset data, String[] phase) {
        int n = data.cols();
        SplittableRandom r = new SplittableRandom(5);
        double[] p = new double[n + 1];
        double[] v = new double[n + 1];
        for (int j = 0; j <= n; j++) {
            p[j] = r.nextDouble() - 0.5;
            v[j] = r.nextDouble() - 0.5;
        }
        phase[0] = "bind";
        try (DataTerm t = gpu.bind(data, Loss.log(), BindOptions.DEFAULT)) {
            phase[0] = "eval";
            double[] g = new double[n + 1];
            double[] h = new double[n + 1];
            double[] z = new double[10];
            double value = t.valueAndGradient(p, g);
            double[] gr = new double[n + 1];
            double ranged = t.valueAndGradient(40, 150, p, gr);
            double line = t.value(10, 20, p);
            t.margins(30, 40, p, z);
            t.hessianVector(p, v, h);
            double m = t.weightSum(5, 60);
            double[] all = new double[4 + 3 * (n + 1) + z.length];
            int k = 0;
            for (double x : new double[] {value, ranged, line, m}) all[k++] = x;
            for (double[] a : new double[][] {g, gr, h, z}) {
                System.arraycopy(a, 0, all, k, a.length);
                k += a.length;
            }
            return all;
        }
    }

    /** close()'s outcome and what a bind after it threw: {@code ok,IllegalStateException}. */
    private static String closeAndUse(CudaBackend gpu, Dataset data) {
        String close;
        try {
            gpu.close();
            close = "ok";
        } catch (RuntimeException e) {
            close = "threw:" + e.getClass().getSimpleName();
        }
        String use;
        try {
            gpu.bind(data, Loss.log()).close();
            use = "none";
        } catch (RuntimeException e) {
            use = e.getClass().getSimpleName();
        }
        return close + "," + use;
    }

    private static String same(double[] reference, double[] got) {
        return Arrays.equals(reference, got) ? "same" : "differs";
    }
}
