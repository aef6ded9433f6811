package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Objects;

/**
 * A sparse (CSR) dataset held on the GPU for a binary loss (log loss, squared error): the CSR rows in bound order
 * (64-bit row offsets, 32-bit column indices, float32 values), labels and weights, and a transposed copy (CSC) built
 * on the device at bind ({@link SparseTranspose}). One value+gradient evaluation is two passes over the nonzeros
 * (sparse.cu): the rows pass (z, the loss and rᵢ = wᵢ ℓ'(zᵢ) per row, a group of 8 or 32 lanes a row) and Xᵀr over
 * the transposed copy, a merge-path split of columns and entries into fixed blocks, each column's products added
 * in row order within fixed pieces and the pieces by fixed trees: no atomics, the same bits on every run.
 *
 * <p>Columns: only the columns with a nonzero are on the device (compact ids, in column order); θ goes down and the
 * gradient comes back as those entries, the rest of the gradient is exactly 0 (as the reference backend's).
 *
 * <p>Device memory: 8 bytes a nonzero for the CSR and 8 for the transposed copy, 8 a row for the row offsets, 4 for
 * the labels (and 4 for the weights), 8 for the per-row residuals, 8 a column that occurs for the offsets, θ and the
 * gradient each; while binding, up to 16 bytes a nonzero and 4 a feature more ({@link SparseTranspose}). Checked
 * against the free memory before any allocation. A row range costs a whole Xᵀr pass (the rows outside it contribute
 * zeros): the pass is for full-batch optimizers.
 *
 * <p>{@link #hessianVector} (for the truncated Newton method): the curvatures wᵢ ℓ''(zᵢ) of the last parameters seen
 * are kept on the device (8 bytes a row), so that the products of one Newton step are one rows pass and one Xᵀ pass
 * each. No dense Hessian ({@link #supportsHessian()} is false).
 *
 * <p>Failure, ownership and threads: as {@link CudaDataTerm}.
 */
public final class CudaSparseTerm implements DataTerm {
    /** Rows per margins launch (the device buffer of logits holds this many doubles). */
    private static final int MARGINS_CHUNK = 1 << 20;
    /** Mean nonzeros a row below which a row gets 8 lanes, not a warp (sparse.cu's G). */
    static final int SHORT_ROWS = 32;

    private final CudaBackend backend;
    private final long rows;
    private final int n;
    private final long nonzeros;
    private final boolean weighted;
    private final int lossId;
    private final Deque<AutoCloseable> owned = new ArrayDeque<>();
    private final DeviceBuffer rowOffsets;
    private final DeviceBuffer indices;
    private final DeviceBuffer values;
    private final DeviceBuffer y;
    private final DeviceBuffer w;
    private final SparseTranspose.Result csc;
    /** Compact columns on the device (the columns with a nonzero). */
    private final int cols;
    private final DeviceBuffer params;
    /** The gradient's compact entries, then the three reduced sums (one copy back). */
    private final DeviceBuffer result;
    private final DeviceBuffer rowValues;
    private final DeviceBuffer partial;
    private final DeviceBuffer head;
    private final DeviceBuffer tail;
    private final String rowsKernel;
    private final int rowsMaxGrid;
    private final int rowsPerBlock;
    private final int smallGrid;
    private DeviceBuffer curvature;
    /** The parameters whose curvatures {@link #curvature} holds; null until the first Hessian-vector product. */
    private double[] curvatureAt;
    private DeviceBuffer marginsBuffer;
    private boolean closed;

