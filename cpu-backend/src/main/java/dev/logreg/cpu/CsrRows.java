package dev.logreg.cpu;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Sparse (CSR) rows bound to an {@link Nd4jBackend}, in chunks: row offsets (64-bit, chunk-local, starting at 0),
 * column indices, values, labels and weights per chunk, each chunk's buffers indexable by {@code int}.
 *
 * <p>Where no permutation is asked, each chunk <em>is</em> one of the dataset's blocks, read in place (its buffers are
 * the dataset's own, direct native-order ones from {@link dev.logreg.data.SparseBuilder} and the readers, or the heap
 * arrays {@link Dataset#wrapCsr} wraps): nothing is copied and nothing allocated. A {@link Dataset} is immutable, so
 * that is safe while the dataset stays reachable, which the term that holds these rows ensures. With a permutation the
 * rows are copied once, in the permuted order, into direct memory these rows own ({@link TermMemory}): 8 bytes a
 * nonzero plus 12 a row (16 where weighted), in chunks of at most 2^28 nonzeros and 2^27 rows, as {@link dev.logreg.data.SparseBuilder} cuts them.
 *
 * <p>The class labels are kept as the dataset holds them; a term bound for one-vs-rest derives its 0/1 labels from
 * them as it reads each row, so that K classes share one copy of the rows. Not thread-safe to build; read-only
 * (so safe to read from many threads) once built.
 */
final class CsrRows implements AutoCloseable {
    /** Most nonzeros in one copied chunk (as {@link Dataset#DEFAULT_BLOCK_CAPACITY}: 1 GiB of values). */
    static final int MAX_CHUNK_NONZEROS = Dataset.DEFAULT_BLOCK_CAPACITY;
    /** Most rows in one copied chunk (as {@link dev.logreg.data.SparseBuilder#MAX_ROWS_PER_BLOCK}). */
    static final int MAX_CHUNK_ROWS = dev.logreg.data.SparseBuilder.MAX_ROWS_PER_BLOCK;

    final long rows;
    final int cols;
    final boolean weighted;
    final long nonzeros;
    /** First bound row of each chunk, and {@link #rows} last (chunks + 1 entries). */
    final long[] firstRow;
    /** Nonzeros before each chunk, and {@link #nonzeros} last (chunks + 1 entries). */
    final long[] firstNonzero;
    final LongBuffer[] offsets;
    final IntBuffer[] indices;
    final FloatBuffer[] values;
    final FloatBuffer[] labels;
    /** Per chunk; {@code null} entries where unweighted. */
    final FloatBuffer[] weights;
    /** Whether the chunks are the dataset's own buffers (no permutation) rather than copies. */
    final boolean inPlace;
    /** The dataset, held so that in-place buffers stay valid while these rows are bound. */
    private final Dataset data;
    /** The permuted copy (nothing where read in place). */
    private final TermMemory memory;
    private boolean closed;

    /**
     * Binds {@code data}'s sparse rows, in the order of {@code perm} (bound row i is dataset row perm[i]) or in their
     * own order where {@code perm} is {@code null}.
     *
     * @throws IllegalArgumentException where the permuted copy cannot be allocated (the message gives the bytes)
     */
    CsrRows(Nd4jBackend backend, Dataset data, int[] perm) {
        if (!data.isSparse()) throw new IllegalArgumentException("CsrRows binds sparse data; these data are dense");
        this.memory = new TermMemory(backend);
        this.data = data;
        this.rows = data.rows();
        this.cols = data.cols();
        this.weighted = data.isWeighted();
        this.nonzeros = data.nonzeros();
        this.inPlace = perm == null;
        List<RowBlock> blocks = data.blocks();
        if (perm == null) {
            int chunks = blocks.size();
            firstRow = new long[chunks + 1];
            firstNonzero = new long[chunks + 1];
            offsets = new LongBuffer[chunks];
            indices = new IntBuffer[chunks];
            values = new FloatBuffer[chunks];
            labels = new FloatBuffer[chunks];
            weights = new FloatBuffer[chunks];
            for (int c = 0; c < chunks; c++) {
                RowBlock b = blocks.get(c);
                firstRow[c] = b.firstRow();
                firstNonzero[c + 1] = firstNonzero[c] + b.nonzeros();
                offsets[c] = b.rowOffsets();
                indices[c] = b.indices();
                values[c] = b.values();
                labels[c] = b.labels();
                weights[c] = b.weights();
            }
            firstRow[chunks] = rows;
            return;
        }
        // Permuted: first the chunk boundaries (by the permuted rows' lengths), then one copy per chunk.
        long[] blockFirst = new long[blocks.size()];
        LongBuffer[] srcOffsets = new LongBuffer[blocks.size()];
        for (int b = 0; b < blockFirst.length; b++) {
            blockFirst[b] = blocks.get(b).firstRow();
            srcOffsets[b] = blocks.get(b).rowOffsets();
        }
        List<long[]> bounds = new ArrayList<>();  // {first bound row, rows, nonzeros}
        long chunkStart = 0;
        long chunkNonzeros = 0;
        for (int i = 0; i < rows; i++) {
            int b = blockIndex(blockFirst, perm[i]);
            int local = (int) (perm[i] - blockFirst[b]);
            long len = srcOffsets[b].get(local + 1) - srcOffsets[b].get(local);
            if (i > chunkStart && (chunkNonzeros + len > MAX_CHUNK_NONZEROS || i - chunkStart >= MAX_CHUNK_ROWS)) {
                bounds.add(new long[] {chunkStart, i - chunkStart, chunkNonzeros});
                chunkStart = i;
                chunkNonzeros = 0;
            }
            chunkNonzeros += len;
        }
        bounds.add(new long[] {chunkStart, rows - chunkStart, chunkNonzeros});
        int chunks = bounds.size();
        firstRow = new long[chunks + 1];
        firstNonzero = new long[chunks + 1];
        offsets = new LongBuffer[chunks];
        indices = new IntBuffer[chunks];
        values = new FloatBuffer[chunks];
        labels = new FloatBuffer[chunks];
        weights = new FloatBuffer[chunks];
        IntBuffer[] srcIdx = new IntBuffer[blocks.size()];
        FloatBuffer[] srcVal = new FloatBuffer[blocks.size()];
        FloatBuffer[] srcY = new FloatBuffer[blocks.size()];
        FloatBuffer[] srcW = new FloatBuffer[blocks.size()];
        for (int b = 0; b < blockFirst.length; b++) {
            srcIdx[b] = blocks.get(b).indices();
            srcVal[b] = blocks.get(b).values();
            srcY[b] = blocks.get(b).labels();
            srcW[b] = blocks.get(b).weights();
        }
        try {
            for (int c = 0; c < chunks; c++) {
                long[] bd = bounds.get(c);
                int k = (int) bd[1];
                int nnz = (int) bd[2];
                firstRow[c] = bd[0];
                firstNonzero[c + 1] = firstNonzero[c] + nnz;
                LongBuffer off = memory.longs(k + 1);
                IntBuffer idx = memory.ints(Math.max(1, nnz));
                FloatBuffer val = memory.floats(Math.max(1, nnz));
                FloatBuffer y = memory.floats(k);
                FloatBuffer w = weighted ? memory.floats(k) : null;
                int at = 0;
                off.put(0, 0L);
                for (int i = 0; i < k; i++) {
                    int src = perm[(int) (bd[0] + i)];
                    int b = blockIndex(blockFirst, src);
                    int local = (int) (src - blockFirst[b]);
                    int s = (int) srcOffsets[b].get(local);
                    int len = (int) (srcOffsets[b].get(local + 1) - s);
                    idx.put(at, srcIdx[b], s, len);
                    val.put(at, srcVal[b], s, len);
                    at += len;
                    off.put(i + 1, at);
                    y.put(i, srcY[b].get(local));
                    if (w != null) w.put(i, srcW[b].get(local));
                }
                offsets[c] = off;
                indices[c] = idx;
                values[c] = val;
                labels[c] = y;
                weights[c] = w;
            }
            firstRow[chunks] = rows;
        } catch (RuntimeException | OutOfMemoryError e) {
            close();
            long bytes = nonzeros * 8 + rows * (weighted ? 16 : 12);
            throw new IllegalArgumentException("binding " + rows + " sparse rows (" + nonzeros + " nonzeros) in permuted order needs "
                    + bytes + " bytes of direct memory, which could not be allocated (raise -XX:MaxDirectMemorySize): " + e, e);
        }
    }

    /** Number of chunks. */
    int chunks() { return offsets.length; }

    /** The chunk holding bound row {@code row}. */
    int chunkOf(long row) {
        return blockIndex(firstRow, row);
    }

    /** Nonzeros of the bound rows before {@code row} (row may be {@link #rows}). */
    long nonzerosBefore(long row) {
        if (row >= rows) return nonzeros;
        int c = chunkOf(row);
        return firstNonzero[c] + offsets[c].get((int) (row - firstRow[c]));
    }

    /** Index of the last entry of {@code first} (ascending) that is at most {@code row}. */
    static int blockIndex(long[] first, long row) {
        // Entries are distinct (no chunk is empty), so an exact hit is the chunk that starts at row.
        int i = java.util.Arrays.binarySearch(first, row);
        return i >= 0 ? i : -i - 2;
    }

    /** Frees the permuted copy (nothing where read in place). Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        memory.freeAll();
    }
}
