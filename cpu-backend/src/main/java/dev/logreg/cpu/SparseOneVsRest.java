package dev.logreg.cpu;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.backend.ParamShape;
import dev.logreg.loss.Loss;

import java.util.ArrayList;
import java.util.List;

/**
 * One-vs-rest over sparse K-class rows bound once ({@link Nd4jBackend#bindOneVsRest}): every class term reads the
 * same {@link SparseBinding}, deriving its 0/1 labels from the bound class indices. Closing this closes every class
 * term handed out, then the binding.
 */
final class SparseOneVsRest implements OneVsRestTerms {
    private final Nd4jBackend backend;
    private final SparseBinding binding;
    private final int classes;
    private final Loss loss;
    private final ParamShape shape;
    private final List<DataTerm> handed = new ArrayList<>();
    private boolean closed;

    SparseOneVsRest(Nd4jBackend backend, SparseBinding binding, int classes, Loss loss, ParamShape shape) {
        this.backend = backend;
        this.binding = binding;
        this.classes = classes;
        this.loss = loss;
        this.shape = shape;
    }

    @Override public int classes() { return classes; }

    @Override
    public DataTerm forClass(int positiveClass) {
        if (closed) throw new IllegalStateException("one-vs-rest terms are closed; bind the data again");
        backend.ensureOpen();
        if (positiveClass < 0 || positiveClass >= classes) {
            throw new IllegalArgumentException("positive class " + positiveClass + " is not a class of these data, expected an integer in [0, "
                    + classes + ")");
        }
        SparseDataTerm t = new SparseDataTerm(backend, binding, false, loss, shape, positiveClass);
        backend.registered(t);
        handed.add(t);
        return t;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (DataTerm t : handed) t.close();
        handed.clear();
        binding.close();
        backend.closed(this);
    }
}
