package dev.logreg.gpu;

import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs everywhere: the host-side logic of {@link CudaDataTerm} that needs no device (kernel choice, row gathering). */
class CudaDataTermHostTest {
    private static final Pattern ENTRY = Pattern.compile("LR_NARROW_ENTRY\\((\\w+), (\\d+), (true|false), (true|false), (\\d+), (\\d+)\\)");

    /** Every n up to 256 gets a register kernel whose lanes cover all n columns; wider n gets none. */
    @Test
    void narrowKernelCoversEveryColumn() {
        for (int n = 1; n <= 300; n++) {
            for (boolean gradient : new boolean[] {true, false}) {
                String k = FusedKernelTable.narrowKernel(n, gradient);
                if (n > 256) {
                    assertNull(k, "n=" + n);
                    continue;
                }
                assertNotNull(k, "n=" + n);
                assertTrue(CudaKernels.ALL.contains(k), k + " is not an entry point");
                boolean vec = k.charAt(k.length() - 2) == 'v';
                int per = k.charAt(k.length() - 1) - '0';
                int covered = (vec ? 4 : 1) * per * FusedKernelTable.lanesPerRow(k);
                assertTrue(covered >= n, k + " covers " + covered + " columns, n = " + n);
                assertTrue(!vec || n % 4 == 0, k + " needs n % 4 == 0, n = " + n);
            }
        }
    }

    /**
     * Every n in (512, 2048] and every n % 4 == 0 in (2048, 16384] (the others are padded to one) gets a block kernel
     * whose threads cover all n columns; other n get none.
     */
    @Test
    void blockKernelCoversEveryColumn() {
        for (int n = 1; n <= 16500; n++) {
            for (boolean gradient : new boolean[] {true, false}) {
                String k = FusedKernelTable.blockKernel(n, gradient);
                if (n <= 512 || n > 16384 || (n > 2048 && n % 4 != 0)) {
                    assertNull(k, "n=" + n);
                    continue;
                }
                assertNotNull(k, "n=" + n);
                assertTrue(CudaKernels.ALL.contains(k), k + " is not an entry point");
                assertEquals(gradient, k.startsWith("logreg_fused_"), k);
                boolean vec = k.charAt(k.length() - 2) == 'v';
                int per = k.charAt(k.length() - 1) - '0';
                int threads = FusedKernelTable.blockThreads(k);
                assertTrue((vec ? 4 : 1) * per * threads >= n, k + " covers too few columns, n = " + n);
                assertTrue(!vec || n % 4 == 0, k + " needs n % 4 == 0, n = " + n);
            }
        }
    }

    /**
     * A wide plan's reduction chunk holds about 32 times the bytes of the partial rows a full grid writes (n = 16,384,
     * wv8, 132 blocks: 8,448 rows, not the 4,096 of 256 MiB); a narrow plan keeps the 256 MiB default; set chunk rows
     * win over both.
     */
    @Test
    void wideChunksOutweighTheirPartials() {
        int n = 16384;
        FusedPlan wide = new FusedPlan(CudaKernels.FUSED_WV8, 512, 131_208, 132, 1, false);
        long rows = wide.chunkRows(CudaOptions.DEFAULT, n);
        double chunkBytes = 4.0 * n * rows;
        double partialBytes = 8.0 * 132 * (n + 3);
        assertTrue(chunkBytes >= 31 * partialBytes && chunkBytes <= 33 * partialBytes, rows + " rows: " + chunkBytes / partialBytes + " times the partials");
        assertEquals(0, rows % 256, "a multiple of 256 rows");
        FusedPlan narrow = new FusedPlan(CudaKernels.FUSED_V1, 256, 8 * 8 * 131, 264, 32, false);
        assertEquals(FusedPlan.CHUNK_BYTES / (4L * 128) / 256 * 256, narrow.chunkRows(CudaOptions.DEFAULT, 128));
        assertEquals(100, wide.chunkRows(CudaOptions.DEFAULT.withChunkRows(100), n));
    }

    /** The Java table of T matches fused.cu's LR_BLOCK_ENTRY table. */
    @Test
    void blockRowsMatchFusedCu() throws Exception {
        String dir = System.getProperty("logreg.test.kernelSources", "");
        Path src = dir.isEmpty() ? Path.of("").toAbsolutePath().resolveSibling("kernels").resolve("src/main/cuda/fused.cu")
                : Path.of(dir, "fused.cu");
        assumeTrue(Files.isRegularFile(src), "kernels sources not found at " + src + " (run from the gpu-backend module)");
        Matcher m = Pattern.compile("LR_BLOCK_ENTRY\\((\\w+), (\\d+), (true|false), (true|false), (\\d+), (\\d+), \\d+, (true|false), (true|false), (true|false)\\)")
                .matcher(Files.readString(src));
        int seen = 0;
        while (m.find()) {
            String name = m.group(1);
            boolean vec = Boolean.parseBoolean(m.group(3));
            boolean grad = Boolean.parseBoolean(m.group(4));
            int threads = Integer.parseInt(m.group(6));
            assertEquals(name.startsWith("logreg_fused_"), grad, name + ": GRAD flag vs name");
            assertEquals((threads == 512 ? "w" : threads == 128 ? "h" : "b") + (vec ? "v" : "s") + m.group(2), name.substring(name.lastIndexOf('_') + 1),
                    name + ": K, VEC and THREADS vs name");
            assertEquals(Integer.parseInt(m.group(5)), FusedKernelTable.blockRows(name), name + ": T");
            assertEquals(threads, FusedKernelTable.blockThreads(name), name + ": THREADS");
            int accumulators = grad && Boolean.parseBoolean(m.group(8)) ? (vec ? 4 : 1) * Integer.parseInt(m.group(2)) : 0;
            assertEquals(accumulators, FusedKernelTable.blockSharedAccumulators(name), name + ": ACC_SMEM columns a thread");
            assertTrue(CudaKernels.BLOCK.contains(name), name + " is not in CudaKernels.BLOCK");
            seen++;
        }
        assertEquals(CudaKernels.BLOCK.size(), seen, "block entries found in fused.cu");
    }

