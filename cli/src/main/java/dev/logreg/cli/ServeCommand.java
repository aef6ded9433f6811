package dev.logreg.cli;

import dev.logreg.io.ModelFile;
import dev.logreg.io.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code logreg serve}: an HTTP scoring server for one model file ({@link ScoringServer}), until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a model over HTTP until stopped (SIGTERM or Ctrl-C stop it gracefully, draining requests in flight).",
                "  POST /predict  {\"rows\": [[...], ...], \"threshold\": 0.5}  ->  {\"probabilities\": [...], \"labels\": [...]}",
                "  GET  /health   {\"status\": \"ok\"}",
                "  GET  /model    features, feature names, coefficients, intercept, status, objective, library version",
                "Rows are in the model's feature order (GET /model lists it). Errors are {\"error\": \"...\"} with 400 (bad input; the",
                "message names the row), 413 (too large), 404, 405."},
        footer = {"", "Examples:",
                "  logreg serve --model model.json",
                "  logreg serve --model model.json --port 9000 --host 0.0.0.0 --threads 8",
                "  curl -s localhost:8080/predict -d '{\"rows\": [[1.5, 2.0, 0.3]]}'"})
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

    @Option(names = "--drain-seconds", paramLabel = "S", defaultValue = "2",
            description = "On shutdown, how long requests in flight may take to finish (default: ${DEFAULT-VALUE}).")
    int drainSeconds;

    @Mixin
    VerboseOption verboseOption;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port is " + port + ", expected 0 to 65535");
        if (drainSeconds < 0) throw new IllegalArgumentException("--drain-seconds is " + drainSeconds + ", expected >= 0");
        SavedModel m = ModelFile.read(modelOption.model);
        ScoringServer.Limits limits = ScoringServer.Limits.DEFAULT.withMaxRequestBytes(maxRequestBytes).withMaxRows(maxRows);
        if (threads != null) limits = limits.withThreads(threads);
        ScoringServer server;
        try {
            server = ScoringServer.start(m, new InetSocketAddress(host, port), limits, parent.err);
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            parent.err.println("logreg serve: stopping (draining requests for up to " + drainSeconds + " s)");
            parent.err.flush();
            server.stop(Duration.ofSeconds(drainSeconds));
            parent.err.println("logreg serve: stopped");
            parent.err.flush();
            stopped.countDown();
        }, "logreg-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        parent.err.println("logreg serve: " + modelOption.model + " (" + m.model().features() + " features, " + m.status() + ") on http://"
                + host + ":" + server.port() + "  [POST /predict, GET /health, GET /model; " + limits.threads() + " threads]");
        parent.err.flush();
        stopped.await();
        return Cli.OK;
    }
}
