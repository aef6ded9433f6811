package dev.logreg.gpu;

import dev.logreg.data.Dataset;
import dev.logreg.data.RowBlock;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

import java.nio.FloatBuffer;

/**
 * Rows in host memory (a dataset's blocks: heap, direct or a mapped file's pages) brought to the device a chunk at a
 * time, on every pass, for a {@link StreamedDataTerm}: two device buffers of {@code chunkRows} rows of X (padded to the
 * device's columns) and a {@link StagingRing} of two pinned buffers. For chunk k the host gathers its rows into a
 * pinned buffer, the copy stream copies them into device buffer k mod 2 once the kernel of chunk k - 2 has finished
 * reading that buffer, and the kernel of chunk k, on the backend's stream, waits for that copy alone: so the copy of
 * chunk k + 1 runs while the kernel works on chunk k, and the host gathers chunk k + 2 meanwhile. Events order all of
 * it on the device; the host waits only to refill a pinned buffer whose copy has not yet left it.
 *
 * <p>Where the host can spare the memory ({@code resident}), X is gathered once, at open, into page-locked chunks of
 * {@code chunkRows} rows held for the pipeline's life, and every pass copies from them with no host work: the copy
 * engine then runs at the device's own pinned bandwidth, which a gather per pass (a host memcpy of all of X, a few
 * threads at 5-10 GB/s each) would hold back. Otherwise (X too large to pin twice over) the host gathers every pass.
 * The bytes reaching the device are the same either way.
 *
 * <p>Owns its device buffers, events and ring; {@link #close()} frees them (each release tried, the first failure
 * thrown), also when {@link #open} fails part way. Not thread-safe.
 */
final class ChunkPipeline implements AutoCloseable {
    /** Device buffers of X (and pinned staging buffers): one being read by a kernel while the other is filled. */
    private static final int BUFFERS = 2;

    /** The kernel of one chunk: rows [c0, c1) of the pass, whose X is at {@code x} (row c0 first). */
    interface ChunkKernel {
        void launch(long c0, long c1, CUdeviceptr x);
    }

    private final CudaBackend backend;
    private final Dataset data;
    private final long chunkRows;
    private final int n;
    private final int cols;
    private final int[] perm;
    private final RowBlock[] blocks;
    private final long[] firstRows;
    private final FloatBuffer[] features;
    private final DeviceBuffer[] chunks = new DeviceBuffer[BUFFERS];
    /** Per device buffer: recorded on the backend's stream after the last kernel that reads it. */
    private final CUevent[] read = new CUevent[BUFFERS];
    private StagingRing ring;
    /** X in bound order, gathered once into page-locked memory, {@code chunkRows} rows a buffer; null where not resident. */
    private PinnedBuffer[] resident;
    private boolean closed;

    private ChunkPipeline(CudaBackend backend, Dataset data, int[] perm, int cols, long chunkRows) {
        this.backend = backend;
        this.data = data;
        this.chunkRows = chunkRows;
        this.n = data.cols();
        this.cols = cols;
        this.perm = perm;
        this.blocks = data.blocks().toArray(new RowBlock[0]);
        this.firstRows = new long[blocks.length];
        this.features = new FloatBuffer[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            firstRows[i] = blocks[i].firstRow();
            features[i] = blocks[i].features();
        }
    }

    /** Device bytes a pipeline of {@code chunkRows} rows of {@code cols} floats allocates. */
    static long deviceBytes(long chunkRows, int cols) {
        return BUFFERS * chunkRows * cols * 4L;
    }