    /**
     * The Java table of rows in flight matches fused.cu's entry table (where the sources are at hand: the folder named
     * by {@code -Dlogreg.test.kernelSources}, as in the GPU bundle, else the kernels module beside this one).
     */
    @Test
    void rowsInFlightMatchFusedCu() throws Exception {
        String dir = System.getProperty("logreg.test.kernelSources", "");
        Path src = dir.isEmpty() ? Path.of("").toAbsolutePath().resolveSibling("kernels").resolve("src/main/cuda/fused.cu")
                : Path.of(dir, "fused.cu");
        assumeTrue(Files.isRegularFile(src), "kernels sources not found at " + src + " (run from the gpu-backend module)");
        Matcher m = ENTRY.matcher(Files.readString(src));
        int seen = 0;
        while (m.find()) {
            String name = m.group(1);
            boolean vec = Boolean.parseBoolean(m.group(3));
            assertEquals(name.startsWith("logreg_fused_"), Boolean.parseBoolean(m.group(4)), name + ": GRAD flag vs name");
            assertEquals((vec ? "v" : "s") + m.group(2), name.substring(name.length() - 2), name + ": K and VEC vs name");
            int lanes = Integer.parseInt(m.group(6));
            assertEquals(lanes, FusedKernelTable.lanesPerRow(name), name + ": G");
            int rows = Integer.parseInt(m.group(5)) * (32 / lanes);
            assertEquals(rows, FusedKernelTable.rowsInFlight(name), name + ": ROWS x 32/G");
            assertEquals(rows, FusedKernelTable.rowsInFlight(name + CudaKernels.PREFETCH_SUFFIX), name + "_pf: ROWS x 32/G");
            assertTrue(CudaKernels.ALL.contains(name + CudaKernels.PREFETCH_SUFFIX), name + "_pf is not in CudaKernels.ALL");
            seen++;
        }
        assertEquals(CudaKernels.NARROW.size(), seen, "narrow entries found in fused.cu");
    }

    /**
     * Rows padded on the device only where that selects a 16-byte-load twin (64 < n ≤ 16,384, n % 4 ≠ 0; for
     * 256 < n ≤ 512 the 128-thread block kernel of CudaOptions.mediumRowBlocks), to the next multiple of 4, and the
     * padded width's kernel is that twin.
     */
    @Test
    void paddingOnlyWhereItSelectsA16ByteLoadKernel() {
        for (int n = 1; n <= 16500; n++) {
            int cols = CudaDataTerm.deviceColumns(n);
            boolean pads = n % 4 != 0 && n > 64 && n <= 16384;
            assertEquals(pads ? (n + 3) / 4 * 4 : n, cols, "n=" + n);
            if (pads) {
                String k = FusedKernelTable.narrowKernel(cols, true);
                if (k == null) k = FusedKernelTable.blockKernel(cols, true);
                if (k == null) k = FusedKernelTable.mediumBlockKernel(cols, true);
                assertNotNull(k, "n=" + n);
                assertEquals('v', k.charAt(k.length() - 2), "n=" + n + " padded to " + cols + " gets " + k);
            }
        }
    }

    /** Gathering bound rows through a permutation, across several dataset blocks, gives the permuted rows. */
    @Test
    void gatherFollowsThePermutationAcrossBlocks() {
        int n = 3;
        int rows = 50;
        SplittableRandom r = new SplittableRandom(5);
        Dataset.Builder b = Dataset.builder(n).blockCapacity(7 * n);  // blocks of 7 rows: rows straddle blocks
        for (int i = 0; i < rows; i++) {
            float[] x = {i, (float) r.nextDouble(), -i};
            b.addRow(x, i % 2);
        }
        Dataset d = b.build();
        assertTrue(d.blocks().size() > 5, "expected several blocks, got " + d.blocks().size());
        RowBlock[] blocks = d.blocks().toArray(new RowBlock[0]);
        long[] first = new long[blocks.length];
        FloatBuffer[] fx = new FloatBuffer[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            first[i] = blocks[i].firstRow();
            fx[i] = blocks[i].features();
        }
        int[] perm = RowPermutation.of(rows, 11);
        for (int stride : new int[] {n, n + 2}) {  // as is, and padded with two zero columns (over stale contents)
            for (int[] p : new int[][] {null, perm}) {
                FloatBuffer dst = FloatBuffer.allocate(20 * stride);
                for (int k = 0; k < dst.capacity(); k++) dst.put(k, Float.NaN);
                RowUpload.gather(dst, 13, 33, p, blocks, first, fx, n, stride);
                for (int k = 0; k < 20; k++) {
                    long row = p == null ? 13 + k : p[13 + k];
                    String at = "bound row " + (13 + k) + (p == null ? "" : " (permuted)") + ", stride " + stride;
                    for (int j = 0; j < n; j++) assertEquals(d.feature(row, j), dst.get(k * stride + j), at + " column " + j);
                    for (int j = n; j < stride; j++) assertEquals(0f, dst.get(k * stride + j), at + " padding column " + j);
                }
            }
        }
    }
}
