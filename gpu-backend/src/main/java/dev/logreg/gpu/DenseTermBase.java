package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.util.Objects;

/**
 * What the GPU's dense data terms share ({@link CudaDataTerm}, {@link StreamedDataTerm}, {@link CudaSoftmaxTerm})
 * beyond {@link DeviceDataTerm}'s lifecycle: the weight sum, the ordered reduction of partial sums, the read pass and
 * the binary terms' argument checks. Each of the three had its own copy of these.
 *
 * <p>A base class rather than a helper object: every piece reads the term's own state (its weights and partial
 * buffers, the checks) and {@code weightSum} is the {@link DataTerm} method itself, so a held helper would need the
 * term back and one-line forwarders in each term. The buffer {@link #out} (and
 * {@link #w}, {@link #partial}) is set once by the subclass's constructor (in its own allocation order, which
 * the fault-injection tests count), hence not final here.
 */
abstract class DenseTermBase extends DeviceDataTerm {
    /** The reduced sums the host copies back; set by the subclass's constructor. */
    DeviceBuffer out;

    DenseTermBase(CudaBackend backend, Dataset data, String closedNote) {
        super(backend, data, closedNote);
    }

    /**
     * A read-only pass over the first {@code floats} floats of {@code x} (rounded down to a multiple of 4) with 16-byte
     * loads, summing into float64: the terms' bandwidth ceiling. Returns the sum (waits for the device).
     */
    final double readPass(DeviceBuffer x, long floats) {
        check();
        try {
            long count = floats & ~3L;
            int grid = (int) Math.max(1, Math.min(smallGrid, (count / 4 + CudaBackend.BLOCK - 1) / CudaBackend.BLOCK));
            backend.launch(CudaKernels.READ_SUM, grid, CudaBackend.BLOCK, 0, Pointer.to(
                    Pointer.to(x.pointer()), Pointer.to(new long[] {count}), Pointer.to(partial.pointer())));
            return reduce(grid, 1)[0];
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** The weights, or a null device pointer where every weight is 1 (the kernels test for null). */
    final CUdeviceptr weightPointer() {
        return weighted ? w.pointer() : new CUdeviceptr();
    }

    /** The loss of a value pass's sums: Σ wℓ / Σ w, or 0 where every weight of the range is 0 (DataTerm's contract). */
    static double meanLoss(double[] s) {
        return s[CudaKernels.SLOT_WSUM] > 0 ? s[CudaKernels.SLOT_LOSS] / s[CudaKernels.SLOT_WSUM] : 0.0;
    }

    @Override
    final double[] sums(long partialRows, int width) {
        return reduce(partialRows, width);
    }

    /** Sums {@code partialRows} rows of {@code width} partials in order on the device; copies the sums back (waits). */
    final double[] reduce(long partialRows, int width) {
        return reduce(partial, partialRows, width, out);
    }

    /** Adds {@code partialRows} rows of {@code width} doubles of {@code from} in row order into {@code into}; returns them. */
    final double[] reduce(DeviceBuffer from, long partialRows, int width, DeviceBuffer into) {
        backend.launch(CudaKernels.REDUCE_PARTIALS, CudaKernels.reduceGrid(width), CudaKernels.REDUCE_THREADS, 0, Pointer.to(
                Pointer.to(from.pointer()), Pointer.to(new long[] {partialRows}), Pointer.to(new int[] {width}), Pointer.to(into.pointer())));
        double[] s = new double[width];
        // A synchronous copy on the legacy stream, which waits for the (blocking) compute stream.
        Cuda.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(s), into.pointer(), 8L * width), "cuMemcpyDtoH(sums)");
        return s;
    }

    // ---- checks and lifecycle ----

    /** The binary terms' parameters: θ and b, features + 1 of them. */
    final void checkParams(double[] parameters) {
        Objects.requireNonNull(parameters, "params");
        if (parameters.length != n + 1) {
            throw new IllegalArgumentException("params has length " + parameters.length + ", expected features + 1 = " + (n + 1));
        }
    }

    /** The binary terms' gradient: features + 1 entries. */
    final void checkGradient(double[] gradientOut) {
        Objects.requireNonNull(gradientOut, "gradientOut");
        if (gradientOut.length != n + 1) {
            throw new IllegalArgumentException("gradientOut has length " + gradientOut.length + ", expected " + (n + 1));
        }
    }

}
