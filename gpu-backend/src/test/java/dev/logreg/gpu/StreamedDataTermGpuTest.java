package dev.logreg.gpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.model.LogisticModel;
import dev.logreg.train.Trainer;
import dev.logreg.train.TrainingOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rows streamed through the device in chunks ({@link StreamedDataTerm}) against the same rows resident on it
 * ({@link CudaDataTerm}) on the same backend: bit for bit (value, gradient, weight sum, margins), for chunk
 * boundaries inside a host block, a last chunk of one row, weights, row ranges (cross-validation folds) and the
 * padded widths; the backend's own choice where the data exceed its device memory limit; a whole fit. Under simcuda a
 * copy or kernel that ran before the rows it needs were in place (a refilled staging buffer, a device chunk
 * overwritten before its kernel read it) would give other sums and fail here.
 */
@Tag("gpu")
class StreamedDataTermGpuTest {
    /** rows x n in host blocks of {@code blockRows} rows (a Dataset.concat of several), weighted where asked. */
    private static Dataset data(int rows, int n, int blockRows, boolean weighted, long seed) {
        List<Dataset> parts = new ArrayList<>();
        for (int first = 0; first < rows; first += blockRows) {
            parts.add(GpuTestSupport.data(seed + first, Math.min(blockRows, rows - first), n, weighted, 2.0));
        }
        return parts.size() == 1 ? parts.get(0) : Dataset.concat(parts);
    }

    private static double[] params(int n, long seed) {
        return GpuTestSupport.params(seed, n, 1.0);
    }

