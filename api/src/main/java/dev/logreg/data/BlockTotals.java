package dev.logreg.data;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * What a {@link Dataset} sums over its row blocks when it is made, checked on the way: every block dense or every
 * block sparse, at least one row, and, where weighted, a positive weight sum (the "m" of the objective's means).
 *
 * @param rows      rows of all blocks, at least 1
 * @param nonzeros  stored feature values of all blocks
 * @param weightSum Σwᵢ in double precision where weighted, else the row count
 * @param sparse    whether the blocks hold CSR features
 */
record BlockTotals(long rows, long nonzeros, double weightSum, boolean sparse) {

    /** The totals of {@code blocks}; an {@link IllegalArgumentException} where one of the checks above fails. */
    static BlockTotals of(List<RowBlock> blocks, boolean weighted) {
        long r = 0;
        long nz = 0;
        double ws = 0;
        boolean anySparse = false;
        for (RowBlock b : blocks) {
            if (b != blocks.get(0) && b.isSparse() != anySparse) {
                throw new IllegalArgumentException("row blocks mix dense and sparse (CSR) features: a dataset is one or the other");
            }
            anySparse = b.isSparse();
            r += b.rows();
            nz += b.nonzeros();
            if (weighted) {
                FloatBuffer w = b.weights();
                for (int i = 0; i < b.rows(); i++) ws += w.get(i);
            }
        }
        if (r == 0) throw new IllegalArgumentException("dataset has zero rows");
        if (weighted && !(ws > 0)) {
            throw new IllegalArgumentException("every sample weight is zero: the weighted mean is undefined");
        }
        return new BlockTotals(r, nz, weighted ? ws : r, anySparse);
    }
}
