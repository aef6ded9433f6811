package dev.logreg.gpu;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the live native allocations of one backend, device ({@code cuMemAlloc}) and pinned host
 * ({@code cuMemAllocHost}) apart, for {@link CudaBackend#liveAllocations()} and its two parts. An allocation counts
 * from its successful allocation until its successful free; one whose free failed (after a sticky error) counts until
 * the context that owns it is released. Thread-safe.
 */
final class Allocations {
    private final AtomicLong device = new AtomicLong();
    private final AtomicLong pinned = new AtomicLong();

    void deviceAllocated() { device.incrementAndGet(); }

    void deviceFreed() { device.decrementAndGet(); }

    void pinnedAllocated() { pinned.incrementAndGet(); }

    void pinnedFreed() { pinned.decrementAndGet(); }

    /** Live device allocations. */
    long device() { return device.get(); }

    /** Live pinned host allocations. */
    long pinned() { return pinned.get(); }

    /** Device and pinned together. */
    long live() { return device.get() + pinned.get(); }

    /**
     * The owning context was released for good after a sticky error: the driver frees whatever the failed frees left
     * (a context's memory, device and pinned, goes with it), so nothing is live any more.
     */
    void releasedWithContext() {
        device.set(0);
        pinned.set(0);
    }
}
