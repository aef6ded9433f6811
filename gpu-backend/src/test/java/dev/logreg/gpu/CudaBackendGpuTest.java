package dev.logreg.gpu;

import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.reference.ReferenceBackend;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.logreg.gpu.GpuTestSupport.assertGradient;
import static dev.logreg.gpu.GpuTestSupport.assertRelative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU backend against {@link ReferenceBackend}; skipped, with the probe's reason, where no device is usable.
 * Tolerances: value 1e-6 relative, gradient 1e-6 of the scale (1/M) Σ wᵢ|ℓ'ᵢ|‖(xᵢ, 1)‖ (float64 accumulation on both
 * sides; only the summation order differs). The cuBLAS path accumulates in float32: 1e-4.
 */
@Tag("gpu")
class CudaBackendGpuTest {
    private static final double TOL = 1e-6;
    private static final double CUBLAS_TOL = 1e-4;
    private CudaBackend gpu;

    @BeforeEach
    void open() {
        gpu = GpuTestSupport.openBackend();
    }

    @AfterEach
    void close() {
        GpuTestSupport.closeChecked(gpu);
    }

    static Stream<Arguments> shapes() {
        List<Arguments> a = new ArrayList<>();
        // n = 1, 7: 4 lanes a row (g4s2); 8: 2 lanes a row, 16-byte loads (g2v1); 24: 8 lanes a row (g8v1); 30: 8
        // lanes, scalar (g8s4); 37: scalar register path; 128: 16-byte loads; 1000, 1001: a block a row (bv1, bs4);
        // 2049 (padded to 2052), 3000, 4096: a block of 256 threads a row, theta through L1 (bv4); 4100: 512 threads
        // (wv4); 8196, 16384: 512 threads, accumulators in shared memory (wv8); 20000: the warp-per-row wide path;
        // 65, 255, 1001, 2047: padded on the device to 68, 256, 1004, 2048 (16-byte loads). m = 100,003 is not a
        // multiple of any block or row step.
        int[][] shapes = {{100_003, 1}, {100_003, 7}, {100_003, 8}, {50_021, 24}, {50_021, 30}, {30_011, 37}, {20_000, 128},
            {3_001, 1000}, {2_003, 1001}, {1_001, 3000}, {5_003, 200}, {4_001, 255}, {5_003, 65},
            {1_003, 2047}, {703, 2049}, {513, 4096}, {301, 4100}, {151, 8196}, {67, 16384}, {37, 20000}};
        for (int[] s : shapes) {
            for (Loss loss : List.of(Loss.log(), Loss.mse())) {
                a.add(Arguments.of(s[0], s[1], loss, false));
                a.add(Arguments.of(s[0], s[1], loss, true));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} x {1}, {2}, weighted {3}")
    @MethodSource("shapes")
    void agreesWithReference(int rows, int cols, Loss loss, boolean weighted) {
        Dataset d = GpuTestSupport.data(1000L * cols + rows, rows, cols, weighted, 3.0);
        double[] p = GpuTestSupport.params(cols, cols, 3.0);
        try (CudaDataTerm t = gpu.bindBinary(d, loss)) {
            long[][] ranges = {{0, rows}, {rows / 7, rows / 7 + 12_345 > rows ? rows : rows / 7 + 12_345}, {rows - 1, rows}};
            for (long[] r : ranges) {
                double[] gRef = new double[cols + 1];
                double[] ref = GpuTestSupport.reference(d, loss, r[0], r[1], p, gRef);
                String what = rows + "x" + cols + " " + loss + (weighted ? " weighted" : "") + " rows [" + r[0] + ", " + r[1] + ")";
                for (GradientPath path : List.of(GradientPath.FUSED, GradientPath.TWO_PASS)) {
                    double[] g = new double[cols + 1];
                    double v = t.valueAndGradient(r[0], r[1], p, g, path);
                    assertRelative(ref[0], v, TOL, what + " " + path + " value");
                    assertGradient(gRef, g, ref[1], TOL, what + " " + path);
                }
                assertRelative(ref[0], t.value(r[0], r[1], p), TOL, what + " value-only pass");
                try (ReferenceBackend rb = new ReferenceBackend(); DataTerm rt = rb.bind(d, loss)) {
                    assertRelative(rt.weightSum(r[0], r[1]), t.weightSum(r[0], r[1]), 1e-12, what + " weight sum");
                }
            }
        }
    }

    /**
     * The 128-thread block kernel for 256 < n ≤ 512 (CudaOptions.mediumRowBlocks; n = 257 padded to 260, 300, 512)
     * agrees with the reference backend, and it is the kernel the term runs.
     */
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {257, 300, 512})
    void mediumRowBlocksAgreeWithReference(int cols) {
        int rows = 1_003;
        Dataset d = GpuTestSupport.data(77L * cols, rows, cols, true, 3.0);
        double[] p = GpuTestSupport.params(cols, cols, 3.0);
        try (CudaBackend blocks = new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withMediumRowBlocks(true));
             CudaDataTerm t = blocks.bindBinary(d, Loss.log())) {
            assertEquals(CudaKernels.FUSED_HV1 + " / " + CudaKernels.VALUE_HV1, t.fusedKernels());
            for (long[] r : new long[][] {{0, rows}, {rows / 7, rows - 5}, {rows - 1, rows}}) {
                double[] gRef = new double[cols + 1];
                double[] ref = GpuTestSupport.reference(d, Loss.log(), r[0], r[1], p, gRef);
                double[] g = new double[cols + 1];
                String what = "n = " + cols + " rows [" + r[0] + ", " + r[1] + ")";
                assertRelative(ref[0], t.valueAndGradient(r[0], r[1], p, g, GradientPath.FUSED), TOL, what + " value");
                assertGradient(gRef, g, ref[1], TOL, what);
                assertRelative(ref[0], t.value(r[0], r[1], p), TOL, what + " value-only pass");
            }
        }
    }

