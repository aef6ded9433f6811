package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.ParamShape;
import dev.logreg.data.Dataset;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.util.Objects;

/**
 * A sparse (CSR) dataset of K classes held on the GPU for the multinomial (softmax) loss, on the same bound rows and
 * transposed copy as {@link CudaSparseTerm} ({@link SparseTermBase}). One value+gradient evaluation is the rows pass
 * of sparse_softmax.cu (a row's K logits over its nonzeros, its softmax in the reference backend's order, and
 * r_ic = wᵢ(p_ic − [c = yᵢ]) for every row and class: K doubles a row on the device), then K Xᵀ passes of sparse.cu
 * (class c's residuals read with stride K) and the intercepts' sums by the ordered reduction over the rows' residuals:
 * no atomics, the same bits on every run. The transposed copy is read K times an evaluation: a first version, correct
 * and deterministic; its speed has not been measured on a device.
 *
 * <p>Parameters and gradient in {@link ParamShape}'s class-major layout, K (n + 1) long. Hessian-vector products for
 * the truncated Newton method ({@link #hessianVector}: the probabilities p_ic of the last parameters seen kept on the
 * device, K doubles a row more); no dense Hessian. Failure, ownership and threads: as {@link CudaDataTerm}.
 */
public final class CudaSparseSoftmaxTerm extends SparseTermBase {
    private final int k;
    private DeviceBuffer probabilities;
    /** The parameters whose probabilities {@link #probabilities} holds; null until the first Hessian-vector product. */
    private double[] probabilitiesAt;

    CudaSparseSoftmaxTerm(CudaBackend backend, Dataset data, BindOptions options) {
        super(backend, data, options, data.classes(), rowsKernel(data.rows(), data.nonzeros()), CudaSparseTerm.shortRows(data.rows(), data.nonzeros()));
        this.k = data.classes();
    }

    /** The rows kernel for a mean of {@code nonzeros / rows} nonzeros a row: 8 lanes a row for short rows, else 32. */
    static String rowsKernel(long rows, long nonzeros) {
        return CudaSparseTerm.shortRows(rows, nonzeros) ? CudaKernels.SPARSE_SOFTMAX_ROWS_G8 : CudaKernels.SPARSE_SOFTMAX_ROWS_G32;
    }

    @Override
    public ParamShape shape() {
        return new ParamShape(k, n);
    }

