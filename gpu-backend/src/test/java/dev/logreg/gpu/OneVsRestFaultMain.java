package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.testing.MulticlassData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Run in a child JVM by {@link OneVsRestFaultTest}, with simcuda as the driver and {@code SIMCUDA_FAULT_FILE} naming
 * {@code args[1]}: binds one-vs-rest over 3 classes, takes class 0's term, then fails the first call of kind
 * {@code args[0]} (alloc, host-alloc, copy) while class 1 binds; or ({@code bind-alloc}, {@code bind-copy}) the
 * second allocation or copy of the shared upload, printing then only {@code FAILED}, {@code LEAKED} and {@code PINNED}. Prints {@code KEY value} lines: {@code FAILED message}
 * (or {@code BOUND} where nothing failed), {@code LEAKED n} (device allocations beyond those held before the failed bind),
 * {@code PINNED n}, {@code ZERO same|different} (class 0's value and gradient after the failure, against before),
 * {@code AGAIN same|different} (class 1 bound again, against a separate binary bind of its view), {@code LIVE n} once
 * everything is closed.
 */
final class OneVsRestFaultMain {
    private OneVsRestFaultMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: OneVsRestFaultMain alloc|host-alloc|copy|bind-alloc|bind-copy FAULT_FILE");
            System.exit(64);
        }
        Path faultFile = Path.of(args[1]);
        Files.writeString(faultFile, "");
        Dataset data = MulticlassData.generate(401, 7, 3, true, 12);
        double[] p = {0.3, -0.2, 0.1, 0.05, -0.4, 0.2, 0.0, 0.1};
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT)) {
            if (args[0].startsWith("bind-")) {
                // The shared upload itself fails (its second allocation, the weights; its second copy, the weights'
                // after X's): nothing may stay allocated.
                Files.writeString(faultFile, args[0].substring("bind-".length()) + " 2");
                try (OneVsRestTerms terms = gpu.bindOneVsRest(data, Loss.log(), BindOptions.DEFAULT)) {
                    System.out.println("BOUND " + terms.classes());
                } catch (BackendException e) {
                    System.out.println("FAILED " + e.getMessage().replace('\n', ' '));
                }
                Files.writeString(faultFile, "");
                System.out.println("LEAKED " + gpu.liveDeviceAllocations());
                System.out.println("PINNED " + gpu.livePinnedAllocations());
                return;
            }
            try (OneVsRestTerms terms = gpu.bindOneVsRest(data, Loss.log(), BindOptions.permuted(3))) {
                DataTerm zero = terms.forClass(0);
                double[] g0 = new double[8];
                double v0 = zero.valueAndGradient(0, 401, p, g0);
                long held = gpu.liveDeviceAllocations();
                Files.writeString(faultFile, args[0] + " 1");
                try {
                    terms.forClass(1);
                    System.out.println("BOUND");
                } catch (BackendException e) {
                    System.out.println("FAILED " + e.getMessage().replace('\n', ' '));
                }
                Files.writeString(faultFile, "");
                System.out.println("LEAKED " + (gpu.liveDeviceAllocations() - held));
                System.out.println("PINNED " + gpu.livePinnedAllocations());
                double[] g = new double[8];
                boolean same = zero.valueAndGradient(0, 401, p, g) == v0 && Arrays.equals(g, g0);
                System.out.println("ZERO " + (same ? "same" : "different"));
                DataTerm one = terms.forClass(1);
                try (CudaDataTerm alone = gpu.bindBinary(data.oneVsRest(1), Loss.log(), BindOptions.permuted(3))) {
                    double[] g1 = new double[8];
                    double[] g2 = new double[8];
                    same = one.valueAndGradient(0, 401, p, g1) == alone.valueAndGradient(0, 401, p, g2) && Arrays.equals(g1, g2);
                    System.out.println("AGAIN " + (same ? "same" : "different"));
                }
            }
            System.out.println("LIVE " + gpu.liveAllocations());
        }
    }
}
