package dev.logreg.gpu;

import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bind's upload through the {@link StagingRing} (three pinned buffers, asynchronous copies): what reaches the
 * device is X padded to the device's columns, the labels and the weights in bound order, byte for byte, whatever the
 * chunk size: many chunks through few buffers (each buffer refilled several times), a chunk of one row, a last partial
 * chunk, rows from several blocks, permuted rows. Under simcuda an asynchronous copy reads its buffer when it runs, at
 * the next synchronization point, so an upload that refilled a buffer before its copy had left it would fail here.
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StagingUploadGpuTest {
    private CudaBackend gpu;

    @BeforeAll
    void open() {
        gpu = GpuTestSupport.openBackend();
    }

    @AfterAll
    void close() {
        GpuTestSupport.closeChecked(gpu);
    }

    /** rows x n in blocks of {@code blockRows}, weighted where asked, seeded. */
    private static Dataset data(int rows, int n, int blockRows, boolean weighted, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Dataset> parts = new ArrayList<>();
        for (int first = 0; first < rows; first += blockRows) {
            int k = Math.min(blockRows, rows - first);
            float[] x = new float[k * n];
            float[] y = new float[k];
            float[] w = weighted ? new float[k] : null;
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            for (int i = 0; i < k; i++) {
                y[i] = r.nextInt(2);
                if (w != null) w[i] = (float) r.nextDouble(0.1, 3);
            }
            parts.add(Dataset.wrap(x, n, y, w));
        }
        return parts.size() == 1 ? parts.get(0) : Dataset.concat(parts);
    }

    @ParameterizedTest(name = "{0} rows x {1} (device columns {2}), blocks of {3}, chunks of {4} bytes, weighted {5}, permuted {6}")
    @CsvSource({
            "1000, 7, 8, 1000, 96, true, false",      // 3 rows a chunk: 334 chunks through 3 buffers, the last one row
            "1000, 7, 8, 300, 4000, false, true",     // 125 rows a chunk, rows from four blocks, permuted
            "257, 33, 36, 100, 1, true, true",        // one row a chunk (smaller than a row), weighted, permuted
            "50, 5, 5, 50, 1000000, true, false",     // one chunk, one buffer
    })
    void uploadsTheRowsByteForByte(int rows, int n, int cols, int blockRows, long chunkBytes, boolean weighted, boolean permuted) {
        Dataset d = data(rows, n, blockRows, weighted, 11L * rows + n);
        int[] perm = permuted ? RowPermutation.of(rows, 5) : null;
        gpu.makeCurrent();
        try (DeviceBuffer x = DeviceBuffer.allocate(4L * rows * cols, gpu.allocations(), "X");
             DeviceBuffer y = DeviceBuffer.allocate(4L * rows, gpu.allocations(), "labels");
             DeviceBuffer w = weighted ? DeviceBuffer.allocate(4L * rows, gpu.allocations(), "weights") : null) {
            RowUpload.upload(gpu, d, perm, x, y, w, cols, chunkBytes);
            float[] dx = new float[rows * cols];
            float[] dy = new float[rows];
            float[] dw = new float[rows];
            Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dx), x.pointer(), 4L * dx.length), "cuMemcpyDtoH");
            Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dy), y.pointer(), 4L * rows), "cuMemcpyDtoH");
            if (w != null) Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dw), w.pointer(), 4L * rows), "cuMemcpyDtoH");
            float[] row = new float[n];
            for (int i = 0; i < rows; i++) {
                int src = perm == null ? i : perm[i];
                d.copyRow(src, row);
                for (int j = 0; j < cols; j++) {
                    float expected = j < n ? row[j] : 0f;
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(dx[i * cols + j]), "X row " + i + " column " + j);
                }
                assertEquals(d.label(src), dy[i], 0f, "label of row " + i);
                if (w != null) assertEquals(d.weight(src), dw[i], 0f, "weight of row " + i);
            }
        }
        assertEquals(0, gpu.allocations().pinned(), "staging buffers left");
    }
}
