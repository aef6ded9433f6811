package dev.logreg.cli;

import java.io.PrintWriter;

/** Entry point of the {@code logreg} command; see {@link Cli}. */
public final class Main {
    private Main() {}

    /** Runs the command line and exits with its code: 0 success, 2 bad usage or input, 1 other failures. */
    public static void main(String[] args) {
        // Plots are drawn with AWT; without a display it must not try to open one.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        // Backends log through slf4j-simple; their start-up chatter (ND4J prints a dozen INFO lines) would drown the
        // command's own output. Warnings still show; -Dorg.slf4j.simpleLogger.defaultLogLevel=info brings it back.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = Cli.run(args, out, err, System.console() != null);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
