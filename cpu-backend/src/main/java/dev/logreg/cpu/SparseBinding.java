package dev.logreg.cpu;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;

/**
 * Sparse rows as bound once: the {@link CsrRows} (in place or a permuted copy) and, where {@link SparseLayout} asks
 * for it, their {@link ColumnMajor} copy. Shared by the class terms of one-vs-rest; closed by its owner (the term
 * of a plain bind, or the one-vs-rest object).
 */
final class SparseBinding implements AutoCloseable {
    final CsrRows rows;
    /** The column-major copy, or {@code null}. */
    final ColumnMajor columns;
    /** Bytes of gradient partials a term over these rows may hold. */
    final long partialBudget;

    /**
     * @param outputs K of the terms that will read these rows (1 for the binary losses)
     */
    SparseBinding(Nd4jBackend backend, Dataset data, BindOptions options, int outputs, long partialBudget) {
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(data.rows(), options.permutationSeed().getAsLong()) : null;
        this.partialBudget = partialBudget;
        this.rows = new CsrRows(backend, data, perm);
        ColumnMajor c = null;
        try {
            if (SparseLayout.wantsColumnMajor(rows, outputs, partialBudget)) c = ColumnMajor.build(backend, rows);
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
        this.columns = c;
    }

    /** Frees the permuted copy and the column-major copy. Idempotent. */
    @Override
    public void close() {
        rows.close();
        if (columns != null) columns.close();
    }
}
