package dev.logreg.server;

/**
 * A request the server refuses, with the HTTP status to answer and the message for the client (the {@code "error"}
 * of the JSON answer). The message is one line, names what is wrong and where (row, column, field), quotes at most
 * {@value dev.logreg.io.Excerpt#LIMIT} characters of the input, and holds no library internals. Carries no stack trace:
 * it is an answer, not a failure of the server.
 */
public final class RequestException extends Exception {
    private static final long serialVersionUID = 1L;

    /** 400 Bad Request. */
    public static final int BAD_REQUEST = 400;
    /** 413 Content Too Large. */
    public static final int TOO_LARGE = 413;

    private final int status;

    /**
     * @param status  the HTTP status, 400 to 599
     * @param message the client's message (one line)
     */
    public RequestException(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) throw new IllegalArgumentException("status is " + status + ", expected 400 to 599");
        this.status = status;
    }

    /** The HTTP status to answer: 400 (bad input) or 413 (too large) from the parser; others from the server. */
    public int status() {
        return status;
    }
}
