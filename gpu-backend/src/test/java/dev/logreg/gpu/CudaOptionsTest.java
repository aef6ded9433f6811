package dev.logreg.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** CudaOptions' device memory limit and reduction chunk (issue #18): validated, kept by every {@code with...} method. No device needed. */
class CudaOptionsTest {
    @Test
    void defaultHasNoLimitAndTheLimitSurvivesEveryWither() {
        assertEquals(0L, CudaOptions.DEFAULT.deviceMemoryLimit());
        CudaOptions limited = CudaOptions.DEFAULT.withDeviceMemoryLimit(1 << 20);
        assertEquals(1 << 20, limited.deviceMemoryLimit());
        assertEquals(1 << 20, limited.withGradientPath(GradientPath.TWO_PASS).deviceMemoryLimit());
        assertEquals(1 << 20, limited.withImage(CudaOptions.KernelImage.PTX).deviceMemoryLimit());
        assertEquals(1 << 20, limited.withSynchronizeEachLaunch(true).deviceMemoryLimit());
        assertEquals(1 << 20, limited.withPrefetchRows(false).deviceMemoryLimit());
        assertEquals(0L, new CudaOptions(GradientPath.FUSED, CudaOptions.KernelImage.FATBIN, false, true).deviceMemoryLimit());
    }

    @Test
    void negativeLimitIsRefusedWithItsValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaOptions.DEFAULT.withDeviceMemoryLimit(-5));
        assertTrue(e.getMessage().contains("deviceMemoryLimit") && e.getMessage().contains("-5"), e.getMessage());
    }

    @Test
    void chunkRowsAreAutomaticByDefaultValidatedAndKeptByEveryWither() {
        assertEquals(0L, CudaOptions.DEFAULT.chunkRows());
        CudaOptions c = CudaOptions.DEFAULT.withChunkRows(64).withDeviceMemoryLimit(1 << 20);
        assertEquals(64, c.chunkRows());
        assertEquals(64, c.withGradientPath(GradientPath.TWO_PASS).withImage(CudaOptions.KernelImage.PTX).withSynchronizeEachLaunch(true)
                .withPrefetchRows(false).chunkRows());
        assertEquals(0L, new CudaOptions(GradientPath.FUSED, CudaOptions.KernelImage.FATBIN, false, true, 5L).chunkRows());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaOptions.DEFAULT.withChunkRows(-1));
        assertTrue(e.getMessage().contains("chunkRows") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void mediumRowBlocksAreOffByDefaultAndKeptByEveryWither() {
        assertTrue(!CudaOptions.DEFAULT.mediumRowBlocks());
        CudaOptions m = CudaOptions.DEFAULT.withMediumRowBlocks(true);
        assertTrue(m.withGradientPath(GradientPath.TWO_PASS).withImage(CudaOptions.KernelImage.PTX).withSynchronizeEachLaunch(true)
                .withPrefetchRows(false).withDeviceMemoryLimit(1 << 20).withChunkRows(64).mediumRowBlocks());
        assertEquals(64, m.withChunkRows(64).withMediumRowBlocks(false).chunkRows());
        assertTrue(!new CudaOptions(GradientPath.FUSED, CudaOptions.KernelImage.FATBIN, false, true, 0L, 5L).mediumRowBlocks());
    }
}
