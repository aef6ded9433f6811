package dev.logreg.gpu;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One owning page-locked host allocation ({@code cuMemAllocHost}), the staging area of uploads. {@link #close()}
 * frees it, once; use after close throws {@link IllegalStateException}. Not thread-safe.
 */
final class PinnedBuffer implements AutoCloseable {
    private final Pointer ptr;
    private final long bytes;
    private final Allocations owner;
    private boolean closed;

    private PinnedBuffer(Pointer ptr, long bytes, Allocations owner) {
        this.ptr = ptr;
        this.bytes = bytes;
        this.owner = owner;
    }

    /** Allocates {@code bytes} (1 to 2^31 − 1) of pinned host memory. */
    static PinnedBuffer allocate(long bytes, Allocations owner) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("pinned buffer of " + bytes + " bytes, expected 1 to 2^31-1");
        Pointer p = new Pointer();
        Cuda.check(JCudaDriver.cuMemAllocHost(p, bytes), "cuMemAllocHost(" + bytes + " bytes)");
        owner.pinnedAllocated();
        return new PinnedBuffer(p, bytes, owner);
    }

    Pointer pointer() {
        if (closed) throw new IllegalStateException("pinned buffer is closed");
        return ptr;
    }

    /** A native-order view of the whole buffer (valid until close). */
    ByteBuffer bytes() {
        return pointer().getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
    }

    long size() { return bytes; }

    /**
     * Frees the allocation (once). Where {@code cuMemFreeHost} fails (after a sticky error) the buffer is closed all
     * the same and stays counted live until its context is released, which frees it.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Cuda.check(JCudaDriver.cuMemFreeHost(ptr), "cuMemFreeHost");
        owner.pinnedFreed();
    }
}
