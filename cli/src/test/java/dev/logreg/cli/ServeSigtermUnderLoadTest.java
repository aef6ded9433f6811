package dev.logreg.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to a child {@code logreg serve} while concurrent, trickling, oversized and malformed clients are at it:
 * only 2xx, 4xx or 503 answers (or, once the signal is sent, connections closed or refused), and the process drains
 * and exits 0. Loopback only; at most {@value #MAX_REQUESTS} requests per client and {@value #DEADLINE_SECONDS} s.
 */
class ServeSigtermUnderLoadTest {
    private static final int MAX_REQUESTS = 300;
    private static final int DEADLINE_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void sigtermUnderLoadDrainsAndExitsZero() throws Exception {
        Path model = ServeProcess.trainedModel(dir);
        String row = "[" + String.join(",", Collections.nCopies(30, "0.5")) + "]";
        List<String> bodies = List.of("{\"rows\": [" + row + "]}", "{\"rows\": [" + row + "," + row + "], \"threshold\": 0.9}",
                "{\"rows\": [[1, 2]]}", "{\"rows\": [" + row + "], \"rows\": []}", "{\"rows\": [], \"pad\": \"" + "x".repeat(20_000) + "\"}");
        List<String> raw = List.of("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\nExpect: 100-continue\r\n\r\n",
                "HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        AtomicLong sigtermNanos = new AtomicLong(Long.MAX_VALUE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);

        try (ServeProcess serve = ServeProcess.start(model, dir, "--threads", "2", "--max-request-bytes", "16384",
                "--header-timeout-ms", "2000", "--body-timeout-ms", "2000", "--drain-seconds", "2")) {
            URI predict = URI.create("http://127.0.0.1:" + serve.port + "/predict");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> workers = new ArrayList<>();
            try {
                for (int w = 0; w < 4; w++) {
                    int first = w;
                    workers.add(pool.submit(() -> {
                        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                        for (int k = 0; k < MAX_REQUESTS && System.nanoTime() < deadline; k++) {
                            HttpRequest req = HttpRequest.newBuilder(predict).timeout(Duration.ofSeconds(10))
                                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get((first + k) % bodies.size()))).build();
                            try {
                                HttpResponse<String> resp = c.send(req, HttpResponse.BodyHandlers.ofString());
                                statuses.computeIfAbsent(resp.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                                if (resp.statusCode() >= 500 && resp.statusCode() != 503) unexpected.add(resp.statusCode() + " " + resp.body());
                            } catch (IOException e) {
                                if (System.nanoTime() < sigtermNanos.get()) unexpected.add("failed before SIGTERM: " + e);
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                for (int w = 0; w < 2; w++) {
                    int first = w;
                    workers.add(pool.submit(() -> {
                        for (int k = 0; k < MAX_REQUESTS / 4 && System.nanoTime() < deadline; k++) {
                            String req = raw.get((first + k) % raw.size());
                            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), serve.port)) {
                                s.setSoTimeout(10_000);
                                s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
                                String status = statusLine(s.getInputStream());
                                int code = Integer.parseInt(status.split(" ")[1]);
                                statuses.computeIfAbsent(code, x -> new AtomicInteger()).incrementAndGet();
                                if (code >= 500 && code != 503) unexpected.add(req.substring(0, 30) + " -> " + status);
                            } catch (IOException | RuntimeException e) {
                                if (System.nanoTime() < sigtermNanos.get()) unexpected.add("raw request failed before SIGTERM: " + e);
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                // Two connections trickling a body: each cut by the body timeout (408), then another.
                for (int w = 0; w < 2; w++) {
                    workers.add(pool.submit(() -> {
                        while (System.nanoTime() < deadline && System.nanoTime() < sigtermNanos.get()) {
                            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), serve.port)) {
                                s.setSoTimeout(30);
                                OutputStream out = s.getOutputStream();
                                out.write("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                                for (int b = 0; b < 100; b++) {
                                    out.write('[');
                                    try {
                                        s.getInputStream().read();
                                        break;
                                    } catch (java.net.SocketTimeoutException e) {
                                        // still open
                                    }
                                }
                            } catch (IOException e) {
                                // closed by a timeout or by the stop
                            }
                        }
                        return null;
                    }));
                }
                // SIGTERM once the server has answered 20 good requests (a while on a busy machine), and a little later.
                while (statuses.getOrDefault(200, new AtomicInteger()).get() < 20 && System.nanoTime() < deadline - TimeUnit.SECONDS.toNanos(15)) {
                    Thread.sleep(10);
                }
                Thread.sleep(300);
                sigtermNanos.set(System.nanoTime());
                serve.process.destroy(); // SIGTERM
                assertTrue(serve.process.waitFor(30, TimeUnit.SECONDS), "logreg serve exits after SIGTERM under load: " + serve.err());
                for (Future<?> f : workers) f.get(DEADLINE_SECONDS + 10, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            String err = serve.err();
            assertEquals(0, serve.process.exitValue(), err);
            assertTrue(err.contains("logreg serve: stopped"), err);
            assertTrue(!err.contains("internal error") && !err.contains("Exception") && !err.contains("HTTP 5"), err);
        }
        assertTrue(unexpected.isEmpty(), unexpected.size() + " unexpected, first: " + (unexpected.isEmpty() ? "" : unexpected.get(0)));
        for (int status : statuses.keySet()) {
            assertTrue((status >= 200 && status < 300) || (status >= 400 && status < 500) || status == 503, "status " + status + " in " + statuses);
        }
        assertTrue(statuses.containsKey(200) && statuses.containsKey(400) && statuses.containsKey(413), statuses.toString());
    }

    /** The status line of an answer ("HTTP/1.1 400 Bad Request"). */
    private static String statusLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') sb.append((char) c);
        if (sb.length() == 0) throw new IOException("closed without an answer");
        return sb.toString().trim();
    }
}
