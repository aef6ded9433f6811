package dev.logreg.cpu;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of an {@link Nd4jDataTerm} in chunks of {@code chunkRows} rows (the last may be shorter): chunk c's
 * features, labels and weights are {@code xb[c]}, {@code yb[c]}, {@code wb[c]} ({@code wb} entries null where
 * unweighted), each either read-only views of the dataset's own direct native-order buffers, one per block the chunk's
 * rows lie in (no permutation; see {@link #readInPlace}), or a float32 copy in direct memory the term owns
 * ({@link TermMemory}). The chunk boundaries are the same either way, so both give the same sums to the last bit.
 */
final class DenseChunks {
    final int chunkRows;
    final ChunkFloats[] xb;
    final ChunkFloats[] yb;
    final ChunkFloats[] wb;
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
        xb = new ChunkFloats[chunks];
        yb = new ChunkFloats[chunks];
        wb = new ChunkFloats[chunks];
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
                FloatBuffer x = memory.floats(Math.multiplyExact(k, n));
                FloatBuffer y = memory.floats(k);
                FloatBuffer w = weighted ? memory.floats(k) : null;
                if (perm == null) {
                    copyRange(blocks, firstRows, first, k, x, y, w);
                } else {
                    gather(blocks, firstRows, perm, first, k, x, y, w);
                }
                xb[c] = ChunkFloats.of(x);
                yb[c] = ChunkFloats.of(y);
                if (weighted) wb[c] = ChunkFloats.of(w);
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
     * every block the rows lie in holds its features, labels and weights in direct native-order buffers. The dataset
     * is immutable by contract, so reading it in place gives the same numbers as a copy, with no allocation: on a
     * machine where fresh memory costs a page fault per 4 KiB (1.5–3 s for 400 MB on the development VM against
     * 0.03 s for the copy itself), that allocation was nearly all of the bind. A chunk whose rows straddle blocks
     * reads each block's part where it is ({@link ChunkFloats}). Heap arrays are still copied into direct memory (the
     * term then owns its data, as {@link Nd4jBackend#liveAllocations()} reports); so are big-endian buffers (the hot
     * loop would swap bytes on every pass).
     */
    private boolean readInPlace(int c, List<RowBlock> blocks, long[] firstRows, long first, int k) {
        List<FloatBuffer> f = new ArrayList<>();
        List<FloatBuffer> l = new ArrayList<>();
        List<FloatBuffer> v = new ArrayList<>();
        int done = 0;
        for (int bi = CsrRows.blockIndex(firstRows, first); done < k; bi++) {
            RowBlock b = blocks.get(bi);
            int lo = (int) (first + done - b.firstRow());
            int len = Math.min(k - done, b.rows() - lo);
            FloatBuffer bf = b.features();
            FloatBuffer bl = b.labels();
            FloatBuffer bv = weighted ? b.weights() : null;
            if (!nativeDirect(bf) || !nativeDirect(bl) || (bv != null && !nativeDirect(bv))) return false;
            if (len > 0) {
                f.add(bf.slice(Math.multiplyExact(lo, n), Math.multiplyExact(len, n)));
                l.add(bl.slice(lo, len));
                if (bv != null) v.add(bv.slice(lo, len));
            }
            done += len;
        }
        xb[c] = ChunkFloats.of(f);
        yb[c] = ChunkFloats.of(l);
        if (weighted) wb[c] = ChunkFloats.of(v);
        return true;
    }

    private static boolean nativeDirect(FloatBuffer b) {
        return b.isDirect() && b.order() == ByteOrder.nativeOrder();
    }

    /** Copies rows [first, first+k) into x, y, w with one bulk copy per block they touch (no permutation). */
    private void copyRange(List<RowBlock> blocks, long[] firstRows, long first, int k, FloatBuffer x, FloatBuffer y, FloatBuffer w) {
        int done = 0;
        for (int bi = CsrRows.blockIndex(firstRows, first); done < k; bi++) {
            RowBlock b = blocks.get(bi);
            int lo = (int) (first + done - b.firstRow());
            int len = Math.min(k - done, b.rows() - lo);
            x.put(done * n, b.features(), lo * n, len * n);
            y.put(done, b.labels(), lo, len);
            if (weighted) w.put(done, b.weights(), lo, len);
            done += len;
        }
    }

    /** Copies rows perm[first .. first+k) into x, y, w, one row at a time (the permuted order). */
    private void gather(List<RowBlock> blocks, long[] firstRows, int[] perm, long first, int k, FloatBuffer x, FloatBuffer y, FloatBuffer w) {
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
            x.put(i * n, f[bi], r * n, n);
            y.put(i, l[bi].get(r));
            if (weighted) w.put(i, v[bi].get(r));
        }
    }
}
