package dev.logreg.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The wall time of each phase of one command ({@code train --timings}): where the seconds of a run go between the
 * file and the model, as a user reads them (issues 18 and 19 ask for this breakdown; the optimizer's own time is only
 * one of its lines). Phases are recorded in the order they end; one that runs twice adds up. Not thread-safe.
 */
final class PhaseTimes {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private final long created = System.nanoTime();
    private long mark = created;

    /** Starts timing the next phase now (the time since the last {@link #end} belongs to no phase). */
    void start() {
        mark = System.nanoTime();
    }

    /** Ends {@code phase}: the time since {@link #start} (or the previous end) is added to it; the next phase starts. */
    void end(String phase) {
        long now = System.nanoTime();
        seconds.merge(phase, (now - mark) / 1e9, Double::sum);
        mark = now;
    }

    /** The phases in order, seconds each, and {@code total} (since this object was made). */
    Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>(seconds);
        m.put("total", (System.nanoTime() - created) / 1e9);
        return m;
    }

    /** One line: {@code timings: read 0.30 s, backend 0.14 s, ..., total 1.62 s}. */
    void print(PrintWriter out) {
        StringBuilder sb = new StringBuilder("timings:");
        String sep = " ";
        for (Map.Entry<String, Double> e : toMap().entrySet()) {
            sb.append(sep).append(e.getKey()).append(String.format(Locale.ROOT, " %.3f s", e.getValue()));
            sep = ", ";
        }
        out.println(sb);
    }
}
