package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the GPU's sparse data terms share ({@link CudaSparseTerm}, binary; {@link CudaSparseSoftmaxTerm}, K classes):
 * the CSR rows in bound order, labels and weights, the transposed copy ({@link SparseTranspose}), the workspaces
 * (parameters and result as compact column entries, one value a row and output, partial sums, the Xᵀ blocks' heads
 * and tails), the Xᵀ pass, the lifecycle and the failure handling ({@link CudaDataTerm}'s). Device memory: see
 * {@link CudaSparseTerm}; everything is checked against the free memory before the first allocation.
 *
 * <p>The device's result buffer holds, in doubles: the compact gradient (outputs x cols), then the three sums of the
 * rows pass (loss, weight, residual), then one intercept sum per output (K outputs only).
 */
abstract class SparseTermBase extends DeviceDataTerm {
    /** Rows per margins launch. */
    static final int MARGINS_CHUNK = 1 << 20;

    final long nonzeros;
    /** Outputs: 1 for a binary loss, K for the multinomial. */
    final int outputs;
    final DeviceBuffer rowOffsets;
    final DeviceBuffer indices;
    final DeviceBuffer values;
    final DeviceBuffer y;
    final SparseTranspose.Result csc;
    /** Compact columns on the device (the columns with a nonzero). */
    final int cols;
    final DeviceBuffer params;
    final DeviceBuffer result;
    /**
     * Outputs values a row (residuals, logits, curvature products); with K outputs, for {@link #paddedRows} rows, the
     * rows past {@link #rows} zero (see {@link #interceptChunk}).
     */
    final DeviceBuffer rowValues;
    /** Rows of {@link #rowValues}: {@link #rows}, rounded up to a multiple of {@link #interceptChunk} with K outputs. */
    final long paddedRows;
    /**
     * With K outputs, the intercepts' sums over the rows' residuals are taken in two ordered stages (rows in chunks of
     * this many, then the chunks), so that no single chain of additions runs over millions of rows; 1 output: unused.
     */
    final int interceptChunk;
    /** The intercepts' first stage (K outputs): per position in a chunk, each output's sum over the chunks. */
    final DeviceBuffer interceptPartial;
    private final DeviceBuffer head;
    private final DeviceBuffer tail;
    final String rowsKernel;
    private final int rowsMaxGrid;
    private final int rowsPerBlock;
    private DeviceBuffer marginsBuffer;

    /**
     * Uploads {@code data} and builds its transposed copy for {@code outputs} outputs, the rows pass being
     * {@code rowsKernel} (a G = 8 or G = 32 entry). Frees what it allocated before it throws.
     */
    SparseTermBase(CudaBackend backend, Dataset data, BindOptions options, int outputs, String rowsKernel, boolean shortRows) {
        super(backend, data, "the GPU data term was closed");
        this.nonzeros = data.nonzeros();
        this.outputs = outputs;
        // About 2,048 rows a chunk position (a chain of 256 additions a lane in the first stage), at most 4,096 positions
        // and 2^20 partial doubles: a function of the rows and K alone.
        long chunk = Math.min(Math.min(4096, (1 << 20) / Math.max(1, outputs)), (data.rows() + 2047) / 2048);
        this.interceptChunk = outputs > 1 ? (int) Math.max(1, chunk) : 1;
        this.paddedRows = (rows + interceptChunk - 1) / interceptChunk * interceptChunk;
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sparse dataset of " + rows + " rows: the GPU backend holds at most " + Integer.MAX_VALUE
                    + " rows of sparse data (32-bit row ids in its transposed copy)");
        }
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(rows, options.permutationSeed().getAsLong()) : null;
        this.rowsKernel = rowsKernel;
        int sms = backend.multiprocessors();
        this.rowsMaxGrid = sms * backend.occupancy(rowsKernel, CudaBackend.BLOCK, 0);
        this.rowsPerBlock = shortRows ? CudaBackend.BLOCK / 8 : CudaBackend.BLOCK / 32;
        long partialDoubles = Math.max((long) rowsMaxGrid * CudaKernels.SPARSE_WIDTH, 4L * smallGrid);
        checkMemory(partialDoubles);
        try {
            Allocations a = backend.allocations();
            rowOffsets = own(DeviceBuffer.allocate(8 * (rows + 1), a, "row offsets"));
            indices = own(DeviceBuffer.allocate(4 * nonzeros, a, "column indices"));
            values = own(DeviceBuffer.allocate(4 * nonzeros, a, "values"));
            y = own(DeviceBuffer.allocate(4 * rows, a, "labels"));
            w = weighted ? own(DeviceBuffer.allocate(4 * rows, a, "weights")) : null;
            SparseUpload.upload(backend, data, perm, rowOffsets, indices, values, y, w);
            csc = SparseTranspose.build(backend, owned.stack(), n, rows, nonzeros, rowOffsets, indices, values);
            cols = csc.cols();
            params = own(DeviceBuffer.allocate(8L * outputs * (cols + 1), a, "parameters"));
            result = own(DeviceBuffer.allocate(8L * resultDoubles(), a, "gradient and sums"));
            rowValues = own(DeviceBuffer.allocate(8 * paddedRows * outputs, a, "row values"));
            if (paddedRows > rows) {
                // The padding rows take part in the intercepts' first stage: zeros (the kernels never write them).
                long ints = 2 * (paddedRows - rows) * outputs;
                backend.launch(CudaKernels.FILL_INTS, SparseTranspose.grid(backend, ints), CudaBackend.BLOCK, 0, Pointer.to(
                        Pointer.to(rowValues.at(8 * rows * outputs)), Pointer.to(new long[] {ints}), Pointer.to(new int[] {0})));
            }
            partial = own(DeviceBuffer.allocate(8 * partialDoubles, a, "partial sums"));
            interceptPartial = outputs > 1 ? own(DeviceBuffer.allocate(8L * interceptChunk * outputs, a, "intercept partial sums")) : null;
            head = cols == 0 ? null : own(DeviceBuffer.allocate(8 * csc.tiles(), a, "X^T r block heads"));
            tail = cols == 0 ? null : own(DeviceBuffer.allocate(8 * csc.tiles(), a, "X^T r block tails"));
        } catch (RuntimeException e) {
            freeAll(e);
            throw e;
        }
    }

    /** The result buffer's doubles: the compact gradient, the three sums, one intercept sum an output (K outputs). */
    private long resultDoubles() {
        return (long) outputs * cols + CudaKernels.SPARSE_WIDTH + (outputs > 1 ? outputs : 0);
    }

    /** Offset, in doubles, of the three sums in the result buffer. */
    final long sumsOffset() {
        return (long) outputs * cols;
    }

    /** Refuses, before any allocation, data whose device memory (bind's peak included) exceeds what is free. */
    private void checkMemory(long partialDoubles) {
        long maxCols = Math.min(n, nonzeros);
        long tiles = (maxCols + nonzeros + CudaKernels.XTR_TILE - 1) / CudaKernels.XTR_TILE;
        long csr = Math.addExact(Math.multiplyExact(8L, nonzeros), 8 * (rows + 1));
        long labels = (weighted ? 8 : 4) * rows;
        long transposed = 8 * nonzeros + 8 * (maxCols + 1) + 20 * (tiles + 1);
        long work = Math.addExact(Math.multiplyExact(16L * outputs, maxCols + 3), Math.multiplyExact(8L * outputs, paddedRows))
                + 8 * partialDoubles + (outputs > 1 ? 8L * outputs * interceptChunk : 0);
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

    /** Nonzeros bound. */
    public long nonzeros() { return nonzeros; }

    /** The columns with at least one nonzero, the only ones held on the device. */
    public int deviceColumns() { return cols; }

    /** The rows pass's entry point (8 lanes a row for short rows, 32 for long ones). */
    public String rowsKernel() { return rowsKernel; }

    // ---- diagnostics for benchmarks ----

    /** Bytes of the value and index arrays a value+gradient pass reads: the CSR's and, where {@code transposed}, the copy's. */
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
            return sums((long) arrays.length * grid, 1)[0];
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    // ---- passes ----

    /** Blocks of the rows pass: over [from, to), or over every row where {@code everyRow} (the pass writes every row's value). */
    final int rowsGrid(long fromRow, long toRow, boolean everyRow) {
        long range = everyRow ? rows : toRow - fromRow;
        return (int) Math.max(1, Math.min(rowsMaxGrid, (range + rowsPerBlock - 1) / rowsPerBlock));
    }

    /**
     * Xᵀ of the row values of output {@code output} (read with stride {@link #outputs}) into the result buffer at
     * {@code output * cols}: the merge-path blocks, then the fixup of the columns that span blocks.
     */
    final void xtr(int output) {
        if (cols == 0) return;
        long tiles = csc.tiles();
        backend.launch(CudaKernels.SPARSE_XTR_TILES, Math.toIntExact(tiles), CudaKernels.XTR_THREADS, 0, Pointer.to(
                Pointer.to(csc.colOffsets().pointer()), Pointer.to(csc.rows().pointer()), Pointer.to(csc.values().pointer()),
                Pointer.to(rowValues.at(8L * output)), Pointer.to(new int[] {outputs}), Pointer.to(new int[] {cols}),
                Pointer.to(new long[] {nonzeros}), Pointer.to(csc.tileColumns().pointer()), Pointer.to(result.at(8L * output * cols)),
                Pointer.to(head.pointer()), Pointer.to(tail.pointer())));
        if (tiles > 1) {
            backend.launch(CudaKernels.SPARSE_XTR_FIXUP, SparseTranspose.grid(backend, 32 * tiles), CudaBackend.BLOCK, 0, Pointer.to(
                    Pointer.to(csc.colOffsets().pointer()), Pointer.to(new int[] {cols}), Pointer.to(new long[] {tiles}),
                    Pointer.to(csc.tileColumns().pointer()), Pointer.to(head.pointer()), Pointer.to(tail.pointer()),
                    Pointer.to(result.at(8L * output * cols))));
        }
    }

    /** Adds {@code partialRows} rows of {@code width} doubles of {@code from} in order into the result buffer at {@code offset} doubles. */
    final void reduceInto(DeviceBuffer from, long partialRows, int width, long offset) {
        reduceInto(from, partialRows, width, result, offset);
    }

    /** Adds {@code partialRows} rows of {@code width} doubles of {@code from} in order into {@code into} at {@code offset} doubles. */
    final void reduceInto(DeviceBuffer from, long partialRows, int width, DeviceBuffer into, long offset) {
        backend.launch(CudaKernels.REDUCE_PARTIALS, CudaKernels.reduceGrid(width), CudaKernels.REDUCE_THREADS, 0, Pointer.to(
                Pointer.to(from.pointer()), Pointer.to(new long[] {partialRows}), Pointer.to(new int[] {width}), Pointer.to(into.at(8 * offset))));
    }

    /** {@code count} doubles of the result buffer from {@code offset} (waits for the device). */
    final double[] copyBack(long offset, int count) {
        double[] s = new double[count];
        Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(s), result.at(8 * offset), 8L * count), "cuMemcpyDtoH(gradient and sums)");
        return s;
    }

    /** The partial sums' first {@code partialRows} rows of {@code width}, reduced and copied back. */
    @Override
    final double[] sums(long partialRows, int width) {
        reduceInto(partial, partialRows, width, sumsOffset());
        return copyBack(sumsOffset(), width);
    }

    /**
     * Parameters (each output's θ, then its intercept) to the device as their compact entries: output c's at
     * c (cols + 1), its intercept last.
     */
    final void uploadParams(double[] parameters) {
        int[] ids = csc.columnIds();
        double[] device = parameters;
        if (ids != null) {
            device = new double[outputs * (cols + 1)];
            for (int c = 0; c < outputs; c++) {
                int from = c * (n + 1);
                int to = c * (cols + 1);
                for (int q = 0; q < cols; q++) device[to + q] = parameters[from + ids[q]];
                device[to + cols] = parameters[from + n];
            }
        }
        Cuda.check(JCudaDriver.cuMemcpyHtoD(params.pointer(), Pointer.to(device), 8L * outputs * (cols + 1)), "cuMemcpyHtoD(parameters)");
    }

    /**
     * The compact sums {@code s} (outputs x cols from 0) and each output's intercept sum into the full-length
     * {@code out}, divided by {@code m}; zero where m is 0 (an all-zero-weight range contributes nothing).
     */
    final void scatter(double[] s, double[] intercepts, double m, double[] out) {
        Arrays.fill(out, 0.0);
        if (!(m > 0)) return;
        int[] ids = csc.columnIds();
        for (int c = 0; c < outputs; c++) {
            int base = c * (n + 1);
            for (int q = 0; q < cols; q++) out[base + (ids == null ? q : ids[q])] = s[c * cols + q] / m;
            out[base + n] = intercepts[c] / m;
        }
    }

    /** The device buffer margins go through, {@code rowsPerChunk} rows of {@link #outputs} values; made on first use. */
    final DeviceBuffer marginsBuffer() {
        if (marginsBuffer == null) {
            long bytes = 8L * outputs * Math.min(rows, MARGINS_CHUNK);
            backend.ensureFits(bytes, "margins buffer");
            marginsBuffer = own(DeviceBuffer.allocate(bytes, backend.allocations(), "margins"));
        }
        return marginsBuffer;
    }

    // ---- checks and lifecycle ----

    /** {@code a} is not null and holds outputs x (features + 1) entries. */
    final void checkLength(double[] a, String name) {
        Objects.requireNonNull(a, name);
        long want = (long) outputs * (n + 1);
        if (a.length != want) throw new IllegalArgumentException(name + " has length " + a.length + ", expected " + want);
    }
}
