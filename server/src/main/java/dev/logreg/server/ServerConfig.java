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
 * @param maxConnections      open connections at most; beyond, the server stops accepting until some close (new
 *                            clients wait in the kernel's backlog); at least 1
 * @param headerTimeout       longest time to receive a request's headers; positive
 * @param bodyTimeout         longest time to receive a request's body after its headers; positive
 * @param idleTimeout         longest silence on a connection; positive
 * @param exposeTrainingPaths whether {@code GET /model} shows file paths from the model's training record (the
 *                            training data's path); off by default, as a path tells a client about the server's disk
 */
public record ServerConfig(int maxRequestBytes, int maxRows, int threads, int maxConnections, Duration headerTimeout,
                           Duration bodyTimeout, Duration idleTimeout, boolean exposeTrainingPaths) {
    /** Default header timeout: 10 s. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Default body timeout: 60 s. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    /** Default idle timeout: 30 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** 16 MiB, 100,000 rows, one thread per core, 10,000 connections, the default timeouts, no paths in {@code /model}. */
    public static final ServerConfig DEFAULT = new ServerConfig(16 << 20, 100_000, Runtime.getRuntime().availableProcessors(), 10_000,
            DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT, DEFAULT_IDLE_TIMEOUT, false);

    /** Checks every value; an {@link IllegalArgumentException} names the one out of range. */
    public ServerConfig {
        if (maxRequestBytes < 1) throw new IllegalArgumentException("max request bytes is " + maxRequestBytes + ", expected at least 1");
        if (maxRows < 1) throw new IllegalArgumentException("max rows is " + maxRows + ", expected at least 1");
        if (threads < 1) throw new IllegalArgumentException("threads is " + threads + ", expected at least 1");
        if (maxConnections < 1) throw new IllegalArgumentException("max connections is " + maxConnections + ", expected at least 1");
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
        return new ServerConfig(bytes, maxRows, threads, maxConnections, headerTimeout, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with {@code rows} as the most rows. */
    public ServerConfig withMaxRows(int rows) {
        return new ServerConfig(maxRequestBytes, rows, threads, maxConnections, headerTimeout, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with {@code n} request threads. */
    public ServerConfig withThreads(int n) {
        return new ServerConfig(maxRequestBytes, maxRows, n, maxConnections, headerTimeout, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with at most {@code n} open connections. */
    public ServerConfig withMaxConnections(int n) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, n, headerTimeout, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with the given header timeout. */
    public ServerConfig withHeaderTimeout(Duration d) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, maxConnections, d, bodyTimeout, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with the given body timeout. */
    public ServerConfig withBodyTimeout(Duration d) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, maxConnections, headerTimeout, d, idleTimeout, exposeTrainingPaths);
    }

    /** This configuration with the given idle timeout. */
    public ServerConfig withIdleTimeout(Duration d) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, maxConnections, headerTimeout, bodyTimeout, d, exposeTrainingPaths);
    }

    /** This configuration with file paths shown in {@code GET /model} or not. */
    public ServerConfig withExposeTrainingPaths(boolean expose) {
        return new ServerConfig(maxRequestBytes, maxRows, threads, maxConnections, headerTimeout, bodyTimeout, idleTimeout, expose);
    }
}
