package dev.logreg.cli;

import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import dev.logreg.server.ScoringServer;
import dev.logreg.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code logreg serve}: an HTTP scoring server for one model file ({@link ScoringServer}) until SIGTERM or Ctrl-C,
 * which stop it gracefully and exit 0 ({@link StopSignals}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a model over HTTP until stopped: SIGTERM or Ctrl-C drain requests in flight and exit 0.",
                "  POST /predict  {\"rows\": [[...], ...], \"threshold\": 0.5}  ->  {\"probabilities\": [...], \"labels\": [...]}",
                "  GET  /health   {\"status\": \"ok\"}",
                "  GET  /model    features, feature names, coefficients, intercept, status, objective, library version",
                "HEAD works wherever GET does. Rows are in the model's feature order.",
                "Every error is JSON {\"error\": \"...\"}: 400 bad input (naming the row and",
                "column) or a malformed request; 404; 405; 408 body not in within",
                "--body-timeout-ms; 413 body or rows over the limits; 431 headers too large;",
                "503 shutting down. A connection whose headers take longer than",
                "--header-timeout-ms, or that is silent for --idle-timeout-ms, is closed."},
        footer = {"", "Examples:",
                "  logreg serve --model model.json",
                "  logreg serve --model model.json --port 9000 --host 0.0.0.0 --threads 8",
                "  curl -s localhost:8080/predict -d '{\"rows\": [[1.5, 2.0, 0.3]]}'",
                "", "Exit codes: 0 stopped by SIGTERM or Ctrl-C, 2 bad usage or model file or address in use, 1 other failures."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    LogregCommand parent;

    @Mixin
    ModelOption modelOption;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--threads", paramLabel = "N", description = "Request threads (default: one per core).")
    Integer threads;

    @Option(names = "--max-request-bytes", paramLabel = "BYTES", defaultValue = "16777216",
            description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}, 16 MiB).")
    int maxRequestBytes;

    @Option(names = "--max-rows", paramLabel = "ROWS", defaultValue = "100000",
            description = "Most rows in one request; more get 413 (default: ${DEFAULT-VALUE}).")
    int maxRows;

    @Option(names = "--header-timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "Longest time from a request's first byte to the end of its headers; then the connection is closed "
                    + "(default: ${DEFAULT-VALUE}).")
    long headerTimeoutMs;

    @Option(names = "--body-timeout-ms", paramLabel = "MS", defaultValue = "60000",
            description = "Longest time to receive a request body after its headers; then 408 and the connection closed "
                    + "(default: ${DEFAULT-VALUE}).")
    long bodyTimeoutMs;

    @Option(names = "--idle-timeout-ms", paramLabel = "MS", defaultValue = "30000",
            description = "Longest silence on a connection, between requests or within one; then it is closed (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMs;

    @Option(names = "--expose-training-paths",
            description = "Show file paths of the model's training record (the training data's path) in GET /model; hidden by default.")
    boolean exposeTrainingPaths;

    @Option(names = "--drain-seconds", paramLabel = "S", defaultValue = "2",
            description = "On shutdown, how long requests in flight may take to finish (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Mixin
    VerboseOption verboseOption;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port is " + port + ", expected 0 to 65535");
        if (drainSeconds < 0) throw new IllegalArgumentException("--drain-seconds is " + drainSeconds + ", expected >= 0");
        checkTimeout("--header-timeout-ms", headerTimeoutMs);
        checkTimeout("--body-timeout-ms", bodyTimeoutMs);
        checkTimeout("--idle-timeout-ms", idleTimeoutMs);
        SavedModel m = ModelFile.read(modelOption.model);
        ServerConfig config = ServerConfig.DEFAULT.withMaxRequestBytes(maxRequestBytes).withMaxRows(maxRows)
                .withHeaderTimeout(Duration.ofMillis(headerTimeoutMs)).withBodyTimeout(Duration.ofMillis(bodyTimeoutMs))
                .withIdleTimeout(Duration.ofMillis(idleTimeoutMs)).withExposeTrainingPaths(exposeTrainingPaths);
        if (threads != null) config = config.withThreads(threads);
        Duration drain = Duration.ofSeconds(drainSeconds);
        try (StopSignals signals = StopSignals.install()) {
            ScoringServer server;
            try {
                server = ScoringServer.start(m, new InetSocketAddress(host, port), config, parent.err);
            } catch (java.net.BindException e) {
                throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
            }
            // Fallback for a JVM that exits some other way (signals unavailable, System.exit elsewhere): still drain.
            Thread hook = new Thread(() -> server.stop(drain), "logreg-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            parent.err.println("logreg serve: " + modelOption.model + " (" + m.classifier().features() + " features, " + (m.classifier().classes() > 2 ? m.classifier().classes() + " classes, " : "") + m.status() + ") on http://"
                    + host + ":" + server.port() + "  [POST /predict, GET /health, GET /model; " + config.threads() + " threads; timeouts: header "
                    + headerTimeoutMs + " ms, body " + bodyTimeoutMs + " ms, idle " + idleTimeoutMs + " ms]");
            parent.err.flush();
            String signal = signals.await();
            parent.err.println("logreg serve: stopping (" + signal + "; draining requests for up to " + drainSeconds + " s)");
            parent.err.flush();
            server.stop(drain);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook's stop() returns at once, the server being stopped.
            }
            parent.err.println("logreg serve: stopped");
            parent.err.flush();
        }
        return Cli.OK;
    }

    private static void checkTimeout(String flag, long ms) {
        if (ms < 1 || ms > Integer.MAX_VALUE) throw new IllegalArgumentException(flag + " is " + ms + ", expected 1 to " + Integer.MAX_VALUE);
    }
}
