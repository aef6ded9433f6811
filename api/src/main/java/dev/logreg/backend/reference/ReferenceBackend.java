package dev.logreg.backend.reference;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.backend.OneVsRestTerms;
import dev.logreg.backend.ParamShape;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The oracle: a plain-Java backend in double precision throughout, one thread, written to be obviously correct
 * rather than fast. Every other backend is tested against it.
 *
 * <p>It does not copy the dataset: a bound term reads the {@link Dataset}'s blocks (which are immutable), through a
 * row permutation where one was asked for. Each row's logit, loss and derivative are computed with {@link Loss}'s
 * double-precision definitions ({@link dev.logreg.loss.MultinomialLoss}'s for K classes: K logits a row); sums are
 * plain double sums in row order. The binary terms compute the Hessian at any size; the softmax term up to
 * {@link ParamShape#MAX_HESSIAN_LENGTH} parameters.
 */
public final class ReferenceBackend implements Backend {
    private final List<ReferenceTerm> open = new ArrayList<>();
    private boolean closed;

    @Override public String name() { return "reference"; }

    @Override public String description() { return "reference: plain Java, float64 throughout, 1 thread"; }

    /** Reads dense and CSR rows alike ({@code ReferenceTerm}), with the same bits for the same values. */
    @Override public boolean supportsSparse() { return true; }

    @Override
    public DataTerm bind(Dataset data, Loss loss, BindOptions options) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(options, "options");
        if (loss.kind() == Loss.Kind.HINGE) ParamShape.refuseHinge(name(), loss); // the squared hinge is computed here; the hinge never
        ParamShape.of(data, loss); // a binary loss on K-class labels is refused here, by name
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(data.rows(), options.permutationSeed().getAsLong()) : null;
        ReferenceTerm t = loss.kind() == Loss.Kind.MULTINOMIAL ? new SoftmaxTerm(this, data, perm) : new BinaryTerm(this, data, loss, perm);
        open.add(t);
        return t;
    }

    /**
     * Binds the K-class rows once: each class's term reads the same dataset blocks in place (through one row
     * permutation, where asked), its 0/1 labels derived from the class indices as each row is read, so that no
     * class's binary labels are copied. Each equals {@code bind(data.oneVsRest(c), loss, options)} to the bit (the
     * same rows, labels and order). Every class term counts as one live allocation until closed.
     */
    @Override
    public OneVsRestTerms bindOneVsRest(Dataset data, Loss loss, BindOptions options) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(options, "options");
        if (loss.kind() == Loss.Kind.MULTINOMIAL) {
            throw new IllegalArgumentException("one-vs-rest binds binary problems, but the loss is multinomial: use a binary loss (log)");
        }
        if (loss.kind() == Loss.Kind.HINGE) ParamShape.refuseHinge(name(), loss);
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(data.rows(), options.permutationSeed().getAsLong()) : null;
        ReferenceBackend owner = this;
        return new OneVsRestTerms() {
            private final List<BinaryTerm> handed = new ArrayList<>();
            private boolean termsClosed;

            @Override public int classes() { return data.classes(); }

            @Override
            public DataTerm forClass(int positiveClass) {
                if (termsClosed) throw new IllegalStateException("one-vs-rest terms are closed; bind the data again");
                ensureOpen();
                if (positiveClass < 0 || positiveClass >= data.classes()) {
                    throw new IllegalArgumentException("positive class " + positiveClass + " is not a class of these data, expected an integer in [0, "
                            + data.classes() + ")");
                }
                BinaryTerm t = new BinaryTerm(owner, data, loss, perm, positiveClass);
                open.add(t);
                handed.add(t);
                return t;
            }

            @Override
            public void close() {
                if (termsClosed) return;
                termsClosed = true;
                for (BinaryTerm t : handed) t.close();
                handed.clear();
            }
        };
    }

    @Override
    public long liveAllocations() {
        return open.size();
    }

    @Override
    public void close() {
        if (closed) return;
        for (ReferenceTerm t : new ArrayList<>(open)) t.close();
        closed = true;
    }

    void ensureOpen() {
        if (closed) throw new IllegalStateException("reference backend is closed");
    }

    /** Called by a term as it closes. */
    void closed(ReferenceTerm t) {
        open.remove(t);
    }
}
