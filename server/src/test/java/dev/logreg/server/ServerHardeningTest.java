package dev.logreg.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LogisticModel;
import dev.logreg.optim.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a slow or hostile client does to the server: trickled headers and bodies, a Content-Length larger than the
 * body, oversized bodies sent with and without {@code Expect: 100-continue}, malformed requests, HEAD, duplicate
 * keys, long input quoted in messages, file paths in {@code /model}, a row the model cannot score. Loopback only;
 * every wait is bounded.
 */
class ServerHardeningTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int READ_TIMEOUT_MS = 10_000;

    private static SavedModel saved;
    /** Short timeouts, small limits: what the tests provoke happens in a fraction of a second. */
    private static ScoringServer server;

    @BeforeAll
    static void start() throws IOException {
        saved = TestModels.trained(TestModels.breastCancer());
        server = start(saved, ServerConfig.DEFAULT.withThreads(2).withMaxRequestBytes(4096).withMaxRows(10)
                .withHeaderTimeout(Duration.ofMillis(400)).withBodyTimeout(Duration.ofMillis(400)).withIdleTimeout(Duration.ofMillis(1500)));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static ScoringServer start(SavedModel m, ServerConfig config) throws IOException {
        return ScoringServer.start(m, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config, null);
    }

    private static RawHttp raw(ScoringServer s) throws IOException {
        return new RawHttp(s.port(), READ_TIMEOUT_MS);
    }

    /** Asserts a JSON error answer with {@code status} whose message contains {@code fragment}; returns the message. */
    private static String assertError(int status, String fragment, RawHttp.Answer a) throws IOException {
        assertEquals(status, a.status(), a.body());
        assertTrue(a.header("content-type").startsWith("application/json"), a.headers().toString());
        JsonNode e = JSON.readTree(a.body());
        assertNotNull(e.get("error"), a.body());
        String message = e.get("error").asText();
        assertTrue(message.contains(fragment), "expected '" + fragment + "' in " + a.body());
        for (String leak : List.of("Exception", "org.eclipse", "com.fasterxml", "Feature", "Source:", "REDACTED", "`", "\tat ")) {
            assertFalse(message.contains(leak), "library internals (" + leak + ") in " + message);
        }
        return message;
    }

    private static String post(String body) {
        return "POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String row(int width, String value) {
        return "[" + String.join(",", java.util.Collections.nCopies(width, value)) + "]";
    }

    @Test
    void hundredTricklingConnectionsLeaveHealthAnswering() throws Exception {
        // Timeouts long enough that the trickling connections stay open through the whole test.
        try (ScoringServer s = start(saved, ServerConfig.DEFAULT.withThreads(2).withHeaderTimeout(Duration.ofSeconds(60))
                .withBodyTimeout(Duration.ofSeconds(60)).withIdleTimeout(Duration.ofSeconds(60)))) {
            List<RawHttp> trickling = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    RawHttp c = raw(s);
                    trickling.add(c);
                    // Half are in their headers, half in a body that declares 1,000 bytes.
                    c.send(i % 2 == 0 ? "POST /predict HTTP/1.1\r\nHost: x\r\nX-Slow: " : "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"rows\": [");
                }
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/health")).timeout(Duration.ofSeconds(5)).build();
                for (int round = 0; round < 10; round++) {
                    for (RawHttp c : trickling) c.send(" ");
                    HttpResponse<String> h = client.send(health, HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, h.statusCode(), h.body());
                    assertEquals("ok", JSON.readTree(h.body()).get("status").asText());
                    Thread.sleep(20);
                }
                assertEquals(50, s.inFlight(), "the 50 requests whose headers arrived are waiting for their bodies, holding no thread");
            } finally {
                for (RawHttp c : trickling) c.close();
            }
        }
    }

    @Test
    void tricklingHeadersAreCutByTheHeaderTimeout() throws Exception {
        try (RawHttp c = raw(server)) {
            c.send("GET /health HTTP/1.1\r\n");
            long until = System.nanoTime() + 5_000_000_000L;
            boolean closed = false;
            // One byte every 50 ms: the idle timeout (1.5 s) never fires; the header timeout (0.4 s) must.
            while (!closed && System.nanoTime() < until) {
                try {
                    c.send("X");
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                c.socket.setSoTimeout(50);
                try {
                    closed = c.socket.getInputStream().read() < 0;
                } catch (java.net.SocketTimeoutException e) {
                    // still open
                } catch (java.net.SocketException e) {
                    closed = true;
                }
            }
            assertTrue(closed, "the connection trickling its headers was closed");
        }
    }

    @Test
    void bodyShorterThanItsContentLengthIs408() throws Exception {
        try (RawHttp c = raw(server)) {
            c.send("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"rows\": [");
            assertError(408, "did not arrive within 400 ms", c.read(false));
            assertTrue(c.closedByServer(), "the connection is closed after the 408");
        }
        // The 408's bytes reach the client before the server's write-completion callback ends the request, so the
        // count may lag the close by a moment (seen at load average 5): the request must end, not at once.
        long until = System.nanoTime() + 5_000_000_000L;
        while (server.inFlight() != 0 && System.nanoTime() < until) Thread.sleep(5);
        assertEquals(0, server.inFlight());
    }

    @Test
    void silentConnectionsAreClosedByTheIdleTimeout() throws Exception {
        try (RawHttp c = raw(server)) {
            assertTrue(c.closedByServer(), "a connection that sends nothing is closed");
        }
    }

    @Test
    void oversizedBodyIs413WhenTheClientWaitsForContinue() throws Exception {
        try (RawHttp c = raw(server)) {
            c.send("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 10000000\r\n\r\n");
            RawHttp.Answer a = c.read(false);
            assertError(413, "10000000 bytes, more than the limit of 4096", a);
            assertEquals("close", a.header("connection"));
        }
    }

    @Test
    void oversizedBodyIs413WhenTheClientSendsItAllBeforeReading() throws Exception {
        // As Python's http.client does: the whole body first, then read. 1 MB, far more than the socket buffers.
        byte[] body = ("{\"rows\": [], \"pad\": \"" + "x".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
        try (RawHttp c = raw(server)) {
            c.send("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n");
            c.send(body);
            assertError(413, "more than the limit of 4096", c.read(false));
        }
        // The same without a Content-Length (chunked): the limit is found while reading.
        try (RawHttp c = raw(server)) {
            c.send("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            OutputStream out = c.socket.getOutputStream();
            for (int off = 0; off < body.length; off += 8192) {
                int n = Math.min(8192, body.length - off);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, off, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertError(413, "more than the limit of 4096", c.read(false));
        }
    }

    @Test
    void malformedRequestsAreJsonErrors() throws Exception {
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400);
        cases.put("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400);
        cases.put("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400);
        cases.put("GARBAGE\r\n\r\n", 400);
        cases.put("GET /health HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n", 400);
        cases.put("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", 431);
        cases.put("GET /health HTTP/7.0\r\nHost: x\r\n\r\n", 505);
        cases.put("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
        for (Map.Entry<String, Integer> e : cases.entrySet()) {
            try (RawHttp c = raw(server)) {
                c.send(e.getKey());
                RawHttp.Answer a = c.read(false);
                assertTrue(a.status() == e.getValue() || (e.getValue() == 414 && a.status() == 431), "status " + a.status() + " for "
                        + e.getKey().substring(0, Math.min(60, e.getKey().length())) + ": " + a.body());
                String message = assertError(a.status(), "", a);
                assertTrue(message.length() < 200, "a short message: " + message);
                assertFalse(a.body().contains("<html") || a.body().contains("<h2"), a.body());
            }
        }
    }

    @Test
    void headAnswersWhereGetDoes() throws Exception {
        for (String path : List.of("/health", "/model")) {
            try (RawHttp c = raw(server)) {
                c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawHttp.Answer get = c.read(false);
                c.send("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawHttp.Answer head = c.read(true);
                assertEquals(200, head.status());
                assertEquals(get.header("content-length"), head.header("content-length"));
                assertTrue(head.header("content-type").startsWith("application/json"));
                // No body came after the HEAD answer: the next answer on the connection starts at once.
                c.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("{\"status\":\"ok\"}", c.read(false).body());
            }
        }
        try (RawHttp c = raw(server)) {
            c.send("HEAD /predict HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Answer a = c.read(true);
            assertEquals(405, a.status());
            assertEquals("POST", a.header("allow"));
        }
        try (RawHttp c = raw(server)) {
            c.send("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            RawHttp.Answer a = c.read(false);
            assertError(405, "use GET, HEAD", a);
            assertEquals("GET, HEAD", a.header("allow"));
        }
    }

    @Test
    void duplicateKeysAreRefused() throws Exception {
        String r = row(30, "1");
        try (RawHttp c = raw(server)) {
            c.send(post("{\"rows\": [" + r + "], \"rows\": [" + r + "]}"));
            assertError(400, "field \"rows\" appears twice", c.read(false));
            c.send(post("{\"rows\": [" + r + "], \"threshold\": 0.2, \"threshold\": 0.9}"));
            assertError(400, "field \"threshold\" appears twice", c.read(false));
        }
    }

    @Test
    void messagesQuoteABoundedPieceOfTheInput() throws Exception {
        try (RawHttp c = raw(server)) {
            c.send(post("{\"" + "f".repeat(3000) + "\": 1}"));
            String m = assertError(400, "unknown field \"" + "f".repeat(100) + "...\"", c.read(false));
            assertFalse(m.contains("f".repeat(101)), m);

            c.send("GET /" + "p".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            m = assertError(404, "no such path: /" + "p".repeat(99) + "...", c.read(false));
            assertFalse(m.contains("p".repeat(101)), m);

            // Jackson's own words: the non-standard NaN, a number too long, an unterminated array.
            c.send(post("{\"rows\": [[NaN]]}"));
            assertError(400, "bad JSON: Non-standard token 'NaN' at line 1, column", c.read(false));
            c.send(post("{\"rows\": [[" + "1".repeat(150) + "]]}"));
            assertError(400, "bad JSON: a number longer than 100 characters", c.read(false));
            c.send(post("{\"rows\": [[1, 2"));
            assertError(400, "bad JSON: Unexpected end-of-input", c.read(false));
            c.send(post("{\"rows\": [[" + "x".repeat(500) + "]]}"));
            m = assertError(400, "bad JSON: Unrecognized token", c.read(false));
            assertTrue(m.length() < 300, m);
        }
    }

    @Test
    void modelShowsNoPathsUnlessAsked() throws Exception {
        try (RawHttp c = raw(server)) {
            c.send("GET /model HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Answer a = c.read(false);
            assertEquals(200, a.status());
            JsonNode training = JSON.readTree(a.body()).get("training");
            assertNull(training.get("data"), a.body());
            assertEquals("l2", training.get("penalty").asText());
            assertFalse(a.body().contains("secret"), a.body());
        }
        try (ScoringServer s = start(saved, ServerConfig.DEFAULT.withThreads(1).withExposeTrainingPaths(true)); RawHttp c = raw(s)) {
            c.send("GET /model HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("/home/someone/secret/train.csv", JSON.readTree(c.read(false).body()).get("training").get("data").asText());
        }
    }

    @Test
    void aRowTheModelCannotScoreIs400NamingTheRow() throws Exception {
        // Finite coefficients whose terms overflow with opposite signs on row 1: the logit is ∞ - ∞.
        LogisticModel huge = new LogisticModel(new double[] {1e308, -1e308}, 0, true, null);
        SavedModel m = new SavedModel(huge, LabelMapping.ZERO_ONE, null, "test", "none", Double.NaN, Status.CONVERGED_GRADIENT, "", 0, 0, null, null);
        try (ScoringServer s = start(m, ServerConfig.DEFAULT.withThreads(1)); RawHttp c = raw(s)) {
            c.send(post("{\"rows\": [[1e-300, 0], [2, 2], [0, 0]]}"));
            String message = assertError(400, "row 1", c.read(false));
            assertFalse(message.contains("row 0") || message.contains("row 2"), message);
            c.send(post("{\"rows\": [[1, 0], [0, 1]]}"));
            RawHttp.Answer ok = c.read(false);
            assertEquals(200, ok.status(), ok.body());
            JsonNode p = JSON.readTree(ok.body()).get("probabilities");
            assertEquals(1.0, p.get(0).asDouble(), 0.0);
            assertEquals(0.0, p.get(1).asDouble(), 0.0);
        }
    }
}
