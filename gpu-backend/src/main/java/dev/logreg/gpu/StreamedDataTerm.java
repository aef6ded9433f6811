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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * A dense binary-loss term whose X is larger than free device memory: X stays in host memory and streams through the
 * device in chunks on every pass ({@link ChunkPipeline}), the fused kernel on chunk k overlapping the copy of chunk
 * k + 1; the labels and weights (8 bytes a row) stay on the device. {@link CudaBackend#bind} chooses it where the
 * in-memory {@link CudaDataTerm} does not fit.
 *
 * <p>Exact and bit-identical to the in-memory term on the same device with the same options: both cut a pass into
 * the same reduction chunks ({@link FusedPlan}), launch the same kernel with the same grid on each chunk's rows, write
 * each chunk's partials into the same slice and add them by the same final reduction; the weight sum reads the
 * resident weights with the same kernel; margins are per row. Every pass is the fused path ({@link GradientPath#FUSED}
 * whatever the options say). The Hessian streams too ({@link #hessian}), where a chunk of the stream holds whole row
 * chunks of it. Not here: Hessian-vector products (as in memory: tron refuses), the wide global-accumulator kernel (n
 * beyond what shared memory holds).
 *
 * <p>Failure: a CUDA error frees all of this term's device and pinned memory, closes the term and throws, as
 * {@link CudaDataTerm} does. Owned by its {@link CudaBackend}; the caller closes it. Not thread-safe.
 */
public final class StreamedDataTerm extends DenseTermBase {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedDataTerm.class);
    private final int cols;
    private final int lossId;
    private final FusedPlan fused;
    private final FusedPlan valueOnly;
    private final long chunkRows;
    private final DeviceBuffer y;
    private final DeviceBuffer params;
    private final ChunkPipeline pipeline;
    private DeviceBuffer marginsBuffer;
    private DeviceBuffer curvature;
    private DeviceBuffer hessianPartial;
    private DeviceBuffer hessianSums;
    /** Σ w over all rows, M of the Hessian; NaN until the first Hessian. */
    private double totalWeight = Double.NaN;

    /** The term with X held in page-locked host memory where it takes at most a quarter of the host's memory. */
    StreamedDataTerm(CudaBackend backend, Dataset data, Loss loss, BindOptions options) {
        this(backend, data, loss, options, 4L * data.rows() * CudaDataTerm.deviceColumns(data.cols()) <= hostMemoryBytes() / 4);
    }

    /**
     * @param residentHost X gathered once into page-locked host memory and copied from there every pass; else gathered
     *                     from the dataset's blocks every pass, through two pinned staging buffers ({@link ChunkPipeline})
     */
    StreamedDataTerm(CudaBackend backend, Dataset data, Loss loss, BindOptions options, boolean residentHost) {
        super(backend, data, "the streamed GPU data term was closed");
        this.cols = CudaDataTerm.deviceColumns(n);
        this.lossId = loss.kind() == Loss.Kind.MSE ? CudaKernels.LOSS_MSE : CudaKernels.LOSS_LOG;
        this.fused = FusedPlan.gradient(backend, cols);
        this.valueOnly = FusedPlan.value(backend, cols);
        if (fused.perWarp()) {
            throw new IllegalArgumentException("rows of " + n + " features are too wide to stream through the device (the per-warp"
                    + " accumulators of the wide global path); the dataset needs " + 4L * rows * cols + " bytes of device memory");
        }
        this.chunkRows = Math.min(rows, fused.chunkRows(backend.options(), cols));
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(rows, options.permutationSeed().getAsLong()) : null;
        long needed = deviceBytes(backend, rows, n, weighted, chunkRows);
        long[] mem = backend.memoryInfo();
        if (needed > mem[0]) {
            throw new IllegalArgumentException("dataset " + rows + " x " + n + " needs " + 4L * rows * cols + " bytes of device memory for X in"
                    + " memory and, streamed in chunks of " + chunkRows + " rows, " + needed
                    + " bytes of device memory (labels, weights, two chunks of X, workspace) but only " + mem[0] + " bytes are free (of "
                    + mem[1] + ") on " + backend.deviceName() + "; CudaOptions.chunkRows sets smaller chunks (the same in memory, for the same bits)");
        }
        long partialDoubles = partialDoubles(backend, rows, cols, chunkRows);
        try {
            y = own(DeviceBuffer.allocate(4 * rows, backend.allocations(), "labels"));
            w = weighted ? own(DeviceBuffer.allocate(4 * rows, backend.allocations(), "weights")) : null;
            params = own(DeviceBuffer.allocate(8L * (cols + 1), backend.allocations(), "parameters"));
            partial = own(DeviceBuffer.allocate(8 * partialDoubles, backend.allocations(), "partial sums"));
            out = own(DeviceBuffer.allocate(8L * (cols + 3), backend.allocations(), "reduced sums"));
            RowUpload.uploadLabels(backend, data, perm, y, w);
            pipeline = own(ChunkPipeline.open(backend, data, perm, cols, chunkRows, residentHost));
        } catch (RuntimeException e) {
            freeAll(e);
            throw e;
        }
    }

    /**
     * Device bytes a streamed term of {@code rows} x {@code n} needs with chunks of {@code chunkRows} rows: labels,
     * weights, two chunks of X, parameters and the partial slices of the widest pass.
     */
    static long deviceBytes(CudaBackend backend, long rows, int n, boolean weighted, long chunkRows) {
        int cols = CudaDataTerm.deviceColumns(n);
        long labels = 4 * rows * (weighted ? 2 : 1);
        return labels + ChunkPipeline.deviceBytes(chunkRows, cols) + 8 * partialDoubles(backend, rows, cols, chunkRows) + 16L * (cols + 3);
    }

    /** Doubles of the partial buffer: the widest of the passes' partial slices over all rows, and the weight sum's. */
    private static long partialDoubles(CudaBackend backend, long rows, int cols, long chunkRows) {
        FusedPlan f = FusedPlan.gradient(backend, cols);
        FusedPlan v = FusedPlan.value(backend, cols);
        long smallGrid = (long) backend.multiprocessors() * backend.occupancy(CudaKernels.WEIGHT_SUM, CudaBackend.BLOCK, 0);
        return Math.max(f.maxPartialRows(rows, chunkRows) * (cols + 3), Math.max(v.maxPartialRows(rows, chunkRows) * CudaKernels.VALUE_WIDTH, smallGrid));
    }

    /**
     * The streamed term for {@code data} where its rows and the in-memory term's workspaces do not fit free device
     * memory (after {@link CudaOptions#deviceMemoryLimit()}), saying so in one log line; null where they fit (the caller
     * binds a {@link CudaDataTerm}). Registered with the backend, which closes it with itself.
     */
    static StreamedDataTerm bindIfTooLarge(CudaBackend backend, Dataset data, Loss loss, BindOptions options) {
        backend.ensureOpen();
        Objects.requireNonNull(options, "options");
        if (data.isSparse()) return null;
        dev.logreg.backend.ParamShape.refuseHinge("gpu", loss);
        dev.logreg.backend.ParamShape.of(data, loss);
        backend.makeCurrent();
        long rows = data.rows();
        int cols = CudaDataTerm.deviceColumns(data.cols());
        FusedPlan f = FusedPlan.gradient(backend, cols);
        long chunk = Math.min(rows, f.chunkRows(backend.options(), cols));
        long xBytes = Math.multiplyExact(Math.multiplyExact(rows, (long) cols), 4L);
        // The in-memory term: X, labels, weights and its partials (its other workspaces are a few KB more, made lazily).
        long inMemory = xBytes + 4 * rows * (data.isWeighted() ? 2 : 1) + 8 * partialDoubles(backend, rows, cols, chunk) + 16L * (cols + 3);
        long[] mem = backend.memoryInfo();
        if (inMemory <= mem[0] || f.perWarp()) return null;  // fits (or cannot stream: the in-memory term says why)
        StreamedDataTerm t;
        try {
            t = new StreamedDataTerm(backend, data, loss, options);  // frees what it allocated before it throws
        } catch (BackendException e) {
            throw backend.failed(e, "the bind was undone");
        }
        backend.added(t);
        LOG.info("gpu: {} x {} streamed through the device: X needs {} bytes of device memory ({} with the workspaces), {} are free;"
                        + " X stays in host memory ({}) and is copied in chunks of {} rows ({} bytes) on every pass",
                rows, data.cols(), xBytes, inMemory, mem[0], t.pipeline.resident() ? "page-locked, gathered once" : "gathered every pass",
                t.chunkRows, t.chunkRows * cols * 4L);
        return t;
    }

    /** The host's physical memory (MemTotal of /proc/meminfo), or 0 where it cannot be read (then X is never pinned whole). */
    static long hostMemoryBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not Linux, or no /proc: gather every pass, which needs no more host memory than the data's own.
        }
        return 0;
    }

    /** Rows a chunk of the stream holds (for the bind's log line and the benchmarks). */
    public long chunkRows() { return chunkRows; }

    /** Whether X is held in page-locked host memory, copied from there every pass (else gathered every pass). */
    public boolean residentHost() { return pipeline.resident(); }

    /** Bytes of X a pass copies to the device (rows × columns on the device × 4). */
    public long featureBytes() { return rows * cols * 4L; }

    @Override
    public double valueAndGradient(long fromRow, long toRow, double[] parameters, double[] gradientOut) {
        checkRange(fromRow, toRow);
        checkParams(parameters);
        checkGradient(gradientOut);
        try {
            uploadParams(parameters);
            double[] s = streamedSums(fused, fromRow, toRow, cols + 3);
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
            return meanLoss(streamedSums(valueOnly, fromRow, toRow, CudaKernels.VALUE_WIDTH));
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /**
     * The pass of {@code p} over [fromRow, toRow), chunk by chunk through the pipeline: the kernel on each chunk's X
     * (its rows from 0 there) with the labels and weights from the chunk's first row, its partials in the chunk's slice,
     * as {@link CudaDataTerm} does on resident rows; then the one reduction (which waits for the stream).
     */
    private double[] streamedSums(FusedPlan p, long fromRow, long toRow, int width) {
        long[] at = {0};
        CUdeviceptr none = new CUdeviceptr();
        pipeline.forEachChunk(fromRow, toRow, (c0, c1, x) -> at[0] += p.launch(backend, x, y.at(4 * c0), weighted ? w.at(4 * c0) : none,
                0, c1 - c0, cols, params.pointer(), lossId, partial.at(8 * at[0] * width)));
        return reduce(at[0], width);
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
                backend.ensureFits(8 * chunkRows, "margins buffer");
                marginsBuffer = own(DeviceBuffer.allocate(8 * chunkRows, backend.allocations(), "margins"));
            }
            double[] chunk = new double[(int) Math.min(toRow - fromRow, chunkRows)];
            pipeline.forEachChunk(fromRow, toRow, (c0, c1, x) -> {
                int count = (int) (c1 - c0);
                int grid = Math.max(1, Math.min(smallGrid, (count + 7) / 8));
                backend.launch(CudaKernels.MARGINS, grid, CudaBackend.BLOCK, 0, Pointer.to(
                        Pointer.to(x), Pointer.to(new long[] {0}), Pointer.to(new long[] {count}), Pointer.to(new int[] {cols}),
                        Pointer.to(params.pointer()), Pointer.to(marginsBuffer.pointer())));
                // Synchronous, on the legacy stream, which waits for the backend's (blocking) stream: the logits are here.
                Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(chunk), marginsBuffer.pointer(), 8L * count), "cuMemcpyDtoH(margins)");
                System.arraycopy(chunk, 0, result, (int) (c0 - fromRow), count);
            });
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /**
     * True where {@link CudaDataTerm} forms the Hessian (up to {@value CudaDataTerm#HESSIAN_MAX_FEATURES} features) and
     * a chunk of the stream holds at least one of the Hessian's row chunks ({@link HessianLayout}).
     */
    @Override
    public boolean supportsHessian() {
        return n <= CudaDataTerm.HESSIAN_MAX_FEATURES && hessianStep() > 0;
    }

    /** Rows a streamed piece of the Hessian pass covers: whole Hessian row chunks that fit a chunk of the stream (0: none). */
    private long hessianStep() {
        long h = HessianLayout.of(rows, cols, backend.multiprocessors()).chunkRows();
        return chunkRows / h * h;
    }

    /**
     * The (n+1)×(n+1) Hessian as {@link CudaDataTerm#hessian} forms it, bit for bit: X streamed in pieces of whole
     * Hessian row chunks; on each, the curvature pass (per row) into a piece-sized buffer, then the tiles kernel over
     * the piece's chunks, whose partial tiles land in the slots one launch over all rows gives them; one reduction.
     *
     * @throws UnsupportedOperationException where {@link #supportsHessian()} is false, saying why
     */
    @Override
    public void hessian(double[] parameters, double[] result) {
        checkRange(0, rows);
        checkParams(parameters);
        int d = n + 1;
        Objects.requireNonNull(result, "out");
        if (result.length != d * d) throw new IllegalArgumentException("out has length " + result.length + ", expected " + ((long) d * d));
        HessianLayout h = HessianLayout.of(rows, cols, backend.multiprocessors());
        long step = hessianStep();
        if (n > CudaDataTerm.HESSIAN_MAX_FEATURES || step == 0) {
            throw new UnsupportedOperationException("the GPU backend does not form the Hessian of these streamed data (" + rows + " x " + n
                    + (step == 0 ? ": its row chunks of " + h.chunkRows() + " rows exceed the stream's chunks of " + chunkRows + " rows"
                    : ": more than " + CudaDataTerm.HESSIAN_MAX_FEATURES + " features") + "); use an optimizer other than Newton (lbfgs)");
        }
        try {
            if (curvature == null) {
                backend.ensureFits(8 * step + 8 * h.chunks() * h.width() + 8 * h.width(), "Hessian workspaces (curvature, partial tiles, sums)");
                curvature = own(DeviceBuffer.allocate(8 * step, backend.allocations(), "Hessian curvature (a piece)"));
                hessianPartial = own(DeviceBuffer.allocate(8 * h.chunks() * h.width(), backend.allocations(), "Hessian partial tiles"));
                hessianSums = own(DeviceBuffer.allocate(8 * h.width(), backend.allocations(), "Hessian sums"));
            }
            uploadParams(parameters);
            CUdeviceptr none = new CUdeviceptr();
            pipeline.forEachChunk(0, rows, step, (c0, c1, x) -> {
                long count = c1 - c0;
                int grid = (int) Math.max(1, Math.min(smallGrid, (count + 7) / 8));
                backend.launch(CudaKernels.CURVATURE, grid, CudaBackend.BLOCK, 0, Pointer.to(
                        Pointer.to(x), Pointer.to(y.at(4 * c0)), Pointer.to(weighted ? w.at(4 * c0) : none), Pointer.to(new long[] {0}),
                        Pointer.to(new long[] {count}), Pointer.to(new int[] {cols}), Pointer.to(params.pointer()), Pointer.to(new int[] {lossId}),
                        Pointer.to(curvature.pointer())));
                h.launchTiles(backend, x, curvature.pointer(), count, cols, hessianPartial.at(8 * (c0 / h.chunkRows()) * h.width()));
            });
            double[] sums = reduce(hessianPartial, h.chunks(), Math.toIntExact(h.width()), hessianSums);
            if (Double.isNaN(totalWeight)) totalWeight = weightSum(0, rows);  // the rows do not change: once
            h.unpack(sums, n, cols, totalWeight, result);
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** θ and b to the device, θ padded with zeros to the device's columns (b at index cols, where the kernels read it). */
    private void uploadParams(double[] parameters) {
        double[] device = new double[cols + 1];
        System.arraycopy(parameters, 0, device, 0, n);
        device[cols] = parameters[n];
        Cuda.check(JCudaDriver.cuMemcpyHtoD(params.pointer(), Pointer.to(device), 8L * (cols + 1)), "cuMemcpyHtoD(parameters)");
    }
}
