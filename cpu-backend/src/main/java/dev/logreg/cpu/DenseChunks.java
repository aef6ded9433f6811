package dev.logreg.cpu;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The rows of an {@link Nd4jDataTerm} in chunks of {@code chunkRows} rows (the last may be shorter): chunk c's
 * features, labels and weights are {@code xb[c]}, {@code yb[c]}, {@code wb[c]} ({@code wb} entries null where
 * unweighted), each either a read-only view of the dataset's own direct native-order buffers (no permutation; see
 * {@link #readInPlace}) or a float32 copy in direct memory the term owns ({@link TermMemory}). The chunk boundaries
 * are the same either way, so both give the same sums to the last bit.
 */
final class DenseChunks {
    final int chunkRows;
    final FloatBuffer[] xb;
    final FloatBuffer[] yb;
    final FloatBuffer[] wb;
    /** Chunks read in place from the dataset's buffers rather than copied. */
    final int inPlace;
    private final long rows;
    private final int n;
    private final boolean weighted;

    /**
     * Cuts {@code data} into chunks, in the row order of {@code options}' permutation where it has one, copying into
     * {@code memory} what is not read in place; where that fails, frees {@code memory} and throws an
     * {@link IllegalArgumentException} that says how much memory the bind needs.
     */
    DenseChunks(Dataset data, int chunkRows, BindOptions options, TermMemory memory) {
        this.rows = data.rows();
        this.n = data.cols();
        this.weighted = data.isWeighted();
        this.chunkRows = chunkRows;
        int chunks = Math.toIntExact((rows + chunkRows - 1) / chunkRows);
        int[] perm = options.permutationSeed().isPresent() ? RowPermutation.of(rows, options.permutationSeed().getAsLong()) : null;
        xb = new FloatBuffer[chunks];
        yb = new FloatBuffer[chunks];
        wb = new FloatBuffer[chunks];
        List<RowBlock> blocks = data.blocks();
        long[] firstRows = new long[blocks.size()];
        for (int i = 0; i < firstRows.length; i++) firstRows[i] = blocks.get(i).firstRow();
        int inPlace = 0;
        try {
            for (int c = 0; c < chunks; c++) {
                long first = (long) c * chunkRows;
                int k = (int) Math.min(chunkRows, rows - first);
                if (perm == null && readInPlace(c, blocks, firstRows, first, k)) {
                    inPlace++;
                    continue;
                }
                xb[c] = memory.floats(Math.multiplyExact(k, n));
                yb[c] = memory.floats(k);
                if (weighted) wb[c] = memory.floats(k);
                if (perm == null) {
                    copyRange(c, blocks, firstRows, first, k);
                } else {
                    gather(c, blocks, firstRows, perm, first, k);
                }
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            memory.freeAll();
            long bytes = Math.multiplyExact(Math.multiplyExact(rows, (long) n + (weighted ? 2 : 1)), 4L);
            throw new IllegalArgumentException("binding " + rows + " x " + n + " needs " + bytes
                    + " bytes of direct memory, which could not be allocated (raise -XX:MaxDirectMemorySize): " + e, e);
        }
        this.inPlace = inPlace;
    }

    /** Number of chunks. */
    int count() { return xb.length; }

    /** Rows of chunk c. */
    int length(int c) {
        return (int) Math.min(chunkRows, rows - (long) c * chunkRows);
    }

    /**
     * Points chunk c (rows [first, first+k)) at the dataset's own buffers where that is safe and as fast as a copy:
     * the rows lie in one block whose features, labels and weights are direct native-order buffers. The dataset is
     * immutable by contract, so reading it in place gives the same numbers as a copy, with no allocation: on a
     * machine where fresh memory costs a page fault per 4 KiB (1.5–3 s for 400 MB on the development VM against
     * 0.03 s for the copy itself), that allocation was nearly all of the bind. Heap arrays are still copied into
     * direct memory (the term then owns its data, as {@link Nd4jBackend#liveAllocations()} reports); so are
     * big-endian buffers (the hot loop would swap bytes on every pass) and chunks that straddle blocks.
     */
    private boolean readInPlace(int c, List<RowBlock> blocks, long[] firstRows, long first, int k) {
        RowBlock b = blocks.get(CsrRows.blockIndex(firstRows, first));
        if (first + k > b.firstRow() + b.rows()) return false;
        FloatBuffer f = b.features();
        FloatBuffer l = b.labels();
        FloatBuffer v = weighted ? b.weights() : null;
        if (!nativeDirect(f) || !nativeDirect(l) || (v != null && !nativeDirect(v))) return false;
        int lo = (int) (first - b.firstRow());
        xb[c] = f.slice(Math.multiplyExact(lo, n), Math.multiplyExact(k, n));
        yb[c] = l.slice(lo, k);
        if (v != null) wb[c] = v.slice(lo, k);
        return true;
    }

    private static boolean nativeDirect(FloatBuffer b) {
        return b.isDirect() && b.order() == ByteOrder.nativeOrder();
    }

    /** Copies rows [first, first+k) into chunk c with one bulk copy per block they touch (no permutation). */
    private void copyRange(int c, List<RowBlock> blocks, long[] firstRows, long first, int k) {
        int done = 0;
        for (int bi = CsrRows.blockIndex(firstRows, first); done < k; bi++) {
            RowBlock b = blocks.get(bi);
            int lo = (int) (first + done - b.firstRow());
            int len = Math.min(k - done, b.rows() - lo);
            xb[c].put(done * n, b.features(), lo * n, len * n);
            yb[c].put(done, b.labels(), lo, len);
            if (weighted) wb[c].put(done, b.weights(), lo, len);
            done += len;
        }
    }

    /** Copies rows perm[first .. first+k) into chunk c, one row at a time (the permuted order). */
    private void gather(int c, List<RowBlock> blocks, long[] firstRows, int[] perm, long first, int k) {
        // One read-only view per block, made once: RowBlock hands out a fresh view per call.
        FloatBuffer[] f = new FloatBuffer[blocks.size()];
        FloatBuffer[] l = new FloatBuffer[blocks.size()];
        FloatBuffer[] v = new FloatBuffer[blocks.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = blocks.get(i).features();
            l[i] = blocks.get(i).labels();
            v[i] = blocks.get(i).weights();
        }
        for (int i = 0; i < k; i++) {
            long src = perm[(int) (first + i)];
            int bi = CsrRows.blockIndex(firstRows, src);
            int r = (int) (src - firstRows[bi]);
            xb[c].put(i * n, f[bi], r * n, n);
            yb[c].put(i, l[bi].get(r));
            if (weighted) wb[c].put(i, v[bi].get(r));
        }
    }
}