    /**
     * Two wide terms on one backend, each needing more than 48 KiB of shared memory (n = 6,000: 4 warps, 188 KiB;
     * n = 2,600: 8 warps, 163 KiB): binding the narrower second must not lower the limit the wider first one launches
     * with.
     */
    @Test
    void aNarrowerWideTermLeavesTheWiderOneLaunchable() {
        Dataset wide = GpuTestSupport.data(21, 301, 6_000, false, 2.0);
        Dataset narrower = GpuTestSupport.data(22, 203, 2_600, true, 2.0);
        double[] pw = GpuTestSupport.params(23, 6_000, 2.0);
        double[] pn = GpuTestSupport.params(24, 2_600, 2.0);
        try (CudaDataTerm first = gpu.bindBinary(wide, Loss.log()); CudaDataTerm second = gpu.bindBinary(narrower, Loss.log())) {
            for (Object[] c : new Object[][] {{second, narrower, pn}, {first, wide, pw}}) {
                CudaDataTerm t = (CudaDataTerm) c[0];
                Dataset d = (Dataset) c[1];
                double[] p = (double[]) c[2];
                double[] gRef = new double[d.cols() + 1];
                double[] ref = GpuTestSupport.reference(d, Loss.log(), 0, d.rows(), p, gRef);
                double[] g = new double[d.cols() + 1];
                double v = t.valueAndGradient(p, g);
                assertRelative(ref[0], v, TOL, d.cols() + " columns, value");
                assertGradient(gRef, g, ref[1], TOL, d.cols() + " columns");
            }
        }
    }

    @Test
    void bindBinaryRefusesTheMultinomialLossBeforeAnyUploadNamingBind() {
        Dataset three = Dataset.wrap(new float[] {1, 2, 3}, 1, new float[] {0, 1, 2}, null, 3);
        long before = gpu.liveAllocations();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.bindBinary(three, Loss.multinomial()));
        assertTrue(e.getMessage().startsWith("bindBinary takes a binary loss"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.bindBinary(three, Loss.log()));
        assertTrue(e.getMessage().contains("3 classes"), e.getMessage());
        assertEquals(before, gpu.liveAllocations());
    }

