package dev.logreg.cpu;

import dev.logreg.backend.Availability;
import dev.logreg.backend.Backend;
import dev.logreg.backend.BackendOptions;
import dev.logreg.backend.BackendProvider;
import dev.logreg.backend.BackendUnavailableException;

import java.util.Objects;

/**
 * Registers {@link Nd4jBackend} with {@link dev.logreg.backend.BackendFactory} under the name {@code cpu}, priority
 * 200 (preferred over the reference backend, below the GPU).
 *
 * <p>Construction is free; {@link #probe()} loads ND4J's native library (a few seconds the first time in a process)
 * and runs a tiny matrix product to check that it works. Stateless apart from what ND4J itself keeps per process;
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
     * Loads ND4J and multiplies a 2×2 matrix by a vector. Usable with a description such as
     * {@code "ND4J 1.0.0-M2.1 (nd4j-native, OPENBLAS), 2 cores"}; unusable with the reason (the native library did
     * not load, the self-test gave a wrong answer). Never throws.
     */
    @Override
    public Availability probe() {
        try {
            return Availability.usable(Nd4jSupport.selfTest());
        } catch (RuntimeException | LinkageError e) { // LinkageError (UnsatisfiedLinkError, NoClassDefFoundError) is the common case
            return Availability.unusable("ND4J native backend did not load: " + e);
        }
    }

    /**
     * Starts an {@link Nd4jBackend} with {@code options.threads()} threads (0: every core). Caller closes it.
     *
     * @throws BackendUnavailableException where ND4J cannot load
     */
    @Override
    public Backend create(BackendOptions options) {
        Objects.requireNonNull(options, "options");
        try {
            Nd4jSupport.selfTest();
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("cpu", "ND4J native backend did not load: " + e, e);
        }
        return new Nd4jBackend(options);
    }
}