    /**
     * The pipeline for {@code data}'s rows in bound order ({@code perm} null for the data's own): its buffers of
     * {@code chunkRows} rows (at most the data's rows) of {@code cols} floats. Frees what it made before a failure leaves.
     */
    static ChunkPipeline open(CudaBackend backend, Dataset data, int[] perm, int cols, long chunkRows, boolean resident) {
        ChunkPipeline p = new ChunkPipeline(backend, data, perm, cols, chunkRows);
        try {
            long bytes = chunkRows * cols * 4L;
            for (int b = 0; b < BUFFERS; b++) p.chunks[b] = DeviceBuffer.allocate(bytes, backend.allocations(), "X chunk " + b + " (streamed rows)");
            for (int b = 0; b < BUFFERS; b++) {
                CUevent e = new CUevent();
                Cuda.check(JCudaDriver.cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate(X chunk " + b + " read)");
                p.read[b] = e;
            }
            // Resident: the ring's buffers are never filled (its stream and events order the copies), so a byte each.
            p.ring = StagingRing.open(backend.allocations(), BUFFERS, resident ? 1 : bytes);
            if (resident) {
                data.checkMappedFiles();
                long rows = data.rows();
                p.resident = new PinnedBuffer[Math.toIntExact((rows + chunkRows - 1) / chunkRows)];
                for (int i = 0; i < p.resident.length; i++) {
                    long r0 = i * chunkRows;
                    long r1 = Math.min(rows, r0 + chunkRows);
                    PinnedBuffer h = PinnedBuffer.allocate((r1 - r0) * cols * 4L, backend.allocations());
                    p.resident[i] = h;
                    RowUpload.gatherInParallel(h.bytes().asFloatBuffer(), r0, r1, perm, p.blocks, p.firstRows, p.features, p.n, cols);
                }
            }
            return p;
        } catch (RuntimeException e) {
            try {
                p.close();
            } catch (RuntimeException suppressed) {
                if (!CudaException.isSticky(e)) e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Whether X is held in page-locked host memory (copied from there every pass, not gathered). */
    boolean resident() { return resident != null; }

    /** Rows a chunk holds. */
    long chunkRows() { return chunkRows; }

    /**
     * Brings rows [from, to) to the device chunk by chunk (chunks of {@link #chunkRows} rows from {@code from}) and
     * enqueues {@code kernel} on the backend's stream for each, after its chunk's copy. Returns once everything is
     * enqueued: the caller's next synchronizing call on the backend's stream (a reduction's copy back) waits for it all.
     * Where the rows are gathered every pass, the data's mapped files are checked first (a file truncated since the bind
     * is refused by name, not a crash).
     */
    void forEachChunk(long from, long to, ChunkKernel kernel) {
        forEachChunk(from, to, chunkRows, kernel);
    }

    /** {@link #forEachChunk(long, long, ChunkKernel)} in pieces of {@code step} rows (1 to {@link #chunkRows}). */
    void forEachChunk(long from, long to, long step, ChunkKernel kernel) {
        if (closed) throw new IllegalStateException("chunk pipeline is closed");
        if (step < 1 || step > chunkRows) throw new IllegalArgumentException("step of " + step + " rows, expected 1 to " + chunkRows);
        if (resident == null) data.checkMappedFiles();
        long rowBytes = 4L * cols;
        int k = 0;
        for (long c0 = from; c0 < to; c0 += step, k++) {
            long c1 = Math.min(to, c0 + step);
            int b = k % BUFFERS;
            int slot = ring.acquire();  // its copy (of chunk k - 2) has left it
            if (resident == null) RowUpload.gatherInParallel(ring.bytes(slot).asFloatBuffer(), c0, c1, perm, blocks, firstRows, features, n, cols);
            ring.copiesWaitFor(read[b]);  // the kernel of chunk k - 2 has read device buffer b
            if (resident == null) {
                ring.copy(slot, 0, chunks[b].pointer(), (c1 - c0) * rowBytes, "streamed X rows " + c0 + ".." + c1);
            } else {
                // Rows [c0, c1) from the resident chunks (two of them where the pass's chunks start off row 0's grid).
                for (long r = c0; r < c1; ) {
                    int h = (int) (r / chunkRows);
                    long end = Math.min(c1, (h + 1) * chunkRows);
                    ring.copyFrom(slot, resident[h].pointer().withByteOffset((r - h * chunkRows) * rowBytes), chunks[b].at((r - c0) * rowBytes),
                            (end - r) * rowBytes, "streamed X rows " + r + ".." + end + " (resident)");
                    r = end;
                }
            }
            ring.waitForCopies(backend.stream(), slot);
            kernel.launch(c0, c1, chunks[b].pointer());
            Cuda.check(JCudaDriver.cuEventRecord(read[b], backend.stream()), "cuEventRecord(X chunk " + b + " read)");
        }
    }

    /**
     * Waits for the work in flight (ignoring its failure: the caller reports the one that brought it here), then frees
     * the ring, the events and the device buffers, newest first. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        // The kernels on the backend's stream may still read the chunks: wait for them before the buffers go.
        JCudaDriver.cuStreamSynchronize(backend.stream());
        if (ring != null) first = OwnedMemory.attempt(first, ring::close);
        if (resident != null) {
            for (int i = resident.length - 1; i >= 0; i--) {
                PinnedBuffer h = resident[i];
                if (h != null) first = OwnedMemory.attempt(first, h::close);
            }
        }
        for (CUevent e : read) {
            if (e != null) first = OwnedMemory.attempt(first, () -> Cuda.check(JCudaDriver.cuEventDestroy(e), "cuEventDestroy(X chunk read)"));
        }
        for (int b = BUFFERS - 1; b >= 0; b--) {
            DeviceBuffer d = chunks[b];
            if (d != null) first = OwnedMemory.attempt(first, d::close);
        }
        if (first != null) throw first;
    }
}
