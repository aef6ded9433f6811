package dev.logreg.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP scoring server for one model, on the JDK's built-in {@link HttpServer}: what {@code logreg serve} runs,
 * and what an embedder or a test may start in-process.
 *
 * <ul>
 *   <li>{@code POST /predict}: {@code {"rows": [[x11, x12, ...], ...], "threshold": 0.5}} (threshold optional,
 *       default 0.5) → {@code {"probabilities": [...], "labels": [...]}}, one entry per row in order; labels in the
 *       training file's encoding (0/1 or -1/+1), 1 where the probability is ≥ the threshold.</li>
 *   <li>{@code GET /health} → {@code {"status": "ok"}}.</li>
 *   <li>{@code GET /model} → the model's metadata: features, feature names, coefficients, intercept, status,
 *       objective, how it was trained, and the library versions.</li>
 * </ul>
 *
 * Every answer is JSON. Errors are {@code {"error": "..."}}: 400 for bad JSON, a row of the wrong width, a value
 * that is not a finite float32, or a threshold outside [0, 1] (the message names the row and column); 413 for a body
 * over {@link Limits#maxRequestBytes()} or more than {@link Limits#maxRows()} rows; 405 for a wrong method (with
 * {@code Allow}); 404 for an unknown path; 503 while stopping; and, should anything else fail, 500 with a one-line message, never a
 * stack trace.
 *
 * <p>Requests run on a bounded pool ({@link Limits#threads()} threads, a queue of {@link Limits#queue()}); where the
 * queue is full the accepting thread runs the request itself, which slows accepting down instead of dropping
 * connections. Scoring uses the immutable, thread-safe {@link LogisticModel}. Thread-safe; {@link #stop} is
 * idempotent.
 *
 * <p>{@link #start} sets the system property {@value #NODELAY_PROPERTY} to {@code true} where the application has
 * not set it (TCP_NODELAY; without it every answer waits 40 ms for a delayed ACK). It affects every
 * {@code com.sun.net.httpserver} server of the JVM, and only if set before the first one starts.
 */
public final class ScoringServer implements AutoCloseable {
    /** The JDK server's switch for TCP_NODELAY on accepted connections; see {@link #start}. */
    public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    /** The Content-Type of every answer. */
    public static final String JSON = "application/json; charset=utf-8";

    /**
     * Bounds on what one request may ask and on the server's threads.
     *
     * @param maxRequestBytes largest request body accepted, in bytes (413 beyond); at least 1
     * @param maxRows         most rows in one {@code /predict} request (413 beyond); at least 1
     * @param threads         request-handling threads; at least 1
     * @param queue           requests that may wait for a thread before the accepting thread runs them itself; at least 1
     */
    public record Limits(int maxRequestBytes, int maxRows, int threads, int queue) {
        /** 16 MiB, 100,000 rows, one thread per core, a queue of 1,024. */
        public static final Limits DEFAULT = new Limits(16 << 20, 100_000, Runtime.getRuntime().availableProcessors(), 1024);

        /** Checks every bound; an {@link IllegalArgumentException} names the one out of range. */
        public Limits {
            if (maxRequestBytes < 1) throw new IllegalArgumentException("max request bytes is " + maxRequestBytes + ", expected at least 1");
            if (maxRows < 1) throw new IllegalArgumentException("max rows is " + maxRows + ", expected at least 1");
            if (threads < 1) throw new IllegalArgumentException("threads is " + threads + ", expected at least 1");
            if (queue < 1) throw new IllegalArgumentException("queue is " + queue + ", expected at least 1");
        }

        /** These limits with {@code bytes} as the largest body. */
        public Limits withMaxRequestBytes(int bytes) { return new Limits(bytes, maxRows, threads, queue); }

        /** These limits with {@code rows} as the most rows. */
        public Limits withMaxRows(int rows) { return new Limits(maxRequestBytes, rows, threads, queue); }

        /** These limits with {@code n} threads. */
        public Limits withThreads(int n) { return new Limits(maxRequestBytes, maxRows, n, queue); }
    }

    private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
            // Numbers longer than this are not features; the default (1000 chars) would let one value cost more.
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(100).maxNestingDepth(8).build())
            .build();

    private final SavedModel saved;
    private final LogisticModel model;
    private final Limits limits;
    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final PrintWriter log;
    private final byte[] modelJson;
    private final Object stopLock = new Object();
    private boolean stopped;
    private volatile boolean draining;
    private final AtomicInteger inFlight = new AtomicInteger();

    private ScoringServer(SavedModel saved, HttpServer server, ThreadPoolExecutor pool, Limits limits, PrintWriter log) throws IOException {
        this.saved = saved;
        this.model = saved.model();
        this.server = server;
        this.pool = pool;
        this.limits = limits;
        this.log = log;
        this.modelJson = describe(saved);
    }

    /**
     * Binds {@code address} (port 0 picks a free port; see {@link #port()}) and starts serving {@code model}.
     *
     * @param log where one line per failed request (500) goes; {@code null} for nowhere
     * @throws IOException where the address cannot be bound (in use, not local)
     */
    public static ScoringServer start(SavedModel model, InetSocketAddress address, Limits limits, PrintWriter log) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(limits, "limits");
        // The JDK server writes the headers and the body as two TCP segments; with Nagle's algorithm on, the second
        // waits for the client's delayed ACK (40 ms on Linux), capping a keep-alive connection at ~25 requests/s
        // (measured: benchmarks/results/serve/). Its only switch is this property, read once when the first server
        // of the JVM is created; an explicit setting by the application is left alone.
        if (System.getProperty(NODELAY_PROPERTY) == null) System.setProperty(NODELAY_PROPERTY, "true");
        HttpServer http = HttpServer.create(address, 0);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(limits.threads(), limits.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queue()), r -> {
                    Thread t = new Thread(r, "logreg-serve-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        ScoringServer s = new ScoringServer(model, http, pool, limits, log);
        http.createContext("/", s::handle);
        http.setExecutor(pool);
        http.start();
        return s;
    }

    /** The port the server listens on (the one chosen where 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Requests being handled now (their headers have arrived, their answer is not yet sent). */
    int inFlight() {
        return inFlight.get();
    }

    /** The limits in force. */
    public Limits limits() {
        return limits;
    }

    /**
     * Stops the server: requests in flight may finish for up to {@code drain}, requests that arrive meanwhile are
     * answered 503 ({@code Connection: close}), then the listener and every connection are closed and the threads
     * stopped. Idempotent; returns once the server is down.
     */
    public void stop(Duration drain) {
        synchronized (stopLock) {
            if (stopped) return;
            stopped = true;
        }
        draining = true;
        // Our own drain, not HttpServer.stop(delay): on JDK 17 that waits the whole delay even when nothing is in flight.
        long deadline = System.nanoTime() + Math.max(0, drain.toNanos());
        try {
            while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(1, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #stop} with no drain time. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    /** An answer to give: the status and its JSON body. */
    private static final class Reply extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Reply(int status, String message) {
            super(message, null, false, false); // control flow, not a failure: no stack trace to fill
            this.status = status;
        }
    }

    private void handle(HttpExchange ex) {
        inFlight.incrementAndGet();
        try (ex) {
            try {
                if (draining) {
                    ex.getResponseHeaders().set("Connection", "close");
                    throw new Reply(503, "the server is shutting down");
                }
                String path = ex.getRequestURI().getPath();
                String method = ex.getRequestMethod();
                switch (path) {
                    case "/predict":
                        requireMethod(ex, method, "POST");
                        send(ex, 200, predict(ex));
                        break;
                    case "/health":
                        requireMethod(ex, method, "GET");
                        send(ex, 200, "{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        break;
                    case "/model":
                        requireMethod(ex, method, "GET");
                        send(ex, 200, modelJson);
                        break;
                    default:
                        throw new Reply(404, "no such path: " + path + " (try POST /predict, GET /health, GET /model)");
                }
            } catch (Reply r) {
                send(ex, r.status, error(r.getMessage()));
            } catch (IOException e) {
                // The client went away or sent a broken stream; nobody is left to read an answer.
            } catch (RuntimeException | Error e) {
                String line = "internal error: " + Cli.oneLine(e);
                if (log != null) {
                    synchronized (log) {
                        log.println("logreg serve: " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + ": " + line);
                        log.flush();
                    }
                }
                send(ex, 500, error(line));
            }
        } catch (IOException | RuntimeException e) {
            // Sending the answer failed (headers already sent, connection closed): nothing more can be done.
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static void requireMethod(HttpExchange ex, String method, String allowed) throws Reply {
        if (!allowed.equals(method)) {
            ex.getResponseHeaders().set("Allow", allowed);
            throw new Reply(405, "method " + method + " is not allowed on " + ex.getRequestURI().getPath() + "; use " + allowed);
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", JSON);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] error(String message) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(message.length() + 16);
        try (JsonGenerator g = JSON_FACTORY.createGenerator(b, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: cannot happen
        }
        return b.toByteArray();
    }

    /** Parses the request, scores it, writes the answer. */
    private byte[] predict(HttpExchange ex) throws IOException, Reply {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new Reply(400, "Content-Length '" + length + "' is not a number");
            }
            if (declared > limits.maxRequestBytes()) {
                throw new Reply(413, "request body is " + declared + " bytes, more than the limit of " + limits.maxRequestBytes());
            }
        }
        int n = model.features();
        float[] x = new float[n * 16];
        int rows = 0;
        double threshold = 0.5;
        boolean sawRows = false;
        try (JsonParser p = JSON_FACTORY.createParser(new LimitedInputStream(ex.getRequestBody(), limits.maxRequestBytes()))) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new Reply(400, "request body is not a JSON object; expected {\"rows\": [[...], ...]}");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("rows")) {
                    if (p.currentToken() != JsonToken.START_ARRAY) throw new Reply(400, "\"rows\" is not an array of rows");
                    sawRows = true;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t != JsonToken.START_ARRAY) throw new Reply(400, "row " + rows + " is not an array of numbers (found " + describe(t) + ")");
                        if (rows == limits.maxRows()) {
                            throw new Reply(413, "more than " + limits.maxRows() + " rows in one request; split it");
                        }
                        if ((long) (rows + 1) * n > Integer.MAX_VALUE - 8) {
                            throw new Reply(413, "more than " + rows + " rows of " + n + " features do not fit one batch; split the request");
                        }
                        if ((long) (rows + 1) * n > x.length) x = Arrays.copyOf(x, (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) x.length * 2, (long) (rows + 1) * n)));
                        int base = rows * n;
                        int j = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                                throw new Reply(400, "row " + rows + ", column " + j + " is " + describe(t) + ", expected a number");
                            }
                            if (j >= n) throw new Reply(400, "row " + rows + " has more than " + n + " values; the model expects " + n + " features");
                            float v = p.getFloatValue();
                            if (!Float.isFinite(v)) {
                                throw new Reply(400, "row " + rows + ", column " + j + " is " + p.getText() + ", not a finite float32");
                            }
                            x[base + j++] = v;
                        }
                        if (j != n) throw new Reply(400, "row " + rows + " has " + j + " values; the model expects " + n + " features");
                        rows++;
                    }
                } else if (field.equals("threshold")) {
                    if (!p.currentToken().isNumeric()) throw new Reply(400, "\"threshold\" is " + describe(p.currentToken()) + ", expected a number in [0, 1]");
                    threshold = p.getDoubleValue();
                    if (!(threshold >= 0 && threshold <= 1)) throw new Reply(400, "\"threshold\" is " + p.getText() + ", expected a number in [0, 1]");
                } else {
                    throw new Reply(400, "unknown field \"" + field + "\"; expected \"rows\" and optionally \"threshold\"");
                }
            }
            if (t != JsonToken.END_OBJECT) throw new Reply(400, "request body is not a JSON object; expected {\"rows\": [[...], ...]}");
            if (p.nextToken() != null) throw new Reply(400, "unexpected content after the JSON object");
        } catch (JsonParseException e) {
            throw new Reply(400, "bad JSON: " + e.getOriginalMessage().replace('\n', ' ') + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new Reply(400, "bad JSON: " + e.getOriginalMessage().replace('\n', ' '));
        } catch (TooLarge e) {
            throw new Reply(413, "request body is more than the limit of " + limits.maxRequestBytes() + " bytes");
        }
        if (!sawRows) throw new Reply(400, "field \"rows\" is missing; expected {\"rows\": [[...], ...]}");

        double[] prob = new double[rows];
        model.predictProbability(x.length == rows * n ? x : Arrays.copyOf(x, rows * n), prob);

        ByteArrayOutputStream b = new ByteArrayOutputStream(32 + rows * 28);
        try (JsonGenerator g = JSON_FACTORY.createGenerator(b, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("probabilities");
            for (double v : prob) g.writeNumber(v);
            g.writeEndArray();
            g.writeArrayFieldStart("labels");
            long negative = (long) saved.labels().negative();
            long positive = (long) saved.labels().positive();
            for (double v : prob) g.writeNumber(v >= threshold ? positive : negative);
            g.writeEndArray();
            g.writeEndObject();
        }
        return b.toByteArray();
    }

    private static String describe(JsonToken t) {
        if (t == null) return "the end of the body";
        switch (t) {
            case VALUE_STRING: return "a string";
            case VALUE_NULL: return "null";
            case VALUE_TRUE: case VALUE_FALSE: return "a boolean";
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: return "a number";
            default: return t.asString() == null ? t.name() : "'" + t.asString() + "'";
        }
    }

    /** The {@code /model} document, built once. */
    private static byte[] describe(SavedModel s) throws IOException {
        LogisticModel m = s.model();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON_FACTORY.createGenerator(b, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("features", m.features());
            if (m.featureNames() == null) g.writeNullField("featureNames");
            else {
                g.writeArrayFieldStart("featureNames");
                for (String name : m.featureNames()) g.writeString(name);
                g.writeEndArray();
            }
            g.writeArrayFieldStart("coefficients");
            for (int j = 0; j < m.features(); j++) g.writeNumber(m.coefficient(j));
            g.writeEndArray();
            g.writeNumberField("intercept", m.intercept());
            g.writeBooleanField("fitIntercept", m.fitIntercept());
            g.writeObjectFieldStart("labels");
            g.writeNumberField("negative", (long) s.labels().negative());
            g.writeNumberField("positive", (long) s.labels().positive());
            g.writeEndObject();
            g.writeStringField("status", s.status().name());
            if (Double.isFinite(s.objective())) g.writeNumberField("objective", s.objective());
            else g.writeNullField("objective");
            g.writeStringField("optimizer", s.optimizer());
            g.writeStringField("backend", s.backend());
            g.writeNumberField("iterations", s.iterations());
            g.writeObjectFieldStart("training");
            for (var e : s.training().entrySet()) {
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v == null) g.writeNull();
                else if (v instanceof Boolean) g.writeBoolean((Boolean) v);
                else if (v instanceof Integer || v instanceof Long) g.writeNumber(((Number) v).longValue());
                else if (v instanceof Number) g.writeNumber(((Number) v).doubleValue());
                else g.writeString(v.toString());
            }
            g.writeEndObject();
            g.writeStringField("modelLibraryVersion", s.libraryVersion());
            g.writeStringField("libraryVersion", ModelFile.libraryVersion());
            g.writeEndObject();
        }
        return b.toByteArray();
    }

    /** Thrown by {@link LimitedInputStream} past its limit. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("request body over the limit", null);
        }
    }

    /** Fails with {@link TooLarge} once more than {@code limit} bytes have been read (chunked bodies have no length). */
    private static final class LimitedInputStream extends FilterInputStream {
        private long left;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0 && --left < 0) throw new TooLarge();
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0 && (left -= r) < 0) throw new TooLarge();
            return r;
        }
    }
}
