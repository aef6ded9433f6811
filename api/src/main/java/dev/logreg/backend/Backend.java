package dev.logreg.backend;

import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;

/**
 * A compute engine for the O(m·n) data term of the objective: it binds a {@link Dataset} once ({@link #bind}:
 * copies it into its own memory, or, where the data already sit in memory it can read as they are, such as the CPU
 * backend's direct native-order buffers, uses them in place; a {@code Dataset} is immutable, so either is safe)
 * and then evaluates the data term's value and gradient, and predictions, many times.
 *
 * <p>Every backend accumulates each row's dot product and every sum in float64 (or a compensated float32 sum shown
 * to be as accurate): float32 sums stall quasi-Newton methods far from the optimum. Penalties are never a backend's
 * business; they are added on the host.
 *
 * <p>Lifecycle: a backend owns native resources (a device context, thread pools, off-heap buffers); the caller
 * closes it, which closes every {@link DataTerm} still bound. {@code close()} is idempotent; any other use after
 * close (but {@link #liveAllocations()}) throws {@link IllegalStateException}. A backend is not required to be thread-safe.
 */
public interface Backend extends AutoCloseable {
    /** Short name: {@code reference}, {@code cpu}, {@code gpu}. */
    String name();

    /** One line describing the device, precision and threads, for logs and model provenance. */
    String description();

    /**
     * Whether {@link #bind} and {@link #bindOneVsRest} take sparse (CSR) datasets ({@link Dataset#isSparse()}) as
     * they take dense ones. The default is false: a backend says so once it reads {@link dev.logreg.data.RowBlock}'s
     * CSR arrays. The trainers refuse sparse data on a backend without it, naming the backend, and
     * {@link BackendFactory#openFor} passes over it in {@code auto} mode.
     */
    default boolean supportsSparse() {
        return false;
    }

    /**
     * Refuses sparse {@code data} on a {@code backend} that does not take them ({@link #supportsSparse()}), before
     * anything is bound: the one message for the trainers, cross-validation and {@link BackendFactory#openFor}.
     *
     * @throws IllegalArgumentException naming the backend and what to do instead
     */
    static void checkLayout(Backend backend, Dataset data) {
        if (data.isSparse() && !backend.supportsSparse()) {
            throw new IllegalArgumentException("backend " + backend.name() + " does not train on sparse (CSR) data yet; the data are "
                    + data.rows() + " x " + data.cols() + " with " + data.nonzeros() + " nonzeros: choose a backend that does (reference),"
                    + " or densify narrow data with Dataset.toDense() (4 bytes per cell)");
        }
    }

    /** Binds {@code data} for {@code loss}, rows in their own order (see {@link #bind(Dataset, Loss, BindOptions)}). Caller closes the result. */
    default DataTerm bind(Dataset data, Loss loss) {
        return bind(data, loss, BindOptions.DEFAULT);
    }

    /**
     * Binds {@code data} for {@code loss}: copies it into this backend's memory, or reads it in place where the
     * backend can (the data must then stay reachable while the term is open; the term holds a reference). Where {@code options} asks for a row
     * permutation, the rows are stored permuted ({@link RowPermutation}), so that contiguous row ranges are random
     * mini-batches, identical on every backend for the same seed. Caller closes the result.
     *
     * @throws IllegalArgumentException where the data cannot be held (too large for the device: the message gives
     *                                  the bytes needed and free)
     */
    DataTerm bind(Dataset data, Loss loss, BindOptions options);

    /**
     * Binds K-class {@code data} once for one-vs-rest training with the binary {@code loss}: the returned object
     * gives the binary data term of each class against the rest over the same bound rows. The default binds each
     * class's binary view in turn ({@link OneVsRestTerms#separateBinds}); a backend that can derive the 0/1 labels
     * from the bound class indices overrides it, so that the features are bound (uploaded) once rather than K times.
     * Either way each class's term equals {@code bind(data.oneVsRest(c), loss, options)}, bit for bit. Caller closes
     * the result.
     *
     * @param data    data of K &ge; 2 classes
     * @param loss    a binary loss (not {@link Loss.Kind#MULTINOMIAL})
     * @throws IllegalArgumentException on the multinomial loss, or where the backend cannot hold the data
     */
    default OneVsRestTerms bindOneVsRest(Dataset data, Loss loss, BindOptions options) {
        if (loss.kind() == Loss.Kind.MULTINOMIAL) {
            throw new IllegalArgumentException("one-vs-rest binds binary problems, but the loss is multinomial: use a binary loss (log)");
        }
        return OneVsRestTerms.separateBinds(this, data, loss, options);
    }

    /**
     * Number of allocations (native buffers, bound terms) this backend holds now; 0 once every bound term is closed,
     * and after {@link #close()}. For leak tests; may be called after close.
     */
    long liveAllocations();

    /** Frees everything this backend holds. Idempotent. */
    @Override
    void close();
}
