package dev.logreg.server;

import dev.logreg.io.Excerpt;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's one Jetty handler: routes {@code /predict}, {@code /health}, {@code /model}, reads bodies within
 * their limits and deadline ({@link BodyReader}), scores with the immutable {@link LogisticModel}, and answers
 * every request with JSON. Thread-safe.
 */
final class ScoringHandler extends Handler.Abstract {
    /** Most bytes of a refused body read and dropped so that the client reads the answer rather than a reset. */
    static final long DISCARD_BYTES = 64L << 20;

    private static final byte[] HEALTH = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final JsonFactory JSON = new JsonFactory();

    private final SavedModel saved;
    private final LogisticModel model;
    private final ServerConfig config;
    private final byte[] modelJson;
    private final PrintWriter log;
    private final HeaderTimeouts headerTimeouts;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    ScoringHandler(SavedModel saved, ServerConfig config, PrintWriter log, HeaderTimeouts headerTimeouts) {
        super(InvocationType.BLOCKING);
        this.saved = saved;
        this.model = saved.model();
        this.config = config;
        this.modelJson = ModelDescription.of(saved, config.exposeTrainingPaths());
        this.log = log;
        this.headerTimeouts = headerTimeouts;
    }

    /** Requests being handled (headers arrived, answer not yet sent). */
    int inFlight() {
        return inFlight.get();
    }

    /** Whether {@link #drain} has been called. */
    boolean isDraining() {
        return draining;
    }

    /** From now on every request is answered 503 with {@code Connection: close}. */
    void drain() {
        draining = true;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        inFlight.incrementAndGet();
        Connection connection = request.getConnectionMetaData().getConnection();
        headerTimeouts.requestStarted(connection);
        AtomicBoolean ended = new AtomicBoolean();
        Callback done = Callback.from(() -> {
            if (ended.compareAndSet(false, true)) end(connection);
            callback.succeeded();
        }, x -> {
            if (ended.compareAndSet(false, true)) end(connection);
            callback.failed(x);
        });
        try {
            route(request, response, done);
        } catch (RuntimeException | Error e) {
            internalError(request, response, done, e);
        }
        return true;
    }

    private void end(Connection connection) {
        headerTimeouts.requestEnded(connection);
        inFlight.decrementAndGet();
    }

    private void route(Request request, Response response, Callback done) {
        if (draining) {
            refuse(request, response, done, 503, "the server is shutting down");
            return;
        }
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        switch (path == null ? "" : path) {
            case "/predict":
                if (!method.equals("POST")) methodNotAllowed(request, response, done, method, path, "POST");
                else predict(request, response, done);
                break;
            case "/health":
                if (!isGet(method)) methodNotAllowed(request, response, done, method, path, "GET, HEAD");
                else Replies.send(response, 200, HEALTH, false, done);
                break;
            case "/model":
                if (!isGet(method)) methodNotAllowed(request, response, done, method, path, "GET, HEAD");
                else Replies.send(response, 200, modelJson, false, done);
                break;
            default:
                refuse(request, response, done, 404, "no such path: " + Excerpt.of(path) + " (try POST /predict, GET /health, GET /model)");
        }
    }

    private static boolean isGet(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private void methodNotAllowed(Request request, Response response, Callback done, String method, String path, String allow) {
        response.getHeaders().put(HttpHeader.ALLOW, allow);
        refuse(request, response, done, 405, "method " + Excerpt.of(method) + " is not allowed on " + path + "; use " + allow);
    }

    /**
     * Answers a refusal. Where the request has a body that was not read, the connection is closed after the answer
     * and the body read and dropped first (up to {@link #DISCARD_BYTES} or the body timeout), so that a client that
     * writes its whole body before reading still reads the answer; a client that waits for {@code 100-continue} is
     * answered at once and sends nothing more.
     */
    private void refuse(Request request, Response response, Callback done, int status, String message) {
        boolean hasBody = request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        boolean close = hasBody || status == 503;
        if (!hasBody || expectsContinue(request)) {
            Replies.sendError(response, status, message, close, done);
            return;
        }
        Replies.sendError(response, status, message, true, Callback.from(
                () -> BodyReader.discard(request, DISCARD_BYTES, config.bodyTimeout().toMillis(), done::succeeded), done::failed));
    }

    private static boolean expectsContinue(Request request) {
        return request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString());
    }

    private void predict(Request request, Response response, Callback done) {
        long declared = request.getLength();
        if (declared > config.maxRequestBytes()) {
            refuse(request, response, done, 413, "request body is " + declared + " bytes, more than the limit of " + config.maxRequestBytes());
            return;
        }
        BodyReader.read(request, config.maxRequestBytes(), config.bodyTimeout().toMillis(), new BodyReader.Outcome() {
            @Override
            public void complete(byte[] body, int length) {
                try {
                    answer(response, body, length, done);
                } catch (RuntimeException | Error e) {
                    internalError(request, response, done, e);
                }
            }

            @Override
            public void tooLarge() {
                refuse(request, response, done, 413, "request body is more than the limit of " + config.maxRequestBytes() + " bytes");
            }

            @Override
            public void timedOut() {
                Replies.sendError(response, 408, "the request body did not arrive within " + config.bodyTimeout().toMillis()
                        + " ms (is Content-Length larger than the body sent?)", true, done);
            }

            @Override
            public void broken(Throwable failure) {
                // The client closed or broke the connection mid-body: answer if it still reads, then close.
                Replies.sendError(response, 400, "the request body ended before its Content-Length", true, done);
            }
        });
    }

    /** Parses, scores and writes the answer to one {@code /predict} body. */
    private void answer(Response response, byte[] body, int length, Callback done) {
        PredictRequestParser.PredictRequest req;
        try {
            req = PredictRequestParser.parse(body, length, model.features(), config.maxRows());
        } catch (RequestException e) {
            Replies.sendError(response, e.status(), e.getMessage(), false, done);
            return;
        }
        double[] prob = new double[req.rows()];
        try {
            model.predictProbability(req.rowMajor(), prob);
        } catch (IllegalArgumentException e) {
            // The model refuses a row (a logit that is NaN: infinite terms of opposite signs); its message names the row.
            Replies.sendError(response, 400, e.getMessage() == null ? "the model cannot score a row" : e.getMessage(), false, done);
            return;
        }
        for (int i = 0; i < prob.length; i++) {
            if (Double.isNaN(prob[i])) {
                // A model whose scoring does not refuse such a row itself: never answer NaN.
                Replies.sendError(response, 400, "row " + i + ": the model's logit is not a number (infinite terms of opposite"
                        + " signs); the model cannot score this row", false, done);
                return;
            }
        }
        Replies.send(response, 200, predictions(prob, req.threshold()), false, done);
    }

    private byte[] predictions(double[] prob, double threshold) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(32 + prob.length * 28);
        try (JsonGenerator g = JSON.createGenerator(b, JsonEncoding.UTF8)) {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return b.toByteArray();
    }

    /** 500 with a one-line message for the client; the details go to the log only. */
    private void internalError(Request request, Response response, Callback done, Throwable e) {
        if (log != null) {
            synchronized (log) {
                log.println("logreg serve: " + request.getMethod() + " " + Excerpt.of(request.getHttpURI().getPath()) + ": internal error: "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().replace('\n', ' ')));
                log.flush();
            }
        }
        if (response.isCommitted()) done.failed(e);
        else Replies.sendError(response, 500, "internal error; the server's log has the details", true, done);
    }
}
