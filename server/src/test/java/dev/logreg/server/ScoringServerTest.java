package dev.logreg.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.data.Dataset;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ScoringServer} in-process on a free loopback port, every path through {@link HttpClient}. */
class ScoringServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static Dataset data;
    private static SavedModel saved;
    private static LogisticModel model;
    private static ScoringServer server;
    private static HttpClient client;
    private static final StringWriter LOG = new StringWriter();

    @BeforeAll
    static void start() throws IOException {
        data = TestModels.breastCancer();
        saved = TestModels.trained(data);
        model = saved.model();
        server = ScoringServer.start(saved, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerConfig.DEFAULT.withThreads(4), new PrintWriter(LOG, true));
        client = newClient();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    private static URI uri(ScoringServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.port() + path);
    }

    private static HttpResponse<String> post(HttpClient c, ScoringServer s, String path, String body) throws Exception {
        return c.send(HttpRequest.newBuilder(uri(s, path)).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(ScoringServer s, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(s, path)).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Rows {@code first..first+count-1} of the data as floats, and as the JSON text a client would send. */
    private static float[][] rows(long first, int count) {
        float[][] x = new float[count][data.cols()];
        for (int i = 0; i < count; i++) data.copyRow(first + i, x[i]);
        return x;
    }

    private static String body(float[][] rows, String extra) {
        StringBuilder sb = new StringBuilder("{\"rows\": [");
        for (int i = 0; i < rows.length; i++) {
            if (i > 0) sb.append(',');
            sb.append('[');
            for (int j = 0; j < rows[i].length; j++) {
                if (j > 0) sb.append(',');
                sb.append(rows[i][j]); // Float.toString: parses back to the same float
            }
            sb.append(']');
        }
        return sb.append(']').append(extra == null ? "" : ", " + extra).append('}').toString();
    }

    /** Checks an answer against the model itself: probabilities bit-identical, labels in the -1/+1 encoding. */
    private static void checkAnswer(float[][] rows, double threshold, HttpResponse<String> r) throws IOException {
        assertEquals(200, r.statusCode(), r.body());
        checkAnswer(rows, threshold, new FakeResponse(r.body()));
    }

    /** An answer's 200 body, read some other way than through HttpClient. */
    private record FakeResponse(String body) {
    }

    private static void checkAnswer(float[][] rows, double threshold, FakeResponse r) throws IOException {
        JsonNode a = JSON.readTree(r.body());
        assertEquals(rows.length, a.get("probabilities").size(), r.body());
        assertEquals(rows.length, a.get("labels").size(), r.body());
        for (int i = 0; i < rows.length; i++) {
            double want = model.predictProbability(rows[i]);
            double got = a.get("probabilities").get(i).asDouble();
            assertTrue(Double.compare(want, got) == 0, "row " + i + ": server " + got + ", model " + want);
            assertEquals(want >= threshold ? 1 : -1, a.get("labels").get(i).asInt(), "label of row " + i);
        }
    }

    private static void assertError(int status, String fragment, HttpResponse<String> r) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        JsonNode e = JSON.readTree(r.body());
        assertNotNull(e.get("error"), r.body());
        assertTrue(e.get("error").asText().contains(fragment), "expected '" + fragment + "' in " + r.body());
        assertTrue(!r.body().contains("\tat "), "no stack trace: " + r.body());
    }

    @Test
    void healthAndModel() throws Exception {
        HttpResponse<String> h = get(server, "/health");
        assertEquals(200, h.statusCode());
        assertEquals("ok", JSON.readTree(h.body()).get("status").asText());

        HttpResponse<String> m = get(server, "/model");
        assertEquals(200, m.statusCode(), m.body());
        JsonNode d = JSON.readTree(m.body());
        assertEquals(30, d.get("features").asInt());
        assertEquals(data.featureNames().get(0), d.get("featureNames").get(0).asText());
        assertEquals(model.intercept(), d.get("intercept").asDouble(), 0.0);
        assertEquals(model.coefficient(29), d.get("coefficients").get(29).asDouble(), 0.0);
        assertEquals(saved.status().name(), d.get("status").asText());
        assertEquals(saved.objective(), d.get("objective").asDouble(), 0.0);
        assertEquals(dev.logreg.io.ModelFile.libraryVersion(), d.get("libraryVersion").asText());
        assertEquals("l2", d.get("training").get("penalty").asText());
    }

    @Test
    void predictMatchesTheModel() throws Exception {
        float[][] x = rows(0, 7);
        checkAnswer(x, 0.5, post(client, server, "/predict", body(x, null)));
        checkAnswer(x, 0.9, post(client, server, "/predict", body(x, "\"threshold\": 0.9")));
        // Integers are numbers too, and no rows is an empty answer.
        float[][] ints = new float[1][30];
        for (int j = 0; j < 30; j++) ints[0][j] = j;
        StringBuilder sb = new StringBuilder("{\"threshold\": 0, \"rows\": [[");
        for (int j = 0; j < 30; j++) sb.append(j == 0 ? "" : ",").append(j);
        checkAnswer(ints, 0.0, post(client, server, "/predict", sb.append("]]}").toString()));
        HttpResponse<String> empty = post(client, server, "/predict", "{\"rows\": []}");
        assertEquals(200, empty.statusCode(), empty.body());
        assertEquals(0, JSON.readTree(empty.body()).get("probabilities").size());
    }

    @Test
    void badInputIs400NamingTheFault() throws Exception {
        float[][] x = rows(10, 3);
        assertError(400, "bad JSON", post(client, server, "/predict", "{\"rows\": [[1, 2,"));
        assertError(400, "bad JSON", post(client, server, "/predict", "not json"));
        assertError(400, "not a JSON object", post(client, server, "/predict", "[1, 2]"));
        assertError(400, "\"rows\" is missing", post(client, server, "/predict", "{}"));
        assertError(400, "unknown field \"data\"", post(client, server, "/predict", "{\"data\": []}"));
        assertError(400, "\"rows\" is a number, expected an array", post(client, server, "/predict", "{\"rows\": 3}"));

        float[][] narrow = {x[0], java.util.Arrays.copyOf(x[1], 29), x[2]};
        assertError(400, "row 1 has 29 values; the model expects 30", post(client, server, "/predict", body(narrow, null)));
        float[][] wide = {x[0], x[1], java.util.Arrays.copyOf(x[2], 31)};
        assertError(400, "row 2 has more than 30 values", post(client, server, "/predict", body(wide, null)));

        String overflow = body(x, null).replaceFirst("\\[\\[[^,]+,", "[[1.0,1e39,"); // beyond float32: infinite
        assertError(400, "row 0, column 1 is 1e39, not a finite float32", post(client, server, "/predict", overflow));
        String nan = body(x, null).replaceFirst("\\[\\[[^,]+,", "[[NaN,");
        assertError(400, "bad JSON", post(client, server, "/predict", nan));
        String text = body(x, null).replaceFirst("\\[\\[[^,]+,", "[[\"1.5\",");
        assertError(400, "row 0, column 0 is a string, expected a number", post(client, server, "/predict", text));
        String nul = body(x, null).replaceFirst("\\],\\[[^,]+,", "],[null,");
        assertError(400, "row 1, column 0 is null", post(client, server, "/predict", nul));
        assertError(400, "row 0 is a number, expected an array", post(client, server, "/predict", "{\"rows\": [1, 2]}"));
        assertError(400, "\"threshold\" is 1.5", post(client, server, "/predict", body(x, "\"threshold\": 1.5")));
        assertError(400, "\"threshold\" is a string", post(client, server, "/predict", body(x, "\"threshold\": \"high\"")));
        assertError(400, "after the JSON object", post(client, server, "/predict", body(x, null) + " {}"));

        // The server is still well after all that.
        checkAnswer(x, 0.5, post(client, server, "/predict", body(x, null)));
        assertTrue(!LOG.toString().contains("internal error"), LOG.toString());
    }

    @Test
    void wrongMethodAndUnknownPath() throws Exception {
        HttpResponse<String> r = get(server, "/predict");
        assertError(405, "method GET is not allowed on /predict; use POST", r);
        assertEquals("POST", r.headers().firstValue("Allow").orElse(null));
        assertError(405, "use GET", post(client, server, "/health", "{}"));
        assertError(405, "use GET", post(client, server, "/model", "{}"));
        HttpResponse<String> d = client.send(HttpRequest.newBuilder(uri(server, "/predict")).timeout(TIMEOUT).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(405, "method DELETE", d);
        assertError(404, "no such path: /nope", get(server, "/nope"));
        assertError(404, "no such path: /predict/x", post(client, server, "/predict/x", "{}"));
    }

    @Test
    void oversizedRequestsAre413() throws Exception {
        try (ScoringServer small = ScoringServer.start(saved, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerConfig.DEFAULT.withThreads(2).withMaxRows(3).withMaxRequestBytes(4096), null)) {
            HttpClient c = newClient();
            float[][] three = rows(0, 3);
            assertTrue(body(three, null).length() < 4096, "the test's small body fits");
            checkAnswer(three, 0.5, post(c, small, "/predict", body(three, null)));
            assertError(413, "more than 3 rows", post(c, small, "/predict", body(rows(0, 4), null)));
            String big = "{\"rows\": [], \"threshold\": 0.5" + " ".repeat(5000) + "}";
            assertError(413, "limit of 4096", post(c, small, "/predict", big));
            // A chunked body has no Content-Length: the limit is enforced while reading.
            byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> chunked = c.send(HttpRequest.newBuilder(uri(small, "/predict")).timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertError(413, "limit of 4096", chunked);
            checkAnswer(three, 0.5, post(c, small, "/predict", body(three, null)));
        }
    }

    @Test
    void concurrentClientsGetTheModelsAnswers() throws Exception {
        int clients = 8, requests = 50;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long seed = 100 + c;
                done.add(pool.submit(() -> {
                    HttpClient hc = newClient();
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int k = 0; k < requests; k++) {
                        int count = 1 + r.nextInt(20);
                        float[][] x = rows(r.nextInt((int) data.rows() - count), count);
                        double threshold = r.nextDouble();
                        checkAnswer(x, threshold, post(hc, server, "/predict", body(x, "\"threshold\": " + threshold)));
                    }
                    return requests;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) total += f.get(120, TimeUnit.SECONDS);
            assertEquals(clients * requests, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void stopDrainsRequestsInFlightThenRefuses() throws Exception {
        ScoringServer s = ScoringServer.start(saved, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerConfig.DEFAULT.withThreads(2), null);
        float[][] x = rows(20, 2);
        byte[] bytes = body(x, null).getBytes(StandardCharsets.UTF_8);
        // A raw connection, so that the test decides when each part of the request leaves: headers and the first
        // bytes of the body now, the rest only once stop() has begun.
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), s.port())) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, 10);
            out.flush();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (s.inFlight() == 0 && System.nanoTime() < until) Thread.sleep(5);
            assertEquals(1, s.inFlight(), "the request is in flight on the server");

            Thread stopper = new Thread(() -> s.stop(Duration.ofSeconds(10)));
            stopper.start();
            Thread.sleep(200); // stop() is now draining
            assertTrue(stopper.isAlive(), "stop waits for the request in flight");
            // A new request meanwhile is told the server is going away.
            assertError(503, "shutting down", post(newClient(), s, "/health", ""));

            out.write(bytes, 10, bytes.length - 10);
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            String json = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            checkAnswer(x, 0.5, new FakeResponse(json));
            stopper.join(20_000);
            assertTrue(!stopper.isAlive(), "stop returned");
        }
        assertEquals(0, s.inFlight());
        assertThrows(IOException.class, () -> post(newClient(), s, "/predict", body(x, null)), "stopped servers refuse connections");
        s.stop(Duration.ZERO); // idempotent
    }
}
