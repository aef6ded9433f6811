package dev.logreg.server;

import dev.logreg.io.Excerpt;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.UndefinedLogitException;
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
 * their limits and deadline ({@link BodyReader}), scores with the immutable model, and answers every request with
 * JSON. A binary model answers {@code {"probabilities": [p, ...], "labels": [..]}} (P(class 1) per row, and the label
 * at {@code threshold}); a K-class model answers {@code {"probabilities": [[p_0, .., p_K-1], ...], "labels": [..],
 * "classes": [..]}}, the most probable class per row (a request's threshold does not apply). Labels and classes are in
 * the training file's encoding: JSON numbers for numeric labels, strings for text. Thread-safe.
 */
final class ScoringHandler extends Handler.Abstract {
    /** Most bytes of a refused body read and dropped so that the client reads the answer rather than a reset. */
    static final long DISCARD_BYTES = 64L << 20;

    private static final byte[] HEALTH = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final JsonFactory JSON = new JsonFactory();

    private final SavedModel saved;
    private final LinearClassifier classifier;
    private final LogisticModel model; // the binary model, or null for K classes
    private final ServerConfig config;
    private final byte[] modelJson;
    private final PrintWriter log;
    private final HeaderTimeouts headerTimeouts;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    ScoringHandler(SavedModel saved, ServerConfig config, PrintWriter log, HeaderTimeouts headerTimeouts) {
        super(InvocationType.BLOCKING);
        this.saved = saved;
        this.classifier = saved.classifier();
        this.model = classifier instanceof LogisticModel m ? m : null;
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
            req = PredictRequestParser.parse(body, length, classifier.features(), config.maxRows());
        } catch (RequestException e) {
            Replies.sendError(response, e.status(), e.getMessage(), false, done);
            return;
        }
        if (model == null) {
            answerClasses(response, req, done);
            return;
        }
        double[] prob = new double[req.rows()];
        try {
            if (req.sparse() == null) {
                model.predictProbability(req.rowMajor(), prob);
            } else {
                // Rows as nonzeros: scored without densifying, in the dense bits (LogisticModel's sparse methods).
                int[] idx = new int[req.sparse().widest()];  // not the model's width: a million features, a dozen nonzeros
                float[] val = new float[idx.length];
                for (int i = 0; i < prob.length; i++) {
                    int count = req.sparse().copyRow(i, idx, val);
                    try {
                        prob[i] = model.predictProbability(idx, val, count);
                    } catch (UndefinedLogitException e) {
                        throw new UndefinedLogitException(i, e.reason());
                    }
                }
            }
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
            for (double v : prob) writeLabel(g, v >= threshold ? 1 : 0);
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return b.toByteArray();
    }

    /** Class {@code c}'s label as the training file wrote it: a number, or a string for text labels. */
    private void writeLabel(JsonGenerator g, int c) throws IOException {
        if (saved.labels().numeric()) g.writeNumber((long) saved.labels().value(c));
        else g.writeString(saved.labels().name(c));
    }

    /** Scores a request with the K-class model: K probabilities and the most probable class per row. */
    private void answerClasses(Response response, PredictRequestParser.PredictRequest req, Callback done) {
        int k = classifier.classes();
        int n = classifier.features();
        double[] prob = new double[Math.multiplyExact(req.rows(), k)];
        int[] best = new int[req.rows()];
        boolean sparse = req.sparse() != null;
        float[] row = sparse ? null : new float[n];
        int[] idx = sparse ? new int[req.sparse().widest()] : null;
        float[] val = sparse ? new float[req.sparse().widest()] : null;
        double[] out = new double[k];
        for (int i = 0; i < req.rows(); i++) {
            try {
                if (sparse) {
                    int count = req.sparse().copyRow(i, idx, val);
                    classifier.predictProbabilities(idx, val, count, out);
                } else {
                    System.arraycopy(req.rowMajor(), i * n, row, 0, n);
                    classifier.predictProbabilities(row, out);
                }
            } catch (UndefinedLogitException e) {
                Replies.sendError(response, 400, "row " + i + ": " + e.reason() + "; the model cannot score this row", false, done);
                return;
            }
            int b = 0;
            for (int c = 0; c < k; c++) {
                if (Double.isNaN(out[c])) { // never answer NaN, whatever the model
                    Replies.sendError(response, 400, "row " + i + ": a class probability is not a number; the model cannot score this row", false, done);
                    return;
                }
                if (out[c] > out[b]) b = c;
            }
            System.arraycopy(out, 0, prob, i * k, k);
            best[i] = b;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + prob.length * 24);
        try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("probabilities");
            for (int i = 0; i < req.rows(); i++) {
                g.writeStartArray();
                for (int c = 0; c < k; c++) g.writeNumber(prob[i * k + c]);
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("labels");
            for (int b : best) writeLabel(g, b);
            g.writeEndArray();
            g.writeArrayFieldStart("classes");
            for (int c = 0; c < k; c++) writeLabel(g, c);
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        Replies.send(response, 200, bytes.toByteArray(), false, done);
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
