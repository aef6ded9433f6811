package dev.logreg.backend;

/** A backend that was asked for explicitly cannot start; the message says why. Never answered by a substitute. */
public class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String backend;
    private final String reason;

    public BackendUnavailableException(String backend, String reason) {
        super("backend '" + backend + "' is not usable: " + reason);
        this.backend = backend;
        this.reason = reason;
    }

    public BackendUnavailableException(String backend, String reason, Throwable cause) {
        this(backend, reason);
        initCause(cause);
    }

    /** The backend's name. */
    public String backend() { return backend; }

    /** Why it cannot start, one line. */
    public String reason() { return reason; }
}