    @Test
    void logitsOfMagnitude1e3() {
        for (Loss loss : List.of(Loss.log(), Loss.mse())) {
            Dataset d = GpuTestSupport.data(7, 50_001, 37, true, 1e3);
            double[] p = GpuTestSupport.params(8, 37, 1e3);
            double[] gRef = new double[38];
            double[] ref = GpuTestSupport.reference(d, loss, 0, d.rows(), p, gRef);
            try (CudaDataTerm t = gpu.bindBinary(d, loss)) {
                double[] g = new double[38];
                double v = t.valueAndGradient(p, g);
                assertTrue(Double.isFinite(v), "value " + v);
                assertRelative(ref[0], v, TOL, loss + " value at |z| ~ 1e3");
                assertGradient(gRef, g, ref[1], TOL, loss + " gradient at |z| ~ 1e3");
                double[] z = new double[(int) d.rows()];
                t.margins(0, d.rows(), p, z);
                double maxAbs = 0;
                for (double zi : z) maxAbs = Math.max(maxAbs, Math.abs(zi));
                assertTrue(maxAbs > 300, "test data do not reach large logits: max |z| = " + maxAbs);
            }
        }
    }

    @Test
    void marginsMatchReference() {
        for (int cols : new int[] {37, 129}) {  // 129: padded to 132 columns on the device
            Dataset d = GpuTestSupport.data(11, 10_007, cols, false, 2.0);
            double[] p = GpuTestSupport.params(12, cols, 2.0);
            double[] want = new double[10_007 - 5];
            double[] got = new double[want.length];
            try (ReferenceBackend rb = new ReferenceBackend(); DataTerm rt = rb.bind(d, Loss.log()); CudaDataTerm t = gpu.bindBinary(d, Loss.log())) {
                rt.margins(5, d.rows(), p, want);
                t.margins(5, d.rows(), p, got);
            }
            for (int i = 0; i < want.length; i++) {
                assertTrue(Math.abs(got[i] - want[i]) <= 1e-12 * (1 + Math.abs(want[i])),
                        "n=" + cols + " margin " + i + ": got " + got[i] + ", want " + want[i]);
            }
        }
    }

    /** Mini-batches of permuted rows: a few lanes a row (7), padded block rows (1,001 columns on 1,004). */
    @Test
    void permutedRowRangesAreTheReferenceMiniBatches() {
        for (int cols : new int[] {7, 1001}) {
            Dataset d = GpuTestSupport.data(13, cols > 100 ? 3_011 : 20_011, cols, true, 2.0);
            double[] p = GpuTestSupport.params(14, cols, 2.0);
            BindOptions perm = BindOptions.permuted(99);
            try (ReferenceBackend rb = new ReferenceBackend(); DataTerm rt = rb.bind(d, Loss.log(), perm); CudaDataTerm t = gpu.bindBinary(d, Loss.log(), perm)) {
                for (long from = 0; from < d.rows(); from += cols > 100 ? 1_000 : 4_000) {
                    long to = Math.min(d.rows(), from + 256);
                    double[] gRef = new double[cols + 1];
                    double[] g = new double[cols + 1];
                    double vRef = rt.valueAndGradient(from, to, p, gRef);
                    double v = t.valueAndGradient(from, to, p, g);
                    String at = "n=" + cols + " batch [" + from + ", " + to + ")";
                    assertRelative(vRef, v, TOL, at + " value");
                    double scale = 0;
                    for (double x : gRef) scale = Math.max(scale, Math.abs(x));
                    assertGradient(gRef, g, Math.max(scale, 1e-3), TOL, at);
                }
            }
        }
    }

    @Test
    void pathsAgreeWithEachOther() {
        for (int cols : new int[] {7, 128, 1000, 3000}) {
            Dataset d = GpuTestSupport.data(17 + cols, 20_003, cols, true, 2.0);
            double[] p = GpuTestSupport.params(18, cols, 2.0);
            double[] gRef = new double[cols + 1];
            double[] ref = GpuTestSupport.reference(d, Loss.log(), 0, d.rows(), p, gRef);
            try (CudaDataTerm t = gpu.bindBinary(d, Loss.log())) {
                double[] gf = new double[cols + 1];
                double[] gt = new double[cols + 1];
                double vf = t.valueAndGradient(0, d.rows(), p, gf, GradientPath.FUSED);
                double vt = t.valueAndGradient(0, d.rows(), p, gt, GradientPath.TWO_PASS);
                assertRelative(vt, vf, TOL, "n=" + cols + " fused vs two-pass value");
                assertGradient(gt, gf, ref[1], TOL, "n=" + cols + " fused vs two-pass");
                if (CudaBackend.cublasProblem().isEmpty()) {
                    double[] gc = new double[cols + 1];
                    double vc = t.valueAndGradient(0, d.rows(), p, gc, GradientPath.CUBLAS);
                    assertRelative(vf, vc, CUBLAS_TOL, "n=" + cols + " fused vs cuBLAS value");
                    assertGradient(gf, gc, ref[1], CUBLAS_TOL, "n=" + cols + " fused vs cuBLAS");
                } else {
                    System.out.println("cuBLAS cross-check skipped: " + CudaBackend.cublasProblem().get());
                }
            }
        }
    }

