package dev.logreg.gpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.BackendFactory;
import dev.logreg.backend.BackendProvider;
import dev.logreg.backend.BackendUnavailableException;
import dev.logreg.backend.BackendOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs everywhere: the provider's registration, its probe (never throws, one-line reason) and the factory's choice. */
class CudaBackendProviderTest {
    @Test
    void registeredAsGpuWithPriority300() {
        BackendProvider found = null;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p instanceof CudaBackendProvider) found = p;
        }
        assertTrue(found != null, "CudaBackendProvider is not registered in META-INF/services");
        assertEquals("gpu", found.name());
        assertEquals(300, found.priority());
    }

    @Test
    @Tag("gpu")
    void probeNeverThrowsAndGivesOneLine() {
        Availability a = new CudaBackendProvider().probe();  // a throw here fails the test
        assertFalse(a.reason().isBlank(), "empty reason");
        assertFalse(a.reason().contains("\n"), "reason is not one line: " + a.reason());
        if (!a.usable()) {
            System.out.println("gpu unusable here: " + a.reason());
        }
    }

    @Test
    @Tag("gpu")
    void autoModeReportsTheGpuAndChoosesOnlyAUsableOne() {
        BackendFactory f = BackendFactory.discover();
        BackendFactory.BackendReport gpu = f.report().stream().filter(r -> r.name().equals("gpu")).findFirst().orElseThrow();
        BackendFactory.Selection s = f.select(null);
        System.out.println(s.reason());
        if (gpu.availability().usable()) {
            assertEquals("gpu", s.name(), "a usable GPU has the highest priority");
        } else {
            assertNotEquals("gpu", s.name(), "auto chose an unusable gpu backend");
            assertTrue(s.reason().contains("gpu unusable: " + gpu.availability().reason()), "selection does not say why: " + s.reason());
            assertFalse(gpu.availability().reason().contains("\n"));
        }
    }

    @Test
    @Tag("gpu")
    void createWithoutDeviceSaysWhy() {
        Availability a = GpuTestSupport.availability();
        if (a.usable()) {
            new CudaBackendProvider().create(BackendOptions.DEFAULT).close();
            return;
        }
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> new CudaBackendProvider().create(BackendOptions.DEFAULT));
        assertEquals("gpu", e.backend());
        assertFalse(e.reason().isBlank());
    }

    @Test
    void gradientPathParses() {
        assertEquals(GradientPath.TWO_PASS, GradientPath.parse(" two-pass "));
        assertEquals(GradientPath.CUBLAS, GradientPath.parse("cuBLAS"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientPath.parse("fast"));
        assertTrue(e.getMessage().contains("'fast'"), e.getMessage());
    }

    @Test
    void selfTestDataIsSeededAndHasBothClasses() {
        long[] counts = CudaBackendProvider.selfTestData().labelCounts();
        assertTrue(counts[0] > 0 && counts[1] > 0, "self-test labels are all one class");
        assertEquals(CudaBackendProvider.selfTestData().feature(17, 3), CudaBackendProvider.selfTestData().feature(17, 3));
    }
}
