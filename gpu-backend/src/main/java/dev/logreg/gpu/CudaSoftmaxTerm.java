package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.objective.ColumnStatistics;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

import java.util.Objects;
import java.util.Optional;

/**
 * The multinomial (softmax) data term over K classes on the GPU (softmax.cu): X (float32, row-major, rows in bound
 * order), class indices and weights on the device; per evaluation the K·(n+1) parameters go down (class-major,
 * {@code [θ₁ b₁ | … | θ_K b_K]}, {@link ParamShape}) and 2 + K·(n+1) float64 sums come back. See {@link DataTerm}
 * for the contract.
 *
 * <p>Layout: for K ≤ {@value CudaKernels#SOFTMAX_SMALL_K} and n ≤ {@value CudaKernels#SOFTMAX_SMALL_COLS}, a warp a
 * row with W and the per-warp gradient accumulators in shared memory (each element of X read from device memory once
 * per evaluation); otherwise tiles of {@value CudaKernels#SOFTMAX_TILE_ROWS} rows of X in shared memory, one
 * (row, class) logit a thread. Each block writes one partial row, summed in block order by the reduction kernel.
 *
 * <p>Determinism: each grid depends on the device (SM count, occupancy) and the length of the row range alone, and
 * every sum is formed in an order fixed by it: the same call gives the same bits, run after run, on one device.
 *
 * <p>The Hessian (Newton, up to {@link ParamShape#MAX_HESSIAN_LENGTH} parameters): for each class pair c ≤ e, the
 * per-row coefficient wᵢ(p_ic [c = e] − p_ic p_ie) from the device's logits, then hessian.cu's tile pass over X on the
 * device, as {@link CudaDataTerm}'s binary Hessian with its curvature; see {@link #hessian}.
 *
 * <p>Failure: as {@link CudaDataTerm}: a CUDA error during an evaluation frees this term's device memory, closes it
 * and throws a {@link BackendException}. Owned by its {@link CudaBackend}; the caller closes it. Not thread-safe.
 */
public final class CudaSoftmaxTerm extends DenseTermBase {
    /** Most bytes the tiled layout's per-block partial rows may take (they are K·(n+1) doubles each). */
    private static final long PARTIAL_LIMIT = 512L << 20;
    /** Most logits a margins launch writes (the device buffer holds this many doubles). */
    private static final int MARGINS_CHUNK = 1 << 20;
    /** Shared memory a block gets without opting in. */
    private static final int DEFAULT_SMEM = 48 * 1024;
    /** Tile side of hessian.cu (LR_HESSIAN_TILE). */
    private static final int HESSIAN_TILE = 32;
    /** Bound on the Hessian's partial tiles (row chunks x tile pairs x 32 x 32 doubles), as {@link CudaDataTerm}'s. */
    private static final long HESSIAN_PARTIAL_LIMIT = 256L << 20;
    /** Rows whose logits and pair coefficients the Hessian holds on the host at a time (a multiple of 32). */
    static final int HESSIAN_CHUNK_ROWS = 1 << 16;

    private final int k;
    private final ParamShape shape;
    /** Whether the rows on the device are in the dataset's order (not permuted): the device statistics need it. */
    private final boolean inDataOrder;
    private final DeviceBuffer x;
    private final DeviceBuffer y;
    private final DeviceBuffer params;
    private final DeviceBuffer zbuf;
    private final Plan fused;
    private final Plan valueOnly;
    private DeviceBuffer marginsBuffer;
    private DeviceBuffer curvature;
    private DeviceBuffer hessianPartial;
    private DeviceBuffer hessianSums;

    /**
     * One kernel's launch shape; {@code grid(range)} depends on the range length and the device alone.
     *
     * @param rowsPerBlock rows a block covers in one step (sizes the grid for short ranges)
     * @param tiled        the tiled kernel (it takes the logit buffer)
     */
    private record Plan(String kernel, int block, int smem, int maxGrid, int rowsPerBlock, boolean tiled) {
        int grid(long range) {
            return (int) Math.max(1, Math.min(maxGrid, (range + rowsPerBlock - 1) / rowsPerBlock));
        }
    }

