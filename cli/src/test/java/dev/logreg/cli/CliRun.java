package dev.logreg.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

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

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
    }
}
