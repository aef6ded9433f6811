package dev.logreg.cpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Registers {@link Nd4jBackend} with {@link dev.logreg.backend.BackendFactory} under the name {@code cpu}, priority
 * 200 (preferred over the reference backend, below the GPU).
 *
 * <p>Construction and {@link #probe()} are free: ND4J's native library loads (and is checked by a tiny matrix product)
 * only when a backend first needs an ND4J array ({@link Nd4jBackend}). Stateless apart from whether
 * {@link #prepare()} ran and what ND4J itself keeps per process; thread-safe.
 */
public final class Nd4jBackendProvider implements BackendProvider {
    /**
     * System property: {@code false} turns {@link #prepare()} off (for the benchmarks that measure what it saves).
     * Read at each call.
     */
    public static final String WARM_UP_PROPERTY = "logreg.cpu.warmUp";

    /** Whether {@link #prepare()} has started the kernel's warm-up: once per provider is enough for the JVM. */
    private final AtomicBoolean prepared = new AtomicBoolean();

    /** Creates the provider; loads nothing. */
    public Nd4jBackendProvider() {}

    /** {@code cpu}. */
    @Override public String name() { return "cpu"; }

    /** 200: above the reference backend (100), below the GPU backend (300). */
    @Override public int priority() { return 200; }

    /**
     * Usable where ND4J's classes are on the class path, without loading its native library: the backend's default
     * pass (the fused Java loop over rows read in place) needs no ND4J, and loading it costs ~1.4 CPU-seconds of a whole
     * {@code logreg train}; ND4J loads with the first ND4J array a backend needs (rows copied, margins, the
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
     * Starts the JIT compilation of the fused kernel in the background, once per provider: a daemon thread runs it
     * over a small synthetic block ({@link KernelWarmUp}), SIMD where the JVM has the Vector API, as
     * {@link Nd4jBackend.Pass#FUSED} would choose. In a fresh JVM that takes the interpreted and profiled first passes
     * off the fit (measured in {@code benchmarks/cpu/README.md}); results are the same bits with or without it.
     */
    @Override
    public void prepare() {
        if (Boolean.parseBoolean(System.getProperty(WARM_UP_PROPERTY, "true")) && prepared.compareAndSet(false, true)) {
            KernelWarmUp.startInBackground(KernelWarmUp.COLUMNS, Nd4jSupport.vectorApiAvailable());
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
