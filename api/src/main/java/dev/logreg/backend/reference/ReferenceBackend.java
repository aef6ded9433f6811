package dev.logreg.backend.reference;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
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

    @Override
    public DataTerm bind(Dataset data, Loss loss, BindOptions options) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(options, "options");
        ParamShape.of(data, loss); // a binary loss on K-class labels is refused here, by name
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(data.rows(), options.permutationSeed().getAsLong()) : null;
        ReferenceTerm t = loss.kind() == Loss.Kind.MULTINOMIAL ? new SoftmaxTerm(this, data, perm) : new BinaryTerm(this, data, loss, perm);
        open.add(t);
        return t;
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
