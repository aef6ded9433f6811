package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import jcuda.Pointer;

/**
 * The lifecycle every GPU data term shares, dense ({@link DenseTermBase}) and sparse ({@link SparseTermBase}): the
 * device and pinned memory it owns, the check each call makes (open term, open backend, context current), the
 * failure handling (a CUDA error frees the term, closes it and becomes the backend's exception; after a sticky error
 * the backend closes too), close and the weight sum. Each term class had its own copy.
 *
 * <p>A base class rather than a held helper: {@code close()} is the {@link DataTerm} method itself and the backend
 * registers and removes the term object, so a helper would need the term back and a forwarder in every term.
 */
abstract class DeviceDataTerm implements DataTerm {
    final CudaBackend backend;
    final long rows;
    final int n;
    final boolean weighted;
    final OwnedMemory owned = new OwnedMemory();
    /** Grid of the one-row-a-thread helper kernels (weight sum, read pass, margins, curvature). */
    final int smallGrid;
    /**
     * The weights on the device, null where every weight is 1, and the per-block partial sums; set once by the
     * subclass's constructor, in its own allocation order (which the fault-injection tests count), hence not final.
     */
    DeviceBuffer w;
    DeviceBuffer partial;
    /** What a failure says was done to this term (after the CUDA error's own message). */
    private final String closedNote;
    private boolean closed;

    DeviceDataTerm(CudaBackend backend, Dataset data, String closedNote) {
        this.backend = backend;
        this.rows = data.rows();
        this.n = data.cols();
        this.weighted = data.isWeighted();
        this.closedNote = closedNote;
        this.smallGrid = backend.multiprocessors() * backend.occupancy(CudaKernels.WEIGHT_SUM, CudaBackend.BLOCK, 0);
    }

    final <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    @Override public long rows() { return rows; }

    @Override public int features() { return n; }

    @Override
    public final double weightSum(long fromRow, long toRow) {
        checkRange(fromRow, toRow);
        if (!weighted) return toRow - fromRow;
        try {
            long range = toRow - fromRow;
            int grid = (int) Math.max(1, Math.min(smallGrid, (range + CudaBackend.BLOCK - 1) / CudaBackend.BLOCK));
            backend.launch(CudaKernels.WEIGHT_SUM, grid, CudaBackend.BLOCK, 0, Pointer.to(
                    Pointer.to(w.pointer()), Pointer.to(new long[] {fromRow}), Pointer.to(new long[] {toRow}), Pointer.to(partial.pointer())));
            return sums(grid, 1)[0];
        } catch (BackendException e) {
            throw fail(e);
        }
    }

    /** Sums {@code partialRows} rows of {@code width} partials in order on the device; copies the sums back (waits). */
    abstract double[] sums(long partialRows, int width);

    // ---- checks and lifecycle ----

    final void check() {
        if (closed) throw new IllegalStateException("data term is closed");
        backend.ensureOpen();
        backend.makeCurrent();
    }

    final void checkRange(long fromRow, long toRow) {
        check();
        DataTerm.checkRowRange(fromRow, toRow, rows);
    }

    /**
     * Frees everything after a CUDA failure and returns the exception to throw (the backend's: after a sticky error
     * it closes itself too).
     */
    final BackendException fail(BackendException e) {
        // Already handled by a nested call that failed (the Hessian's weight sum, say): the term is closed, the message final.
        if (closed) return e;
        try {
            close();
        } catch (RuntimeException suppressed) {
            // After a sticky error every free fails, and the context's release frees the memory instead: no news.
            if (!CudaException.isSticky(e)) e.addSuppressed(suppressed);
        }
        return backend.failed(e, closedNote);
    }

    /** Frees what a failed bind allocated, newest first; a failure to free is added to {@code cause} unless sticky. */
    final void freeAll(RuntimeException cause) {
        owned.freeAfter(cause);
    }

    /** Whether {@link #close()} ran (or a failure closed this term). */
    final boolean isClosed() { return closed; }

    /**
     * Frees this term's device (and pinned) memory, newest allocation first. Idempotent. Works on any thread: the
     * backend's context is made current on the calling thread first (cuMemFree needs it, and a term is often closed
     * elsewhere than where it was bound: a cleanup thread, another executor task).
     */
    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        backend.removed(this);
        backend.makeCurrentQuietly();
        owned.close();
    }
}
