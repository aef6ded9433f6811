package dev.logreg.it;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendChoice;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendOptions;
import dev.logreg.data.Dataset;
import dev.logreg.testing.SimulatedGpu;

import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backends under test: every accelerated backend the product ships, whether or not it is usable here. A row
 * for an unusable backend is skipped with the backend's own reason (on a machine without a GPU, the gpu rows).
 */
final class Backends {
    /**
     * The backends cross-checked against the reference: {@code -Dlogreg.it.backends} (comma-separated; the build's
     * simulated-GPU run sets {@code gpu}), else cpu and gpu.
     */
    static final List<String> UNDER_TEST = List.of(System.getProperty("logreg.it.backends", "cpu,gpu").split(","));

    /**
     * Under simcuda (the build's simulated CUDA driver, {@code kernels/simcuda.sh}) the kernels run emulated on the CPU,
     * about 10^5 rows a second: GPU rows on datasets with more rows than this are left to real devices.
     */
    static final long SIMULATED_ROW_LIMIT = 20_000;

    private static final BackendFactory FACTORY = BackendFactory.discover();

    private Backends() {}

    /** Whether {@code name} can run here, and if not why. */
    static Availability availability(String name) {
        return FACTORY.providers().stream().filter(p -> p.name().equals(name)).findFirst()
                .map(FACTORY::availability)
                .orElse(Availability.unusable("backend '" + name + "' not on the class path"));
    }

    /**
     * Opens {@code name}, or skips the calling test with the reason it cannot run here. Where the build made simcuda
     * ({@code -Dlogreg.test.simcuda=PATH} naming an existing file), an unusable gpu backend fails the test instead, so
     * that a broken simulation cannot pass as skipped tests. Caller closes.
     */
    static Backend openOrSkip(String name) {
        Availability a = availability(name);
        if (name.equals("gpu")) SimulatedGpu.assertUsableWhereRequired(a);
        assumeTrue(a.usable(), () -> name + " backend not usable here: " + a.reason());
        return FACTORY.select(BackendChoice.parse(name, "test")).provider().create(BackendOptions.DEFAULT);
    }

    /** {@link #openOrSkip(String)}, also skipping where the backend is simcuda and {@code data} is over {@link #SIMULATED_ROW_LIMIT} rows. */
    static Backend openOrSkip(String name, Dataset data) {
        Availability a = availability(name);
        assumeTrue(!(a.usable() && a.reason().contains("simcuda") && data.rows() > SIMULATED_ROW_LIMIT),
                () -> name + " is simcuda (kernels emulated on the CPU): " + data.rows() + " rows are left to a real device (limit "
                        + SIMULATED_ROW_LIMIT + ")");
        return openOrSkip(name);
    }
}
