package dev.logreg.backend;

/**
 * Options a backend is created with.
 *
 * @param threads      the most threads a CPU backend may use; 0 means all available cores
 * @param deviceIndex  which CUDA device a GPU backend uses
 * @param expectedFits how many fits the caller expects to make on the backend (cross-validation: every fold's λ path
 *                     and the refit; one-vs-rest: one a class), at least 1: a hint, by which a backend may choose what
 *                     pays only over many fits (the CPU backend's SIMD kernels, whose compilation costs a fresh JVM
 *                     about a second); never a limit
 */
public record BackendOptions(int threads, int deviceIndex, int expectedFits) {
    public static final BackendOptions DEFAULT = new BackendOptions(0, 0);

    public BackendOptions {
        if (threads < 0) throw new IllegalArgumentException("threads is " + threads + ", expected 0 (all cores) or more");
        if (deviceIndex < 0) throw new IllegalArgumentException("device index is " + deviceIndex + ", expected >= 0");
        if (expectedFits < 1) throw new IllegalArgumentException("expected fits is " + expectedFits + ", expected at least 1");
    }

    /** One fit expected. */
    public BackendOptions(int threads, int deviceIndex) {
        this(threads, deviceIndex, 1);
    }

    public BackendOptions withThreads(int t) { return new BackendOptions(t, deviceIndex, expectedFits); }

    public BackendOptions withDeviceIndex(int d) { return new BackendOptions(threads, d, expectedFits); }

    public BackendOptions withExpectedFits(int fits) { return new BackendOptions(threads, deviceIndex, fits); }
}
