package dev.logreg.server;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.server.internal.HttpConnection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The header timeout, which Jetty does not have: a connection on which a request has begun to arrive (its byte
 * count grew since the last request ended) but whose headers are not complete after {@code timeout} is closed.
 * Jetty's idle timeout alone would let a client that sends one byte every few seconds hold a connection forever.
 *
 * <p>A sweep every quarter of the timeout (10 ms to 500 ms) looks at every open connection: a request's start is
 * noticed at the first sweep after its first byte, so a connection is closed between {@code timeout} and
 * {@code timeout} plus two sweeps after its request began, unless its headers are complete by then (the request is
 * only waiting for a thread). Nothing is answered:
 * without complete headers there is no request to answer. Thread-safe; one per server.
 */
final class HeaderTimeouts implements Connection.Listener {
    /** One connection's state: whether a request is being handled, and where the next one's bytes begin. */
    private static final class State {
        volatile boolean handling;
        volatile long bytesAtIdle;
        volatile long startedNanos; // when bytes of a request were first seen beyond bytesAtIdle; 0 while none
    }

    private final Map<Connection, State> open = new ConcurrentHashMap<>();
    private final long timeoutNanos;
    private final long sweepMillis;
    private final Scheduler scheduler;
    private volatile boolean stopped;

    HeaderTimeouts(long timeoutMillis, Scheduler scheduler) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.sweepMillis = Math.max(10, Math.min(500, timeoutMillis / 4));
        this.scheduler = scheduler;
    }

    /** Starts the sweeps (after the scheduler has started). */
    void start() {
        scheduler.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops the sweeps. */
    void stop() {
        stopped = true;
    }

    @Override
    public void onOpened(Connection connection) {
        open.put(connection, new State());
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    /** The headers of a request on {@code connection} are complete: its handling begins. */
    void requestStarted(Connection connection) {
        State s = open.get(connection);
        if (s != null) {
            s.handling = true;
            s.startedNanos = 0;
        }
    }

    /** The request on {@code connection} is answered; the next one's header time starts with its first byte. */
    void requestEnded(Connection connection) {
        State s = open.get(connection);
        if (s != null) {
            s.bytesAtIdle = connection.getBytesIn();
            s.startedNanos = 0;
            s.handling = false;
        }
    }

    private void sweep() {
        if (stopped) return;
        long now = System.nanoTime();
        for (Map.Entry<Connection, State> e : open.entrySet()) {
            State s = e.getValue();
            if (s.handling) continue;
            Connection c = e.getKey();
            if (s.startedNanos == 0) {
                if (c.getBytesIn() > s.bytesAtIdle) s.startedNanos = now;
            } else if (now - s.startedNanos > timeoutNanos) {
                // Headers complete, the request waiting for a free thread (a busy server): not a slow client. The
                // parser is Jetty's internal HttpConnection's; where the connection is of another kind, time alone decides.
                if (c instanceof HttpConnection h && !h.getParser().inHeaderState()) continue;
                open.remove(c);
                c.getEndPoint().close();
            }
        }
        scheduler.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
    }
}
