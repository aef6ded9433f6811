package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.ColumnStatistics;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasOperation;

import java.util.Objects;
import java.util.Optional;

/**
 * A dataset held on the GPU: X (float32, row-major, rows in bound order), labels and weights, plus the workspaces
 * every evaluation reuses (allocated once here, at bind; the two-pass, cuBLAS and margins paths allocate theirs on
 * first use). See {@link DataTerm} for the contract; per evaluation only θ goes down and n + 3 float64 sums come back.
 *
 * <p>Determinism: the grid of each launch is a function of the device (SM count and occupancy) and the length of the
 * row range alone (the fused passes: of each reduction chunk's, {@link FusedPlan}), and every sum is formed in an order
 * fixed by that grid, so the same call gives bit-identical results, run after run, on the same device, and the same
 * as a {@link StreamedDataTerm} with the same options.
 *
 * <p>{@link #hessian} (for Newton's method and coefficient statistics) is formed on the device for up to
 * {@value #HESSIAN_MAX_FEATURES} features: a curvature pass (c_i = w_i ℓ''(z_i), as the margins) and a tiled pass over
 * 32 x 32 tiles of the upper triangle, row chunks reduced in order (hessian.cu); (n + 1)² doubles come back.
 *
 * <p>Failure: a CUDA error during an evaluation frees all of this term's device memory, closes the term and throws a
 * {@link BackendException} naming the call and its {@code CUresult}; after a sticky error the backend closes too
 * ({@link CudaBackend}). Owned by its {@link CudaBackend}; the caller
 * closes it, which frees X and the weights only where this term uploaded them (not over {@link SharedRows}). Not thread-safe: one thread at a time, any thread (each call, close included, makes the backend's context
 * current on the calling thread).
 */
public final class CudaDataTerm extends DenseTermBase {
    /** Most features for which the Hessian is formed on the device ((n + 1)² doubles, 33 MB at 2,048). */
    static final int HESSIAN_MAX_FEATURES = 2048;
    /** Rows per margins launch (the device buffer of logits holds this many doubles). */
    private static final int MARGINS_CHUNK = 1 << 20;
    /** Rows per cublasSgemv call (its dimensions are {@code int}). */
    private static final int CUBLAS_CHUNK = 1 << 28;

    /**
     * Columns of X on the device: n, or n rounded up to a multiple of 4 with zero columns where that selects a kernel
     * with 16-byte loads ({@link #deviceColumns}). The kernels see {@code cols} columns; θ is padded with zeros.
     */
    private final int cols;
    /** Whether the rows on the device are in the dataset's order (no permutation): the device statistics need it. */
    private final boolean inDataOrder;
    private final int lossId;
    private final DeviceBuffer x;
    private final DeviceBuffer y;
    private final DeviceBuffer params;
    private final FusedPlan fused;
    private final FusedPlan valueOnly;
    /** Rows of a reduction chunk of the fused passes ({@link FusedPlan}: what makes a streamed term's bits the same). */
    private final long chunkRows;
    private final int twoPassGrid;
    private final int blasGrid;
    private DeviceBuffer residuals;
    private DeviceBuffer blasZ;
    private DeviceBuffer blasR;
    private DeviceBuffer blasTheta;
    private DeviceBuffer blasGradient;
    private DeviceBuffer marginsBuffer;
    private DeviceBuffer copyScratch;
    private DeviceBuffer curvature;
    private DeviceBuffer hessianPartial;
    private DeviceBuffer hessianSums;
    /** Σ w over all rows, M of the Hessian; NaN until the first Hessian. */
    private double totalWeight = Double.NaN;

    CudaDataTerm(CudaBackend backend, Dataset data, Loss loss, BindOptions options) {
        this(backend, data, loss, options.permutationSeed().isPresent() ? RowPermutation.of(data.rows(), options.permutationSeed().getAsLong()) : null,
                null, -1);
    }

    /**
     * The term of class {@code positiveClass} against the rest over rows uploaded once ({@link CudaOneVsRestTerms}): X
     * and the weights are {@code shared}'s, read here but never freed; the 0/1 labels and the workspaces are this
     * term's own.
     */
    CudaDataTerm(CudaBackend backend, SharedRows shared, Loss loss, int positiveClass) {
        this(backend, shared.data(), loss, shared.permutation(), shared, positiveClass);
    }

