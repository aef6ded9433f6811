package dev.logreg.gpu;

import dev.logreg.testing.SimulatedGpu;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
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
 * Injected driver faults in the sparse term under simcuda ({@link SparseFaultSweepMain}, one child JVM for the four
 * kinds): every device allocation, pinned allocation, copy and launch of a sparse bind (the CSR upload, the transposed
 * copy's build on the device) and of its evaluations (gradient, value, margins, Hessian-vector products, weight sums),
 * then of the multinomial term's bind and evaluations, failed in turn. At every point: a {@link dev.logreg.backend.BackendException} naming the call and the
 * {@code CUresult}; nothing left live; after an error the next call survives, the same backend binds and evaluates
 * again to the clean results, bit for bit; after a failed launch (sticky) the backend has closed itself, close()
 * succeeds, a later bind throws {@link IllegalStateException}, and a new backend gives the clean results. Tagged
 * {@code simcuda}.
 */
@Tag("simcuda")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparseGpuFaultInjectionTest {
    private List<Map<String, String>> points;
    private Map<String, String> keyed;
    private String text;

    @BeforeAll
    void sweep() throws Exception {
        assumeTrue(SimulatedGpu.built(), "needs simcuda (kernels/simcuda.sh), which the Maven build makes and names in -D" + SimulatedGpu.PROPERTY);
        Path dir = Files.createTempDirectory("sparse-faults");
        Path faultFile = dir.resolve("faults");
        try {
            text = SimcudaChild.run(Path.of(System.getProperty(SimulatedGpu.PROPERTY)), SparseFaultSweepMain.class, List.of(faultFile.toString()),
                    Map.of("SIMCUDA_FAULT_FILE", faultFile.toString()), List.of());
        } finally {
            Files.deleteIfExists(faultFile);
            Files.deleteIfExists(dir);
        }
        keyed = SimcudaChild.keyed(text);
        assertFalse(keyed.containsKey("ERROR"), text);
        assertEquals("0", keyed.get("LIVE"), "allocations left at the end: " + text);
        points = new ArrayList<>();
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
    }

    private List<Map<String, String>> of(String kind) {
        assertTrue(text.contains("BEYOND kind=" + kind + " ") && text.lines().anyMatch(l -> l.startsWith("BEYOND kind=" + kind + " ") && l.endsWith("recovered=same")),
                "the " + kind + " sweep did not end with a clean round: " + text);
        return points.stream().filter(p -> kind.equals(p.get("kind"))).toList();
    }

    private static long count(List<Map<String, String>> points, String phase) {
        return points.stream().filter(p -> phase.equals(p.get("phase"))).count();
    }

    private static void assertRecoverable(List<Map<String, String>> points, String call, String error) {
        assertFalse(points.isEmpty(), "no fault landed");
        for (Map<String, String> p : points) {
            String m = p.get("message");
            assertTrue(m.contains(call) && m.contains(error), "message does not name " + call + " and " + error + ": " + p);
            assertTrue(m.contains("still usable"), "message does not say the backend is still usable: " + p);
            assertEquals("0", p.get("device"), "device allocations left: " + p);
            assertEquals("0", p.get("pinned"), "pinned allocations left: " + p);
            assertEquals("reused", p.get("after"), "the backend closed after an error that is not sticky: " + p);
            assertEquals("same", p.get("recovered"), "bind and evaluations on the same backend after the fault: " + p);
        }
    }

    @Test
    void everyDeviceAllocationFailingIsAnErrorThatLeavesTheBackendUsable() {
        List<Map<String, String>> p = of("alloc");
        assertRecoverable(p, "cuMemAlloc(", "CUDA_ERROR_OUT_OF_MEMORY");
        // CSR, labels, weights, counts, the sort's buffers, the transposed copy and the workspaces at each of the two
        // binds (40 in all); the margins and curvature buffers at their first use (3).
        assertTrue(count(p, "bind") >= 36 && count(p, "eval") >= 3, "allocations swept: " + p);
    }

    @Test
    void thePinnedStagingAllocationFailingIsAnErrorThatLeavesTheBackendUsable() {
        List<Map<String, String>> p = of("host-alloc");
        assertRecoverable(p, "cuMemAllocHost(", "CUDA_ERROR_OUT_OF_MEMORY");
        // The upload's staging buffer is the one pinned allocation: one a bind, of the binary and the multinomial terms.
        assertTrue(count(p, "bind") == 2 && count(p, "eval") == 0, "pinned allocations swept: " + p);
    }

    @Test
    void everyCopyFailingIsAnErrorThatLeavesTheBackendUsable() {
        List<Map<String, String>> p = of("copy");
        assertRecoverable(p, "cuMemcpy", "CUDA_ERROR_INVALID_VALUE");
        // Offsets, indices, values, labels, weights, counts back, compact ids, each radix pass's counts and offsets,
        // column offsets at each bind (21 in all); parameters down and results back at every evaluation (23).
        assertTrue(count(p, "bind") >= 18 && count(p, "eval") >= 20, "copies swept: " + p);
    }

    @Test
    void everyLaunchFailingIsAStickyErrorThatClosesTheBackend() {
        List<Map<String, String>> p = of("launch");
        assertFalse(p.isEmpty(), "no launch failed");
        for (Map<String, String> point : p) {
            String m = point.get("message");
            assertTrue(m.contains("cuLaunchKernel(") && m.contains("CUDA_ERROR_LAUNCH_FAILED"), "message does not name the call and error: " + point);
            assertTrue(m.contains("sticky") && m.contains("backend was closed"), "message does not say the backend closed: " + point);
            assertEquals("0", point.get("device"), "device allocations left: " + point);
            assertEquals("0", point.get("pinned"), "pinned allocations left: " + point);
            assertEquals("closed", point.get("after"), "the backend did not close itself: " + point);
            assertEquals("ok,IllegalStateException", point.get("closed"), "close() then a bind: " + point);
            assertEquals("same", point.get("recovered"), "a new backend's evaluations: " + point);
        }
        // Fill, counts, remap, row ids, the radix passes' two kernels, block columns at each bind (15 in all); the rows
        // pass, X^T r (once a class), its fixup and the reductions at every evaluation (38).
        assertTrue(count(p, "bind") >= 13 && count(p, "eval") >= 30, "launches swept: " + p);
    }
}
