package dev.logreg.backend;

import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

import java.util.Objects;

/**
 * K-class rows bound once for one-vs-rest: the binary data term of "class c against the rest" for each class c,
 * over the same bound rows ({@link Backend#bindOneVsRest}). A backend that overrides the binding holds the features
 * and weights once and derives each class's 0/1 labels from the bound class indices (the reference backend reads the
 * dataset in place; a device backend would upload X once instead of K times). {@link #separateBinds} is the fallback
 * of a backend that does not: each class's binary view ({@link Dataset#oneVsRest}) bound in turn.
 *
 * <p>Either way, {@code forClass(c)} is exactly the term that {@code backend.bind(data.oneVsRest(c), loss, options)}
 * would give: the same rows in the same order, the same value and gradient bits.
 *
 * <p>Owned by the caller, who closes it; closing it closes every class term it handed out. Not thread-safe.
 */
public interface OneVsRestTerms extends AutoCloseable {
    /** The number of classes K of the bound data. */
    int classes();

    /**
     * The binary data term of class {@code positiveClass} against the rest (labels 1 where a row's class is
     * {@code positiveClass}, else 0), owned by this object: closing it early is allowed (idempotent), and
     * {@link #close()} closes it. Where the backend does not share its rows, handing out one class's term may close
     * the previous class's; use one class at a time.
     *
     * @throws IllegalArgumentException where {@code positiveClass} is not in [0, {@link #classes()})
     * @throws IllegalStateException    after {@link #close()}
     */
    DataTerm forClass(int positiveClass);

    /** Frees the bound rows and every class term. Idempotent. */
    @Override
    void close();

    /**
     * The fallback for a backend that binds each binary problem on its own: {@link #forClass} binds
     * {@code data.oneVsRest(c)} and closes the class term handed out before it, so that one copy of the rows lives
     * on the backend at a time.
     */
    static OneVsRestTerms separateBinds(Backend backend, Dataset data, Loss loss, BindOptions options) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(options, "options");
        return new OneVsRestTerms() {
            private DataTerm current;
            private boolean closed;

            @Override public int classes() { return data.classes(); }

            @Override
            public DataTerm forClass(int positiveClass) {
                if (closed) throw new IllegalStateException("one-vs-rest terms are closed; bind the data again");
                Dataset view = data.oneVsRest(positiveClass);
                if (current != null) current.close();
                current = null;
                current = backend.bind(view, loss, options);
                return current;
            }

            @Override
            public void close() {
                if (closed) return;
                closed = true;
                if (current != null) current.close();
                current = null;
            }
        };
    }
}
