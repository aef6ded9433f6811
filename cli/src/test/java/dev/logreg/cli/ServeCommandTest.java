package dev.logreg.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code logreg serve}: its argument errors in-process, and a real process stopped by SIGTERM. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void badArgumentsAreExitCode2() {
        CliRun missing = CliRun.of("serve", "--model", dir.resolve("none.json").toString());
        assertEquals(Cli.BAD_INPUT, missing.code(), missing.toString());
        assertTrue(missing.err().contains("none.json"), missing.toString());
        CliRun noModel = CliRun.of("serve");
        assertEquals(Cli.BAD_INPUT, noModel.code(), noModel.toString());
        assertTrue(noModel.err().contains("--model"), noModel.toString());
    }

    @Test
    void badPortAndThreadsAreExitCode2() throws Exception {
        Path model = trainedModel();
        CliRun port = CliRun.of("serve", "--model", model.toString(), "--port", "70000");
        assertEquals(Cli.BAD_INPUT, port.code(), port.toString());
        assertTrue(port.err().contains("--port is 70000"), port.toString());
        CliRun threads = CliRun.of("serve", "--model", model.toString(), "--port", "0", "--threads", "0");
        assertEquals(Cli.BAD_INPUT, threads.code(), threads.toString());
        assertTrue(threads.err().contains("threads is 0"), threads.toString());
    }

    private Path trainedModel() {
        Path model = dir.resolve("model.json");
        CliRun t = CliRun.of("train", "--data", CliRun.data("breast-cancer.csv").toString(), "--label", "benign", "--penalty", "l2",
                "--lambda", "1", "--backend", "reference", "--out", model.toString());
        assertEquals(Cli.OK, t.code(), t.toString());
        return model;
    }

    @Test
    void sigtermStopsTheServerGracefully() throws Exception {
        Path model = trainedModel();
        Path log = dir.resolve("serve.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The error stream goes to a file: a pipe read while the process exits may be closed under the reader.
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", Main.class.getName(),
                "serve", "--model", model.toString(), "--port", "0", "--host", "127.0.0.1", "--threads", "2"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
        try {
            Pattern port = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");
            Matcher m = null;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < until && p.isAlive()) {
                m = port.matcher(Files.readString(log));
                if (m.find()) break;
                m = null;
                Thread.sleep(50);
            }
            assertNotNull(m, "no banner with the port: " + Files.readString(log));
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> h = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode(), h.body());

            p.destroy(); // SIGTERM on Unix
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the server exits after SIGTERM");
            String rest = Files.readString(log);
            assertTrue(rest.contains("logreg serve: stopping"), rest);
            assertTrue(rest.contains("logreg serve: stopped"), "the shutdown hook finished: " + rest);
        } finally {
            p.destroyForcibly();
        }
    }
}
