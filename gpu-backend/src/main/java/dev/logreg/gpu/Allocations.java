package dev.logreg.gpu;

import java.util.concurrent.atomic.AtomicLong;

/** Counts the live native allocations of one backend, for {@link CudaBackend#liveAllocations()}. Thread-safe. */
final class Allocations {
    private final AtomicLong live = new AtomicLong();

    void allocated() { live.incrementAndGet(); }

    void freed() { live.decrementAndGet(); }

    long live() { return live.get(); }
}