    CudaSoftmaxTerm(CudaBackend backend, Dataset data, BindOptions options) {
        super(backend, data, "the GPU data term was closed");
        this.k = data.classes();
        this.shape = new ParamShape(k, n);
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(rows, options.permutationSeed().getAsLong()) : null;
        this.inDataOrder = perm == null;
        long slots = shape.length();
        long width = CudaKernels.SOFTMAX_SLOT_GRAD + slots;
        Plan[] plans = plans(slots, width);
        this.fused = plans[0];
        this.valueOnly = plans[1];
        long partialDoubles = Math.max(Math.max((long) fused.maxGrid * width, (long) valueOnly.maxGrid * CudaKernels.VALUE_WIDTH), smallGrid);
        long zDoubles = fused.tiled ? (long) Math.max(fused.maxGrid, valueOnly.maxGrid) * CudaKernels.SOFTMAX_TILE_ROWS * k : 0;

        long xBytes = Math.multiplyExact(Math.multiplyExact(rows, (long) n), 4L);
        long yBytes = Math.multiplyExact(rows, 4L);
        long wBytes = weighted ? yBytes : 0;
        long workBytes = 8L * (partialDoubles + slots + width + zDoubles);
        long needed = xBytes + yBytes + wBytes + workBytes;
        long[] mem = backend.memoryInfo();
        if (needed > mem[0]) {
            throw new IllegalArgumentException("dataset " + rows + " x " + n + " with " + k + " classes needs " + needed + " bytes of device memory (X "
                    + xBytes + ", labels " + yBytes + ", weights " + wBytes + ", workspace " + workBytes + ") but only " + mem[0]
                    + " bytes are free (of " + mem[1] + ") on " + backend.deviceName());
        }
        try {
            x = own(DeviceBuffer.allocate(xBytes, backend.allocations(), "X"));
            y = own(DeviceBuffer.allocate(yBytes, backend.allocations(), "labels"));
            w = weighted ? own(DeviceBuffer.allocate(wBytes, backend.allocations(), "weights")) : null;
            params = own(DeviceBuffer.allocate(8L * slots, backend.allocations(), "parameters"));
            partial = own(DeviceBuffer.allocate(8L * partialDoubles, backend.allocations(), "partial sums"));
            out = own(DeviceBuffer.allocate(8L * width, backend.allocations(), "reduced sums"));
            zbuf = zDoubles > 0 ? own(DeviceBuffer.allocate(8L * zDoubles, backend.allocations(), "tile logits")) : null;
            RowUpload.upload(backend, data, perm, x, y, w, n);
        } catch (RuntimeException e) {
            freeAll(e);
            throw e;
        }
    }

