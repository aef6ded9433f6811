package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendOptions;
import dev.logreg.data.Dataset;
import dev.logreg.train.BoundData;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Run in a child JVM by {@link GpuFaultInjectionTest}, with simcuda as the driver and {@code SIMCUDA_FAULT_FILE}
 * naming {@code args[1]}: fails each call of one kind in turn ({@code args[0]}: {@code alloc}, {@code host-alloc},
 * {@code copy} or {@code launch}) during a bind and a Newton fit (which allocates its Hessian workspaces during
 * training), k = 1, 2, ... until a run ends without the fault landing. Prints, one line each:
 * <ul>
 *   <li>{@code CLEAN} once a fit without a fault gave the reference result;
 *   <li>{@code POINT k=K phase=bind|train device=D pinned=P after=ACTION recovered=same|differs closed=...
 *       message=...}: the fault at the K-th call landed in that phase; D and P are the backend's live device and pinned
 *       allocations right after the exception; ACTION is {@code reused} (a bind and fit on the same backend followed) or
 *       {@code closed} (the backend had closed itself; {@code closed=} then gives close()'s outcome and what a later
 *       bind threw, and the recovery fit ran on a new backend); recovered says whether that fit gave the reference
 *       result bit for bit;
 *   <li>{@code BEYOND k=K recovered=same|differs} where the K-th call was never made (the sweep's end).
 * </ul>
 * A line {@code ERROR ...} reports anything else (a fault that did not surface as a BackendException, say).
 */
final class FaultSweepMain {
    /** More rounds than a kind has calls in one bind and Newton fit of the data below (the sweep stops far earlier). */
    private static final int MAX_ROUNDS = 400;

    /** Whether the sweep runs over a streamed term (third argument {@code streamed}). */
    private static boolean streamed;

    private FaultSweepMain() {}

    private static CudaBackend open() {
        return streamed ? new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withChunkRows(64).withDeviceMemoryLimit(6000))
                : new CudaBackend(BackendOptions.DEFAULT);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3 || !Arrays.asList("alloc", "host-alloc", "copy", "launch").contains(args[0])
                || (args.length == 3 && !args[2].equals("streamed"))) {
            System.err.println("usage: FaultSweepMain alloc|host-alloc|copy|launch FAULT_FILE [streamed]");
            System.exit(64);
        }
        // streamed: a device memory limit below X (4,800 bytes) makes every bind a StreamedDataTerm, chunks of 64 rows;
        // L-BFGS, as that term has no Hessian.
        streamed = args.length == 3;
        String kind = args[0];
        Path faultFile = Path.of(args[1]);
        // Weighted, so that a bind allocates and copies weights too; 200 rows keep each round short. 8 columns in memory
        // (DeviceColumnStatistics.MIN_FEATURES) put the preconditioner's column statistics on the device, in the fit;
        // 6 streamed (X 4,800 bytes, above the limit; a streamed term leaves the statistics to the host). Without the
        // sums a validating read gathers, so that the device's statistics pass runs and is swept.
        Dataset data = GpuTestSupport.data(2026, 200, streamed ? 6 : 8, true, 2.0, false);
        TrainingOptions options = streamed ? TrainingOptions.DEFAULT : TrainingOptions.DEFAULT.withOptimizer("newton");
        Files.writeString(faultFile, "", StandardCharsets.US_ASCII);
        CudaBackend gpu = open();
        try (dev.logreg.backend.DataTerm t = gpu.bind(data, dev.logreg.loss.Loss.log())) {
            System.out.println("TERM " + t.getClass().getSimpleName());
        }
        double[] reference = result(fit(gpu, data, options));
        System.out.println("CLEAN " + Arrays.toString(reference));
        for (int k = 1; k <= MAX_ROUNDS; k++) {
            // The round number makes every round's text new, so that simcuda restarts its count for each.
            Files.writeString(faultFile, kind + " " + k + " round " + k + "\n", StandardCharsets.US_ASCII);
            String phase = "bind";
            BackendException failure = null;
            TrainingResult clean = null;
            try (BoundData bound = Trainer.bind(gpu, data, options)) {
                phase = "train";
                clean = Trainer.fit(bound, options, null);
            } catch (BackendException e) {
                failure = e;
            } catch (RuntimeException e) {
                System.out.println("ERROR k=" + k + " phase=" + phase + " threw " + e);
                break;
            }
            Files.writeString(faultFile, "", StandardCharsets.US_ASCII);
            if (failure == null) {
                System.out.println("BEYOND k=" + k + " recovered=" + same(reference, result(clean)));
                break;
            }
            long device = gpu.liveDeviceAllocations();
            long pinned = gpu.livePinnedAllocations();
            String after;
            String closed = "-";
            if (gpu.poisoned()) {
                after = "closed";
                closed = closeAndUse(gpu, data);
                gpu = open();
            } else {
                after = "reused";
            }
            String recovered;
            try {
                recovered = same(reference, result(fit(gpu, data, options)));
            } catch (RuntimeException e) {
                recovered = "threw:" + CudaBackend.oneLine(e);
            }
            System.out.println("POINT k=" + k + " phase=" + phase + " device=" + device + " pinned=" + pinned + " after=" + after
                    + " recovered=" + recovered + " closed=" + closed + " message=" + failure.getMessage().replace('\n', ' '));
        }
        gpu.close();
        System.out.println("LIVE " + gpu.liveAllocations());
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
            gpu.bind(data, dev.logreg.loss.Loss.log()).close();
            use = "none";
        } catch (RuntimeException e) {
            use = e.getClass().getSimpleName();
        }
        return close + "," + use;
    }

    private static TrainingResult fit(CudaBackend gpu, Dataset data, TrainingOptions options) {
        return Trainer.fit(gpu, data, options, null);
    }

    private static double[] result(TrainingResult r) {
        double[] c = r.model().coefficients();
        double[] all = Arrays.copyOf(c, c.length + 1);
        all[c.length] = r.model().intercept();
        return all;
    }

    private static String same(double[] reference, double[] got) {
        return Arrays.equals(reference, got) ? "same" : "differs:" + Arrays.toString(got);
    }
}
