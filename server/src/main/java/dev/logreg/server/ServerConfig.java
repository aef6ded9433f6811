package dev.logreg.server;

import java.time.Duration;

/**
 * What a {@link ScoringServer} accepts and how long it waits: bounds on one request, the request threads, and the
 * three timeouts that keep a slow or silent client from holding the server. Immutable; the {@code with...} methods
 * return a copy with one value changed.
 *
 * <p>The timeouts, and why each exists:
 * <ul>
 *   <li>{@code headerTimeout}: from the first byte of a request to the end of its headers. A client that trickles
 *       its headers a byte at a time is cut off here (the connection is closed; there is no request yet to answer).
 *       Default 10 s: headers are a few hundred bytes.</li>
 *   <li>{@code bodyTimeout}: from the end of the headers to the end of the body, however steadily it arrives. A
 *       {@code Content-Length} larger than the body sent ends here: 408 {@code {"error": ...}} and the connection
 *       closed. Default 60 s: 16 MiB at about 280 KB/s.</li>
 *   <li>{@code idleTimeout}: the longest silence on a connection (between requests on a keep-alive connection, or
 *       within one). Default 30 s.</li>
 * </ul>
 * A trickling connection holds no thread while it waits (the server is non-blocking), so these bound memory and
 * file descriptors, not threads.
 *
 * @param maxRequestBytes     largest request body, in bytes (413 beyond); at least 1
 * @param maxRows             most rows in one {@code /predict} request (413 beyond); at least 1
 * @param threads             threads that handle requests (parsing, scoring, writing); at least 1
 * @param queue               requests that may wait for a thread; at least 1
 * @param headerTimeout       longest time to receive a request's headers; positive
 * @param bodyTimeout         longest time to receive a request's body after its headers; positive
 * @param idleTimeout         longest silence on a connection; positive
 * @param exposeTrainingPaths whether {@code GET /model} shows file paths from the model's training record (the
 *                            training data's path); off by default, as a path tells a client about the server's disk
 */
public record ServerConfig(int maxRequestBytes, int maxRows, int threads, int queue, Duration headerTimeout,
                           Duration bodyTimeout, Duration idleTimeout, boolean exposeTrainingPaths) {
    /** Default header timeout: 10 s. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Default body timeout: 60 s. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    /** Default idle timeout: 30 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** 16 MiB, 100,000 rows, one thread per core, a queue of 1,024, the default timeouts, no paths in {@code /model}. */
    public static final ServerConfig DEFAULT = new ServerConfig(16 << 20, 100_000, Runtime.getRuntime().availableProcessors(), 1024,
            DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT, DEFAULT_IDLE_TIMEOUT, false);

    /** Checks every value; an {@link IllegalArgumentException} names the one out of range. */
    public ServerConfig {
        if (maxRequestBytes < 1) throw new IllegalArgumentException("max request bytes is " + maxRequestBytes + ", expected at least 1");
        if (maxRows < 1) throw new IllegalArgumentException("max rows is " + maxRows + ", expected at least 1");
        if (threads < 1) throw new IllegalArgumentException("threads is " + threads + ", expected at least 1");
        if (queue < 1) throw new IllegalArgumentException("queue is " + queue + ", expected at least 1");
        checkTimeout("header timeout", headerTimeout);
        checkTimeout("body timeout", bodyTimeout);
        checkTimeout("idle timeout", idleTimeout);
    }

    private static void checkTimeout(String name, Duration d) {
        if (d == null) throw new IllegalArgumentException(name + " is missing");
        if (d.isNegative() || d.isZero() || d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " is " + d.toMillis() + " ms, expected at least 1 ms");
        }
        if (d.toMillis() > Integer.MAX_VALUE) throw new IllegalArgumentException(name + " is " + d.toMillis() + " ms, expected at most " + Integer.MAX_VALUE);
    }

    /** This configuration with {@code bytes} as the largest body. */
    public ServerConfig withMaxRequestBytes(int bytes) {
        return new ServerConfig(bytes, maxRows, threads, queue, headerTimeout, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with {@code rows} as the most rows. */
    public ServerConfig withMaxRows(int rows) {
        return new ServerConfig(maxRequestBytes, rows, threads, queue, headerTimeout, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with {@code n} request threads. */
    public ServerConfig withThreads(int n) {
        return new ServerConfig(maxRequestBytes, maxRows, n, queue, headerTimeout, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with a queue of {@code n}. */
    public ServerConfig withQueue(int n) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, n, headerTimeout, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with the given header timeout. */
    public ServerConfig withHeaderTimeout(Duration d) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, queue, d, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with the given body timeout. */
    public ServerConfig withBodyTimeout(Duration d) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, queue, headerTimeout, d, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with the given idle timeout. */
    public ServerConfig withIdleTimeout(Duration d) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, queue, headerTimeout, bodyTimeout, d, exposeTrainingPaths);
    }

    /** This configuration with file paths shown in {@code GET /model} or not. */
    public ServerConfig withExposeTrainingPaths(boolean expose) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, queue, headerTimeout, bodyTimeout, idleTimeout, expose);
    }
}
