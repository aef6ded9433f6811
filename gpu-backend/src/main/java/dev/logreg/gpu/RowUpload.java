package dev.logreg.gpu;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Dense rows from host memory (the dataset's blocks: heap, direct or a mapped file's pages) to device buffers, in
 * bound order: the upload of every dense bind ({@link CudaDataTerm}, {@link CudaSoftmaxTerm}, {@link SharedRows}) and
 * the row gather the sparse upload shares. Stateless.
 */
final class RowUpload {
    /** Staging chunk for uploads: 32 MiB of pinned memory (or one row, if larger) a buffer. */
    private static final long UPLOAD_CHUNK_BYTES = 32L << 20;
    /** Staging buffers of an upload: one being filled, one being copied, one spare for an uneven pace. */
    private static final int STAGING_BUFFERS = 3;
    /** Most threads that gather one chunk of rows into its staging buffer. */
    private static final int GATHER_THREADS = 4;
    /** Least floats a gathering thread takes (1 MiB), so small uploads stay on one thread. */
    private static final long GATHER_MIN_FLOATS = 1L << 18;

    private RowUpload() {}

    /**
     * Copies X (padded to {@code cols} columns with zeros), labels ({@code y} null to leave them out) and weights
     * ({@code w} null where unweighted) in bound order (permuted where asked), through a {@link StagingRing} of
     * {@value #STAGING_BUFFERS} pinned buffers: the host gathers chunk k + 1 (on up to {@value #GATHER_THREADS}
     * threads) while chunk k is copied. The bytes on the device are those of one synchronous buffer, as before.
     * Shared with {@link CudaSoftmaxTerm} and {@link SharedRows}; counted in {@link CudaBackend#featureUploads()}.
     */
    static void upload(CudaBackend backend, Dataset data, int[] perm, DeviceBuffer x, DeviceBuffer y, DeviceBuffer w, int cols) {
        upload(backend, data, perm, x, y, w, cols, UPLOAD_CHUNK_BYTES);
    }

    /**
     * The labels and weights ({@code w} null where unweighted) alone, in bound order, as {@link #upload} copies them:
     * for a {@link StreamedDataTerm}, whose X stays in host memory.
     */
    static void uploadLabels(CudaBackend backend, Dataset data, int[] perm, DeviceBuffer y, DeviceBuffer w) {
        upload(backend, data, perm, null, y, w, 0, UPLOAD_CHUNK_BYTES);
    }

    /** {@link #upload} through staging buffers ({@code x} null to leave X out) of about {@code chunkBytes} of rows each (the tests make them tiny). */
    static void upload(CudaBackend backend, Dataset data, int[] perm, DeviceBuffer x, DeviceBuffer y, DeviceBuffer w, int cols,
                       long chunkBytes) {
        // Rows that are a mapped file's pages are copied from them in Java (gather), where a fault is an error, not a
        // crash; a file truncated or modified since it was mapped is refused here, by name, before the copy.
        data.checkMappedFiles();
        long rows = data.rows();
        int n = data.cols();
        boolean weighted = w != null;
        RowBlock[] blocks = data.blocks().toArray(new RowBlock[0]);
        long[] firstRows = new long[blocks.length];
        FloatBuffer[] fx = new FloatBuffer[blocks.length];
        FloatBuffer[] fy = new FloatBuffer[blocks.length];
        FloatBuffer[] fw = new FloatBuffer[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            firstRows[i] = blocks[i].firstRow();
            fx[i] = blocks[i].features();
            fy[i] = blocks[i].labels();
            fw[i] = blocks[i].weights();
        }
        if (x != null) backend.featureUploaded();
        long rowBytes = x != null ? 4L * cols : 0;
        long chunkRows = Math.max(1, Math.min(rows, chunkBytes / Math.max(rowBytes, 8)));
        long yAt = chunkRows * rowBytes;                      // a buffer: X rows, then labels, then weights
        long wAt = yAt + (y != null ? 4 * chunkRows : 0);
        long bufferBytes = wAt + (weighted ? 4 * chunkRows : 0);
        int buffers = (int) Math.min(STAGING_BUFFERS, (rows + chunkRows - 1) / chunkRows);
        try (StagingRing ring = StagingRing.open(backend.allocations(), buffers, bufferBytes)) {
            for (long r0 = 0; r0 < rows; r0 += chunkRows) {
                long r1 = Math.min(rows, r0 + chunkRows);
                int slot = ring.acquire();
                ByteBuffer stage = ring.bytes(slot);
                if (x != null) {
                    gatherInParallel(stage.asFloatBuffer(), r0, r1, perm, blocks, firstRows, fx, n, cols);
                    ring.copy(slot, 0, x.at(r0 * rowBytes), (r1 - r0) * rowBytes, "X rows " + r0 + "..");
                }
                if (y != null) {
                    gather(stage.slice((int) yAt, (int) (4 * (r1 - r0))).order(stage.order()).asFloatBuffer(), r0, r1, perm, blocks, firstRows, fy, 1, 1);
                    ring.copy(slot, yAt, y.at(r0 * 4), (r1 - r0) * 4, "labels");
                }
                if (weighted) {
                    gather(stage.slice((int) wAt, (int) (4 * (r1 - r0))).order(stage.order()).asFloatBuffer(), r0, r1, perm, blocks, firstRows, fw, 1, 1);
                    ring.copy(slot, wAt, w.at(r0 * 4), (r1 - r0) * 4, "weights");
                }
            }
            ring.finish();
        }
    }

