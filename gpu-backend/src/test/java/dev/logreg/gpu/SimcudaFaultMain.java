package dev.logreg.gpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.data.Dataset;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;

/**
 * Run in a child JVM by {@link SimulatedDriverFaultsTest}, with simcuda as the driver and a fault asked for in its
 * environment. Prints what the backend says, one {@code KEY value} line each:
 * <ul>
 *   <li>{@code probe}: {@code USABLE true|false}, {@code REASON ...} (the provider's probe), {@code AUTO ...} (what the
 *       factory's automatic choice says);
 *   <li>{@code train}: {@code FAILED message} or {@code TRAINED status}, then {@code LIVE n} (device allocations left on
 *       the backend after the failure), {@code CLOSED} once the backend closed without throwing.
 * </ul>
 */
final class SimcudaFaultMain {
    private SimcudaFaultMain() {}

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("probe")) {
            Availability a = new CudaBackendProvider().probe();
            System.out.println("USABLE " + a.usable());
            System.out.println("REASON " + a.reason());
            System.out.println("AUTO " + BackendFactory.discover().select(null).reason());
        } else if (args.length == 1 && args[0].equals("train")) {
            Dataset d = GpuTestSupport.data(77, 3_001, 37, true, 2.0);
            try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT)) {
                try {
                    System.out.println("TRAINED " + Trainer.fit(gpu, d, TrainingOptions.DEFAULT, null).status());
                } catch (BackendException e) {
                    System.out.println("FAILED " + e.getMessage());
                }
                System.out.println("LIVE " + gpu.liveAllocations());
            }
            System.out.println("CLOSED");
        } else {
            System.err.println("usage: SimcudaFaultMain probe|train");
            System.exit(64);
        }
    }
}
