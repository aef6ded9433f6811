package dev.logreg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** {@code logreg serve} as a child process on a free loopback port, its error stream in a file. Caller closes. */
final class ServeProcess implements AutoCloseable {
    final Process process;
    final int port;
    final Path log;

    private ServeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** A model of data/breast-cancer.csv trained in-process into {@code dir}. */
    static Path trainedModel(Path dir) {
        Path model = dir.resolve("model.json");
        CliRun t = CliRun.of("train", "--data", CliRun.data("breast-cancer.csv").toString(), "--label", "benign", "--penalty", "l2",
                "--lambda", "1", "--backend", "reference", "--out", model.toString());
        assertEquals(Cli.OK, t.code(), t.toString());
        return model;
    }

    /** Starts {@code logreg serve --model model --port 0 --host 127.0.0.1 extra...} and waits (60 s at most) for its banner. */
    static ServeProcess start(Path model, Path dir, String... extra) throws IOException, InterruptedException {
        Path log = dir.resolve("serve.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", Main.class.getName(),
                "serve", "--model", model.toString(), "--port", "0", "--host", "127.0.0.1"));
        cmd.addAll(List.of(extra));
        // The error stream goes to a file: a pipe read while the process exits may be closed under the reader.
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
        Pattern port = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");
        Matcher m = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until && p.isAlive()) {
            m = port.matcher(Files.readString(log));
            if (m.find()) break;
            m = null;
            Thread.sleep(50);
        }
        if (m == null) p.destroyForcibly();
        assertNotNull(m, "no banner with the port: " + Files.readString(log));
        return new ServeProcess(p, Integer.parseInt(m.group(1)), log);
    }

    String err() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
