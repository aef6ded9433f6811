package dev.logreg.cli;

import dev.logreg.optim.IterationState;
import dev.logreg.optim.TrainingListener;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress on the error stream: a progress bar redrawn in place where it is a terminal, plain log lines
 * otherwise (the first iteration, then every {@code every}-th or every two seconds, whichever comes first). Each
 * shows the iteration, the objective, the gradient norm, the elapsed time and the rate. Used on the optimizing thread
 * only; not thread-safe.
 */
final class ProgressListener implements TrainingListener {
    private static final int BAR = 30;
    private final PrintWriter err;
    private final boolean terminal;
    private final int maxIterations;
    private final int every;
    private long lastLineNanos = Long.MIN_VALUE;
    private boolean drewBar;

    ProgressListener(PrintWriter err, boolean terminal, int maxIterations, int every) {
        this.err = err;
        this.terminal = terminal;
        this.maxIterations = maxIterations;
        this.every = every;
    }

    @Override
    public void onIteration(IterationState s) {
        double secs = s.elapsedNanos() / 1e9;
        double rate = secs > 0 ? s.iteration() / secs : 0;
        String stats = String.format(Locale.ROOT, "iter %d  objective %.10g  |g| %.3e  %.2f s  %.1f it/s",
                s.iteration(), s.objective(), s.gradientNorm(), secs, rate);
        if (terminal) {
            int filled = (int) Math.min(BAR, (long) BAR * s.iteration() / Math.max(1, maxIterations));
            err.print("\r[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + stats + "   ");
            err.flush();
            drewBar = true;
        } else if (s.iteration() == 1 || s.iteration() % every == 0 || s.elapsedNanos() - lastLineNanos >= 2_000_000_000L) {
            err.println("train: " + stats);
            err.flush();
            lastLineNanos = s.elapsedNanos();
        }
    }

    /** Ends the bar's line (terminal mode), so that what follows starts on a line of its own. */
    void finish() {
        if (drewBar) {
            err.println();
            err.flush();
            drewBar = false;
        }
    }
}
