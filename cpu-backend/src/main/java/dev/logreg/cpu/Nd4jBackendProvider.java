package dev.logreg.cpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;

import java.util.Objects;

/**
 * Registers {@link Nd4jBackend} with {@link dev.logreg.backend.BackendFactory} under the name {@code cpu}, priority
 * 200 (preferred over the reference backend, below the GPU).
 *
 * <p>Construction and {@link #probe()} are free: ND4J's native library loads (and is checked by a tiny matrix product)
 * only when a backend first needs an ND4J array ({@link Nd4jBackend}). Stateless apart from what ND4J itself keeps per process;
 * thread-safe.
 */
public final class Nd4jBackendProvider implements BackendProvider {
    /** Creates the provider; loads nothing. */
    public Nd4jBackendProvider() {}

    /** {@code cpu}. */
    @Override public String name() { return "cpu"; }

    /** 200: above the reference backend (100), below the GPU backend (300). */
    @Override public int priority() { return 200; }

    /**
     * Usable where ND4J's classes are on the class path, without loading its native library: the backend's default
     * pass (the fused Java loop over rows read in place) needs no ND4J, and loading it costs ~1.4 CPU-seconds of a whole
     * {@code logreg train}; ND4J loads with the first ND4J array a backend needs (rows copied, the
     * Hessian), and a native library that does not load is then a {@link dev.logreg.backend.BackendException} naming
     * it. The description reads {@code "ND4J 1.0.0-M2.1 (nd4j-native, loaded on first use), 2 cores"}; unusable with
     * the reason where the classes are missing. Never throws.
     */
    @Override
    public Availability probe() {
        try {
            Class.forName("org.nd4j.linalg.factory.Nd4j", false, Nd4jBackendProvider.class.getClassLoader());
            return Availability.usable("ND4J " + Nd4jSupport.version() + " (nd4j-native, loaded on first use), "
                    + Runtime.getRuntime().availableProcessors() + " cores");
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.unusable("ND4J is not on the class path: " + e);
        }
    }

    /**
     * Starts an {@link Nd4jBackend} with {@code options.threads()} threads (0: every core). Caller closes it.
     */
    @Override
    public Backend create(BackendOptions options) {
        Objects.requireNonNull(options, "options");
        // ND4J starts with the backend's first ND4J array, not here (Nd4jBackend#startNd4j).
        return new Nd4jBackend(options);
    }
}
