package dev.logreg.gpu;

import dev.logreg.LogisticRegression;
import dev.logreg.backend.Availability;
import dev.logreg.backend.BackendException;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.data.Dataset;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import dev.logreg.train.TrainingResult;

/**
 * Run in a child JVM by {@link SimulatedDriverFaultsTest}, with simcuda as the driver and a fault asked for in its
 * environment. Prints what the backend says, one {@code KEY value} line each:
 * <ul>
 *   <li>{@code probe}: {@code USABLE true|false}, {@code REASON ...} (the provider's probe), {@code AUTO ...} (what the
 *       factory's automatic choice says);
 *   <li>{@code train}: {@code FAILED message} or {@code TRAINED status}, then {@code LIVE n} (allocations left on the
 *       backend after the failure), {@code DEVICE n} and {@code PINNED n} (its two parts), {@code CLOSED} once the
 *       backend closed without throwing, {@code USE ...} what a bind after close threw;
 *   <li>{@code fit BACKEND...}: {@link LogisticRegression#fit} with each backend named in turn ({@code deferred}: none,
 *       so that {@code -Dlogreg.backend}, {@code LOGREG_BACKEND} or auto decides), one line each: {@code FIT BACKEND
 *       TRAINED status on description} or {@code FIT BACKEND FAILED ExceptionClass: message}; after {@code auto}, also
 *       {@code AUTO reason} (what the factory's automatic choice says now).
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
            CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT);
            try (gpu) {
                try {
                    System.out.println("TRAINED " + Trainer.fit(gpu, d, TrainingOptions.DEFAULT, null).status());
                } catch (BackendException e) {
                    System.out.println("FAILED " + e.getMessage());
                }
                System.out.println("LIVE " + gpu.liveAllocations());
                System.out.println("DEVICE " + gpu.liveDeviceAllocations());
                System.out.println("PINNED " + gpu.livePinnedAllocations());
            }
            System.out.println("CLOSED");
            try {
                gpu.bind(d, dev.logreg.loss.Loss.log());
                System.out.println("USE accepted after close");
            } catch (RuntimeException e) {
                System.out.println("USE " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } else if (args.length >= 2 && args[0].equals("fit")) {
            // What an embedder's one call does, once for each argument: choose (by name, or deferred to -Dlogreg.backend,
            // LOGREG_BACKEND, auto), open, train, close.
            for (int i = 1; i < args.length; i++) {
                LogisticRegression.Builder b = LogisticRegression.builder();
                if (!args[i].equals("deferred")) b.backendName(args[i]);
                String line = "FIT " + args[i] + " ";
                try {
                    TrainingResult r = b.build().fit(GpuTestSupport.data(78, 2_001, 12, false, 2.0));
                    line += "TRAINED " + r.status() + " on " + r.backend();
                } catch (RuntimeException e) {
                    line += "FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                System.out.println(line.replace('\n', ' '));
                if (args[i].equals("auto")) System.out.println("AUTO " + BackendFactory.discover().selectByName("auto").reason());
            }
        } else {
            System.err.println("usage: SimcudaFaultMain probe|train|fit BACKEND...");
            System.exit(64);
        }
    }
}
