package dev.logreg.gpu;

import dev.logreg.testing.SimulatedGpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Injected driver faults under simcuda, each call of a kind failed in turn ({@link FaultSweepMain}, in a child JVM):
 * a device allocation, a pinned host allocation, a copy and a kernel launch, over a bind and a Newton fit (the fit
 * allocates its Hessian workspaces, so allocations fail during training too). At every point: a
 * {@link dev.logreg.backend.BackendException} naming the call and the {@code CUresult}; no device or pinned
 * allocation left live; after an error the next call survives (out of memory, a failed copy) the same backend binds
 * and fits again to the clean result, bit for bit; after a sticky one (a failed launch) the backend has closed itself,
 * close() succeeds and a later bind throws {@link IllegalStateException}. Then what an explicit choice of the GPU does
 * when the GPU fails ({@link SimcudaFaultMain}'s {@code fit}): an error, never a fit elsewhere. Tagged {@code simcuda}.
 */
@Tag("simcuda")
class GpuFaultInjectionTest {
    private Path simcuda;

    @BeforeEach
    void needSimcuda() {
        assumeTrue(SimulatedGpu.built(), "needs simcuda (kernels/simcuda.sh), which the Maven build makes and names in -D" + SimulatedGpu.PROPERTY);
        simcuda = Path.of(System.getProperty(SimulatedGpu.PROPERTY));
    }

    @Test
    void everyDeviceAllocationFailingIsAnErrorThatLeavesTheBackendUsable(@TempDir Path dir) throws Exception {
        List<Map<String, String>> points = sweep("alloc", dir);
        assertRecoverable(points, "cuMemAlloc(", "CUDA_ERROR_OUT_OF_MEMORY");
        // X, labels, weights, parameters, partial sums and reduced sums at bind; the column statistics' three (fences,
        // partial sums, sums) and the Hessian's three at their first use.
        assertTrue(count(points, "bind") >= 6 && count(points, "train") >= 6, "allocations swept: " + points);
        assertTrue(points.stream().anyMatch(p -> p.get("message").contains("column statistics partial sums")), "the statistics' allocations were not swept: " + points);
    }

    @Test
    void thePinnedStagingAllocationFailingIsAnErrorThatLeavesTheBackendUsable(@TempDir Path dir) throws Exception {
        List<Map<String, String>> points = sweep("host-alloc", dir);
        assertRecoverable(points, "cuMemAllocHost(", "CUDA_ERROR_OUT_OF_MEMORY");
        // The upload's staging buffer is the backend's one pinned allocation: only a bind makes one.
        assertTrue(count(points, "bind") >= 1 && count(points, "train") == 0, "pinned allocations swept: " + points);
    }

    @Test
    void everyCopyFailingIsAnErrorThatLeavesTheBackendUsable(@TempDir Path dir) throws Exception {
        List<Map<String, String>> points = sweep("copy", dir);
        assertRecoverable(points, "cuMemcpy", "CUDA_ERROR_INVALID_VALUE");
        // X, labels and weights up at bind; parameters down and sums back at every evaluation, Hessian included; the
        // column statistics' fences up and sums back.
        assertTrue(count(points, "bind") >= 3 && count(points, "train") >= 10, "copies swept: " + points);
        assertTrue(points.stream().anyMatch(p -> p.get("message").contains("column statistics chunk fences"))
                && points.stream().anyMatch(p -> p.get("message").contains("column statistics sums")), "the statistics' copies were not swept: " + points);
    }

    @Test
    void everyLaunchFailingIsAStickyErrorThatClosesTheBackend(@TempDir Path dir) throws Exception {
        List<Map<String, String>> points = sweep("launch", dir);
        assertFalse(points.isEmpty(), "no launch failed");
        for (Map<String, String> p : points) {
            String m = p.get("message");
            assertTrue(m.contains("cuLaunchKernel(") && m.contains("CUDA_ERROR_LAUNCH_FAILED"), "message does not name the call and error: " + p);
            assertTrue(m.contains("sticky") && m.contains("backend was closed"), "message does not say the backend closed: " + p);
            // A bind launches nothing: every launch belongs to training.
            assertEquals("train", p.get("phase"), p.toString());
            assertEquals("0", p.get("device"), "device allocations left: " + p);
            assertEquals("0", p.get("pinned"), "pinned allocations left: " + p);
            assertEquals("closed", p.get("after"), "the backend did not close itself: " + p);
            assertEquals("ok,IllegalStateException", p.get("closed"), "close() then a bind: " + p);
            assertEquals("same", p.get("recovered"), "a new backend's fit: " + p);
        }
        assertTrue(count(points, "train") >= 10, "launches swept: " + points);
        assertTrue(points.stream().anyMatch(p -> p.get("message").contains("logreg_column_moments,"))
                && points.stream().anyMatch(p -> p.get("message").contains("logreg_column_moments_sum")), "the statistics' launches were not swept: " + points);
    }

    /**
     * The same sweeps over a {@link StreamedDataTerm} (a device memory limit below X, an L-BFGS fit): its pinned staging
     * and device chunks are made at bind, and every evaluation copies X again, asynchronously, so copies fail in training
     * too, reported by whichever later call waits for them.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"alloc, cuMemAlloc(, CUDA_ERROR_OUT_OF_MEMORY", "host-alloc, cuMemAllocHost(, CUDA_ERROR_OUT_OF_MEMORY",
            "copy, cuMemcpy, CUDA_ERROR_INVALID_VALUE"})
    void faultsWhileStreamingAreErrorsThatLeaveTheBackendUsable(String kind, String call, String error, @TempDir Path dir) throws Exception {
        List<Map<String, String>> points = sweep(kind, dir, true);
        assertRecoverable(points, call, error);
        if (kind.equals("copy")) assertTrue(count(points, "train") >= 10, "copies swept: " + points);
        if (kind.equals("host-alloc")) assertTrue(count(points, "bind") >= 3, "two staging buffers of the stream and the labels' upload: " + points);
    }

    @Test
    void aLaunchFailingWhileStreamingClosesTheBackendAndFreesEverything(@TempDir Path dir) throws Exception {
        List<Map<String, String>> points = sweep("launch", dir, true);
        assertTrue(count(points, "train") >= 10, "launches swept: " + points);
        for (Map<String, String> p : points) {
            assertTrue(p.get("message").contains("cuLaunchKernel(") && p.get("message").contains("sticky"), p.toString());
            assertEquals("0", p.get("device"), "device allocations left: " + p);
            assertEquals("0", p.get("pinned"), "pinned allocations left: " + p);
            assertEquals("ok,IllegalStateException", p.get("closed"), "close() then a bind: " + p);
            assertEquals("same", p.get("recovered"), "a new backend's fit: " + p);
        }
    }

    /** Each point: the call and error named, nothing live, the same backend used again to the clean result. */
    private static void assertRecoverable(List<Map<String, String>> points, String call, String error) {
        assertFalse(points.isEmpty(), "no fault landed");
        for (Map<String, String> p : points) {
            String m = p.get("message");
            assertTrue(m.contains(call) && m.contains(error), "message does not name " + call + " and " + error + ": " + p);
            assertTrue(m.contains("still usable"), "message does not say the backend is still usable: " + p);
            assertEquals("0", p.get("device"), "device allocations left: " + p);
            assertEquals("0", p.get("pinned"), "pinned allocations left: " + p);
            assertEquals("reused", p.get("after"), "the backend closed after an error that is not sticky: " + p);
            assertEquals("same", p.get("recovered"), "bind and fit on the same backend after the fault: " + p);
        }
    }

    private static long count(List<Map<String, String>> points, String phase) {
        return points.stream().filter(p -> phase.equals(p.get("phase"))).count();
    }

    /**
     * Runs the sweep of {@code kind}; asserts it reached its end (a round in which the fault never landed, giving the
     * clean result) and that the backend ended with nothing live; returns the points, each line's key=value pairs
     * ({@code message} last, the rest of the line).
     */
    private List<Map<String, String>> sweep(String kind, Path dir) throws IOException, InterruptedException {
        return sweep(kind, dir, false);
    }

    private List<Map<String, String>> sweep(String kind, Path dir, boolean streamed) throws IOException, InterruptedException {
        Path faultFile = dir.resolve("faults");
        List<String> args = streamed ? List.of(kind, faultFile.toString(), "streamed") : List.of(kind, faultFile.toString());
        String text = SimcudaChild.run(simcuda, FaultSweepMain.class, args,
                Map.of("SIMCUDA_FAULT_FILE", faultFile.toString()), List.of());
        Map<String, String> keyed = SimcudaChild.keyed(text);
        assertFalse(keyed.containsKey("ERROR"), text);
        assertTrue(keyed.containsKey("CLEAN"), "no clean fit: " + text);
        assertEquals(streamed ? "StreamedDataTerm" : "CudaDataTerm", keyed.get("TERM"), text);
        assertTrue(keyed.getOrDefault("BEYOND", "").endsWith("recovered=same"), "the sweep did not end with a clean fit: " + text);
        assertEquals("0", keyed.get("LIVE"), "allocations left at the end: " + text);
        List<Map<String, String>> points = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("POINT ")) continue;
            Map<String, String> p = new LinkedHashMap<>();
            String rest = line.substring("POINT ".length());
            int message = rest.indexOf(" message=");
            for (String pair : rest.substring(0, message).split(" ")) {
                int eq = pair.indexOf('=');
                p.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            p.put("message", rest.substring(message + " message=".length()));
            points.add(p);
        }
        return points;
    }
}
