package dev.logreg.server;

import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * An HTTP scoring server for one model: what {@code logreg serve} runs, and what an embedder or a test may start
 * in-process.
 *
 * <ul>
 *   <li>{@code POST /predict}: {@code {"rows": [[x11, x12, ...], ...], "threshold": 0.5}} (threshold optional,
 *       default 0.5) → {@code {"probabilities": [...], "labels": [...]}}, one entry per row in order; labels in the
 *       training file's encoding (0/1 or -1/+1), the positive one where the probability is ≥ the threshold.</li>
 *   <li>{@code GET /health} → {@code {"status": "ok"}}.</li>
 *   <li>{@code GET /model} → the model's metadata ({@link ModelDescription}); file paths only with
 *       {@link ServerConfig#exposeTrainingPaths()}.</li>
 *   <li>{@code HEAD} wherever {@code GET} is allowed: the same status and headers, no body.</li>
 * </ul>
 *
 * Every answer is JSON, errors included: {@code {"error": "..."}} with 400 (bad JSON, a malformed request line or
 * header, a row of the wrong width, a value that is not a finite float32, a threshold outside [0, 1], a row the
 * model cannot score; the message names the row and column), 404, 405 (with {@code Allow}), 408 (the body did not
 * arrive within the body timeout), 413 (a body over {@link ServerConfig#maxRequestBytes()} or more than
 * {@link ServerConfig#maxRows()} rows, whether the client waits for {@code 100-continue} or sends it all first),
 * 431 (headers too large), 503 (stopping), and 500 with a one-line message should anything else fail (the details
 * go to the log, never to the client).
 *
 * <p>Built on Jetty 12 (core, no servlets), chosen over the JDK's {@code com.sun.net.httpserver} by measurement and
 * because its connections are non-blocking: a client that trickles its headers or body holds no thread, so a
 * hundred of them leave {@code /health} answering. The JDK server reads each request on a pool thread with
 * blocking I/O and has no per-request timeouts; see {@code server/README.md} for the figures. Timeouts:
 * {@link ServerConfig}. Scoring uses the immutable, thread-safe {@link LogisticModel}.
 *
 * <p>Thread-safe; {@link #stop} is idempotent. No JVM-wide settings are changed.
 */
public final class ScoringServer implements AutoCloseable {
    /** The Content-Type of every answer. */
    public static final String JSON = "application/json; charset=utf-8";

    private final Server server;
    private final ScoringHandler handler;
    private final HeaderTimeouts headerTimeouts;
    private final ServerConfig config;
    private final InetSocketAddress address;
    private final Object stopLock = new Object();
    private boolean stopped;

    private ScoringServer(Server server, ServerConnector connector, ScoringHandler handler, HeaderTimeouts headerTimeouts, ServerConfig config) {
        this.server = server;
        this.handler = handler;
        this.headerTimeouts = headerTimeouts;
        this.config = config;
        // Kept: once stopped, Jetty's connector no longer knows its port.
        this.address = new InetSocketAddress(connector.getHost() == null ? "0.0.0.0" : connector.getHost(), connector.getLocalPort());
    }

    /**
     * Binds {@code address} (port 0 picks a free port; see {@link #port()}) and starts serving {@code model}.
     *
     * @param log where one line per failed request (500) goes; {@code null} for nowhere
     * @throws BindException where the address cannot be bound (in use, not local)
     * @throws IOException   where the server cannot start otherwise
     */
    public static ScoringServer start(SavedModel model, InetSocketAddress address, ServerConfig config, PrintWriter log) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(config, "config");
        // One acceptor and one selector per two cores (at least one, at most four) run on Jetty's pool beside the
        // request threads. The pool's queue is Jetty's default (it grows): a task there is a connection with bytes to
        // read, so the connection limit bounds it; a bounded queue would drop connections' tasks (Jetty warns).
        int selectors = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        int acceptors = 1;
        int poolThreads = config.threads() + selectors + acceptors;
        QueuedThreadPool pool = new QueuedThreadPool(poolThreads, Math.min(4, poolThreads), 60_000);
        pool.setReservedThreads(0); // every thread beyond the acceptor and selectors handles requests
        pool.setName("logreg-serve");
        pool.setDaemon(true);
        Server server = new Server(pool, new ScheduledExecutorScheduler("logreg-serve-timer", true), null);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, acceptors, selectors, new HttpConnectionFactory(http));
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.setReuseAddress(true);
        HeaderTimeouts headerTimeouts = new HeaderTimeouts(config.headerTimeout().toMillis(), server.getScheduler());
        connector.addEventListener(headerTimeouts);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(config.maxConnections(), server));

        ScoringHandler handler = new ScoringHandler(model, config, log, headerTimeouts);
        server.setHandler(handler);
        server.setErrorHandler(new JsonErrorHandler(log, handler::isDraining));
        server.setStopTimeout(0); // stop() drains requests itself first
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException) throw (BindException) t;
            }
            if (e instanceof IOException) throw (IOException) e;
            throw new IOException("cannot start the server: " + e.getMessage(), e);
        }
        headerTimeouts.start();
        return new ScoringServer(server, connector, handler, headerTimeouts, config);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // Starting failed already; that is the error to report.
        }
    }

    /** The port the server listens on (the one chosen where 0 was asked for). */
    public int port() {
        return address.getPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** The configuration in force. */
    public ServerConfig config() {
        return config;
    }

    /** Requests being handled now (their headers have arrived, their answer is not yet sent). */
    public int inFlight() {
        return handler.inFlight();
    }

    /**
     * Stops the server: requests in flight may finish for up to {@code drain}; requests that arrive meanwhile are
     * answered 503 with {@code Connection: close}; then the listener and every connection are closed and the threads
     * stopped. Idempotent; returns once the server is down.
     */
    public void stop(Duration drain) {
        synchronized (stopLock) {
            if (stopped) return;
            stopped = true;
        }
        handler.drain();
        long deadline = System.nanoTime() + Math.max(0, drain.toNanos());
        try {
            while (handler.inFlight() > 0 && System.nanoTime() - deadline < 0) Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        headerTimeouts.stop();
        stopQuietly(server);
    }

    /** {@link #stop} with no drain time. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
