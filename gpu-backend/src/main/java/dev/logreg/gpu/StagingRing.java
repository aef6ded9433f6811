package dev.logreg.gpu;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Page-locked staging buffers that host-to-device copies leave from, taken in turn, with asynchronous copies on a
 * stream of their own: while the copy engine moves buffer k to the device, the host fills buffer k + 1. One
 * synchronous buffer (what the bind did before) leaves the copy engine idle while the host gathers and the host idle
 * while it copies, which held an H100's bind to ~5 GB/s against the ~55 GB/s its copy engines take from pinned memory.
 *
 * <p>Use: {@link #acquire()} the next buffer (it waits until that buffer's last copy has left it), fill
 * {@link #bytes(int)}, {@link #copy} from it (enqueued; returns at once), and {@link #finish()} once everything is
 * enqueued: the data are then on the device. A buffer must not be written between its copy and its next acquire: the
 * copy reads it when it runs, not when it is enqueued (simcuda runs it at the next synchronization point to make such a
 * race fail the tests).
 *
 * <p>Owns its pinned buffers, one event per buffer and the copy stream; {@link #close()} waits for the copies in flight
 * and frees everything, also after a failure (each release tried; the first failure thrown, the others suppressed).
 * Not thread-safe: one thread enqueues (the buffers may be filled by several).
 */
final class StagingRing implements AutoCloseable {
    /**
     * What a failure reported by a wait on the copy stream is: only this ring's copies run there, and the driver
     * reports an asynchronous copy's error at the next call that waits for it, not at the enqueueing call.
     */
    private static final String COPY = "cuMemcpyHtoDAsync of a staged upload";

    private final PinnedBuffer[] buffers;
    private final CUevent[] copied;
    private final CUstream stream;
    /** Per buffer, what its copies in flight are (for the message of a failure the driver reports late), or null. */
    private final String[] inFlight;
    private int next;
    private boolean closed;

    private StagingRing(PinnedBuffer[] buffers, CUevent[] copied, CUstream stream) {
        this.buffers = buffers;
        this.copied = copied;
        this.stream = stream;
        this.inFlight = new String[buffers.length];
    }

    /**
     * {@code count} buffers of {@code bytes} each, their events and a non-blocking copy stream; on a failure, what was
     * made is freed before the exception leaves.
     */
    static StagingRing open(Allocations owner, int count, long bytes) {
        if (count < 1) throw new IllegalArgumentException("staging ring of " + count + " buffers, expected at least 1");
        PinnedBuffer[] buffers = new PinnedBuffer[count];
        CUevent[] copied = new CUevent[count];
        CUstream stream = null;
        try {
            for (int i = 0; i < count; i++) buffers[i] = PinnedBuffer.allocate(bytes, owner);
            for (int i = 0; i < count; i++) {
                CUevent e = new CUevent();
                Cuda.check(JCudaDriver.cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
                copied[i] = e;
            }
            CUstream s = new CUstream();
            Cuda.check(JCudaDriver.cuStreamCreate(s, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(copy stream)");
            stream = s;
            return new StagingRing(buffers, copied, stream);
        } catch (RuntimeException e) {
            release(buffers, copied, stream, e);
            throw e;
        }
    }

    /** Bytes a buffer holds. */
    long bufferBytes() {
        return buffers[0].size();
    }

    /** The next buffer in turn, once its last copy has completed; its index for {@link #bytes} and {@link #copy}. */
    int acquire() {
        checkOpen();
        int slot = next;
        next = (next + 1) % buffers.length;
        Cuda.check(JCudaDriver.cuEventSynchronize(copied[slot]), copies(slot) + " (reported by cuEventSynchronize)");
        inFlight[slot] = null;
        return slot;
    }

    /** A native-order view of buffer {@code slot} (write it only between its acquire and its copies). */
    ByteBuffer bytes(int slot) {
        checkOpen();
        return buffers[slot].bytes();
    }

    /** Enqueues the copy of {@code bytes} from offset {@code from} of buffer {@code slot} to {@code dst}; returns at once. */
    void copy(int slot, long from, CUdeviceptr dst, long bytes, String what) {
        checkOpen();
        if (from < 0 || bytes < 0 || from + bytes > buffers[slot].size()) {
            throw new IllegalArgumentException("copy of [" + from + ", +" + bytes + ") from a staging buffer of " + buffers[slot].size() + " bytes");
        }
        Cuda.check(JCudaDriver.cuMemcpyHtoDAsync(dst, buffers[slot].pointer().withByteOffset(from), bytes, stream),
                "cuMemcpyHtoDAsync(" + what + ")");
        inFlight[slot] = inFlight[slot] == null ? what : inFlight[slot] + ", " + what;
        Cuda.check(JCudaDriver.cuEventRecord(copied[slot], stream), "cuEventRecord(staging buffer " + slot + ")");
    }

    /**
     * Enqueues the copy of {@code bytes} from {@code src}, page-locked host memory owned elsewhere that stays unchanged
     * while copies from it may run, to {@code dst}, counted among buffer {@code slot}'s copies (its next acquire waits
     * for it; {@link #waitForCopies} orders work after it); returns at once.
     */
    void copyFrom(int slot, Pointer src, CUdeviceptr dst, long bytes, String what) {
        checkOpen();
        Cuda.check(JCudaDriver.cuMemcpyHtoDAsync(dst, src, bytes, stream), "cuMemcpyHtoDAsync(" + what + ")");
        inFlight[slot] = inFlight[slot] == null ? what : inFlight[slot] + ", " + what;
        Cuda.check(JCudaDriver.cuEventRecord(copied[slot], stream), "cuEventRecord(staging buffer " + slot + ")");
    }

    /** Makes the copies enqueued after this call wait (on the device) for {@code event}, recorded on another stream. */
    void copiesWaitFor(CUevent event) {
        checkOpen();
        Cuda.check(JCudaDriver.cuStreamWaitEvent(stream, event, 0), "cuStreamWaitEvent(copy stream)");
    }

    /** Makes the work enqueued on {@code other} after this call wait (on the device) for buffer {@code slot}'s copies. */
    void waitForCopies(CUstream other, int slot) {
        checkOpen();
        Cuda.check(JCudaDriver.cuStreamWaitEvent(other, copied[slot], 0), "cuStreamWaitEvent(on the copies of staging buffer " + slot + ")");
    }

    /** Waits until every enqueued copy has reached the device. */
    void finish() {
        checkOpen();
        Cuda.check(JCudaDriver.cuStreamSynchronize(stream), copies(-1) + " (reported by cuStreamSynchronize on the copy stream)");
        Arrays.fill(inFlight, null);
    }

    /** The copies in flight from buffer {@code slot} (from all buffers where -1), named for an error message. */
    private String copies(int slot) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inFlight.length; i++) {
            if ((slot < 0 || i == slot) && inFlight[i] != null) sb.append(sb.length() == 0 ? "" : "; ").append(inFlight[i]);
        }
        return COPY + (sb.length() == 0 ? "" : " (" + sb + ")");
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("staging ring is closed");
    }

    /** Waits for the copies in flight, then frees the stream, the events and the buffers (once). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        try {
            Cuda.check(JCudaDriver.cuStreamSynchronize(stream), copies(-1) + " (reported by cuStreamSynchronize on the copy stream)");
        } catch (RuntimeException e) {
            first = e;
        }
        release(buffers, copied, stream, first);
        if (first != null) throw first;
    }

    /**
     * Frees what exists of a ring, every release tried; failures are added to {@code failure} as suppressed, or thrown
     * where it is null (the first one, the rest suppressed on it).
     */
    private static void release(PinnedBuffer[] buffers, CUevent[] copied, CUstream stream, RuntimeException failure) {
        RuntimeException first = failure;
        if (stream != null) first = OwnedMemory.attempt(first, () -> Cuda.check(JCudaDriver.cuStreamDestroy(stream), "cuStreamDestroy(copy stream)"));
        for (CUevent e : copied) {
            if (e != null) first = OwnedMemory.attempt(first, () -> Cuda.check(JCudaDriver.cuEventDestroy(e), "cuEventDestroy"));
        }
        for (PinnedBuffer b : buffers) {
            if (b != null) first = OwnedMemory.attempt(first, b::close);
        }
        if (failure == null && first != null) throw first;
    }
}
