package dev.logreg.cpu;

import dev.logreg.backend.BackendException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a fixed list of tasks on the backend's worker threads and the caller's. Which thread runs which task depends
 * on timing, so every caller makes its result independent of that: each task writes only its own output (a partial
 * indexed by the task, or a disjoint slice of one array), and partials are combined afterwards in task order.
 */
final class Workers {
    private Workers() {}

    /**
     * Doubles of padding after each partial ({@link #partial}): 128 bytes, two cache lines (the adjacent-line
     * prefetcher fetches lines in pairs).
     */
    static final int PARTIAL_PADDING = 16;

    /**
     * A zeroed partial of {@code length} doubles for one task, followed by {@link #PARTIAL_PADDING} unused ones.
     * Partials are allocated one after another on one thread, so without the padding the end of task s's partial and
     * the start of task s+1's share a cache line; the two threads that run neighbouring tasks then write that line
     * on every gradient update (every four rows) and it moves between their cores each time. Measured on 1M x 100
     * with two threads: the fused value+gradient pass took as long as with one thread (64 against 60 ms) while the
     * value-only pass, which writes its partial once, scaled (25 against 50 ms).
     */
    static double[] partial(int length) {
        return new double[length + PARTIAL_PADDING];
    }

    /** A task's body: {@code task} in [0, tasks), {@code slot} in [0, slots) names the thread's scratch. */
    interface Body {
        void run(int task, int slot);
    }

    /**
     * Runs tasks 0..tasks−1 on at most {@code slots} threads (the caller's thread is slot 0, the others come from
     * {@code pool}, which may be {@code null} where slots is 1) and returns when all are done; rethrows the first failure.
     */
    static void forEach(ExecutorService pool, int slots, int tasks, Body body) {
        forEach(pool, slots, tasks, body, null);
    }

    /** As {@link #forEach(ExecutorService, int, int, Body)}, with {@link #runAll(ExecutorService, Runnable[], Function)}'s {@code faults}. */
    static void forEach(ExecutorService pool, int slots, int tasks, Body body, Function<InternalError, RuntimeException> faults) {
        int workers = Math.max(1, Math.min(slots, tasks));
        AtomicInteger next = new AtomicInteger();
        Runnable[] loops = new Runnable[workers];
        for (int s = 0; s < workers; s++) {
            int slot = s;
            loops[s] = () -> {
                for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) body.run(t, slot);
            };
        }
        runAll(pool, loops, faults);
    }

    /** Runs loops[1..] on the pool and loops[0] on this thread; rethrows the first failure. */
    static void runAll(ExecutorService pool, Runnable[] loops) {
        runAll(pool, loops, null);
    }

    /**
     * As {@link #runAll(ExecutorService, Runnable[])}, with {@code faults}, where not {@code null}, turning a loop's
     * {@link InternalError} (the JVM's SIGBUS: a mapped file truncated during the pass) into the exception to throw
     * (it may throw one itself); where {@code null}, an InternalError of loop 0 propagates at once and one of
     * another loop becomes a {@link BackendException}.
     */
    static void runAll(ExecutorService pool, Runnable[] loops, Function<InternalError, RuntimeException> faults) {
        if (loops.length == 1) {
            loops[0].run();
            return;
        }
        List<Future<?>> futures = new ArrayList<>(loops.length - 1);
        for (int i = 1; i < loops.length; i++) futures.add(pool.submit(loops[i]));
        RuntimeException failure = null;
        try {
            loops[0].run();
        } catch (RuntimeException e) {
            failure = e;
        } catch (InternalError e) {
            if (faults == null) throw e;
            failure = faults.apply(e);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause instanceof RuntimeException ? (RuntimeException) cause
                            : cause instanceof InternalError && faults != null ? faults.apply((InternalError) cause)
                            : new BackendException("cpu worker thread failed: " + cause, cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted while waiting for cpu worker threads", e);
            }
        }
        if (failure != null) throw failure;
    }
}