    /**
     * {@link #gather} of rows [r0, r1) split into row ranges gathered at once (each row lands at its own offset, so the
     * bytes are those of one thread). A chunk is 32 MiB: one thread copies it at ~5-10 GB/s, the copy engine at ~55.
     */
    static void gatherInParallel(FloatBuffer dst, long r0, long r1, int[] perm, RowBlock[] blocks, long[] firstRows,
                                         FloatBuffer[] src, int per, int stride) {
        int parts = (int) Math.max(1, Math.min(Math.min(GATHER_THREADS, Runtime.getRuntime().availableProcessors()),
                (r1 - r0) * stride / GATHER_MIN_FLOATS));
        if (parts == 1) {
            gather(dst, r0, r1, perm, blocks, firstRows, src, per, stride);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(p -> {
            long a = r0 + (r1 - r0) * p / parts;
            long b = r0 + (r1 - r0) * (p + 1) / parts;
            gather(dst.slice((int) ((a - r0) * stride), (int) ((b - a) * stride)), a, b, perm, blocks, firstRows, src, per, stride);
        });
    }

    /**
     * Writes bound rows [r0, r1) of {@code src} (per block, {@code per} floats a row) into {@code dst} from 0,
     * {@code stride} floats a row: the row's {@code per} floats, then zeros (stride ≥ per).
     */
    static void gather(FloatBuffer dst, long r0, long r1, int[] perm, RowBlock[] blocks, long[] firstRows, FloatBuffer[] src, int per,
                       int stride) {
        int pos = 0;
        long r = r0;
        int bi = 0;
        while (r < r1) {
            long ds = perm == null ? r : perm[(int) r];
            bi = blockIndex(firstRows, ds, bi);
            int local = (int) (ds - firstRows[bi]);
            int run = perm == null ? (int) Math.min(r1 - r, blocks[bi].rows() - local) : 1;
            if (stride == per) {
                dst.put(pos, src[bi], local * per, run * per);
                pos += run * per;
            } else {
                for (int i = 0; i < run; i++) {
                    dst.put(pos, src[bi], (local + i) * per, per);
                    for (int j = per; j < stride; j++) dst.put(pos + j, 0f);
                    pos += stride;
                }
            }
            r += run;
        }
    }

    /** Index of the block holding dataset row {@code row}; {@code hint} is tried first (sequential access). */
    private static int blockIndex(long[] firstRows, long row, int hint) {
        if (firstRows[hint] <= row && (hint + 1 == firstRows.length || row < firstRows[hint + 1])) return hint;
        int lo = 0;
        int hi = firstRows.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (firstRows[mid] <= row) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
