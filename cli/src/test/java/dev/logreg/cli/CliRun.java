package dev.logreg.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One in-process run of the command line, with its exit code and captured streams. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Cli.run(args, new PrintWriter(o, true), new PrintWriter(e, true), false);
        return new CliRun(code, o.toString(), e.toString());
    }

    /** {@code data/<name>} of the repository, found by walking up from the working directory. */
    static Path data(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path p = dir.resolve("data").resolve(name);
            if (Files.isRegularFile(p)) return p;
            dir = dir.getParent();
        }
        throw new IllegalStateException("data/" + name + " not found");
    }

    /**
     * {@code dir/model.json}: the bundled breast-cancer data trained with L2, λ = 1 on the reference backend, the
     * model most command-line tests score with.
     */
    static Path trainBundled(Path dir) {
        Path model = dir.resolve("model.json");
        of("train", "--data", data("breast-cancer.csv").toString(), "--label", "benign", "--penalty", "l2", "--lambda", "1",
                "--backend", "reference", "--out", model.toString(), "--quiet").assertOk();
        return model;
    }

    /** Exit 0. */
    void assertOk() {
        assertOk(this);
    }

    /** Exit 0, the run shown where not. */
    static void assertOk(CliRun r) {
        assertEquals(0, r.code(), r::toString);
    }

    /** Exit 2 with {@code fragment} in one error line, the last on stderr, and no stack trace. */
    static void assertBadInput(CliRun r, String fragment) {
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains(fragment), () -> "expected '" + fragment + "' in stderr: " + r);
        assertFalse(r.err().contains("\tat "), () -> "stack trace without --verbose: " + r);
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("logreg:")).count(), () -> "the error should be one line: " + r);
        String last = r.err().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("logreg:"), () -> "the error should be the last line: " + r);
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
    }
}
