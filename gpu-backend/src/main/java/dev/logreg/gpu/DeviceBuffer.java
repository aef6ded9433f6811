package dev.logreg.gpu;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * One owning device allocation ({@code cuMemAlloc}). {@link #close()} frees it, once; {@link #pointer()} after close
 * throws {@link IllegalStateException}. The context must be current on the calling thread. Not thread-safe.
 */
final class DeviceBuffer implements AutoCloseable {
    private final CUdeviceptr ptr;
    private final long bytes;
    private final Allocations owner;
    private final String what;
    private boolean closed;

    private DeviceBuffer(CUdeviceptr ptr, long bytes, Allocations owner, String what) {
        this.ptr = ptr;
        this.bytes = bytes;
        this.owner = owner;
        this.what = what;
    }

    /** Allocates {@code bytes} (at least 1) for {@code what} (named in errors). */
    static DeviceBuffer allocate(long bytes, Allocations owner, String what) {
        if (bytes < 0) throw new IllegalArgumentException("device buffer of " + bytes + " bytes for " + what);
        CUdeviceptr p = new CUdeviceptr();
        Cuda.check(JCudaDriver.cuMemAlloc(p, Math.max(1L, bytes)), "cuMemAlloc(" + bytes + " bytes for " + what + ")");
        owner.deviceAllocated();
        return new DeviceBuffer(p, bytes, owner, what);
    }

    /** The device address; valid until close. */
    CUdeviceptr pointer() {
        if (closed) throw new IllegalStateException("device buffer for " + what + " is closed");
        return ptr;
    }

    /** The device address plus {@code offset} bytes. */
    CUdeviceptr at(long offset) {
        return pointer().withByteOffset(offset);
    }

    long bytes() { return bytes; }

    /**
     * Frees the allocation (once). Where {@code cuMemFree} fails (after a sticky error) the buffer is closed all the
     * same and stays counted live until its context is released, which frees it.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Cuda.check(JCudaDriver.cuMemFree(ptr), "cuMemFree(" + what + ")");
        owner.deviceFreed();
    }
}
