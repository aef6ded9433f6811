package dev.logreg.server;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads one request body without holding a thread while bytes are awaited (Jetty's {@code demand}), up to a byte
 * limit and a deadline, and hands exactly one outcome to its {@link Outcome}: the body, too large, timed out, or
 * broken. Also the discarding of a refused body ({@link #discard}), so that a client that sends its whole body
 * before reading (Python's {@code http.client}) reads the answer instead of a TCP reset.
 *
 * <p>The outcome runs on a Jetty thread (a demand callback or the scheduler's); exactly one of the methods of
 * {@link Outcome} is called, once, decided by an atomic flag, whoever comes first: the last byte or the timer.
 */
final class BodyReader implements Runnable {
    /** What became of a body. */
    interface Outcome {
        /** The whole body: {@code body[0, length)}. */
        void complete(byte[] body, int length);

        /** More than the limit arrived (a chunked body, or one longer than its declared length allowed for). */
        void tooLarge();

        /** The body did not arrive by the deadline, or the connection went silent for the idle timeout. */
        void timedOut();

        /** The connection failed or closed before the body ended. */
        void broken(Throwable failure);
    }

    /** Largest buffer allocated before the bytes arrive. */
    static final int INITIAL_BYTES = 64 << 10;

    private final Request request;
    private final int limit;
    private final Outcome outcome;
    private final AtomicBoolean decided = new AtomicBoolean();
    private Scheduler.Task timer;
    private byte[] buf;
    private int size;

    private BodyReader(Request request, int limit, Outcome outcome) {
        this.request = request;
        this.limit = limit;
        this.outcome = outcome;
        long declared = request.getLength();
        // At most 64 KiB up front, grown by doubling as bytes arrive: a declared length is a claim, and a hundred
        // clients declaring 16 MiB each and sending nothing must not cost 1.6 GB.
        this.buf = new byte[(int) Math.min(declared >= 0 ? declared : 8192, Math.min(limit, INITIAL_BYTES))];
    }

    /** Starts reading {@code request}'s body, at most {@code limit} bytes, for at most {@code timeoutMillis}. */
    static void read(Request request, int limit, long timeoutMillis, Outcome outcome) {
        BodyReader r = new BodyReader(request, limit, outcome);
        r.timer = request.getComponents().getScheduler().schedule(() -> {
            if (r.decided.compareAndSet(false, true)) outcome.timedOut();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        r.run();
    }

    @Override
    public void run() {
        while (true) {
            if (decided.get()) return; // the timer answered; leave the rest unread (the connection is closed)
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                chunk.release();
                if (decide()) {
                    if (failure instanceof TimeoutException) outcome.timedOut();
                    else outcome.broken(failure);
                }
                return;
            }
            ByteBuffer b = chunk.getByteBuffer();
            int n = b.remaining();
            if (n > limit - size) {
                chunk.release();
                if (decide()) outcome.tooLarge();
                return;
            }
            if (size + n > buf.length) buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(2L * buf.length, (long) size + n)));
            b.get(buf, size, n);
            size += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                if (decide()) outcome.complete(buf, size);
                return;
            }
        }
    }

    private boolean decide() {
        if (!decided.compareAndSet(false, true)) return false;
        timer.cancel();
        return true;
    }

    /**
     * Reads and drops what is left of {@code request}'s body, at most {@code maxBytes} or until {@code timeoutMillis}
     * have passed, then runs {@code then} once (on a Jetty thread). Used after a refusal has been written, so that
     * the client's unread bytes do not turn the close into a reset that destroys the answer.
     */
    static void discard(Request request, long maxBytes, long timeoutMillis, Runnable then) {
        AtomicBoolean done = new AtomicBoolean();
        Scheduler.Task[] timer = new Scheduler.Task[1];
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                if (timer[0] != null) timer[0].cancel();
                then.run();
            }
        };
        timer[0] = request.getComponents().getScheduler().schedule(finish, timeoutMillis, TimeUnit.MILLISECONDS);
        new Runnable() {
            private long dropped;

            @Override
            public void run() {
                while (!done.get()) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        request.demand(this);
                        return;
                    }
                    boolean end = Content.Chunk.isFailure(chunk) || chunk.isLast();
                    dropped += chunk.remaining();
                    chunk.release();
                    if (end || dropped > maxBytes) {
                        finish.run();
                        return;
                    }
                }
            }
        }.run();
    }
}
