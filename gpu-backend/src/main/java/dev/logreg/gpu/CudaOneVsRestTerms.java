package dev.logreg.gpu;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.loss.Loss;

import java.util.ArrayList;
import java.util.List;

/**
 * One-vs-rest on one upload ({@link CudaBackend#bindOneVsRest}): X and the weights are uploaded once, into
 * {@link SharedRows} owned by this object, and each {@link #forClass} term is a {@link CudaDataTerm} that reads them and
 * owns only its own 0/1 labels (rows floats, uploaded from the class indices) and its workspaces. Each class term is
 * exactly the term that {@code bindBinary(data.oneVsRest(c), loss, options)} gives: the same rows in the same order,
 * the same kernels and grids, so the same bits.
 *
 * <p>Ownership: class terms may be closed early, one at a time or all kept; {@link #close()} closes every class term
 * handed out, then frees X and the weights, once. The backend's {@link CudaBackend#close()} closes this too. A failure
 * while binding class c frees what that bind allocated and leaves the shared rows and the other class terms as they
 * were (after a sticky error the whole backend closes, as for any bind). Not thread-safe.
 */
final class CudaOneVsRestTerms implements OneVsRestTerms {
    private final CudaBackend backend;
    private final SharedRows rows;
    private final Loss loss;
    private final List<CudaDataTerm> handed = new ArrayList<>();
    private boolean closed;

    CudaOneVsRestTerms(CudaBackend backend, SharedRows rows, Loss loss) {
        this.backend = backend;
        this.rows = rows;
        this.loss = loss;
    }

    @Override public int classes() { return rows.data().classes(); }

    @Override
    public DataTerm forClass(int positiveClass) {
        if (closed) throw new IllegalStateException("one-vs-rest terms are closed; bind the data again");
        backend.ensureOpen();
        if (positiveClass < 0 || positiveClass >= classes()) {
            throw new IllegalArgumentException("positive class " + positiveClass + " is not a class of these data, expected an integer in [0, "
                    + classes() + ")");
        }
        handed.removeIf(CudaDataTerm::isClosed);  // a long run over many classes keeps only the live ones
        CudaDataTerm t = backend.bindClass(rows, loss, positiveClass);
        handed.add(t);
        return t;
    }

    /** Closes every class term, then frees the shared rows. Idempotent; works on any thread. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        backend.removedOneVsRest(this);
        backend.makeCurrentQuietly();
        RuntimeException failure = null;
        for (CudaDataTerm t : handed) {
            try {
                t.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        handed.clear();
        try {
            rows.close();
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        }
        if (failure != null) throw failure;
    }
}
