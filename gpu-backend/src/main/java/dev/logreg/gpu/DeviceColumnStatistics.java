package dev.logreg.gpu;

import dev.logreg.data.Dataset;
import dev.logreg.objective.ColumnStatistics;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.util.Optional;

/**
 * {@link ColumnStatistics#of(Dataset)} over dense rows already on the device, bit for bit (column_stats.cu): the
 * host's chunks ({@link ColumnStatistics#chunkFences}), each chunk's sums per column in row order in the host's
 * exact operations, the chunks' sums added in chunk order on the device, and the host's final arithmetic
 * ({@link ColumnStatistics#fromSums}) on the 1 + 3n sums that come back. Why: on 10,000,000 x 128 rows the host pass
 * took 0.47 s of a GPU fit whose rows were already on the device.
 *
 * <p>Owns its device buffers (the chunk fences, the chunks' partial sums, the sums) from construction to
 * {@link #close()}; {@link #compute} opens one, runs the pass and closes it, failure or not. The rows must be in the
 * dataset's order (not permuted), {@code cols} floats a row ({@code cols ≥ n}: the data term's padding), the weights
 * float32 or absent. Not thread-safe; the backend's context must be current.
 */
final class DeviceColumnStatistics implements AutoCloseable {
    /**
     * Fewest features for which the device pass is used. Each device thread sums one column of one host chunk, a
     * chain of 2^20 / n rows: at n = 1 a thread walks a million rows one after another (tens of milliseconds) where
     * the host's pass over 10^7 rows of one column takes a few; from about 8 columns the chains are 2^17 rows or
     * fewer and the chunks x n threads many. An estimate from the operation counts, not a measurement.
     */
    static final int MIN_FEATURES = 8;

    private final CudaBackend backend;
    private final long chunks;
    private final int n;
    private final OwnedMemory owned = new OwnedMemory();
    private final DeviceBuffer fences;
    private final DeviceBuffer partial;
    private final DeviceBuffer sums;
    private boolean closed;

    private DeviceColumnStatistics(CudaBackend backend, long chunks, int n) {
        this.backend = backend;
        this.chunks = chunks;
        this.n = n;
        try {
            fences = own(DeviceBuffer.allocate(8 * (chunks + 1), backend.allocations(), "column statistics chunk fences"));
            partial = own(DeviceBuffer.allocate(partialBytes(chunks, n), backend.allocations(), "column statistics partial sums"));
            sums = own(DeviceBuffer.allocate(8L * width(n), backend.allocations(), "column statistics sums"));
        } catch (RuntimeException e) {
            closeAfter(e);
            throw e;
        }
    }

    /**
     * Whether a term whose rows are {@code inDataOrder} (not permuted) with {@code n} features computes the statistics
     * here; the caller's host pass otherwise.
     *
     * @throws IllegalArgumentException where {@code data} is not of the term's shape ({@code rows} x {@code n}, dense)
     */
    static boolean applies(Dataset data, long rows, int n, boolean inDataOrder) {
        if (data.rows() != rows || data.cols() != n || data.isSparse()) {
            throw new IllegalArgumentException("dataset " + data.rows() + " x " + data.cols() + (data.isSparse() ? " (sparse)" : "")
                    + " is not the one bound here (" + rows + " x " + n + ")");
        }
        return inDataOrder && n >= MIN_FEATURES;
    }

    /**
     * The statistics of {@code data}, whose rows are at {@code x} ({@code cols} floats a row, in the dataset's order)
     * with their weights at {@code w} (null where unweighted); empty where the partial sums (chunks x (1 + 3n)
     * doubles, 0.6% of X's bytes at 128 columns) would take more than half the free device memory: the caller then
     * computes them on the host. Frees everything it allocated, failure or not.
     *
     * @throws dev.logreg.backend.BackendException on a CUDA failure
     */
    static Optional<ColumnStatistics> compute(CudaBackend backend, Dataset data, CUdeviceptr x, CUdeviceptr w, int cols) {
        long[] fenceRows = ColumnStatistics.chunkFences(data);
        double[] shift = ColumnStatistics.shift(data);
        long chunks = fenceRows.length - 1;
        int n = data.cols();
        if (partialBytes(chunks, n) > backend.memoryInfo()[0] / 2) return Optional.empty();
        DeviceColumnStatistics pass = new DeviceColumnStatistics(backend, chunks, n);
        double[] totals;
        try {
            totals = pass.sums(fenceRows, x, w, cols);
        } catch (RuntimeException e) {
            pass.closeAfter(e);
            throw e;
        }
        pass.close();
        return Optional.of(ColumnStatistics.fromSums(shift, totals));
    }

    /** The chunks' sums added in chunk order: Σw, then n sums of w·d, n of w·d², n of w·v² (waits for the device). */
    private double[] sums(long[] fenceRows, CUdeviceptr x, CUdeviceptr w, int cols) {
        Cuda.check(JCudaDriver.cuMemcpyHtoD(fences.pointer(), Pointer.to(fenceRows), 8L * fenceRows.length), "cuMemcpyHtoD(column statistics chunk fences)");
        long threads = chunks * n;
        int grid = (int) Math.min(Integer.MAX_VALUE, (threads + CudaKernels.MOMENTS_THREADS - 1) / CudaKernels.MOMENTS_THREADS);
        backend.launch(CudaKernels.COLUMN_MOMENTS, grid, CudaKernels.MOMENTS_THREADS, 0, Pointer.to(
                Pointer.to(x), Pointer.to(w == null ? new CUdeviceptr() : w), Pointer.to(fences.pointer()),
                Pointer.to(new long[] {chunks}), Pointer.to(new int[] {n}), Pointer.to(new int[] {cols}), Pointer.to(partial.pointer())));
        int width = width(n);
        backend.launch(CudaKernels.COLUMN_MOMENTS_SUM, (width + CudaKernels.MOMENTS_THREADS - 1) / CudaKernels.MOMENTS_THREADS,
                CudaKernels.MOMENTS_THREADS, 0, Pointer.to(
                        Pointer.to(partial.pointer()), Pointer.to(new long[] {chunks}), Pointer.to(new int[] {width}), Pointer.to(sums.pointer())));
        double[] totals = new double[width];
        // A synchronous copy on the legacy stream, which waits for the (blocking) compute stream.
        Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(totals), sums.pointer(), 8L * width), "cuMemcpyDtoH(column statistics sums)");
        return totals;
    }

    private static int width(int n) {
        return 1 + 3 * n;
    }

    private static long partialBytes(long chunks, int n) {
        return Math.multiplyExact(Math.multiplyExact(chunks, (long) width(n)), 8L);
    }

    private DeviceBuffer own(DeviceBuffer b) {
        owned.add(b);
        return b;
    }

    /** Frees everything after {@code cause}; a failure to free is added to it unless the cause is sticky. */
    private void closeAfter(RuntimeException cause) {
        try {
            close();
        } catch (RuntimeException e) {
            // After a sticky error every free fails, and the context's release frees the memory instead: no news.
            if (!CudaException.isSticky(cause)) cause.addSuppressed(e);
        }
    }

    /** Frees the buffers, newest first. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        owned.close();
    }
}