    /**
     * The fused and value-only plans: the small-K layout with as many warps a block (up to 8) as W and their
     * accumulators leave shared memory for, else the tiled one.
     *
     * @throws IllegalArgumentException where even the tiled layout's 8 rows of X do not fit in shared memory
     */
    private Plan[] plans(long slots, long width) {
        int sms = backend.multiprocessors();
        int optIn = backend.sharedMemoryOptIn();
        if (k <= CudaKernels.SOFTMAX_SMALL_K && n <= CudaKernels.SOFTMAX_SMALL_COLS) {
            // Shared memory: W, then a K(n+1) accumulator region and 2 sums a warp.
            long warps = Math.min(8, (optIn / 8 - slots) / (slots + 2));
            if (warps >= 1) {
                int block = (int) (32 * warps);
                int smem = (int) (8 * (slots * (1 + warps) + 2 * warps));
                if (smem > DEFAULT_SMEM) backend.allowSharedMemory(CudaKernels.SOFTMAX_FUSED, smem);
                Plan f = new Plan(CudaKernels.SOFTMAX_FUSED, block, smem, sms * backend.occupancy(CudaKernels.SOFTMAX_FUSED, block, smem),
                        (int) warps, false);
                int vsmem = (int) (8 * (slots + 2 * 8));
                if (vsmem > DEFAULT_SMEM) backend.allowSharedMemory(CudaKernels.SOFTMAX_VALUE, vsmem);
                Plan v = new Plan(CudaKernels.SOFTMAX_VALUE, CudaBackend.BLOCK, vsmem,
                        sms * backend.occupancy(CudaKernels.SOFTMAX_VALUE, CudaBackend.BLOCK, vsmem), 8, false);
                return new Plan[] {f, v};
            }
        }
        long tileBytes = 4L * CudaKernels.SOFTMAX_TILE_ROWS * n;
        if (tileBytes > optIn) {
            throw new IllegalArgumentException("the GPU's multinomial pass holds " + CudaKernels.SOFTMAX_TILE_ROWS + " rows of X in shared memory: "
                    + n + " features need " + tileBytes + " bytes, but " + backend.deviceName() + " allows " + optIn
                    + " a block; use the cpu or reference backend for this width");
        }
        int smem = (int) tileBytes;
        if (smem > DEFAULT_SMEM) {
            backend.allowSharedMemory(CudaKernels.SOFTMAX_TILED_FUSED, smem);
            backend.allowSharedMemory(CudaKernels.SOFTMAX_TILED_VALUE, smem);
        }
        int byMemory = (int) Math.max(1, Math.min(Integer.MAX_VALUE, PARTIAL_LIMIT / (8L * width)));
        int tile = CudaKernels.SOFTMAX_TILE_ROWS;
        int fg = Math.min(byMemory, sms * backend.occupancy(CudaKernels.SOFTMAX_TILED_FUSED, CudaBackend.BLOCK, smem));
        int vg = sms * backend.occupancy(CudaKernels.SOFTMAX_TILED_VALUE, CudaBackend.BLOCK, smem);
        return new Plan[] {new Plan(CudaKernels.SOFTMAX_TILED_FUSED, CudaBackend.BLOCK, smem, fg, tile, true),
            new Plan(CudaKernels.SOFTMAX_TILED_VALUE, CudaBackend.BLOCK, smem, vg, tile, true)};
    }

    /** The fused value+gradient entry point this term launches (for tests and benchmarks). */
    public String fusedKernel() {
        return fused.kernel;
    }

    /** Bytes of X on the device (rows × n × 4: what one pass reads). */
    public long featureBytes() {
        return rows * n * 4L;
    }

    /**
     * A read-only pass over X (its first multiple of 4 floats) with 16-byte loads, summing into float64: the
     * bandwidth ceiling the fused pass is compared with (as {@link CudaDataTerm#readPass()}). Waits for the device.
     */
    public double readPass() {
        return readPass(x, rows * n);
    }

    // ---- DataTerm ----

    @Override public long rows() { return rows; }

    @Override public int features() { return n; }

    @Override public ParamShape shape() { return shape; }

