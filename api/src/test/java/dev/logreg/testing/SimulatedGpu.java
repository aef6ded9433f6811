package dev.logreg.testing;

import dev.logreg.backend.Availability;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tests' view of simcuda, the simulated CUDA driver the build makes ({@code kernels/simcuda.sh}) and puts in
 * place of NVIDIA's for its simulated-GPU test runs (gpu-backend, integration-tests, spark).
 */
public final class SimulatedGpu {
    private SimulatedGpu() {}

    /** The system property the build sets, in those runs, to the path of simcuda's {@code libcuda.so.1}. */
    public static final String PROPERTY = "logreg.test.simcuda";

    /** Whether this JVM is such a run: {@link #PROPERTY} names an existing file. */
    public static boolean built() {
        String path = System.getProperty(PROPERTY, "");
        return !path.isEmpty() && Files.isRegularFile(Path.of(path));
    }

    /**
     * The system property the device run sets ({@code .gpu/run.sh}, written by {@code scripts/gpu-bundle.sh}): on a
     * GPU machine every GPU test must run, and an unusable backend (a JCuda that does not load, a failed self-test)
     * must fail them, not skip them with a passing exit status.
     */
    public static final String REQUIRE_PROPERTY = "logreg.test.requireGpu";

    /**
     * Fails where the GPU backend must be usable but is not ({@code gpu} is its availability): where simcuda was
     * built (a broken simulation must not pass as skipped tests), and where {@code -D}{@link #REQUIRE_PROPERTY}
     * {@code =true} (the device run). Does nothing elsewhere: there the GPU tests skip with the reason.
     */
    public static void assertUsableWhereRequired(Availability gpu) {
        if (built()) {
            assertTrue(gpu.usable(), "simcuda was built (" + System.getProperty(PROPERTY) + ") but the gpu backend is unusable: " + gpu.reason());
        }
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertTrue(gpu.usable(), "-D" + REQUIRE_PROPERTY + "=true but the gpu backend is unusable: " + gpu.reason());
        }
    }
}
