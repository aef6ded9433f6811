package dev.logreg.backend;

/**
 * Options a backend is created with.
 *
 * @param threads     the most threads a CPU backend may use; 0 means all available cores
 * @param deviceIndex which CUDA device a GPU backend uses
 */
public record BackendOptions(int threads, int deviceIndex) {
    public static final BackendOptions DEFAULT = new BackendOptions(0, 0);

    public BackendOptions {
        if (threads < 0) throw new IllegalArgumentException("threads is " + threads + ", expected 0 (all cores) or more");
        if (deviceIndex < 0) throw new IllegalArgumentException("device index is " + deviceIndex + ", expected >= 0");
    }

    public BackendOptions withThreads(int t) { return new BackendOptions(t, deviceIndex); }
}
