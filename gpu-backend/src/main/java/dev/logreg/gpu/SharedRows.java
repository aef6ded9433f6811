package dev.logreg.gpu;

import dev.logreg.backend.BindOptions;
import dev.logreg.backend.RowPermutation;
import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import jcuda.driver.JCudaDriver;

import java.nio.FloatBuffer;

/**
 * K-class rows uploaded once for one-vs-rest ({@link CudaOneVsRestTerms}): X (float32, padded to
 * {@link CudaDataTerm#deviceColumns} columns, rows in bound order) and the weights, owned here; each class's
 * {@link CudaDataTerm} reads them without owning them and holds only its own 0/1 labels, which
 * {@link #uploadLabels} derives on the host from the class indices, a chunk at a time. Freed by {@link #close()},
 * which only the owning {@link CudaOneVsRestTerms} calls, after closing every class term. Not thread-safe.
 */
final class SharedRows implements AutoCloseable {
    /** Staging chunk of a label upload: rows of 4 bytes in 32 MiB of pinned memory. */
    private static final long LABEL_CHUNK_ROWS = (32L << 20) / 4;

    private final CudaBackend backend;
    private final Dataset data;
    private final int[] perm;
    private final int cols;
    private final OwnedMemory owned = new OwnedMemory();
    private final DeviceBuffer x;
    private final DeviceBuffer w;
    private final RowBlock[] blocks;
    private final long[] firstRows;
    private final FloatBuffer[] labels;
    private boolean closed;

    /**
     * Uploads X and the weights of {@code data} in the order {@code options} asks for.
     *
     * @throws IllegalArgumentException where X and the weights need more device memory than is free (before any
     *                                  allocation)
     */
    SharedRows(CudaBackend backend, Dataset data, BindOptions options) {
        this.backend = backend;
        this.data = data;
        long rows = data.rows();
        this.perm = options.permutationSeed().isPresent() ? RowPermutation.of(rows, options.permutationSeed().getAsLong()) : null;
        this.cols = CudaDataTerm.deviceColumns(data.cols());
        this.blocks = data.blocks().toArray(new RowBlock[0]);
        this.firstRows = new long[blocks.length];
        this.labels = new FloatBuffer[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            firstRows[i] = blocks[i].firstRow();
            labels[i] = blocks[i].labels();
        }
        long xBytes = Math.multiplyExact(Math.multiplyExact(rows, (long) cols), 4L);
        long wBytes = data.isWeighted() ? Math.multiplyExact(rows, 4L) : 0;
        long[] mem = backend.memoryInfo();
        if (xBytes + wBytes > mem[0]) {
            throw new IllegalArgumentException("dataset " + rows + " x " + data.cols() + " needs " + (xBytes + wBytes) + " bytes of device memory (X "
                    + xBytes + ", weights " + wBytes + ") before any class's labels and workspace, but only " + mem[0] + " bytes are free (of "
                    + mem[1] + ") on " + backend.deviceName());
        }
        try {
            x = own(DeviceBuffer.allocate(xBytes, backend.allocations(), "X"));
            w = data.isWeighted() ? own(DeviceBuffer.allocate(wBytes, backend.allocations(), "weights")) : null;
            RowUpload.upload(backend, data, perm, x, null, w, cols);
        } catch (RuntimeException e) {
            freeAll(e);
            throw e;
        }
    }

    private DeviceBuffer own(DeviceBuffer b) {
        owned.add(b);
        return b;
    }

    Dataset data() { return data; }

    /** The bound order (row i of the device is dataset row perm[i]), or null for the data's own order. */
    int[] permutation() { return perm; }

    /** X on the device, not owned by the caller. */
    DeviceBuffer x() { return x; }

    /** The weights on the device (null where unweighted), not owned by the caller. */
    DeviceBuffer w() { return w; }

    /**
     * Writes into {@code y} (rows floats) the labels of class {@code positiveClass} against the rest in bound order:
     * 1 where a row's class index equals it, else 0, as {@link Dataset#oneVsRest} labels them.
     */
    void uploadLabels(DeviceBuffer y, int positiveClass) {
        long rows = data.rows();
        float c = positiveClass;
        long chunkRows = Math.max(1, Math.min(rows, LABEL_CHUNK_ROWS));
        try (PinnedBuffer pinned = PinnedBuffer.allocate(chunkRows * 4, backend.allocations())) {
            FloatBuffer stage = pinned.bytes().asFloatBuffer();
            for (long r0 = 0; r0 < rows; r0 += chunkRows) {
                long r1 = Math.min(rows, r0 + chunkRows);
                RowUpload.gather(stage, r0, r1, perm, blocks, firstRows, labels, 1, 1);
                int count = (int) (r1 - r0);
                for (int i = 0; i < count; i++) stage.put(i, stage.get(i) == c ? 1f : 0f);
                Cuda.check(JCudaDriver.cuMemcpyHtoD(y.at(r0 * 4), pinned.pointer(), count * 4L), "cuMemcpyHtoD(labels of class " + positiveClass + ")");
            }
        }
    }

    private void freeAll(RuntimeException cause) {
        owned.freeAfter(cause);
    }

    /** Frees X and the weights, newest first. Idempotent. The context must be current. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        owned.close();
    }
}