    CudaSparseTerm(CudaBackend backend, Dataset data, Loss loss, BindOptions options) {
        this.backend = backend;
        this.rows = data.rows();
        this.n = data.cols();
        this.nonzeros = data.nonzeros();
        this.weighted = data.isWeighted();
        this.lossId = loss.kind() == Loss.Kind.MSE ? CudaKernels.LOSS_MSE : CudaKernels.LOSS_LOG;
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sparse dataset of " + rows + " rows: the GPU backend holds at most " + Integer.MAX_VALUE
                    + " rows of sparse data (32-bit row ids in its transposed copy)");
        }
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(rows, options.permutationSeed().getAsLong()) : null;
        this.rowsKernel = rowsKernel(rows, nonzeros);
        int sms = backend.multiprocessors();
        this.rowsMaxGrid = sms * backend.occupancy(rowsKernel, CudaBackend.BLOCK, 0);
        this.rowsPerBlock = rowsKernel.equals(CudaKernels.SPARSE_ROWS_G8) ? CudaBackend.BLOCK / 8 : CudaBackend.BLOCK / 32;
        this.smallGrid = sms * backend.occupancy(CudaKernels.WEIGHT_SUM, CudaBackend.BLOCK, 0);
        long partialDoubles = Math.max((long) rowsMaxGrid * CudaKernels.SPARSE_WIDTH, 4L * smallGrid);
        checkMemory(partialDoubles);
        try {
            rowOffsets = own(DeviceBuffer.allocate(8 * (rows + 1), backend.allocations(), "row offsets"));
            indices = own(DeviceBuffer.allocate(4 * nonzeros, backend.allocations(), "column indices"));
            values = own(DeviceBuffer.allocate(4 * nonzeros, backend.allocations(), "values"));
            y = own(DeviceBuffer.allocate(4 * rows, backend.allocations(), "labels"));
            w = weighted ? own(DeviceBuffer.allocate(4 * rows, backend.allocations(), "weights")) : null;
            SparseUpload.upload(backend, data, perm, rowOffsets, indices, values, y, w);
            csc = SparseTranspose.build(backend, owned, n, rows, nonzeros, rowOffsets, indices, values);
            cols = csc.cols();
            params = own(DeviceBuffer.allocate(8L * (cols + 1), backend.allocations(), "parameters"));
            result = own(DeviceBuffer.allocate(8L * (cols + CudaKernels.SPARSE_WIDTH), backend.allocations(), "gradient and sums"));
            rowValues = own(DeviceBuffer.allocate(8 * rows, backend.allocations(), "row residuals"));
            partial = own(DeviceBuffer.allocate(8 * partialDoubles, backend.allocations(), "partial sums"));
            head = cols == 0 ? null : own(DeviceBuffer.allocate(8 * csc.tiles(), backend.allocations(), "X^T r block heads"));
            tail = cols == 0 ? null : own(DeviceBuffer.allocate(8 * csc.tiles(), backend.allocations(), "X^T r block tails"));
        } catch (RuntimeException e) {
            freeAll(e);
            throw e;
        }
    }

    /**
     * The rows kernel for a mean of {@code nonzeros / rows} nonzeros a row (package-private for tests): 8 lanes a row
     * below {@value #SHORT_ROWS}, where a warp a row would leave most lanes idle, else 32.
     */
    static String rowsKernel(long rows, long nonzeros) {
        return nonzeros < SHORT_ROWS * Math.max(1, rows) ? CudaKernels.SPARSE_ROWS_G8 : CudaKernels.SPARSE_ROWS_G32;
    }

    /** Refuses, before any allocation, data whose device memory (bind's peak included) exceeds what is free. */
    private void checkMemory(long partialDoubles) {
        long maxCols = Math.min(n, nonzeros);
        long tiles = (maxCols + nonzeros + CudaKernels.XTR_TILE - 1) / CudaKernels.XTR_TILE;
        long csr = Math.addExact(Math.multiplyExact(8L, nonzeros), 8 * (rows + 1));
        long labels = (weighted ? 8 : 4) * rows;
        long transposed = 8 * nonzeros + 8 * (maxCols + 1) + 20 * (tiles + 1);
        long work = 16 * (maxCols + 3) + 8 * rows + 8 * partialDoubles;
        long bind = SparseTranspose.transientBytes(n, nonzeros);
        long needed = csr + labels + transposed + work + bind;
        long[] mem = backend.memoryInfo();
        if (needed > mem[0]) {
            throw new IllegalArgumentException("sparse dataset " + rows + " x " + n + " with " + nonzeros + " nonzeros needs " + needed
                    + " bytes of device memory (CSR " + csr + ", labels and weights " + labels + ", transposed copy " + transposed + ", workspace "
                    + work + ", building the transposed copy " + bind + ") but only " + mem[0] + " bytes are free (of " + mem[1] + ") on "
                    + backend.deviceName());
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.push(resource);
        return resource;
    }

    // ---- DataTerm ----

    @Override public long rows() { return rows; }

    @Override public int features() { return n; }

    /** Nonzeros bound. */
    public long nonzeros() { return nonzeros; }

    /** The columns with at least one nonzero, the only ones held on the device. */
    public int deviceColumns() { return cols; }

    /** The rows pass's entry point ({@link CudaKernels#SPARSE_ROWS_G8} or {@link CudaKernels#SPARSE_ROWS_G32}). */
    public String rowsKernel() { return rowsKernel; }

    @Override
    public double weightSum(long fromRow, long toRow) {
        checkRange(fromRow, toRow);
        if (!weighted) return toRow - fromRow;
        try {
            long range = toRow - fromRow;
            int grid = (int) Math.max(1, Math.min(smallGrid, (range + CudaBackend.BLOCK - 1) / CudaBackend.BLOCK));
            backend.launch(CudaKernels.WEIGHT_SUM, grid, CudaBackend.BLOCK, 0, Pointer.to(
                    Pointer.to(w.pointer()), Pointer.to(new long[] {fromRow}), Pointer.to(new long[] {toRow}), Pointer.to(partial.pointer())));
            return reduce(grid, 1)[0];
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    @Override
    public double valueAndGradient(long fromRow, long toRow, double[] parameters, double[] gradientOut) {
        checkRange(fromRow, toRow);
        checkParams(parameters);
        checkLength(gradientOut, "gradientOut");
        try {
            uploadParams(parameters);
            double[] s = pass(CudaKernels.SPARSE_GRADIENT, fromRow, toRow, null);
            scatter(s, s[cols + CudaKernels.SLOT_WSUM], gradientOut);
            double m = s[cols + CudaKernels.SLOT_WSUM];
            return m > 0 ? s[cols + CudaKernels.SLOT_LOSS] / m : 0.0;
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    @Override
    public double value(long fromRow, long toRow, double[] parameters) {
        checkRange(fromRow, toRow);
        checkParams(parameters);
        try {
            uploadParams(parameters);
            launchRows(CudaKernels.SPARSE_VALUE, fromRow, toRow, null, null, partial);
            double[] s = reduce(rowsGrid(fromRow, toRow, CudaKernels.SPARSE_VALUE), CudaKernels.SPARSE_WIDTH);
            return s[CudaKernels.SLOT_WSUM] > 0 ? s[CudaKernels.SLOT_LOSS] / s[CudaKernels.SLOT_WSUM] : 0.0;
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    @Override
    public void margins(long fromRow, long toRow, double[] parameters, double[] out) {
        checkRange(fromRow, toRow);
        checkParams(parameters);
        Objects.requireNonNull(out, "out");
        if (out.length < toRow - fromRow) {
            throw new IllegalArgumentException("out has length " + out.length + ", expected at least " + (toRow - fromRow));
        }
        try {
            uploadParams(parameters);
            if (marginsBuffer == null) {
                long cap = Math.min(rows, MARGINS_CHUNK);
                ensureFits(8 * cap, "margins buffer");
                marginsBuffer = own(DeviceBuffer.allocate(8 * cap, backend.allocations(), "margins"));
            }
            double[] chunk = new double[(int) Math.min(toRow - fromRow, MARGINS_CHUNK)];
            for (long c0 = fromRow; c0 < toRow; c0 += MARGINS_CHUNK) {
                long c1 = Math.min(toRow, c0 + MARGINS_CHUNK);
                int count = (int) (c1 - c0);
                launchRows(CudaKernels.SPARSE_MARGINS, c0, c1, null, marginsBuffer, null);
                Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(chunk), marginsBuffer.pointer(), 8L * count), "cuMemcpyDtoH(margins)");
                System.arraycopy(chunk, 0, out, (int) (c0 - fromRow), count);
            }
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** True: one rows pass and one Xᵀ pass a product (see the class comment). */
    @Override
    public boolean supportsHessianVector() {
        return true;
    }

    /**
     * (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) (x̃ᵢ·v) x̃ᵢ over all rows: the curvatures at {@code parameters} (formed once for a given
     * parameter vector and kept), then uᵢ = x̃ᵢ·v and qᵢ = cᵢ uᵢ in the rows pass, then Xᵀq; all float64, in fixed
     * orders. Zero where every weight is 0.
     */
    @Override
    public void hessianVector(double[] parameters, double[] v, double[] out) {
        check();
        checkParams(parameters);
        checkLength(v, "v");
        checkLength(out, "out");
        try {
            if (curvatureAt == null || !Arrays.equals(curvatureAt, parameters)) {
                if (curvature == null) {
                    ensureFits(8 * rows, "Hessian-vector curvatures");
                    curvature = own(DeviceBuffer.allocate(8 * rows, backend.allocations(), "curvatures"));
                }
                curvatureAt = null;  // until the new ones are in place
                uploadParams(parameters);
                launchRows(CudaKernels.SPARSE_CURVATURE, 0, rows, null, curvature, null);
                curvatureAt = parameters.clone();
            }
            uploadParams(v);
            double[] s = pass(CudaKernels.SPARSE_HESSIAN_VECTOR, 0, rows, curvature);
            scatter(s, s[cols + CudaKernels.SLOT_WSUM], out);
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    // ---- diagnostics for benchmarks ----

    /**
     * Bytes of the value and index arrays a value+gradient pass reads: the CSR's and, where {@code transposed}, the
     * transposed copy's (8 bytes a nonzero each).
     */
    public long arrayBytes(boolean transposed) {
        return (transposed && cols > 0 ? 16 : 8) * nonzeros;
    }

    /**
     * A read-only pass (16-byte loads, summed into float64) over the CSR's column indices and values and, where
     * {@code transposed}, the transposed copy's rows and values: the bandwidth ceiling the pass is compared with.
     * Returns the sum of the reinterpreted bits (meaningless; waits for the device).
     */
    public double readPass(boolean transposed) {
        check();
        try {
            DeviceBuffer[] arrays = transposed && cols > 0 ? new DeviceBuffer[] {indices, values, csc.rows(), csc.values()}
                    : new DeviceBuffer[] {indices, values};
            long count = nonzeros & ~3L;
            int grid = (int) Math.max(1, Math.min(smallGrid, (count / 4 + CudaBackend.BLOCK - 1) / CudaBackend.BLOCK));
            for (int k = 0; k < arrays.length; k++) {
                backend.launch(CudaKernels.READ_SUM, grid, CudaBackend.BLOCK, 0, Pointer.to(
                        Pointer.to(arrays[k].pointer()), Pointer.to(new long[] {count}), Pointer.to(partial.at(8L * k * grid))));
            }
            return reduce((long) arrays.length * grid, 1)[0];
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /**
     * The value+gradient pass over all rows at the parameters already on the device (those of the last evaluation):
     * the rows pass, Xᵀr and the reduction, without θ's copy down and the gradient's copy back. Returns the loss sum
     * (waits for the device).
     */
    public double devicePass() {
        check();
        try {
            launchPass(CudaKernels.SPARSE_GRADIENT, 0, rows, null);
            double[] s = new double[1];
            Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(s), result.at(8L * cols), 8), "cuMemcpyDtoH(loss sum)");
            return s[0];
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    // ---- passes ----

    /** {@link #launchPass}, then the compact gradient (or product) and the three sums copied back (waits). */
    private double[] pass(int mode, long fromRow, long toRow, DeviceBuffer curv) {
        launchPass(mode, fromRow, toRow, curv);
        double[] s = new double[cols + CudaKernels.SPARSE_WIDTH];
        Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(s), result.pointer(), 8L * s.length), "cuMemcpyDtoH(gradient and sums)");
        return s;
    }

    /** The rows pass in {@code mode} (gradient or Hessian-vector), Xᵀ of its row values and the sums, into {@link #result}. */
    private void launchPass(int mode, long fromRow, long toRow, DeviceBuffer curv) {
        launchRows(mode, fromRow, toRow, curv, rowValues, partial);
        if (cols > 0) xtr();
        backend.launch(CudaKernels.REDUCE_PARTIALS, CudaKernels.reduceGrid(CudaKernels.SPARSE_WIDTH), CudaKernels.REDUCE_THREADS, 0, Pointer.to(
                Pointer.to(partial.pointer()), Pointer.to(new long[] {rowsGrid(fromRow, toRow, mode)}),
                Pointer.to(new int[] {CudaKernels.SPARSE_WIDTH}), Pointer.to(result.at(8L * cols))));
    }

    /** Xᵀ of {@link #rowValues} into the first {@code cols} doubles of {@link #result}. */
    private void xtr() {
        long tiles = csc.tiles();
        backend.launch(CudaKernels.SPARSE_XTR_TILES, Math.toIntExact(tiles), CudaKernels.XTR_THREADS, 0, Pointer.to(
                Pointer.to(csc.colOffsets().pointer()), Pointer.to(csc.rows().pointer()), Pointer.to(csc.values().pointer()),
                Pointer.to(rowValues.pointer()), Pointer.to(new int[] {cols}), Pointer.to(new long[] {nonzeros}),
                Pointer.to(csc.tileColumns().pointer()), Pointer.to(result.pointer()), Pointer.to(head.pointer()), Pointer.to(tail.pointer())));
        if (tiles > 1) {
            backend.launch(CudaKernels.SPARSE_XTR_FIXUP, SparseTranspose.grid(backend, 32 * tiles), CudaBackend.BLOCK, 0, Pointer.to(
                    Pointer.to(csc.colOffsets().pointer()), Pointer.to(new int[] {cols}), Pointer.to(new long[] {tiles}),
                    Pointer.to(csc.tileColumns().pointer()), Pointer.to(head.pointer()), Pointer.to(tail.pointer()), Pointer.to(result.pointer())));
        }
    }

    /** Blocks of the rows pass over its rows: those of [from, to), or every row where the mode writes every row's value. */
    private int rowsGrid(long fromRow, long toRow, int mode) {
        boolean everyRow = mode == CudaKernels.SPARSE_GRADIENT || mode == CudaKernels.SPARSE_HESSIAN_VECTOR;
        long range = everyRow ? rows : toRow - fromRow;
        return (int) Math.max(1, Math.min(rowsMaxGrid, (range + rowsPerBlock - 1) / rowsPerBlock));
    }

    private void launchRows(int mode, long fromRow, long toRow, DeviceBuffer curv, DeviceBuffer rowOut, DeviceBuffer partials) {
        backend.launch(rowsKernel, rowsGrid(fromRow, toRow, mode), CudaBackend.BLOCK, 0, Pointer.to(
                Pointer.to(rowOffsets.pointer()), Pointer.to(indices.pointer()), Pointer.to(values.pointer()), Pointer.to(y.pointer()),
                Pointer.to(weighted ? w.pointer() : new CUdeviceptr()), Pointer.to(new long[] {rows}), Pointer.to(new long[] {fromRow}),
                Pointer.to(new long[] {toRow}), Pointer.to(params.pointer()), Pointer.to(new int[] {cols}), Pointer.to(new int[] {lossId}),
                Pointer.to(new int[] {mode}), Pointer.to(curv == null ? new CUdeviceptr() : curv.pointer()),
                Pointer.to(rowOut == null ? new CUdeviceptr() : rowOut.pointer()), Pointer.to(partials == null ? new CUdeviceptr() : partials.pointer())));
    }

    /** The device's sums {@code s} (compact gradient, then loss, weight, residual) into a full-length vector over {@code m}. */
    private void scatter(double[] s, double m, double[] out) {
        Arrays.fill(out, 0.0);
        // An all-zero-weight range contributes nothing (DataTerm's contract), rather than 0/0.
        if (!(m > 0)) return;
        int[] ids = csc.columnIds();
        for (int q = 0; q < cols; q++) out[ids == null ? q : ids[q]] = s[q] / m;
        out[n] = s[cols + CudaKernels.SLOT_RSUM] / m;
    }

    /** θ (or v) to the device as its compact entries, the intercept last. */
    private void uploadParams(double[] parameters) {
        int[] ids = csc.columnIds();
        double[] device = parameters;
        if (ids != null) {
            device = new double[cols + 1];
            for (int q = 0; q < cols; q++) device[q] = parameters[ids[q]];
            device[cols] = parameters[n];
        }
        Cuda.check(JCudaDriver.cuMemcpyHtoD(params.pointer(), Pointer.to(device), 8L * (cols + 1)), "cuMemcpyHtoD(parameters)");
    }

    /** Adds {@code partialRows} rows of {@code width} partials in order; copies the sums back (waits). */
    private double[] reduce(long partialRows, int width) {
        backend.launch(CudaKernels.REDUCE_PARTIALS, CudaKernels.reduceGrid(width), CudaKernels.REDUCE_THREADS, 0, Pointer.to(
                Pointer.to(partial.pointer()), Pointer.to(new long[] {partialRows}), Pointer.to(new int[] {width}),
                Pointer.to(result.at(8L * cols))));
        double[] s = new double[width];
        Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(s), result.at(8L * cols), 8L * width), "cuMemcpyDtoH(sums)");
        return s;
    }

    private void ensureFits(long bytes, String what) {
        long[] mem = backend.memoryInfo();
        if (bytes > mem[0]) {
            throw new IllegalArgumentException(what + " needs " + bytes + " bytes of device memory but only " + mem[0] + " are free (of " + mem[1] + ")");
        }
    }

    // ---- checks and lifecycle ----

    private void check() {
        if (closed) throw new IllegalStateException("data term is closed");
        backend.ensureOpen();
        backend.makeCurrent();
    }

    private void checkRange(long fromRow, long toRow) {
        check();
        if (fromRow < 0 || toRow > rows || fromRow >= toRow) {
            throw new IllegalArgumentException("row range [" + fromRow + ", " + toRow + ") is empty or outside [0, " + rows + ")");
        }
    }

    private void checkParams(double[] parameters) {
        Objects.requireNonNull(parameters, "params");
        if (parameters.length != n + 1) {
            throw new IllegalArgumentException("params has length " + parameters.length + ", expected features + 1 = " + (n + 1));
        }
    }

    private void checkLength(double[] out, String name) {
        Objects.requireNonNull(out, name);
        if (out.length != n + 1) throw new IllegalArgumentException(name + " has length " + out.length + ", expected " + (n + 1));
    }

    /** Frees everything after a CUDA failure and returns the exception to throw (see {@link CudaDataTerm}). */
    private BackendException fail(BackendException e) {
        if (closed) return e;
        try {
            close();
        } catch (RuntimeException suppressed) {
            if (!CudaException.isSticky(e)) e.addSuppressed(suppressed);
        }
        return backend.failed(e, "the GPU data term was closed");
    }

    /** Frees what a failed bind allocated, newest first; a failure to free is added to {@code cause} unless sticky. */
    private void freeAll(RuntimeException cause) {
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                if (!CudaException.isSticky(cause)) cause.addSuppressed(e);
            }
        }
    }

    /** Frees this term's device memory, newest allocation first. Idempotent; any thread (see {@link CudaDataTerm#close()}). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        backend.removed(this);
        backend.makeCurrentQuietly();
        RuntimeException failure = null;
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                if (failure == null) failure = e instanceof RuntimeException ? (RuntimeException) e : new BackendException(e.getMessage(), e);
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
