package dev.logreg.backend;

/**
 * The service interface through which {@link BackendFactory} finds backends ({@link java.util.ServiceLoader}, file
 * {@code META-INF/services/dev.logreg.backend.BackendProvider}), like JDBC drivers. A provider must be cheap to
 * construct: the work of finding out whether it can run goes in {@link #probe()}.
 */
public interface BackendProvider {
    /** The name users choose it by: {@code gpu}, {@code cpu}, {@code reference}. */
    String name();

    /** Rank in {@code auto} mode: higher is preferred (gpu 300, cpu 200, reference 100). */
    int priority();

    /**
     * Finds out whether this backend can run here, and if not, why, in one line. Never throws; may be slow the
     * first time (loading native libraries, a self-test).
     */
    Availability probe();

    /**
     * Starts a backend. Caller closes it.
     *
     * @throws BackendUnavailableException where it cannot start, with the reason
     */
    Backend create(BackendOptions options);
}
