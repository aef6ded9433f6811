package dev.logreg.gpu;

import dev.logreg.testing.SimulatedGpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the GPU backend says and frees when the driver fails, on simcuda with a fault asked for (kernels/simcuda.sh):
 * no device, a driver too old for the PTX, wrong sums (the factory's self-test must refuse the device), and a kernel
 * launch failing mid-training (a clear exception, every device and pinned allocation freed, the backend closed). The
 * other faults, swept over every call, are {@link GpuFaultInjectionTest}'s. Each case
 * runs in a child JVM, because the driver library loads once per process. Runs where the build made simcuda
 * ({@code -Dlogreg.test.simcuda}); skips elsewhere, saying so. Tagged {@code simcuda}, not {@code gpu}: the device run
 * leaves it out.
 */
@Tag("simcuda")
class SimulatedDriverFaultsTest {
    private Path simcuda;

    @BeforeEach
    void needSimcuda() {
        assumeTrue(SimulatedGpu.built(), "needs simcuda (kernels/simcuda.sh), which the Maven build makes and names in -D" + SimulatedGpu.PROPERTY);
        simcuda = Path.of(System.getProperty(SimulatedGpu.PROPERTY));
    }

    @Test
    void noDeviceIsAReasonAndAutoChoosesAnotherBackend() throws Exception {
        Map<String, String> out = child("probe", Map.of("SIMCUDA_DEVICES", "0"));
        assertEquals("false", out.get("USABLE"), out.toString());
        assertTrue(out.get("REASON").startsWith("no CUDA device"), out.toString());
        assertTrue(out.get("AUTO").contains("gpu unusable: no CUDA device"), "auto does not say why: " + out);
    }

    @Test
    void aDriverTooOldForThePtxIsNamed() throws Exception {
        Map<String, String> out = child("probe", Map.of("SIMCUDA_DRIVER_VERSION", "12080"));
        assertEquals("false", out.get("USABLE"), out.toString());
        assertTrue(out.get("REASON").contains("CUDA 12.8") && out.get("REASON").contains("r580"), out.toString());
    }

    @Test
    void wrongSumsFailTheSelfTest() throws Exception {
        Map<String, String> out = child("probe", Map.of("SIMCUDA_CORRUPT_SUMS", "1"));
        assertEquals("false", out.get("USABLE"), out.toString());
        assertTrue(out.get("REASON").startsWith("self-test mismatch: "), out.toString());
    }

    @Test
    void aLaunchFailingMidTrainingFreesEverythingAndSaysWhat() throws Exception {
        // Launch 15 fails: after half a dozen evaluations (a fused pass and its reduction each), inside L-BFGS (the
        // fit takes about ten; 25, as before the first step became min(4, 1/|g|), was past its end).
        Map<String, String> out = child("train", Map.of("SIMCUDA_FAIL_LAUNCH", "15"));
        String failed = out.get("FAILED");
        assertTrue(failed != null, "training did not fail: " + out);
        assertTrue(failed.contains("cuLaunchKernel(") && failed.contains("CUDA_ERROR_LAUNCH_FAILED"), failed);
        assertTrue(failed.contains("sticky") && failed.contains("backend was closed"), failed);
        assertEquals("0", out.get("DEVICE"), "device allocations left after the failure: " + out);
        assertEquals("0", out.get("PINNED"), "pinned allocations left after the failure: " + out);
        assertEquals("0", out.get("LIVE"), "allocations left after the failure: " + out);
        assertTrue(out.containsKey("CLOSED"), "the backend did not close cleanly: " + out);
        assertTrue(out.get("USE").startsWith("IllegalStateException: ") && out.get("USE").contains("CUDA_ERROR_LAUNCH_FAILED"),
                "use after the sticky error: " + out);
    }

    @Test
    void withoutAFaultTheSameChildTrains() throws Exception {
        Map<String, String> out = child("train", Map.of());
        assertTrue(out.containsKey("TRAINED") && !out.containsKey("FAILED"), out.toString());
        assertEquals("0", out.get("LIVE"), out.toString());
    }

    /**
     * simcuda itself stays strict (the README promises it; a permissive simulator would pass bugs as green): in this
     * JVM, bound to simcuda by the build, a copy past the end of an allocation and a call from a thread with no
     * current context are refused, as a driver refuses them.
     */
    @Test
    void theSimulatorRefusesWhatADriverRefuses() throws Exception {
        assumeTrue(GpuTestSupport.availability().usable() && GpuTestSupport.availability().reason().contains("simcuda"),
                "this JVM is not bound to simcuda: " + GpuTestSupport.availability().reason());
        try (CudaBackend gpu = new CudaBackend(dev.logreg.backend.BackendOptions.DEFAULT)) {
            gpu.makeCurrent();
            try (DeviceBuffer b = DeviceBuffer.allocate(1024, gpu.allocations(), "probe")) {
                byte[] host = new byte[1025];
                assertEquals(jcuda.driver.CUresult.CUDA_SUCCESS,
                        jcuda.driver.JCudaDriver.cuMemcpyHtoD(b.pointer(), jcuda.Pointer.to(host), 1024), "an in-bounds copy");
                assertEquals(jcuda.driver.CUresult.CUDA_ERROR_INVALID_VALUE,
                        jcuda.driver.JCudaDriver.cuMemcpyHtoD(b.pointer(), jcuda.Pointer.to(host), 1025), "a copy one byte past the end");
                java.util.concurrent.FutureTask<Integer> fresh = new java.util.concurrent.FutureTask<>(
                        () -> jcuda.driver.JCudaDriver.cuMemcpyHtoD(b.pointer(), jcuda.Pointer.to(host), 16));
                new Thread(fresh, "no-context").start();
                assertEquals(jcuda.driver.CUresult.CUDA_ERROR_INVALID_CONTEXT, fresh.get(), "a copy from a thread with no current context");
            }
        }
    }

    /** Runs {@link SimcudaFaultMain} with simcuda as the driver and {@code env}; returns its KEY value lines. */
    private Map<String, String> child(String mode, Map<String, String> env) throws IOException, InterruptedException {
        return SimcudaChild.keyed(SimcudaChild.run(simcuda, SimcudaFaultMain.class, List.of(mode), env, List.of()));
    }
}
