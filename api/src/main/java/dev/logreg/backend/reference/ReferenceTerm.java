package dev.logreg.backend.reference;

import dev.logreg.backend.DataTerm;
import dev.logreg.backend.ParamShape;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;

import java.util.Objects;

/**
 * What every reference data term shares: the bound rows (read in place from the dataset's blocks, through a row
 * permutation where one was asked for), range and length checks, the weight sum, and the lifecycle. The binary and
 * the softmax terms differ only in what they compute per row.
 */
abstract class ReferenceTerm implements DataTerm {
    private final ReferenceBackend owner;
    final Dataset data;
    final int[] perm;
    final int n;
    final ParamShape shape;
    final RowBlock[] blocks;
    private final long[] firstRows;
    private boolean termClosed;

    ReferenceTerm(ReferenceBackend owner, Dataset data, int[] perm, ParamShape shape) {
        this.owner = owner;
        this.data = data;
        this.perm = perm;
        this.n = data.cols();
        this.shape = shape;
        this.blocks = data.blocks().toArray(new RowBlock[0]);
        this.firstRows = new long[blocks.length];
        for (int i = 0; i < blocks.length; i++) firstRows[i] = blocks[i].firstRow();
    }

    @Override public final long rows() { return data.rows(); }

    @Override public final int features() { return n; }

    @Override public final ParamShape shape() { return shape; }

    /** Block index holding dataset row {@code row}. */
    final int blockIndex(long row) {
        int lo = 0;
        int hi = blocks.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstRows[mid] <= row) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /** The row (xᵢ, 1) of block row {@code local} into {@code xt[0 .. n]}, zeros included (for the dense Hessians). */
    final void extendedRow(RowBlock b, int local, double[] xt) {
        java.util.Arrays.fill(xt, 0, n, 0.0);
        if (b.isSparse()) {
            java.nio.LongBuffer o = b.rowOffsets();
            java.nio.IntBuffer idx = b.indices();
            java.nio.FloatBuffer val = b.values();
            int end = (int) o.get(local + 1);
            for (int k = (int) o.get(local); k < end; k++) xt[idx.get(k)] = val.get(k);
        } else {
            java.nio.FloatBuffer x = b.features();
            for (int j = 0; j < n; j++) xt[j] = x.get(local * n + j);
        }
        xt[n] = 1.0;
    }

    /**
     * rows·{@code perRow}, the length of a per-row array the Hessian-vector products keep (curvatures,
     * probabilities).
     *
     * @throws UnsupportedOperationException where it exceeds a Java array
     */
    final int rowCountForCache(int perRow) {
        long len = data.rows() * (long) perRow;
        if (len > Integer.MAX_VALUE - 8) {
            throw new UnsupportedOperationException("the reference backend keeps " + perRow + " curvature value(s) a row for Hessian-vector products: "
                    + data.rows() + " rows need " + len + ", more than one Java array holds; use the cpu backend");
        }
        return (int) len;
    }

    final long datasetRow(long r) {
        return perm == null ? r : perm[(int) r];
    }

    final void checkRange(long from, long to) {
        check();
        DataTerm.checkRowRange(from, to, data.rows());
    }

    final void checkParams(double[] params) {
        shape.check(params, "params");
    }

    final void check() {
        if (termClosed) throw new IllegalStateException("data term is closed");
        owner.ensureOpen();
    }

    @Override
    public final double weightSum(long from, long to) {
        checkRange(from, to);
        if (!data.isWeighted()) return to - from;
        double s = 0;
        for (long r = from; r < to; r++) {
            long row = datasetRow(r);
            RowBlock b = blocks[blockIndex(row)];
            s += b.weight((int) (row - b.firstRow()));
        }
        return s;
    }

    final void checkOut(double[] out, long needed) {
        Objects.requireNonNull(out, "out");
        if (out.length < needed) throw new IllegalArgumentException("out has length " + out.length + ", expected at least " + needed);
    }

    @Override
    public final void close() {
        if (termClosed) return;
        termClosed = true;
        owner.closed(this);
    }
}
