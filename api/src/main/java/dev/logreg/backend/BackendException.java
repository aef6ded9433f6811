package dev.logreg.backend;

/** A native failure inside a backend (a CUDA call, an ND4J operation): names the call and its error code. */
public class BackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendException(String message) { super(message); }

    public BackendException(String message, Throwable cause) { super(message, cause); }
}
