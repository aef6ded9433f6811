package dev.logreg.gpu;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import jcuda.driver.JCudaDriver;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * Copies sparse (CSR) rows to the device in bound order (permuted where asked) through one pinned staging buffer of
 * at most 32 MiB: the 64-bit row offsets (recomputed for the bound order), the column indices, the values, the labels
 * and the weights, each streamed in chunks, so that the host never holds a second copy of the data. For
 * {@link CudaSparseTerm}; counted in {@link CudaBackend#featureUploads()}.
 */
final class SparseUpload {
    /** Staging: 32 MiB of pinned memory (less for small data). */
    private static final long CHUNK_BYTES = 32L << 20;

    private final CudaBackend backend;
    private final long rows;
    private final int[] perm;
    private final RowBlock[] blocks;
    private final long[] firstRows;
    private final LongBuffer[] offsets;

    private SparseUpload(CudaBackend backend, Dataset data, int[] perm) {
        this.backend = backend;
        this.rows = data.rows();
        this.perm = perm;
        this.blocks = data.blocks().toArray(new RowBlock[0]);
        this.firstRows = new long[blocks.length];
        this.offsets = new LongBuffer[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            firstRows[i] = blocks[i].firstRow();
            offsets[i] = blocks[i].rowOffsets();
        }
    }

    /**
     * Uploads {@code data}'s rows in the order {@code perm} gives (null: their own): {@code rowOffsets} (rows + 1
     * longs), {@code indices} and {@code values} (nonzeros each), {@code y} (rows floats) and {@code w} (null where
     * unweighted).
     */
    static void upload(CudaBackend backend, Dataset data, int[] perm, DeviceBuffer rowOffsets, DeviceBuffer indices, DeviceBuffer values,
                       DeviceBuffer y, DeviceBuffer w) {
        new SparseUpload(backend, data, perm).run(data.nonzeros(), rowOffsets, indices, values, y, w);
    }

    private void run(long nonzeros, DeviceBuffer rowOffsets, DeviceBuffer indices, DeviceBuffer values, DeviceBuffer y, DeviceBuffer w) {
        backend.featureUploaded();
        long bytes = Math.max(8, Math.min(CHUNK_BYTES, Math.max(8 * (rows + 1), 4 * Math.max(nonzeros, rows))));
        try (PinnedBuffer pinned = PinnedBuffer.allocate(bytes, backend.allocations())) {
            uploadOffsets(pinned, rowOffsets);
            Stage idx = new Stage(pinned, indices, true);
            Stage val = new Stage(pinned, values, false);
            for (Stage s : new Stage[] {idx, val}) {
                if (perm == null) {
                    // The blocks in order: each block's nonzeros are already contiguous and in row order.
                    for (int bi = 0; bi < blocks.length; bi++) s.put(bi, 0, Math.toIntExact(blocks[bi].nonzeros()));
                } else {
                    for (long r = 0; r < rows; r++) {
                        int bi = block(perm[(int) r]);
                        int local = (int) (perm[(int) r] - firstRows[bi]);
                        int start = (int) offsets[bi].get(local);
                        s.put(bi, start, (int) offsets[bi].get(local + 1) - start);
                    }
                }
                s.flush();
            }
            FloatBuffer stage = pinned.bytes().asFloatBuffer();
            long chunkRows = stage.capacity();
            FloatBuffer[] fy = new FloatBuffer[blocks.length];
            FloatBuffer[] fw = new FloatBuffer[blocks.length];
            for (int i = 0; i < blocks.length; i++) {
                fy[i] = blocks[i].labels();
                fw[i] = blocks[i].weights();
            }
            for (long r0 = 0; r0 < rows; r0 += chunkRows) {
                long r1 = Math.min(rows, r0 + chunkRows);
                RowUpload.gather(stage, r0, r1, perm, blocks, firstRows, fy, 1, 1);
                Cuda.check(JCudaDriver.cuMemcpyHtoD(y.at(r0 * 4), pinned.pointer(), (r1 - r0) * 4), "cuMemcpyHtoD(labels)");
                if (w != null) {
                    RowUpload.gather(stage, r0, r1, perm, blocks, firstRows, fw, 1, 1);
                    Cuda.check(JCudaDriver.cuMemcpyHtoD(w.at(r0 * 4), pinned.pointer(), (r1 - r0) * 4), "cuMemcpyHtoD(weights)");
                }
            }
        }
    }

    /** The bound order's row offsets: entry r is the sum of the lengths of bound rows 0 .. r-1. */
    private void uploadOffsets(PinnedBuffer pinned, DeviceBuffer rowOffsets) {
        LongBuffer stage = pinned.bytes().asLongBuffer();
        int capacity = stage.capacity();
        int pos = 0;
        long flushed = 0;
        long running = 0;
        int bi = 0;
        for (long r = 0; r <= rows; r++) {
            stage.put(pos++, running);
            if (r < rows) {
                long row = perm == null ? r : perm[(int) r];
                bi = perm == null ? advance(bi, row) : block(row);
                int local = (int) (row - firstRows[bi]);
                running += offsets[bi].get(local + 1) - offsets[bi].get(local);
            }
            if (pos == capacity || r == rows) {
                Cuda.check(JCudaDriver.cuMemcpyHtoD(rowOffsets.at(8 * flushed), pinned.pointer(), 8L * pos), "cuMemcpyHtoD(row offsets)");
                flushed += pos;
                pos = 0;
            }
        }
    }

    /** The block holding {@code row}, from {@code bi} on (rows visited in order). */
    private int advance(int bi, long row) {
        while (bi + 1 < blocks.length && firstRows[bi + 1] <= row) bi++;
        return bi;
    }

    /** The block holding dataset row {@code row} (binary search). */
    private int block(long row) {
        int b = java.util.Arrays.binarySearch(firstRows, row);
        if (b < 0) b = -b - 2;
        // Blocks of zero rows share a first row with the next: take the last block starting there.
        while (b + 1 < firstRows.length && firstRows[b + 1] == row) b++;
        return b;
    }

    /** Four-byte entries (the column indices, or the values) gathered into the staging buffer and flushed to consecutive device offsets. */
    private final class Stage {
        private final PinnedBuffer pinned;
        private final DeviceBuffer dst;
        private final boolean indices;
        /** Each block's index or value view, made once (a view per row would be one object a row). */
        private final IntBuffer[] blockIndices;
        private final FloatBuffer[] blockValues;
        private final IntBuffer ints;
        private final FloatBuffer floats;
        private final int capacity;
        private int pos;
        private long flushed;

        Stage(PinnedBuffer pinned, DeviceBuffer dst, boolean indices) {
            this.pinned = pinned;
            this.dst = dst;
            this.indices = indices;
            this.blockIndices = new IntBuffer[blocks.length];
            this.blockValues = new FloatBuffer[blocks.length];
            for (int b = 0; b < blocks.length; b++) {
                if (indices) blockIndices[b] = blocks[b].indices(); else blockValues[b] = blocks[b].values();
            }
            this.ints = pinned.bytes().asIntBuffer();
            this.floats = pinned.bytes().asFloatBuffer();
            this.capacity = ints.capacity();
        }

        /** Entries [from, from + count) of block {@code b}'s indices (the index stage) or values (the value stage). */
        void put(int b, int from, int count) {
            IntBuffer si = blockIndices[b];
            FloatBuffer sf = blockValues[b];
            while (count > 0) {
                int take = Math.min(count, capacity - pos);
                if (si != null) ints.put(pos, si, from, take); else floats.put(pos, sf, from, take);
                pos += take;
                from += take;
                count -= take;
                if (pos == capacity) flush();
            }
        }

        void flush() {
            if (pos == 0) return;
            Cuda.check(JCudaDriver.cuMemcpyHtoD(dst.at(4 * flushed), pinned.pointer(), 4L * pos), indices ? "cuMemcpyHtoD(column indices)" : "cuMemcpyHtoD(values)");
            flushed += pos;
            pos = 0;
        }
    }
}
