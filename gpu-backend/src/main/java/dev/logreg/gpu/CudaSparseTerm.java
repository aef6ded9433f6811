package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BindOptions;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.util.Arrays;
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
public final class CudaSparseTerm extends SparseTermBase {
    /** Mean nonzeros a row below which a row gets 8 lanes, not a warp (sparse.cu's G). */
    static final int SHORT_ROWS = 32;

    private final int lossId;
    private DeviceBuffer curvature;
    /** The parameters whose curvatures {@link #curvature} holds; null until the first Hessian-vector product. */
    private double[] curvatureAt;

    CudaSparseTerm(CudaBackend backend, Dataset data, Loss loss, BindOptions options) {
        super(backend, data, options, 1, rowsKernel(data.rows(), data.nonzeros()), shortRows(data.rows(), data.nonzeros()));
        this.lossId = loss.kind() == Loss.Kind.MSE ? CudaKernels.LOSS_MSE : CudaKernels.LOSS_LOG;
    }

    /** Whether rows of a mean of {@code nonzeros / rows} nonzeros get 8 lanes (below {@value #SHORT_ROWS}), not a warp. */
    static boolean shortRows(long rows, long nonzeros) {
        return nonzeros < SHORT_ROWS * Math.max(1, rows);
    }

    /**
     * The rows kernel for a mean of {@code nonzeros / rows} nonzeros a row (package-private for tests): 8 lanes a row
     * below {@value #SHORT_ROWS}, where a warp a row would leave most lanes idle, else 32.
     */
    static String rowsKernel(long rows, long nonzeros) {
        return shortRows(rows, nonzeros) ? CudaKernels.SPARSE_ROWS_G8 : CudaKernels.SPARSE_ROWS_G32;
    }

    @Override
    public double valueAndGradient(long fromRow, long toRow, double[] parameters, double[] gradientOut) {
        checkRange(fromRow, toRow);
        checkLength(parameters, "params");
        checkLength(gradientOut, "gradientOut");
        try {
            uploadParams(parameters);
            double[] s = pass(CudaKernels.SPARSE_GRADIENT, fromRow, toRow, null);
            double m = s[cols + CudaKernels.SLOT_WSUM];
            scatter(s, new double[] {s[cols + CudaKernels.SLOT_RSUM]}, m, gradientOut);
            return m > 0 ? s[cols + CudaKernels.SLOT_LOSS] / m : 0.0;
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    @Override
    public double value(long fromRow, long toRow, double[] parameters) {
        checkRange(fromRow, toRow);
        checkLength(parameters, "params");
        try {
            uploadParams(parameters);
            launchRows(CudaKernels.SPARSE_VALUE, fromRow, toRow, null, null, partial);
            double[] s = sums(rowsGrid(fromRow, toRow, false), CudaKernels.SPARSE_WIDTH);
            return s[CudaKernels.SLOT_WSUM] > 0 ? s[CudaKernels.SLOT_LOSS] / s[CudaKernels.SLOT_WSUM] : 0.0;
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    @Override
    public void margins(long fromRow, long toRow, double[] parameters, double[] out) {
        checkRange(fromRow, toRow);
        checkLength(parameters, "params");
        Objects.requireNonNull(out, "out");
        if (out.length < toRow - fromRow) {
            throw new IllegalArgumentException("out has length " + out.length + ", expected at least " + (toRow - fromRow));
        }
        try {
            uploadParams(parameters);
            DeviceBuffer buffer = marginsBuffer();
            double[] chunk = new double[(int) Math.min(toRow - fromRow, MARGINS_CHUNK)];
            for (long c0 = fromRow; c0 < toRow; c0 += MARGINS_CHUNK) {
                long c1 = Math.min(toRow, c0 + MARGINS_CHUNK);
                int count = (int) (c1 - c0);
                launchRows(CudaKernels.SPARSE_MARGINS, c0, c1, null, buffer, null);
                Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(chunk), buffer.pointer(), 8L * count), "cuMemcpyDtoH(margins)");
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
        checkLength(parameters, "params");
        checkLength(v, "v");
        checkLength(out, "out");
        try {
            if (curvatureAt == null || !Arrays.equals(curvatureAt, parameters)) {
                if (curvature == null) {
                    backend.ensureFits(8 * rows, "Hessian-vector curvatures");
                    curvature = own(DeviceBuffer.allocate(8 * rows, backend.allocations(), "curvatures"));
                }
                curvatureAt = null;  // until the new ones are in place
                uploadParams(parameters);
                launchRows(CudaKernels.SPARSE_CURVATURE, 0, rows, null, curvature, null);
                curvatureAt = parameters.clone();
            }
            uploadParams(v);
            double[] s = pass(CudaKernels.SPARSE_HESSIAN_VECTOR, 0, rows, curvature);
            scatter(s, new double[] {s[cols + CudaKernels.SLOT_RSUM]}, s[cols + CudaKernels.SLOT_WSUM], out);
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /**
     * The value+gradient pass over all rows at the parameters already on the device (those of the last evaluation):
     * the rows pass, Xᵀr and the reduction, without θ's copy down and the gradient's copy back. Returns the loss sum
     * (waits for the device). For benchmarks.
     */
    public double devicePass() {
        check();
        try {
            launchPass(CudaKernels.SPARSE_GRADIENT, 0, rows, null);
            return copyBack(sumsOffset(), 1)[0];
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** {@link #launchPass}, then the compact gradient (or product) and the three sums copied back (waits). */
    private double[] pass(int mode, long fromRow, long toRow, DeviceBuffer curv) {
        launchPass(mode, fromRow, toRow, curv);
        return copyBack(0, cols + CudaKernels.SPARSE_WIDTH);
    }

    /** The rows pass in {@code mode} (gradient or Hessian-vector), Xᵀ of its row values and the sums, into the result. */
    private void launchPass(int mode, long fromRow, long toRow, DeviceBuffer curv) {
        launchRows(mode, fromRow, toRow, curv, rowValues, partial);
        xtr(0);
        reduceInto(partial, rowsGrid(fromRow, toRow, true), CudaKernels.SPARSE_WIDTH, sumsOffset());
    }

    private void launchRows(int mode, long fromRow, long toRow, DeviceBuffer curv, DeviceBuffer rowOut, DeviceBuffer partials) {
        boolean everyRow = mode == CudaKernels.SPARSE_GRADIENT || mode == CudaKernels.SPARSE_HESSIAN_VECTOR;
        backend.launch(rowsKernel, rowsGrid(fromRow, toRow, everyRow), CudaBackend.BLOCK, 0, Pointer.to(
                Pointer.to(rowOffsets.pointer()), Pointer.to(indices.pointer()), Pointer.to(values.pointer()), Pointer.to(y.pointer()),
                Pointer.to(weighted ? w.pointer() : new CUdeviceptr()), Pointer.to(new long[] {rows}), Pointer.to(new long[] {fromRow}),
                Pointer.to(new long[] {toRow}), Pointer.to(params.pointer()), Pointer.to(new int[] {cols}), Pointer.to(new int[] {lossId}),
                Pointer.to(new int[] {mode}), Pointer.to(curv == null ? new CUdeviceptr() : curv.pointer()),
                Pointer.to(rowOut == null ? new CUdeviceptr() : rowOut.pointer()), Pointer.to(partials == null ? new CUdeviceptr() : partials.pointer())));
    }
}
