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
     * Fails where simcuda was built but the GPU backend is unusable ({@code gpu} is its availability): there the GPU
     * tests must run, and a broken simulation must not pass as skipped tests. Does nothing elsewhere.
     */
    public static void assertUsableWhereBuilt(Availability gpu) {
        if (built()) {
            assertTrue(gpu.usable(), "simcuda was built (" + System.getProperty(PROPERTY) + ") but the gpu backend is unusable: " + gpu.reason());
        }
    }
}
