package dev.logreg.gpu;

import dev.logreg.backend.BackendException;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The device and pinned memory one GPU object allocated, freed newest first. Every term and helper that owns memory
 * keeps one of these instead of its own stack and the two loops that empty it (after a failed allocation, and at
 * close), which each of them had repeated.
 */
final class OwnedMemory {
    private final Deque<AutoCloseable> stack = new ArrayDeque<>();

    /** Takes ownership of {@code resource} (freed before anything added earlier); returns it. */
    <T extends AutoCloseable> T add(T resource) {
        stack.push(resource);
        return resource;
    }

    /** Gives up ownership of {@code resource} without freeing it (the caller frees it now). */
    void release(AutoCloseable resource) {
        stack.remove(resource);
    }

    /** The stack itself, for a builder that pushes what it allocates as it goes ({@link SparseTranspose#build}). */
    Deque<AutoCloseable> stack() {
        return stack;
    }

    /**
     * Frees everything after a failure: each failure to free is added to {@code cause}, unless the cause is a sticky
     * error (then every free fails, and the context's release frees the memory instead: no news).
     */
    void freeAfter(RuntimeException cause) {
        while (!stack.isEmpty()) {
            try {
                stack.pop().close();
            } catch (Exception e) {
                if (!CudaException.isSticky(cause)) cause.addSuppressed(e);
            }
        }
    }

    /**
     * Runs one release step of an object that frees its parts by hand (streams, events, buffers in a fixed order):
     * returns {@code first}, or the step's failure where there was none yet; a later failure is suppressed in the first.
     */
    static RuntimeException attempt(RuntimeException first, Runnable release) {
        try {
            release.run();
            return first;
        } catch (RuntimeException e) {
            if (first == null) return e;
            first.addSuppressed(e);
            return first;
        }
    }

    /** Frees everything; the first failure to free is thrown at the end, with the later ones suppressed in it. */
    void close() {
        RuntimeException failure = null;
        while (!stack.isEmpty()) {
            try {
                stack.pop().close();
            } catch (Exception e) {
                if (failure == null) failure = e instanceof RuntimeException ? (RuntimeException) e : new BackendException(e.getMessage(), e);
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