    @ParameterizedTest(name = "{0} rows x {1}, host blocks of {2}, chunks of {3} rows, weighted {4}, X page-locked once {5}")
    @CsvSource({
            "1000, 7, 300, 64, true, false",     // chunk boundaries inside host blocks; scalar loads, a few lanes a row
            "1000, 7, 300, 64, true, true",      // the same from page-locked chunks (sub-ranges: two copies a chunk)
            "513, 100, 513, 128, false, false",  // padded to 100 -> 16-byte loads; last chunk one row
            "513, 100, 513, 128, false, true",
            "700, 129, 250, 699, true, false",   // padded to 132; two chunks, the last one row
            "700, 129, 250, 699, true, true",
            "200, 129, 200, 1000, true, false",  // one chunk (the whole data)
            "300, 600, 120, 100, true, true",    // block-a-row kernels
            "150, 300, 150, 64, false, false",   // warp-a-row kernels, shared-memory accumulators
            "40, 5, 7, 1, true, false",          // a chunk of one row, blocks of 7
            "40, 5, 7, 1, true, true",
    })
    void streamedPassesAreTheInMemoryPassesBitForBit(int rows, int n, int blockRows, long chunkRows, boolean weighted, boolean pinned) {
        GpuTestSupport.assumeDevice();
        Dataset d = data(rows, n, blockRows, weighted, 31L * rows + n);
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withChunkRows(chunkRows))) {
            try (CudaDataTerm resident = gpu.bindBinary(d, Loss.log());
                 StreamedDataTerm streamed = new StreamedDataTerm(gpu, d, Loss.log(), BindOptions.DEFAULT, pinned)) {
                assertEquals(pinned, streamed.residentHost());
                long[][] ranges = {{0, rows}, {rows / 3, rows - 1}, {1, 2}, {rows - 1, rows}, {0, rows / 2 + 1}};
                for (int round = 0; round < 2; round++) {  // twice: the pipeline's buffers and events reused
                    double[] p = params(n, 7 + round);
                    for (long[] r : ranges) {
                        String what = "rows [" + r[0] + ", " + r[1] + ") round " + round;
                        assertSame(resident, streamed, r[0], r[1], p, what);
                    }
                    assertSameHessian(resident, streamed, p, "round " + round);
                }
                long chunks = pinned ? (rows + chunkRows - 1) / chunkRows : 0;
                assertEquals(2 + chunks, gpu.livePinnedAllocations(), "the streamed term holds its two staging buffers (and X's chunks), no more");
            }
            assertEquals(0, gpu.liveAllocations(), "both terms freed everything");
        }
    }

    /**
     * Wide rows (the block kernels past 2,048 columns: bv4 for 2,049 padded to 2,052 and 3,000, wv8 with its shared
     * accumulators for 8,196), streamed in chunks, bit for bit the in-memory passes. No Hessian here: its
     * (n + 1)^2 entries are the Hessian tests' subject, not the fused pass's.
     */
    @ParameterizedTest(name = "{0} rows x {1}, chunks of {2} rows")
    @CsvSource({"301, 2049, 100", "130, 3000, 64", "90, 8196, 40"})
    void wideRowsStreamedAreTheInMemoryPassesBitForBit(int rows, int n, long chunkRows) {
        GpuTestSupport.assumeDevice();
        Dataset d = data(rows, n, 70, true, 17L * rows + n);
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withChunkRows(chunkRows))) {
            assertTrue(CudaKernels.BLOCK.contains(FusedPlan.gradient(gpu, CudaDataTerm.deviceColumns(n)).kernel()),
                    "n = " + n + " runs a block kernel");
            try (CudaDataTerm resident = gpu.bindBinary(d, Loss.log());
                 StreamedDataTerm streamed = new StreamedDataTerm(gpu, d, Loss.log(), BindOptions.DEFAULT, false)) {
                long[][] ranges = {{0, rows}, {rows / 3, rows - 1}, {rows - 1, rows}};
                for (long[] r : ranges) assertSame(resident, streamed, r[0], r[1], params(n, 11), "n = " + n + " rows [" + r[0] + ", " + r[1] + ")");
            }
            assertEquals(0, gpu.liveAllocations(), "both terms freed everything");
        }
    }

    private static void assertSame(DataTerm resident, DataTerm streamed, long from, long to, double[] p, String what) {
        int n = resident.features();
        double[] g1 = new double[n + 1];
        double[] g2 = new double[n + 1];
        double v1 = resident.valueAndGradient(from, to, p, g1);
        double v2 = streamed.valueAndGradient(from, to, p, g2);
        assertEquals(Double.doubleToRawLongBits(v1), Double.doubleToRawLongBits(v2), what + ": value " + v1 + " vs " + v2);
        for (int j = 0; j <= n; j++) {
            assertEquals(Double.doubleToRawLongBits(g1[j]), Double.doubleToRawLongBits(g2[j]), what + ": gradient " + j + ": " + g1[j] + " vs " + g2[j]);
        }
        double o1 = resident.value(from, to, p);
        double o2 = streamed.value(from, to, p);
        assertEquals(Double.doubleToRawLongBits(o1), Double.doubleToRawLongBits(o2), what + ": value-only pass " + o1 + " vs " + o2);
        assertEquals(Double.doubleToRawLongBits(resident.weightSum(from, to)), Double.doubleToRawLongBits(streamed.weightSum(from, to)), what + ": weight sum");
        double[] m1 = new double[(int) (to - from)];
        double[] m2 = new double[(int) (to - from)];
        resident.margins(from, to, p, m1);
        streamed.margins(from, to, p, m2);
        assertArrayEquals(m1, m2, what + ": margins");
        assertTrue(Double.isFinite(v1) && v1 > 0, what + ": a real loss " + v1);
    }

    /**
     * The Hessian, bit for bit, where the stream's chunks hold whole Hessian row chunks; else a refusal that says so
     * (Newton then refuses as it does beyond 2,048 features).
     */
    private static void assertSameHessian(CudaDataTerm resident, StreamedDataTerm streamed, double[] p, String what) {
        int d = resident.features() + 1;
        double[] h1 = new double[d * d];
        double[] h2 = new double[d * d];
        if (!streamed.supportsHessian()) {
            UnsupportedOperationException e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                    () -> streamed.hessian(p, h2));
            assertTrue(e.getMessage().contains("exceed the stream's chunks"), e.getMessage());
            return;
        }
        resident.hessian(p, h1);
        streamed.hessian(p, h2);
        for (int i = 0; i < d * d; i++) {
            assertEquals(Double.doubleToRawLongBits(h1[i]), Double.doubleToRawLongBits(h2[i]), what + ": Hessian entry " + i + ": " + h1[i] + " vs " + h2[i]);
        }
        assertTrue(h2[0] > 0, what + ": a real Hessian");
    }

    @Test
    void theBackendStreamsDataLargerThanItsDeviceMemoryLimitAndFitsTheSameModel() {
        GpuTestSupport.assumeDevice();
        int rows = 3000;
        int n = 20;
        Dataset d = data(rows, n, 1100, true, 5);
        long xBytes = 4L * rows * n;
        CudaOptions chunks = CudaOptions.DEFAULT.withChunkRows(256);
        TrainingOptions[] fits = {TrainingOptions.DEFAULT, TrainingOptions.DEFAULT.withOptimizer("newton")};
        LogisticModel[] inMemory = new LogisticModel[fits.length];
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT, chunks)) {
            try (DataTerm t = gpu.bind(d, Loss.log())) {
                assertInstanceOf(CudaDataTerm.class, t, "no limit: in memory");
            }
            for (int i = 0; i < fits.length; i++) inMemory[i] = Trainer.fit(gpu, d, fits[i], null).model();
        }
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT, chunks.withDeviceMemoryLimit(xBytes))) {  // X alone fits; with labels, weights and workspaces not
            try (DataTerm t = gpu.bind(d, Loss.log())) {
                assertInstanceOf(StreamedDataTerm.class, t, "X (" + xBytes + " bytes) over the limit: streamed");
                assertEquals(256, ((StreamedDataTerm) t).chunkRows());
                assertTrue(t.supportsHessian(), "chunks of 256 rows hold whole Hessian row chunks here");
            }
            for (int i = 0; i < fits.length; i++) {
                LogisticModel streamed = Trainer.fit(gpu, d, fits[i], null).model();
                String what = fits[i].optimizer() + ": ";
                assertArrayEquals(inMemory[i].coefficients(), streamed.coefficients(), what + "coefficients, bit for bit");
                assertEquals(inMemory[i].intercept(), streamed.intercept(), what + "intercept, bit for bit");
                assertNotEquals(0.0, streamed.intercept(), what + "a real fit");
            }
            assertEquals(0, gpu.liveAllocations(), "the fit's terms freed");
        }
    }

    @Test
    void aLimitBelowEvenTheStreamedTermIsRefusedBeforeAnyAllocation() {
        GpuTestSupport.assumeDevice();
        Dataset d = data(500, 8, 500, false, 9);
        try (CudaBackend gpu = new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withChunkRows(100).withDeviceMemoryLimit(1000))) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> gpu.bind(d, Loss.log()));
            assertTrue(e.getMessage().contains("streamed in chunks of 100 rows") && e.getMessage().contains("1000 bytes are free"), e.getMessage());
            assertEquals(0, gpu.liveAllocations());
            assertFalse(e.getMessage().isEmpty());
        }
    }
}
