package dev.logreg.cli;

import dev.logreg.backend.BackendException;
import dev.logreg.io.Excerpt;
import dev.logreg.io.OutputRefusedException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Runs the {@code logreg} command line in-process with the given streams, which is how {@link Main} and the tests
 * call it. Exit codes: 0 success, 2 bad usage or bad input (an unknown option, a missing or malformed file, a value
 * out of range), 1 any other failure. Errors are one line on the error stream; {@code --verbose} adds the stack trace.
 * Stateless: each call builds its own {@link CommandLine}.
 */
public final class Cli {
    private Cli() {}

    /** Exit code of a successful run. */
    public static final int OK = 0;
    /** Exit code of any failure other than bad usage or input. */
    public static final int FAILURE = 1;
    /** Exit code of bad usage or bad input. */
    public static final int BAD_INPUT = 2;

    /**
     * Runs {@code args}.
     *
     * @param out      standard output (results, JSON)
     * @param err      standard error (progress, warnings, errors)
     * @param terminal whether {@code err} is a terminal (progress bar) or not (periodic log lines)
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal) {
        CommandLine cl = new CommandLine(new LogregCommand(out, err, terminal));
        for (Class<?> sub : LogregCommand.subcommandsFor(args)) cl.addSubcommand(sub);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println("logreg: " + bounded(ex.getMessage().replace('\n', ' ').replace('\r', ' ').trim())
                    + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            boolean verbose = parsed.expandedArgs().contains("--verbose");
            err.println("logreg: error: " + oneLine(ex));
            if (verbose) ex.printStackTrace(err);
            err.flush();
            return exitCode(ex);
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("logreg: error: out of memory (" + e.getMessage() + "); give the JVM more with LOGREG_JAVA_OPTS=-Xmx<size>");
            if (java.util.Arrays.asList(args).contains("--verbose")) e.printStackTrace(err);
            code = FAILURE;
        } catch (InternalError e) {
            // A read of memory-mapped rows faulted outside a backend's pass (the metrics, say): the file shrank.
            err.println("logreg: error: reading memory-mapped data failed (" + e.getMessage() + "): was the data file truncated or changed while in use?");
            if (java.util.Arrays.asList(args).contains("--verbose")) e.printStackTrace(err);
            code = FAILURE;
        } catch (LinkageError e) {
            // picocli hands only Exceptions to the handler; a backend whose classes cannot load ends here.
            err.println("logreg: error: " + oneLine(e));
            if (java.util.Arrays.asList(args).contains("--verbose")) e.printStackTrace(err);
            code = FAILURE;
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * A parser message (it quotes the arguments, which may be megabytes long) cut to a few of {@link Excerpt}'s
     * quotes: long enough for a message about several options, bounded all the same.
     */
    static String bounded(String message) {
        int max = 3 * Excerpt.LIMIT;
        return message.length() <= max ? message : message.substring(0, max) + "...";
    }

    /** 2 for bad input or usage, 1 otherwise. */
    static int exitCode(Throwable e) {
        if (e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException) return BAD_INPUT;
        if (e instanceof NoSuchFileException || e instanceof AccessDeniedException || e instanceof NotDirectoryException
                || e instanceof FileAlreadyExistsException || e instanceof OutputRefusedException) {
            return BAD_INPUT;
        }
        return FAILURE;
    }

    /** The exception's message on one line, with the kind where it adds information. */
    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (e instanceof NoSuchFileException) {
            NoSuchFileException n = (NoSuchFileException) e;
            m = "no such file: " + n.getFile() + (n.getReason() == null ? "" : " (" + n.getReason() + ")");
        } else if (e instanceof FileAlreadyExistsException) {
            m = ((FileAlreadyExistsException) e).getFile() + " exists and is not a directory";
        } else if (e instanceof NotDirectoryException) {
            m = "not a directory: " + ((NotDirectoryException) e).getFile();
        } else if (e instanceof OutputRefusedException) {
            OutputRefusedException r = (OutputRefusedException) e;
            m = "cannot write " + r.getFile() + ": it " + r.getReason()
                    + (r.reason() == OutputRefusedException.Reason.READ_ONLY ? " (--force replaces it, keeping it read-only)" : "");
        } else if (e instanceof AccessDeniedException) {
            m = "permission denied: " + ((AccessDeniedException) e).getFile();
        } else if (e instanceof IOException && !(e instanceof java.io.UncheckedIOException)) {
            m = "I/O error: " + m;
        } else if (e instanceof BackendException) {
            m = "backend failure: " + m;
        } else if (m == null || (!(e instanceof IllegalArgumentException) && !(e instanceof IllegalStateException)
                && !(e instanceof dev.logreg.backend.BackendUnavailableException))) {
            m = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
