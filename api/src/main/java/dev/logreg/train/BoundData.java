package dev.logreg.train;

import dev.logreg.backend.Backend;
import dev.logreg.backend.BindOptions;
import dev.logreg.backend.DataTerm;
import dev.logreg.data.Dataset;
import dev.logreg.loss.Loss;
import dev.logreg.objective.ColumnStatistics;

import java.util.Objects;
import java.util.Optional;

/**
 * A dataset bound once to a backend, for several fits on the same rows: a regularization path (one fit per λ),
 * a grid over penalties or stopping criteria, a refit with another optimizer. Binding copies the data into the
 * backend's memory (400 MB takes seconds on some machines), and the column statistics of the preconditioner take
 * another pass over the data; both are paid once here instead of once per {@link Trainer#fit(Backend, Dataset,
 * TrainingOptions, dev.logreg.optim.TrainingListener)}. Like caching a DataFrame in Spark before fitting
 * several models on it, the caller decides what is bound and for how long.
 *
 * <pre>{@code
 * try (BoundData bound = Trainer.bind(backend, data, options)) {
 *     for (double lambda : lambdas) {
 *         TrainingResult r = Trainer.fit(bound, options.withPenalty(Penalty.l2(lambda)), null);
 *     }
 * }
 * }</pre>
 *
 * <p>What it fixes: the data, the {@link Loss} and the {@link BindOptions} (the row order). A fit whose options ask
 * for another loss, or for another row order (a stochastic optimizer binds its rows permuted by its seed; the others
 * in their own order), is rejected with an {@link IllegalArgumentException}; everything else (penalty, optimizer,
 * intercept, criteria, preconditioning) may change from fit to fit. A fit on bound data gives the same result as a
 * fresh {@link Trainer#fit(Backend, Dataset, TrainingOptions, dev.logreg.optim.TrainingListener)} with the same
 * options: the same term evaluated in the same order.
 *
 * <p>Ownership: the caller owns this object and closes it, which closes the bound {@link DataTerm}; fits never close
 * it. The backend stays the caller's too, and must stay open while this is used (closing the backend closes the
 * term, after which a fit throws {@link IllegalStateException}). The dataset must not change while bound (the
 * {@link Dataset} contract; a backend may read its buffers in place).
 *
 * <p>Not thread-safe: one fit at a time (a {@link DataTerm} is not thread-safe).
 */
public final class BoundData implements AutoCloseable {
    private final Backend backend;
    private final Dataset data;
    private final Loss loss;
    private final BindOptions bindOptions;
    private final DataTerm term;
    private ColumnStatistics statistics;
    private long[] labelCounts;
    private boolean closed;

    private BoundData(Backend backend, Dataset data, Loss loss, BindOptions bindOptions, DataTerm term) {
        this.backend = backend;
        this.data = data;
        this.loss = loss;
        this.bindOptions = bindOptions;
        this.term = term;
    }

    /**
     * Binds {@code data} to {@code backend} for {@code loss}, rows ordered as {@code bindOptions} says. Prefer
     * {@link Trainer#bind(Backend, Dataset, TrainingOptions)}, which picks the row order a fit with given options
     * needs. Caller closes the result.
     *
     * @param backend an open backend; not closed by this object
     * @throws IllegalArgumentException where the backend cannot hold the data, does not take sparse data
     *                                  ({@link Backend#supportsSparse()}) and they are sparse, or binds a term whose
     *                                  shape differs from the data's (a backend fault, caught here rather than mid-fit)
     */
    public static BoundData bind(Backend backend, Dataset data, Loss loss, BindOptions bindOptions) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(bindOptions, "bindOptions");
        Backend.checkLayout(backend, data);   // sparse data on a backend that reads dense rows only: refused by name
        DataTerm term = backend.bind(data, loss, bindOptions);
        if (term.rows() != data.rows() || term.features() != data.cols()) {
            long rows = term.rows();
            int cols = term.features();
            term.close();
            throw new IllegalArgumentException("backend " + backend.name() + " bound " + rows + " x " + cols
                    + " for a dataset of " + data.rows() + " x " + data.cols() + ": expected the same shape");
        }
        return new BoundData(backend, data, loss, bindOptions, term);
    }

    /**
     * Wraps a term already bound for {@code data} (one class's term of {@link dev.logreg.backend.OneVsRestTerms},
     * whose rows are bound once for every class); closing the result closes {@code term}.
     */
    static BoundData wrap(Backend backend, Dataset data, Loss loss, BindOptions bindOptions, DataTerm term) {
        if (term.rows() != data.rows() || term.features() != data.cols()) {
            term.close();
            throw new IllegalArgumentException("backend " + backend.name() + " bound " + term.rows() + " x " + term.features()
                    + " for a dataset of " + data.rows() + " x " + data.cols() + ": expected the same shape");
        }
        return new BoundData(backend, data, loss, bindOptions, term);
    }

    /** The backend the data are bound to (owned by the caller). */
    public Backend backend() { return backend; }

    /** The bound dataset. */
    public Dataset data() { return data; }

    /** The loss the term was bound for; every fit on this object must use it. */
    public Loss loss() { return loss; }

    /** The row order the term was bound with; every fit on this object must need exactly this order. */
    public BindOptions bindOptions() { return bindOptions; }

    /**
     * The bound data term, for evaluations of one's own (a validation objective along a path, say). Owned by this
     * object: do not close it directly, close this.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public DataTerm term() {
        ensureOpen();
        return term;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() { return closed; }

    /**
     * Column statistics of the data (for the preconditioner, and for a standardized penalty's scales), computed on
     * first use and kept: from the sums the dataset gathered as it was validated where it did
     * ({@link Dataset#columnSums()}: no pass at all), else by the bound term where its rows are, when it can
     * ({@link DataTerm#columnStatistics}: a GPU term on the device), else on the host
     * ({@link ColumnStatistics#of(Dataset)}); the same bits every way.
     */
    public ColumnStatistics statistics() {
        if (statistics == null) {
            statistics = (closed || data.columnSums().isPresent() ? Optional.<ColumnStatistics>empty() : term.columnStatistics(data))
                    .orElseGet(() -> ColumnStatistics.of(data));
        }
        return statistics;
    }

    /** {@link Dataset#labelCounts()}, computed on first use and kept. */
    long[] labelCounts() {
        if (labelCounts == null) labelCounts = data.labelCounts();
        return labelCounts.clone();
    }

    void ensureOpen() {
        if (closed) throw new IllegalStateException("bound data is closed; bind the dataset again");
    }

    /** Closes the bound term (the backend stays open). Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        term.close();
    }

    @Override
    public String toString() {
        return "BoundData[" + data + " on " + backend.name() + ", loss " + loss.kind() + ", " + bindOptions + (closed ? ", closed" : "") + "]";
    }
}