    @Override
    public double valueAndGradient(long fromRow, long toRow, double[] parameters, double[] gradientOut) {
        checkRange(fromRow, toRow);
        checkLength(parameters, "params");
        checkLength(gradientOut, "gradientOut");
        try {
            uploadParams(parameters);
            double[] s = pass(CudaKernels.SPARSE_GRADIENT, fromRow, toRow, gradientOut);
            double m = s[(int) sumsOffset() + CudaKernels.SLOT_WSUM];
            return m > 0 ? s[(int) sumsOffset() + CudaKernels.SLOT_LOSS] / m : 0.0;
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /**
     * The rows pass in {@code mode} (gradient, or Hessian-vector over the probabilities), then Xᵀ of each class's row
     * values and the intercepts' sums (each class's row values over every row, 0 outside the range, rows in order);
     * scatters the gradient (or product) over M into {@code out} and returns the device's sums.
     */
    private double[] pass(int mode, long fromRow, long toRow, double[] out) {
        launchRows(mode, fromRow, toRow, probabilities, rowValues);
        for (int c = 0; c < k; c++) xtr(c);
        long sums = sumsOffset();
        reduceInto(partial, rowsGrid(fromRow, toRow, true), CudaKernels.SPARSE_WIDTH, sums);
        // The intercepts: row r's residuals go to position r mod chunk (rows in order), then the positions in order.
        reduceInto(rowValues, paddedRows / interceptChunk, interceptChunk * k, interceptPartial, 0);
        reduceInto(interceptPartial, interceptChunk, k, sums + CudaKernels.SPARSE_WIDTH);
        double[] s = copyBack(0, Math.toIntExact(sums + CudaKernels.SPARSE_WIDTH + k));
        double[] intercepts = new double[k];
        System.arraycopy(s, (int) sums + CudaKernels.SPARSE_WIDTH, intercepts, 0, k);
        scatter(s, intercepts, s[(int) sums + CudaKernels.SLOT_WSUM], out);
        return s;
    }

    /** True: one rows pass and K Xᵀ passes a product. */
    @Override
    public boolean supportsHessianVector() {
        return true;
    }

    /**
     * Slice c: (1/M) Σ wᵢ p_ic (u_ic − Σ_e p_ie u_ie) x̃ᵢ with u_ic = x̃ᵢ·v_c, over all rows: the probabilities at
     * {@code parameters} (formed once for a given parameter vector and kept), then the products in the rows pass and
     * K Xᵀ passes; float64, fixed orders. Zero where every weight is 0.
     */
    @Override
    public void hessianVector(double[] parameters, double[] v, double[] out) {
        check();
        checkLength(parameters, "params");
        checkLength(v, "v");
        checkLength(out, "out");
        try {
            if (probabilitiesAt == null || !java.util.Arrays.equals(probabilitiesAt, parameters)) {
                if (probabilities == null) {
                    backend.ensureFits(8 * rows * k, "Hessian-vector probabilities");
                    probabilities = own(DeviceBuffer.allocate(8 * rows * k, backend.allocations(), "class probabilities"));
                }
                probabilitiesAt = null;  // until the new ones are in place
                uploadParams(parameters);
                launchRows(CudaKernels.SPARSE_CURVATURE, 0, rows, null, probabilities);
                probabilitiesAt = parameters.clone();
            }
            uploadParams(v);
            pass(CudaKernels.SPARSE_HESSIAN_VECTOR, 0, rows, out);
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
            launchRows(CudaKernels.SPARSE_VALUE, fromRow, toRow, null, rowValues);  // the logits' scratch
            double[] s = sums(rowsGrid(fromRow, toRow, false), CudaKernels.SPARSE_WIDTH);
            return s[CudaKernels.SLOT_WSUM] > 0 ? s[CudaKernels.SLOT_LOSS] / s[CudaKernels.SLOT_WSUM] : 0.0;
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** The K logits of each row of [from, to), row-major: z_ic at {@code out[(i - from) K + c]}. */
    @Override
    public void margins(long fromRow, long toRow, double[] parameters, double[] out) {
        checkRange(fromRow, toRow);
        checkLength(parameters, "params");
        Objects.requireNonNull(out, "out");
        long needed = (toRow - fromRow) * k;
        if (out.length < needed) throw new IllegalArgumentException("out has length " + out.length + ", expected at least " + needed);
        try {
            uploadParams(parameters);
            DeviceBuffer buffer = marginsBuffer();
            double[] chunk = new double[(int) (Math.min(toRow - fromRow, MARGINS_CHUNK) * k)];
            for (long c0 = fromRow; c0 < toRow; c0 += MARGINS_CHUNK) {
                long c1 = Math.min(toRow, c0 + MARGINS_CHUNK);
                int count = (int) ((c1 - c0) * k);
                launchRows(CudaKernels.SPARSE_MARGINS, c0, c1, null, buffer);
                Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(chunk), buffer.pointer(), 8L * count), "cuMemcpyDtoH(margins)");
                System.arraycopy(chunk, 0, out, (int) ((c0 - fromRow) * k), count);
            }
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    private void launchRows(int mode, long fromRow, long toRow, DeviceBuffer curv, DeviceBuffer rowOut) {
        boolean partials = mode != CudaKernels.SPARSE_MARGINS && mode != CudaKernels.SPARSE_CURVATURE;
        boolean everyRow = mode == CudaKernels.SPARSE_GRADIENT || mode == CudaKernels.SPARSE_HESSIAN_VECTOR;
        backend.launch(rowsKernel, rowsGrid(fromRow, toRow, everyRow), CudaBackend.BLOCK, 0, Pointer.to(
                Pointer.to(rowOffsets.pointer()), Pointer.to(indices.pointer()), Pointer.to(values.pointer()), Pointer.to(y.pointer()),
                Pointer.to(weighted ? w.pointer() : new CUdeviceptr()), Pointer.to(new long[] {rows}), Pointer.to(new long[] {fromRow}),
                Pointer.to(new long[] {toRow}), Pointer.to(params.pointer()), Pointer.to(new int[] {cols}), Pointer.to(new int[] {k}),
                Pointer.to(new int[] {mode}), Pointer.to(curv == null ? new CUdeviceptr() : curv.pointer()), Pointer.to(rowOut.pointer()),
                Pointer.to(partials ? partial.pointer() : new CUdeviceptr())));
    }
}
