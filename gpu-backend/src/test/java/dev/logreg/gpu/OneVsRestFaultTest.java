package dev.logreg.gpu;

import dev.logreg.testing.SimulatedGpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A CUDA failure while one-vs-rest binds class c ({@link CudaOneVsRestTerms#forClass}): the device allocation of its
 * labels, the pinned staging buffer of their upload, or their copy fails (simcuda, {@code SIMCUDA_FAULT_FILE}). The bind
 * must say what failed, free what it made (no device or pinned allocation left over), leave the shared rows and the
 * classes already bound as they were, and bind class c again to the bits of a separate bind. A failure of the shared
 * upload itself frees what it made. One child JVM a kind
 * ({@link OneVsRestFaultMain}): the driver library loads once per process. Tagged {@code simcuda}, not {@code gpu}.
 */
@Tag("simcuda")
class OneVsRestFaultTest {
    private Path simcuda;

    @BeforeEach
    void needSimcuda() {
        assumeTrue(SimulatedGpu.built(), "needs simcuda (kernels/simcuda.sh), which the Maven build makes and names in -D" + SimulatedGpu.PROPERTY);
        simcuda = Path.of(System.getProperty(SimulatedGpu.PROPERTY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bind-alloc", "bind-copy"})
    void aFailedSharedUploadFreesWhatItMade(String kind, @TempDir Path dir) throws Exception {
        Map<String, String> out = run(kind, dir);
        String failed = out.get("FAILED");
        assertTrue(failed != null, kind + ": the bind did not fail: " + out);
        assertTrue(failed.contains("weights") && failed.contains("still usable"), kind + ": " + failed);
        assertEquals("0", out.get("LEAKED"), kind + ": device allocations left by the failed bind: " + out);
        assertEquals("0", out.get("PINNED"), kind + ": pinned allocations left: " + out);
    }

    private Map<String, String> run(String kind, Path dir) throws Exception {
        return SimcudaChild.keyed(SimcudaChild.run(simcuda, OneVsRestFaultMain.class,
                List.of(kind, dir.resolve("fault").toString()), Map.of("SIMCUDA_FAULT_FILE", dir.resolve("fault").toString()), List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alloc", "host-alloc", "copy"})
    void aFailedClassBindFreesWhatItMadeAndKeepsTheSharedRows(String kind, @TempDir Path dir) throws Exception {
        Map<String, String> out = run(kind, dir);
        String failed = out.get("FAILED");
        assertTrue(failed != null, kind + ": the class bind did not fail: " + out);
        assertTrue(failed.contains("class 1") && failed.contains("still usable"), kind + ": " + failed);
        assertEquals("0", out.get("LEAKED"), kind + ": device allocations left by the failed bind: " + out);
        assertEquals("0", out.get("PINNED"), kind + ": pinned allocations left: " + out);
        assertEquals("same", out.get("ZERO"), kind + ": class 0 after the failure: " + out);
        assertEquals("same", out.get("AGAIN"), kind + ": class 1 bound again: " + out);
        assertEquals("0", out.get("LIVE"), kind + ": allocations left after close: " + out);
    }
}
