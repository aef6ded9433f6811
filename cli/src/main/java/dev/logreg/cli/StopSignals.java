package dev.logreg.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT as a request to stop, not as the JVM's exit: while installed, either signal releases
 * {@link #await} and the command returns normally, so that {@code logreg serve} exits 0 after a graceful stop (the
 * JVM's own handling exits 143 or 130, which systemd and container runtimes count as failures). {@link #close}
 * puts the previous handlers back.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported, on every JDK since 9 and needing no flag), the only way
 * a Java program can handle a signal itself. Where a signal cannot be handled (an OS without it, or the JVM run with
 * {@code -Xrs}), that signal keeps its default action and the caller's shutdown hook is the fallback.
 */
final class StopSignals implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String received = "stopped";

    private StopSignals() {}

    /** Handles SIGTERM and SIGINT from now until {@link #close}. */
    static StopSignals install() {
        StopSignals s = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal signal = new Signal(name);
                SignalHandler old = Signal.handle(signal, sig -> {
                    s.received = "SIG" + sig.getName();
                    s.stop.countDown();
                });
                s.signals.add(signal);
                s.previous.add(old);
            } catch (IllegalArgumentException e) {
                // Unknown here, or reserved by the JVM (-Xrs): left to its default action.
            }
        }
        return s;
    }

    /** Waits for a signal; returns its name ("SIGTERM", "SIGINT"). */
    String await() throws InterruptedException {
        stop.await();
        return received;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            try {
                Signal.handle(signals.get(i), previous.get(i));
            } catch (IllegalArgumentException e) {
                // Could not be put back: nothing depends on it once the command returns.
            }
        }
    }
}