    private CudaDataTerm(CudaBackend backend, Dataset data, Loss loss, int[] perm, SharedRows shared, int positiveClass) {
        super(backend, data, "the GPU data term was closed");
        this.cols = deviceColumns(n);
        this.inDataOrder = perm == null;
        this.lossId = loss.kind() == Loss.Kind.MSE ? CudaKernels.LOSS_MSE : CudaKernels.LOSS_LOG;

        this.fused = FusedPlan.gradient(backend, cols);
        this.valueOnly = FusedPlan.value(backend, cols);
        this.chunkRows = fused.chunkRows(backend.options(), cols);
        int sms = backend.multiprocessors();
        this.twoPassGrid = sms * backend.occupancy(CudaKernels.TP_RESIDUAL, CudaBackend.BLOCK, 0);
        this.blasGrid = sms * backend.occupancy(CudaKernels.BLAS_RESIDUAL, CudaBackend.BLOCK, 0);
        long width = cols + 3L;
        long partialDoubles = Math.max(Math.max(fused.maxPartialRows(rows, chunkRows) * width, (long) twoPassGrid * width),
                Math.max((long) blasGrid * 3, (long) smallGrid));
        partialDoubles = Math.max(partialDoubles, valueOnly.maxPartialRows(rows, chunkRows) * CudaKernels.VALUE_WIDTH);

        // Over shared rows, X and the weights are already on the device: only the labels and workspaces are new.
        long xBytes = shared != null ? 0 : Math.multiplyExact(Math.multiplyExact(rows, (long) cols), 4L);
        long yBytes = Math.multiplyExact(rows, 4L);
        long wBytes = weighted && shared == null ? yBytes : 0;
        long workBytes = Math.multiplyExact(partialDoubles, 8L) + 8L * (cols + 1) + 8L * width;
        long needed = xBytes + yBytes + wBytes + workBytes;
        long[] mem = backend.memoryInfo();
        if (needed > mem[0]) {
            throw new IllegalArgumentException("dataset " + rows + " x " + n + " needs " + needed + " bytes of device memory (X "
                    + xBytes + ", labels " + yBytes + ", weights " + wBytes + ", workspace " + workBytes + ") but only " + mem[0]
                    + " bytes are free (of " + mem[1] + ") on " + backend.deviceName());
        }
        try {
            if (shared == null) {
                x = own(DeviceBuffer.allocate(xBytes, backend.allocations(), "X"));
                y = own(DeviceBuffer.allocate(yBytes, backend.allocations(), "labels"));
                w = weighted ? own(DeviceBuffer.allocate(wBytes, backend.allocations(), "weights")) : null;
            } else {
                x = shared.x();
                y = own(DeviceBuffer.allocate(yBytes, backend.allocations(), "labels of class " + positiveClass));
                w = shared.w();
            }
            params = own(DeviceBuffer.allocate(8L * (cols + 1), backend.allocations(), "parameters"));
            partial = own(DeviceBuffer.allocate(8L * partialDoubles, backend.allocations(), "partial sums"));
            out = own(DeviceBuffer.allocate(8L * width, backend.allocations(), "reduced sums"));
            if (shared == null) RowUpload.upload(backend, data, perm, x, y, w, cols);
            else shared.uploadLabels(y, positiveClass);
        } catch (RuntimeException e) {
            freeAll(e);
            throw e;
        }
    }

    /**
     * Columns of X on the device for n features (package-private for tests): n rounded up to a multiple of 4 where
     * that turns a scalar-load kernel into its 16-byte-load twin, 64 < n ≤ 256 (s4, s8 → v1, v2) and 512 < n ≤ 2,048
     * (bs4, bs8 → bv1, bv2), and beyond (below); n elsewhere. At most 3 zero columns a row, under 5% more bytes. Why: on an H100 the
     * twins were faster at every pair of neighbouring widths measured, counting the padding as bytes read: 127 → 128
     * columns 0.85 → 0.93 of a read-only pass, 255 → 256 0.89 → 0.92, 1,001 → 1,000 0.73 → 0.89, 2,047 → 2,000
     * 0.60 → 0.76; not at 64 columns or fewer, where the padding would be up to 3/61 of the row and the scalar
     * layouts with few lanes a row do as well. Also 2,048 < n ≤ 16,384, where the block kernels (bv4, wv4, wv8) exist
     * only with 16-byte loads (at most 3 columns in 2,049), and 256 < n ≤ 512, for the 128-thread block kernel (hv1)
     * where {@link CudaOptions#mediumRowBlocks} asks for it (padding must not depend on options: streamed and resident
     * terms share it).
     */
    static int deviceColumns(int n) {
        boolean scalarLoads = n % 4 != 0;
        boolean twinAfterPadding = n > 64 && n <= FusedKernelTable.MAX_BLOCK_COLUMNS;
        return scalarLoads && twinAfterPadding ? (n + 3) / 4 * 4 : n;
    }


