package dev.logreg.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        for (String flag : List.of("--header-timeout-ms", "--body-timeout-ms", "--idle-timeout-ms")) {
            CliRun t = CliRun.of("serve", "--model", model.toString(), "--port", "0", flag, "0");
            assertEquals(Cli.BAD_INPUT, t.code(), t.toString());
            assertTrue(t.err().contains(flag + " is 0, expected 1 to"), t.toString());
        }
    }

    private Path trainedModel() {
        return ServeProcess.trainedModel(dir);
    }

    @Test
    void sigtermStopsTheServerGracefully() throws Exception {
        Path model = trainedModel();
        try (ServeProcess serve = ServeProcess.start(model, dir, "--threads", "2")) {
            Process p = serve.process;
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> h = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.port + "/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode(), h.body());
            HttpResponse<String> described = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.port + "/model"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, described.statusCode(), described.body());
            assertTrue(described.body().contains("\"penalty\":\"l2\""), described.body());
            assertTrue(!described.body().contains("breast-cancer.csv"), "no training path without --expose-training-paths: " + described.body());

            p.destroy(); // SIGTERM on Unix
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the server exits after SIGTERM");
            String rest = serve.err();
            assertTrue(rest.contains("logreg serve: stopping (SIGTERM"), rest);
            assertTrue(rest.contains("logreg serve: stopped"), "the stop finished: " + rest);
            assertEquals(0, p.exitValue(), "a graceful stop is a success: " + rest);
        }
    }
}