    @Override
    public double valueAndGradient(long fromRow, long toRow, double[] parameters, double[] gradientOut) {
        checkRange(fromRow, toRow);
        shape.check(parameters, "params");
        shape.check(gradientOut, "gradientOut");
        try {
            uploadParams(parameters);
            int grid = launch(fused, fromRow, toRow);
            double[] s = reduce(grid, CudaKernels.SOFTMAX_SLOT_GRAD + shape.length());
            double m = s[CudaKernels.SLOT_WSUM];
            // A range whose weights are all zero contributes nothing (DataTerm's contract), rather than 0/0.
            for (int i = 0; i < gradientOut.length; i++) gradientOut[i] = m > 0 ? s[CudaKernels.SOFTMAX_SLOT_GRAD + i] / m : 0.0;
            return m > 0 ? s[CudaKernels.SLOT_LOSS] / m : 0.0;
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    @Override
    public double value(long fromRow, long toRow, double[] parameters) {
        checkRange(fromRow, toRow);
        shape.check(parameters, "params");
        try {
            uploadParams(parameters);
            int grid = launch(valueOnly, fromRow, toRow);
            return meanLoss(reduce(grid, CudaKernels.VALUE_WIDTH));
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** Launches {@code p} over [from, to) into the partial rows; returns its grid (the partial rows written). */
    private int launch(Plan p, long fromRow, long toRow) {
        int grid = p.grid(toRow - fromRow);
        Pointer args = p.tiled
                ? Pointer.to(Pointer.to(x.pointer()), Pointer.to(y.pointer()), Pointer.to(weightPointer()), Pointer.to(new long[] {fromRow}),
                        Pointer.to(new long[] {toRow}), Pointer.to(new int[] {n}), Pointer.to(new int[] {k}), Pointer.to(params.pointer()),
                        Pointer.to(zbuf.pointer()), Pointer.to(partial.pointer()))
                : Pointer.to(Pointer.to(x.pointer()), Pointer.to(y.pointer()), Pointer.to(weightPointer()), Pointer.to(new long[] {fromRow}),
                        Pointer.to(new long[] {toRow}), Pointer.to(new int[] {n}), Pointer.to(new int[] {k}), Pointer.to(params.pointer()),
                        Pointer.to(partial.pointer()));
        backend.launch(p.kernel, grid, p.block, p.smem, args);
        return grid;
    }

    /** The K logits of each row of [from, to), row-major: z_{ic} at {@code out[(i - from)·K + c]}. */
    @Override
    public void margins(long fromRow, long toRow, double[] parameters, double[] result) {
        checkRange(fromRow, toRow);
        shape.check(parameters, "params");
        Objects.requireNonNull(result, "out");
        long need = (toRow - fromRow) * k;
        if (result.length < need) throw new IllegalArgumentException("out has length " + result.length + ", expected at least " + need);
        try {
            uploadParams(parameters);
            int chunkRows = Math.max(1, MARGINS_CHUNK / k);
            if (marginsBuffer == null) {
                long cap = 8L * Math.min(rows, chunkRows) * k;
                backend.ensureFits(cap, "margins buffer");
                marginsBuffer = own(DeviceBuffer.allocate(cap, backend.allocations(), "margins"));
            }
            double[] chunk = new double[(int) Math.min(toRow - fromRow, chunkRows) * k];
            for (long c0 = fromRow; c0 < toRow; c0 += chunkRows) {
                long c1 = Math.min(toRow, c0 + chunkRows);
                int count = (int) (c1 - c0);
                int grid = Math.max(1, Math.min(smallGrid, (count + 7) / 8));
                backend.launch(CudaKernels.SOFTMAX_MARGINS, grid, CudaBackend.BLOCK, 0, Pointer.to(
                        Pointer.to(x.pointer()), Pointer.to(new long[] {c0}), Pointer.to(new long[] {c1}), Pointer.to(new int[] {n}),
                        Pointer.to(new int[] {k}), Pointer.to(params.pointer()), Pointer.to(marginsBuffer.pointer())));
                Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(chunk), marginsBuffer.pointer(), 8L * count * k), "cuMemcpyDtoH(margins)");
                System.arraycopy(chunk, 0, result, (int) ((c0 - fromRow) * k), count * k);
            }
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** True up to {@link ParamShape#MAX_HESSIAN_LENGTH} parameters K·(n+1), as the reference backend's softmax term. */
    @Override
    public boolean supportsHessian() {
        return shape.hessianFits();
    }

    /**
     * The K·(n+1) square Hessian (1/M) Σᵢ wᵢ (p_ic [c = e] − p_ic p_ie) x̃ᵢ x̃ᵢᵀ, block (c, e) at rows c·(n+1).., columns
     * e·(n+1)..: for each class pair c ≤ e, the per-row coefficient is formed on the host from the device's logits
     * (softmax as the reference's {@code MultinomialLoss}) and the weights, and hessian.cu's tile pass sums
     * Σᵢ aᵢ x̃ᵢ x̃ᵢᵀ over the device's X: K(K+1)/2 passes a chunk of {@value #HESSIAN_CHUNK_ROWS} rows, chunks added in
     * order. Deterministic: every sum in an order fixed by the rows and the device.
     *
     * @throws UnsupportedOperationException beyond {@link ParamShape#MAX_HESSIAN_LENGTH} parameters
     */
    @Override
    public void hessian(double[] parameters, double[] result) {
        check();
        shape.check(parameters, "params");
        Objects.requireNonNull(result, "out");
        int dim = shape.length();
        shape.requireHessianFits();
        if (result.length != dim * dim) throw new IllegalArgumentException("out has length " + result.length + ", expected " + dim + " x " + dim);
        int stride = n + 1;
        int tiles = (stride + HESSIAN_TILE - 1) / HESSIAN_TILE;
        int pairs = tiles * (tiles + 1) / 2;
        int tileDoubles = HESSIAN_TILE * HESSIAN_TILE;
        long width = (long) pairs * tileDoubles;
        long chunkCap = Math.min(rows, HESSIAN_CHUNK_ROWS);
        try {
            double m = weightSum(0, rows);
            // The sums of block (c, e), c ≤ e, entry (j, l), j ≤ l, accumulate at result[(c·s + j)·dim + e·s + l] over row
            // chunks in order; the rest of the matrix is written from them at the end.
            java.util.Arrays.fill(result, 0.0);
            double[] z = new double[(int) chunkCap * k];
            double[] prob = new double[(int) chunkCap * k];
            float[] wr = new float[(int) chunkCap];
            double[] coef = new double[(int) chunkCap];
            for (long r0 = 0; r0 < rows; r0 += chunkCap) {
                long r1 = Math.min(rows, r0 + chunkCap);
                int count = (int) (r1 - r0);
                margins(r0, r1, parameters, z);
                if (weighted) Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(wr), w.at(4 * r0), 4L * count), "cuMemcpyDtoH(weights)");
                for (int i = 0; i < count; i++) {
                    dev.logreg.loss.MultinomialLoss.valueAndDerivative(0, z, i * k, k, null, 0, prob, i * k);
                }
                // Row chunks of the tile pass: enough blocks to fill the device, whole multiples of 32 rows.
                long maxChunks = Math.max(1, Math.min((count + HESSIAN_TILE - 1) / HESSIAN_TILE, HESSIAN_PARTIAL_LIMIT / (8 * width)));
                long chunks = Math.min(maxChunks, Math.max(1, (8L * backend.multiprocessors() + pairs - 1) / pairs));
                long tileRows = ((count + chunks - 1) / chunks + HESSIAN_TILE - 1) / HESSIAN_TILE * HESSIAN_TILE;
                chunks = (count + tileRows - 1) / tileRows;
                if (curvature == null) {
                    long partialCap = Math.max(1, Math.min((chunkCap + HESSIAN_TILE - 1) / HESSIAN_TILE, HESSIAN_PARTIAL_LIMIT / (8 * width)));
                    backend.ensureFits(8 * chunkCap + 8 * partialCap * width + 8 * width, "Hessian workspaces (coefficients, partial tiles, sums)");
                    curvature = own(DeviceBuffer.allocate(8 * chunkCap, backend.allocations(), "Hessian coefficients"));
                    hessianPartial = own(DeviceBuffer.allocate(8 * partialCap * width, backend.allocations(), "Hessian partial tiles"));
                    hessianSums = own(DeviceBuffer.allocate(8 * width, backend.allocations(), "Hessian sums"));
                }
                for (int c = 0; c < k; c++) {
                    for (int e = c; e < k; e++) {
                        int cc = c;
                        int ee = e;
                        for (int i = 0; i < count; i++) {
                            double pc = prob[i * k + cc];
                            coef[i] = (weighted ? wr[i] : 1.0) * ((cc == ee ? pc : 0.0) - pc * prob[i * k + ee]);
                        }
                        Cuda.check(JCudaDriver.cuMemcpyHtoD(curvature.pointer(), Pointer.to(coef), 8L * count), "cuMemcpyHtoD(Hessian coefficients)");
                        backend.launch(CudaKernels.HESSIAN_TILES, Math.toIntExact(pairs * chunks), CudaBackend.BLOCK, 0, Pointer.to(
                                Pointer.to(x.at(4L * n * r0)), Pointer.to(curvature.pointer()), Pointer.to(new long[] {count}), Pointer.to(new int[] {n}),
                                Pointer.to(new int[] {tiles}), Pointer.to(new long[] {tileRows}), Pointer.to(hessianPartial.pointer())));
                        double[] s = reduce(hessianPartial, chunks, Math.toIntExact(width), hessianSums);
                        forEachEntry(tiles, stride, (j, l, t) -> result[(cc * stride + j) * dim + ee * stride + l] += s[t]);
                    }
                }
            }
            for (int c = 0; c < k; c++) {
                for (int e = c; e < k; e++) {
                    int cc = c;
                    int ee = e;
                    forEachEntry(tiles, stride, (j, l, t) -> {
                        double v = m > 0 ? result[(cc * stride + j) * dim + ee * stride + l] / m : 0.0;
                        // Block (c, e) is symmetric in (j, l) and the tiles hold j ≤ l: the other three places mirror it.
                        result[(cc * stride + j) * dim + ee * stride + l] = v;
                        result[(cc * stride + l) * dim + ee * stride + j] = v;
                        result[(ee * stride + l) * dim + cc * stride + j] = v;
                        result[(ee * stride + j) * dim + cc * stride + l] = v;
                    });
                }
            }
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** An entry (j, l), j ≤ l, of the (n+1)-square tile sums, at index t of the reduced tiles. */
    private interface TileEntry {
        void accept(int j, int l, int t);
    }

    /** Visits the entries j ≤ l < stride of hessian.cu's reduced upper-triangle tiles, in tile order. */
    private static void forEachEntry(int tiles, int stride, TileEntry visit) {
        int tileDoubles = HESSIAN_TILE * HESSIAN_TILE;
        for (int pair = 0, ti = 0; ti < tiles; ti++) {
            for (int tj = ti; tj < tiles; tj++, pair++) {
                for (int a = 0; a < HESSIAN_TILE; a++) {
                    int j = ti * HESSIAN_TILE + a;
                    if (j >= stride) break;
                    for (int b = ti == tj ? a : 0; b < HESSIAN_TILE; b++) {
                        int l = tj * HESSIAN_TILE + b;
                        if (l >= stride) break;
                        visit.accept(j, l, pair * tileDoubles + HESSIAN_TILE * a + b);
                    }
                }
            }
        }
    }

    /** The column statistics on the device, as {@link CudaDataTerm#columnStatistics} (rows unpadded here). */
    @Override
    public Optional<ColumnStatistics> columnStatistics(Dataset data) {
        check();
        if (!DeviceColumnStatistics.applies(data, rows, n, inDataOrder)) return Optional.empty();
        try {
            return DeviceColumnStatistics.compute(backend, data, x.pointer(), weighted ? w.pointer() : null, n);
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    // ---- helpers ----

    private void uploadParams(double[] parameters) {
        Cuda.check(JCudaDriver.cuMemcpyHtoD(params.pointer(), Pointer.to(parameters), 8L * parameters.length), "cuMemcpyHtoD(parameters)");
    }
}