    // ---- DataTerm ----

    @Override
    public double valueAndGradient(long fromRow, long toRow, double[] parameters, double[] gradientOut) {
        return valueAndGradient(fromRow, toRow, parameters, gradientOut, backend.options().gradientPath());
    }

    /**
     * {@link #valueAndGradient(long, long, double[], double[])} by the given path (for cross-checks and benchmarks).
     *
     * @throws BackendException where {@code path} is {@link GradientPath#CUBLAS} and JCuBLAS does not load (the
     *                          message says why), or on a CUDA failure
     */
    public double valueAndGradient(long fromRow, long toRow, double[] parameters, double[] gradientOut, GradientPath path) {
        checkRange(fromRow, toRow);
        checkParams(parameters);
        checkGradient(gradientOut);
        Objects.requireNonNull(path, "path");
        if (path == GradientPath.CUBLAS && Cublas.problem().isPresent()) throw new BackendException(Cublas.problem().get());
        try {
            uploadParams(parameters);
            double[] s;
            switch (path) {
                case FUSED: s = chunkedSums(fused, fromRow, toRow, cols + 3); break;
                case TWO_PASS: s = twoPassSums(fromRow, toRow); break;
                case CUBLAS: s = cublasSums(fromRow, toRow, parameters); break;
                default: throw new IllegalArgumentException("unknown path " + path);
            }
            double m = s[CudaKernels.SLOT_WSUM];
            // A range whose weights are all zero contributes nothing (DataTerm's contract), rather than 0/0.
            for (int j = 0; j < n; j++) gradientOut[j] = m > 0 ? s[CudaKernels.SLOT_GRAD + j] / m : 0.0;
            gradientOut[n] = m > 0 ? s[CudaKernels.SLOT_RSUM] / m : 0.0;
            return m > 0 ? s[CudaKernels.SLOT_LOSS] / m : 0.0;
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
            return meanLoss(chunkedSums(valueOnly, fromRow, toRow, CudaKernels.VALUE_WIDTH));
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    @Override
    public void margins(long fromRow, long toRow, double[] parameters, double[] result) {
        checkRange(fromRow, toRow);
        checkParams(parameters);
        Objects.requireNonNull(result, "out");
        if (result.length < toRow - fromRow) {
            throw new IllegalArgumentException("out has length " + result.length + ", expected at least " + (toRow - fromRow));
        }
        try {
            uploadParams(parameters);
            if (marginsBuffer == null) {
                long cap = Math.min(rows, MARGINS_CHUNK);
                backend.ensureFits(8 * cap, "margins buffer");
                marginsBuffer = own(DeviceBuffer.allocate(8 * cap, backend.allocations(), "margins"));
            }
            double[] chunk = new double[(int) Math.min(toRow - fromRow, MARGINS_CHUNK)];
            for (long c0 = fromRow; c0 < toRow; c0 += MARGINS_CHUNK) {
                long c1 = Math.min(toRow, c0 + MARGINS_CHUNK);
                int count = (int) (c1 - c0);
                int grid = Math.max(1, Math.min(smallGrid, (count + 7) / 8));
                backend.launch(CudaKernels.MARGINS, grid, CudaBackend.BLOCK, 0, Pointer.to(
                        Pointer.to(x.pointer()), Pointer.to(new long[] {c0}), Pointer.to(new long[] {c1}), Pointer.to(new int[] {cols}),
                        Pointer.to(params.pointer()), Pointer.to(marginsBuffer.pointer())));
                Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(chunk), marginsBuffer.pointer(), 8L * count), "cuMemcpyDtoH(margins)");
                System.arraycopy(chunk, 0, result, (int) (c0 - fromRow), count);
            }
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** True up to {@value #HESSIAN_MAX_FEATURES} features. */
    @Override
    public boolean supportsHessian() {
        return n <= HESSIAN_MAX_FEATURES;
    }

    /**
     * The (n+1)×(n+1) Hessian (1/M) Σ wᵢ ℓ''(yᵢ, zᵢ) x̃ᵢ x̃ᵢᵀ over all rows, on the device (hessian.cu): each entry a
     * float64 sum of (cᵢ x̃_a) x̃_b with a ≤ b, the association of the reference backend, mirrored. All-zero where
     * every weight is 0 (as a gradient over such rows).
     *
     * @throws UnsupportedOperationException beyond {@value #HESSIAN_MAX_FEATURES} features
     */
    @Override
    public void hessian(double[] parameters, double[] result) {
        check();
        checkParams(parameters);
        int d = n + 1;
        Objects.requireNonNull(result, "out");
        if (result.length != d * d) throw new IllegalArgumentException("out has length " + result.length + ", expected " + ((long) d * d));
        if (!supportsHessian()) {
            throw new UnsupportedOperationException("the GPU backend forms the Hessian for at most " + HESSIAN_MAX_FEATURES + " features, not "
                    + n + "; use an optimizer other than Newton");
        }
        HessianLayout h = HessianLayout.of(rows, cols, backend.multiprocessors());
        long chunks = h.chunks();
        long width = h.width();
        try {
            if (curvature == null) {
                // The sizes depend on the rows, n and the device alone: the same every call.
                backend.ensureFits(8 * rows + 8 * chunks * width + 8 * width, "Hessian workspaces (curvature, partial tiles, sums)");
                curvature = own(DeviceBuffer.allocate(8 * rows, backend.allocations(), "Hessian curvature"));
                hessianPartial = own(DeviceBuffer.allocate(8 * chunks * width, backend.allocations(), "Hessian partial tiles"));
                hessianSums = own(DeviceBuffer.allocate(8 * width, backend.allocations(), "Hessian sums"));
            }
            uploadParams(parameters);
            int grid = (int) Math.max(1, Math.min(smallGrid, (rows + 7) / 8));
            backend.launch(CudaKernels.CURVATURE, grid, CudaBackend.BLOCK, 0, Pointer.to(
                    Pointer.to(x.pointer()), Pointer.to(y.pointer()), Pointer.to(weightPointer()), Pointer.to(new long[] {0}),
                    Pointer.to(new long[] {rows}), Pointer.to(new int[] {cols}), Pointer.to(params.pointer()), Pointer.to(new int[] {lossId}),
                    Pointer.to(curvature.pointer())));
            h.launchTiles(backend, x.pointer(), curvature.pointer(), rows, cols, hessianPartial.pointer());
            double[] sums = reduce(hessianPartial, chunks, Math.toIntExact(width), hessianSums);
            if (Double.isNaN(totalWeight)) totalWeight = weightSum(0, rows);  // the rows do not change: once
            h.unpack(sums, n, cols, totalWeight, result);
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /**
     * The column statistics on the device ({@link DeviceColumnStatistics}), the host's bits, where the rows are in
     * the dataset's order and n is at least {@value DeviceColumnStatistics#MIN_FEATURES}; empty otherwise (the
     * caller's host pass). A CUDA failure frees this term and throws, as an evaluation's does.
     *
     * @throws IllegalArgumentException where {@code data} is not this term's shape
     */
    @Override
    public Optional<ColumnStatistics> columnStatistics(Dataset data) {
        check();
        return DeviceColumnStatistics.applies(data, rows, n, inDataOrder) ? columnStatisticsOnDevice(data) : Optional.empty();
    }

    /** {@link #columnStatistics} on the device at any n (package-private for tests); the rows must be in data order. */
    Optional<ColumnStatistics> columnStatisticsOnDevice(Dataset data) {
        check();
        if (!inDataOrder) throw new IllegalStateException("the rows on the device are permuted: their statistics are the host's");
        try {
            return DeviceColumnStatistics.compute(backend, data, x.pointer(), weighted ? w.pointer() : null, cols);
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    // ---- diagnostics for benchmarks ----

    /** The entry points of the fused value + gradient and value-only passes, "gradient / value" (for benchmarks). */
    public String fusedKernels() {
        return fused.kernel() + " / " + valueOnly.kernel();
    }

    /** Bytes of X on the device (rows × columns on the device × 4: with the padding, what a pass reads). */
    public long featureBytes() {
        return rows * cols * 4L;
    }

    /**
     * A read-only pass over X (its first multiple of 4 floats) with 16-byte loads, summing into float64: the
     * bandwidth ceiling a fused pass is compared with. Returns the sum (waits for the device).
     */
    public double readPass() {
        return readPass(x, rows * cols);
    }

    /**
     * Copies the first {@code min(bytes, featureBytes())} bytes of X to a scratch buffer on the device
     * ({@code cuMemcpyDtoDAsync} on the backend's stream, allocated on first use and kept) and waits: the copy bandwidth ceiling. Returns the bytes
     * copied (count read plus written twice for bandwidth).
     */
    public long copyPass(long bytes) {
        check();
        if (bytes <= 0) throw new IllegalArgumentException("bytes is " + bytes + ", expected > 0");
        try {
            long b = Math.min(bytes, featureBytes());
            if (copyScratch == null || copyScratch.bytes() < b) {
                if (copyScratch != null) {
                    owned.release(copyScratch);
                    copyScratch.close();
                }
                backend.ensureFits(b, "copy scratch");
                copyScratch = own(DeviceBuffer.allocate(b, backend.allocations(), "copy scratch"));
            }
            // On the backend's stream, so that the synchronize below waits for it: a device-to-device cuMemcpyDtoD
            // returns before the copy ends and runs on the legacy stream, which synchronizing ours does not wait for.
            Cuda.check(JCudaDriver.cuMemcpyDtoDAsync(copyScratch.pointer(), x.pointer(), b, backend.stream()), "cuMemcpyDtoDAsync");
            backend.synchronize("cuMemcpyDtoDAsync");
            return b;
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    // ---- paths ----

    /** The fused pass of {@code p} over [fromRow, toRow) a reduction chunk at a time, one partial slice each; reduced. */
    private double[] chunkedSums(FusedPlan p, long fromRow, long toRow, int width) {
        long at = 0;
        for (long c0 = fromRow, c1; c0 < toRow; c0 = c1) {
            c1 = toRow - c0 <= chunkRows ? toRow : c0 + chunkRows;  // no overflow where chunkRows is Long.MAX_VALUE
            at += p.launch(backend, x.pointer(), y.pointer(), weightPointer(), c0, c1, cols, params.pointer(), lossId, partial.at(8 * at * width));
        }
        return reduce(at, width);
    }

    private double[] twoPassSums(long fromRow, long toRow) {
        if (residuals == null) {
            backend.ensureFits(8 * rows, "two-pass residuals");
            residuals = own(DeviceBuffer.allocate(8 * rows, backend.allocations(), "two-pass residuals"));
        }
        long range = toRow - fromRow;
        int grid = (int) Math.max(1, Math.min(twoPassGrid, (range + 7) / 8));
        backend.launch(CudaKernels.TP_RESIDUAL, grid, CudaBackend.BLOCK, 0, Pointer.to(
                Pointer.to(x.pointer()), Pointer.to(y.pointer()), Pointer.to(weightPointer()),
                Pointer.to(new long[] {fromRow}), Pointer.to(new long[] {toRow}), Pointer.to(new int[] {cols}),
                Pointer.to(params.pointer()), Pointer.to(new int[] {lossId}), Pointer.to(residuals.pointer()), Pointer.to(partial.pointer())));
        int block = Math.min(CudaBackend.BLOCK, (cols + 31) / 32 * 32);
        backend.launch(CudaKernels.TP_XTR, grid, block, 0, Pointer.to(
                Pointer.to(x.pointer()), Pointer.to(new long[] {fromRow}), Pointer.to(new long[] {toRow}), Pointer.to(new int[] {cols}),
                Pointer.to(residuals.pointer()), Pointer.to(partial.pointer())));
        return reduce(grid, cols + 3);
    }

    private double[] cublasSums(long fromRow, long toRow, double[] parameters) {
        jcuda.jcublas.cublasHandle h = backend.cublas();
        if (blasZ == null) {
            long cap = Math.min(rows, CUBLAS_CHUNK);
            backend.ensureFits(8 * cap + 8L * cols, "cuBLAS workspaces");
            blasZ = own(DeviceBuffer.allocate(4 * cap, backend.allocations(), "cuBLAS z"));
            blasR = own(DeviceBuffer.allocate(4 * cap, backend.allocations(), "cuBLAS r"));
            blasTheta = own(DeviceBuffer.allocate(4L * cols, backend.allocations(), "cuBLAS theta"));
            blasGradient = own(DeviceBuffer.allocate(4L * cols, backend.allocations(), "cuBLAS gradient"));
        }
        float[] thetaF = new float[cols];  // zeros on the padding columns
        for (int j = 0; j < n; j++) thetaF[j] = (float) parameters[j];
        Cuda.check(JCudaDriver.cuMemcpyHtoD(blasTheta.pointer(), Pointer.to(thetaF), 4L * cols), "cuMemcpyHtoD(theta float32)");
        Pointer one = Pointer.to(new float[] {1f});
        Pointer zero = Pointer.to(new float[] {0f});
        double lossSum = 0;
        double wSum = 0;
        double rSum = 0;
        boolean first = true;
        for (long c0 = fromRow; c0 < toRow; c0 += CUBLAS_CHUNK) {
            int count = (int) Math.min(CUBLAS_CHUNK, toRow - c0);
            CUdeviceptr xc = x.at(c0 * cols * 4L);
            // Row-major X (count x cols) is the column-major cols x count matrix A, lda = cols: z = Aᵀθ, g += A r.
            int st = JCublas2.cublasSgemv(h, cublasOperation.CUBLAS_OP_T, cols, count, one, xc, cols, blasTheta.pointer(), 1, zero, blasZ.pointer(), 1);
            if (st != 0) throw new BackendException("cublasSgemv(X theta) failed: status " + st);
            int grid = (int) Math.max(1, Math.min(blasGrid, ((long) count + CudaBackend.BLOCK - 1) / CudaBackend.BLOCK));
            backend.launch(CudaKernels.BLAS_RESIDUAL, grid, CudaBackend.BLOCK, 0, Pointer.to(
                    Pointer.to(blasZ.pointer()), Pointer.to(y.pointer()), Pointer.to(weightPointer()), Pointer.to(new long[] {c0}),
                    Pointer.to(new long[] {count}), Pointer.to(params.pointer()), Pointer.to(new int[] {cols}), Pointer.to(new int[] {lossId}),
                    Pointer.to(blasR.pointer()), Pointer.to(partial.pointer())));
            double[] s = reduce(grid, 3);
            lossSum += s[CudaKernels.SLOT_LOSS];
            wSum += s[CudaKernels.SLOT_WSUM];
            rSum += s[CudaKernels.SLOT_RSUM];
            st = JCublas2.cublasSgemv(h, cublasOperation.CUBLAS_OP_N, cols, count, one, xc, cols, blasR.pointer(), 1, first ? zero : one, blasGradient.pointer(), 1);
            if (st != 0) throw new BackendException("cublasSgemv(X^T r) failed: status " + st);
            first = false;
        }
        float[] g = new float[cols];
        Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(g), blasGradient.pointer(), 4L * cols), "cuMemcpyDtoH(cuBLAS gradient)");
        double[] s = new double[cols + 3];
        s[CudaKernels.SLOT_LOSS] = lossSum;
        s[CudaKernels.SLOT_WSUM] = wSum;
        s[CudaKernels.SLOT_RSUM] = rSum;
        for (int j = 0; j < n; j++) s[CudaKernels.SLOT_GRAD + j] = g[j];
        return s;
    }

    /** θ and b to the device, θ padded with zeros to the device's columns (b at index cols, where the kernels read it). */
    private void uploadParams(double[] parameters) {
        double[] device = parameters;
        if (cols != n) {
            device = new double[cols + 1];
            System.arraycopy(parameters, 0, device, 0, n);
            device[cols] = parameters[n];
        }
        Cuda.check(JCudaDriver.cuMemcpyHtoD(params.pointer(), Pointer.to(device), 8L * (cols + 1)), "cuMemcpyHtoD(parameters)");
    }
}
