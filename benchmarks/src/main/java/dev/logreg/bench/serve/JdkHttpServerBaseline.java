package dev.logreg.bench.serve;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.logreg.model.LogisticModel;
import dev.logreg.server.PredictRequestParser;
import dev.logreg.server.RequestException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The peer of the scoring server in {@link ScoringBenchmark}: {@code POST /predict} on the JDK's
 * {@code com.sun.net.httpserver}, configured as logreg's server was before it moved to Jetty (a fixed pool of
 * {@code threads}, a queue of 1,024 with the caller running what overflows, TCP_NODELAY), and doing the same work
 * per request: {@link PredictRequestParser#parse}, {@link LogisticModel#predictProbability(float[], double[])}, the
 * same JSON answer. So the two differ only in the HTTP layer, which is what the choice between them is about.
 * Benchmark code only: none of the hardening (timeouts, JSON for malformed requests) is here.
 */
final class JdkHttpServerBaseline implements AutoCloseable {
    private final HttpServer server;
    private final ThreadPoolExecutor pool;

    JdkHttpServerBaseline(LogisticModel model, InetSocketAddress address, int threads) throws IOException {
        // As the old server did: without it every answer waits ~40 ms for a delayed ACK. Read once per JVM.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(address, 0);
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "jdk-baseline");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.createContext("/predict", ex -> handle(ex, model));
        server.setExecutor(pool);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange ex, LogisticModel model) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            int status = 200;
            byte[] answer;
            try {
                PredictRequestParser.PredictRequest req = PredictRequestParser.parse(body, model.features(), 100_000);
                double[] p = new double[req.rows()];
                model.predictProbability(req.rowMajor(), p);
                answer = answer(p, req.threshold());
            } catch (RequestException e) {
                status = e.status();
                answer = ("{\"error\":\"" + e.getMessage().replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(status, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** The answer as the scoring server writes it (Jackson's generator, labels 0/1). */
    private static byte[] answer(double[] p, double threshold) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(32 + p.length * 28);
        try (JsonGenerator g = JSON.createGenerator(b, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("probabilities");
            for (double v : p) g.writeNumber(v);
            g.writeEndArray();
            g.writeArrayFieldStart("labels");
            for (double v : p) g.writeNumber(v >= threshold ? 1 : 0);
            g.writeEndArray();
            g.writeEndObject();
        }
        return b.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
