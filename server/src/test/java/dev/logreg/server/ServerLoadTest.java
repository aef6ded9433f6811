package dev.logreg.server;

import dev.logreg.data.Dataset;
import dev.logreg.io.SavedModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded load test: well-behaved concurrent clients, clients that trickle, oversized and malformed requests, all
 * at once on loopback, then the embedder's graceful {@link ScoringServer#stop} while they go on. The server may
 * answer only 2xx, 4xx or 503 (a connection may also be closed: by a timeout, or by the stop), must drain and must
 * leave no thread behind. Bounded in requests (each client sends at most {@value #MAX_REQUESTS}) and in time (the
 * stop comes once 30 good requests have been answered; every client gives up after {@value #DEADLINE_SECONDS} s).
 */
class ServerLoadTest {
    private static final int MAX_REQUESTS = 400;
    private static final int DEADLINE_SECONDS = 20;

    @Test
    void mixedLoadThenStop() throws Exception {
        Dataset data = TestModels.breastCancer();
        java.io.StringWriter log = new java.io.StringWriter();
        SavedModel saved = TestModels.trained(data);
        ScoringServer server = ScoringServer.start(saved, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerConfig.DEFAULT.withThreads(2).withMaxRequestBytes(16_384).withMaxRows(20)
                        .withHeaderTimeout(Duration.ofMillis(300)).withBodyTimeout(Duration.ofMillis(300)).withIdleTimeout(Duration.ofSeconds(2)),
                new java.io.PrintWriter(log, true));
        URI predict = URI.create("http://127.0.0.1:" + server.port() + "/predict");
        URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);

        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger ioBeforeStop = new AtomicInteger();
        AtomicLong stopStartedNanos = new AtomicLong(Long.MAX_VALUE);
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger good = new AtomicInteger();

        // Request bodies: good ones of 1 to 5 rows, and the hostile ones.
        List<String> goodBodies = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(7);
        for (int b = 0; b < 16; b++) {
            int rows = 1 + r.nextInt(5);
            StringBuilder sb = new StringBuilder("{\"rows\": [");
            float[] x = new float[data.cols()];
            for (int i = 0; i < rows; i++) {
                data.copyRow(r.nextInt((int) data.rows()), x);
                sb.append(i == 0 ? "[" : ",[");
                for (int j = 0; j < x.length; j++) sb.append(j == 0 ? "" : ",").append(x[j]);
                sb.append(']');
            }
            goodBodies.add(sb.append("]}").toString());
        }
        List<String> badBodies = List.of("{\"rows\": [[1, 2]]}", "not json", "{\"rows\": [[1]], \"rows\": []}", "{\"rows\": " + "[".repeat(50),
                "{\"rows\": [], \"pad\": \"" + "x".repeat(40_000) + "\"}", "{\"rows\": [" + String.join(",", java.util.Collections.nCopies(30, "[]")) + "]}");
        List<String> rawRequests = List.of(
                "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "GARBAGE\r\n\r\n",
                "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n\r\n",
                "HEAD /model HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "DELETE /predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<?>> workers = new ArrayList<>();
        try {
            // 6 well-behaved clients (HttpClient, keep-alive), good and bad JSON mixed.
            for (int w = 0; w < 6; w++) {
                int seed = w;
                workers.add(pool.submit(() -> {
                    HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                    SplittableRandom wr = new SplittableRandom(seed);
                    for (int k = 0; k < MAX_REQUESTS && System.nanoTime() < deadline; k++) {
                        boolean bad = wr.nextInt(4) == 0;
                        String body = bad ? badBodies.get(wr.nextInt(badBodies.size())) : goodBodies.get(wr.nextInt(goodBodies.size()));
                        HttpRequest req = k % 10 == 9 ? HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10)).build()
                                : HttpRequest.newBuilder(predict).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        try {
                            HttpResponse<String> resp = c.send(req, HttpResponse.BodyHandlers.ofString());
                            record(statuses, resp.statusCode());
                            if (resp.statusCode() == 200) good.incrementAndGet();
                            if (!resp.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                                unexpected.add("not JSON: " + resp.statusCode() + " " + resp.body());
                            }
                        } catch (IOException e) {
                            if (System.nanoTime() < stopStartedNanos.get()) {
                                ioBeforeStop.incrementAndGet();
                                unexpected.add("connection failed before the stop: " + e);
                            }
                            if (System.nanoTime() >= stopStartedNanos.get()) return null; // the server is gone
                        }
                    }
                    return null;
                }));
            }
            // 2 clients of raw hostile requests, one connection each.
            for (int w = 0; w < 2; w++) {
                int offset = w;
                workers.add(pool.submit(() -> {
                    for (int k = 0; k < MAX_REQUESTS / 4 && System.nanoTime() < deadline; k++) {
                        String req = rawRequests.get((k + offset) % rawRequests.size());
                        try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                            c.send(req);
                            RawHttp.Answer a = c.read(req.startsWith("HEAD"));
                            record(statuses, a.status());
                        } catch (IOException e) {
                            if (System.nanoTime() >= stopStartedNanos.get()) return null;
                            unexpected.add("raw request failed before the stop: " + req.substring(0, 20) + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            // 4 trickling clients: a byte every 20 ms, headers or body; each connection is cut by a timeout, then another.
            for (int w = 0; w < 4; w++) {
                boolean inBody = w % 2 == 1;
                workers.add(pool.submit(() -> {
                    for (int k = 0; k < 20 && System.nanoTime() < deadline && System.nanoTime() < stopStartedNanos.get(); k++) {
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                            s.setSoTimeout(20);
                            s.getOutputStream().write((inBody ? "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n" : "GET /health HTTP/1.1\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            for (int b = 0; b < 200 && System.nanoTime() < deadline; b++) {
                                s.getOutputStream().write(inBody ? '[' : 'X');
                                try {
                                    s.getInputStream().read(); // end of stream (header timeout) or an answer (408): done
                                    break;
                                } catch (java.net.SocketTimeoutException e) {
                                    // still open: trickle on
                                }
                            }
                        } catch (IOException e) {
                            // closed under us by a timeout or by the stop: expected
                        }
                    }
                    return null;
                }));
            }

            // The load runs until the good clients have had 30 answers (on a busy machine that takes a while), then a
            // little longer, so that the stop comes with every kind of client in flight.
            while (good.get() < 30 && System.nanoTime() < deadline - TimeUnit.SECONDS.toNanos(10)) Thread.sleep(10);
            Thread.sleep(300);
            stopStartedNanos.set(System.nanoTime());
            server.stop(Duration.ofSeconds(2));
            for (Future<?> f : workers) f.get(DEADLINE_SECONDS + 10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            server.close();
        }

        assertTrue(unexpected.isEmpty(), unexpected.size() + " unexpected outcomes, first: " + (unexpected.isEmpty() ? "" : unexpected.get(0)));
        assertEquals(0, ioBeforeStop.get());
        assertEquals("", log.toString(), "no request failed inside the server (no 500, nothing logged)");
        for (int status : statuses.keySet()) {
            assertTrue((status >= 200 && status < 300) || (status >= 400 && status < 500) || status == 503, "status " + status + " in " + statuses);
        }
        assertTrue(good.get() > 0, "some requests were answered: " + statuses);
        assertTrue(statuses.containsKey(400) && statuses.containsKey(413), "hostile requests were refused: " + statuses);
        assertEquals(0, server.inFlight(), "drained");
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), server.port()).close(), "the listener is closed");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (liveServerThreads() > 0 && System.nanoTime() < until) Thread.sleep(20);
        assertEquals(0, liveServerThreads(), "the server's threads have ended");
    }

    private static void record(Map<Integer, AtomicInteger> statuses, int status) {
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
    }

    private static long liveServerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("logreg-serve")).count();
    }
}