    /**
     * A CUDA context is current per host thread: a term bound on one thread must give the same bits when evaluated
     * on another (the backend makes its context current there) and must close cleanly from a third.
     */
    @Test
    void usableFromOtherThreads() throws Exception {
        Dataset d = GpuTestSupport.data(31, 3_001, 37, true, 2.0);
        double[] p = GpuTestSupport.params(32, 37, 2.0);
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            CudaDataTerm t = gpu.bindBinary(d, Loss.log());
            double[] here = new double[38];
            double vHere = t.valueAndGradient(p, here);
            double[] there = new double[38];
            double vThere = other.submit(() -> t.valueAndGradient(p, there)).get();
            assertEquals(Double.doubleToRawLongBits(vHere), Double.doubleToRawLongBits(vThere), "value bits on another thread");
            assertArrayEquals(here, there, "gradient on another thread");
            assertEquals(Double.doubleToRawLongBits(t.value(p)), Double.doubleToRawLongBits(other.submit(() -> t.value(p)).get()),
                    "value-only bits on another thread");
            java.util.concurrent.FutureTask<Void> close = new java.util.concurrent.FutureTask<>(t::close, null);
            new Thread(close, "closer").start();
            close.get();  // rethrows what close threw
            assertEquals(0, gpu.liveAllocations(), "allocations left after closing on another thread");
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void twoRunsAreBitIdentical() {
        for (int cols : new int[] {7, 24, 128, 1000, 3000}) {
            Dataset d = GpuTestSupport.data(23 + cols, cols >= 1000 ? 20_011 : 100_003, cols, true, 2.0);
            double[] p = GpuTestSupport.params(24, cols, 2.0);
            try (CudaDataTerm t = gpu.bindBinary(d, Loss.log())) {
                for (GradientPath path : List.of(GradientPath.FUSED, GradientPath.TWO_PASS)) {
                    double[] g1 = new double[cols + 1];
                    double[] g2 = new double[cols + 1];
                    double v1 = t.valueAndGradient(0, d.rows(), p, g1, path);
                    double v2 = t.valueAndGradient(0, d.rows(), p, g2, path);
                    assertEquals(Double.doubleToRawLongBits(v1), Double.doubleToRawLongBits(v2), path + " n=" + cols + " value bits");
                    for (int j = 0; j <= cols; j++) {
                        assertEquals(Double.doubleToRawLongBits(g1[j]), Double.doubleToRawLongBits(g2[j]), path + " n=" + cols + " gradient[" + j + "] bits");
                    }
                }
                assertEquals(Double.doubleToRawLongBits(t.value(p)), Double.doubleToRawLongBits(t.value(p)), "value-only bits");
            }
            // A fresh backend and bind on the same device gives the same bits too.
            double[] ga = new double[cols + 1];
            double[] gb = new double[cols + 1];
            try (CudaDataTerm t = gpu.bindBinary(d, Loss.log())) {
                t.valueAndGradient(p, ga);
            }
            try (CudaBackend other = new CudaBackend(BackendOptions.DEFAULT); CudaDataTerm t = other.bindBinary(d, Loss.log())) {
                t.valueAndGradient(p, gb);
            }
            assertArrayEquals(ga, gb, "gradient differs between backends on the same device");
        }
    }

    /** The prefetching twins compute the same sums in the same order: bit-identical, every narrow layout, ranges too. */
    @Test
    void prefetchingKernelsGiveTheSameBits() {
        assertTrue(CudaOptions.DEFAULT.prefetchRows(), "the default options use the prefetching twins");
        try (CudaBackend pf = new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withPrefetchRows(true));
             CudaBackend unprefetched = new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withPrefetchRows(false))) {
            for (int cols : new int[] {1, 7, 8, 24, 30, 37, 100, 128, 200, 255}) {
                Dataset d = GpuTestSupport.data(41 + cols, 50_021, cols, true, 2.0);
                double[] p = GpuTestSupport.params(42, cols, 2.0);
                try (CudaDataTerm plain = unprefetched.bindBinary(d, Loss.log()); CudaDataTerm twin = pf.bindBinary(d, Loss.log())) {
                    for (long[] r : new long[][] {{0, d.rows()}, {17, 4_113}, {d.rows() - 5, d.rows()}}) {
                        double[] ga = new double[cols + 1];
                        double[] gb = new double[cols + 1];
                        double va = plain.valueAndGradient(r[0], r[1], p, ga);
                        double vb = twin.valueAndGradient(r[0], r[1], p, gb);
                        String at = "n=" + cols + " rows [" + r[0] + ", " + r[1] + ")";
                        assertEquals(Double.doubleToRawLongBits(va), Double.doubleToRawLongBits(vb), at + " value bits");
                        for (int j = 0; j <= cols; j++) {
                            assertEquals(Double.doubleToRawLongBits(ga[j]), Double.doubleToRawLongBits(gb[j]), at + " gradient[" + j + "] bits");
                        }
                        assertEquals(Double.doubleToRawLongBits(plain.value(r[0], r[1], p)), Double.doubleToRawLongBits(twin.value(r[0], r[1], p)),
                                at + " value-only bits");
                    }
                }
            }
            assertTrue(pf.description().contains("prefetching"), pf.description());
            assertFalse(unprefetched.description().contains("prefetching"), unprefetched.description());
        }
    }

    @Test
    void kernelsFromPtxAgreeWithReference() {
        try (CudaBackend ptx = new CudaBackend(BackendOptions.DEFAULT, CudaOptions.DEFAULT.withImage(CudaOptions.KernelImage.PTX).withSynchronizeEachLaunch(true))) {
            for (int cols : new int[] {7, 128, 1000, 3000}) {
                Dataset d = GpuTestSupport.data(31 + cols, 10_007, cols, true, 2.0);
                double[] p = GpuTestSupport.params(32, cols, 2.0);
                double[] gRef = new double[cols + 1];
                double[] ref = GpuTestSupport.reference(d, Loss.log(), 0, d.rows(), p, gRef);
                try (CudaDataTerm t = ptx.bindBinary(d, Loss.log())) {
                    double[] g = new double[cols + 1];
                    assertRelative(ref[0], t.valueAndGradient(p, g), TOL, "PTX image n=" + cols + " value");
                    assertGradient(gRef, g, ref[1], TOL, "PTX image n=" + cols);
                }
            }
        }
    }

    @Test
    void freeMemoryReturnsAfter1000BindCloseCycles() {
        Dataset d = GpuTestSupport.data(41, 1_000, 8, true, 1.0);
        try (CudaDataTerm warm = gpu.bindBinary(d, Loss.log())) {
            warm.value(new double[9]);  // first-use costs (module data, JIT) before the baseline
        }
        long before = gpu.memoryInfo()[0];
        for (int i = 0; i < 1000; i++) {
            try (CudaDataTerm t = gpu.bindBinary(d, i % 2 == 0 ? Loss.log() : Loss.mse())) {
                if (i % 100 == 0) t.valueAndGradient(new double[9], new double[9]);
            }
        }
        long after = gpu.memoryInfo()[0];
        assertEquals(0, gpu.liveAllocations(), "live allocations after 1000 bind/close cycles");
        assertTrue(Math.abs(after - before) <= (4L << 20), "free device memory " + before + " before, " + after + " after 1000 cycles");
    }

    @Test
    void datasetLargerThanFreeMemoryIsRejectedBeforeAllocating() {
        List<DeviceBuffer> ballast = new ArrayList<>();
        try {
            // Fill the device until less than 96 MiB are free (1 GiB pieces, then 32 MiB pieces: robust to
            // fragmentation), then ask for a dataset of 160 MiB.
            long free = gpu.memoryInfo()[0];
            while (free > (1L << 30) + (96L << 20)) {
                ballast.add(DeviceBuffer.allocate(1L << 30, gpu.allocations(), "ballast"));
                free = gpu.memoryInfo()[0];
            }
            while (free > (96L << 20)) {
                ballast.add(DeviceBuffer.allocate(32L << 20, gpu.allocations(), "ballast"));
                free = gpu.memoryInfo()[0];
            }
            long live = gpu.liveAllocations();
            Dataset big = Dataset.wrap(new float[32 << 20], 4, new float[8 << 20], null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.bind(big, Loss.log()));
            assertTrue(e.getMessage().contains("needs") && e.getMessage().contains("bytes are free"), e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(4L * (32 << 20))), "message does not give X's bytes: " + e.getMessage());
            assertEquals(live, gpu.liveAllocations(), "the rejected bind allocated device memory");
        } finally {
            for (DeviceBuffer b : ballast) b.close();
        }
    }

    /**
     * The device's Hessian equals the reference backend's (float64 sums in another order: 1e-10 of the largest
     * entry), is symmetric, and is the same bits twice: weighted rows, both losses, one tile (n = 1, 7, 30), the
     * intercept alone in a second tile (31), two and five tiles a side (37, 128), a block-path width (600), and widths
     * padded on the device (127 → 128, 601 → 604: the zero columns must not show).
     */
    @Test
    void hessianMatchesTheReference() {
        try (ReferenceBackend ref = new ReferenceBackend()) {
            for (int cols : new int[] {1, 7, 30, 31, 37, 127, 128, 600, 601}) {
                Dataset d = GpuTestSupport.data(61 + cols, cols >= 100 ? 3_001 : 20_011, cols, true, 2.0);
                double[] p = GpuTestSupport.params(62, cols, 2.0);
                for (Loss loss : List.of(Loss.log(), Loss.mse())) {
                    int dim = cols + 1;
                    double[] want = new double[dim * dim];
                    try (DataTerm r = ref.bind(d, loss)) {
                        r.hessian(p, want);
                    }
                    double scale = 0;
                    for (double v : want) scale = Math.max(scale, Math.abs(v));
                    try (CudaDataTerm t = gpu.bindBinary(d, loss)) {
                        double[] got = new double[dim * dim];
                        double[] again = new double[dim * dim];
                        t.hessian(p, got);
                        t.hessian(p, again);
                        String at = "n=" + cols + " " + loss;
                        assertArrayEquals(got, again, 0.0, at + ": two calls, same bits");
                        for (int i = 0; i < dim; i++) {
                            for (int j = 0; j < dim; j++) {
                                assertEquals(want[i * dim + j], got[i * dim + j], 1e-10 * scale, at + " H[" + i + "][" + j + "]");
                                assertEquals(got[i * dim + j], got[j * dim + i], 0.0, at + " symmetry at " + i + ", " + j);
                            }
                        }
                    }
                }
            }
        }
        Dataset wide = GpuTestSupport.data(63, 3, CudaDataTerm.HESSIAN_MAX_FEATURES + 1, false, 1.0);
        try (CudaDataTerm t = gpu.bindBinary(wide, Loss.log())) {
            assertFalse(t.supportsHessian());
            int dim = wide.cols() + 1;
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> t.hessian(new double[dim], new double[dim * dim]));
            assertTrue(e.getMessage().contains("at most " + CudaDataTerm.HESSIAN_MAX_FEATURES), e.getMessage());
        }
    }

    @Test
    void lifecycleAndValidation() {
        Dataset d = GpuTestSupport.data(51, 100, 3, false, 1.0);
        CudaDataTerm t = gpu.bindBinary(d, Loss.log());
        assertTrue(gpu.liveAllocations() > 0);
        assertThrows(IllegalArgumentException.class, () -> t.value(0, 101, new double[4]));
        assertThrows(IllegalArgumentException.class, () -> t.value(5, 5, new double[4]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.value(new double[3]));
        assertTrue(e.getMessage().contains("expected features + 1 = 4"), e.getMessage());
        assertTrue(t.supportsHessian());
        IllegalArgumentException h = assertThrows(IllegalArgumentException.class, () -> t.hessian(new double[4], new double[15]));
        assertTrue(h.getMessage().contains("expected 16"), h.getMessage());
        t.close();
        t.close();  // idempotent
        assertEquals(0, gpu.liveAllocations());
        assertThrows(IllegalStateException.class, () -> t.value(new double[4]));
        CudaDataTerm open = gpu.bindBinary(d, Loss.log());
        gpu.close();
        gpu.close();
        assertEquals(0, gpu.liveAllocations(), "backend close left the open term's buffers");
        assertThrows(IllegalStateException.class, () -> open.value(new double[4]));
        assertThrows(IllegalStateException.class, () -> gpu.bind(d, Loss.log()));
    }
}
