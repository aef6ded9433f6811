package dev.logreg.gpu;

import dev.logreg.backend.BackendException;

/**
 * A failed CUDA driver call: the message names the call and its {@code CUresult}; {@link #result()} is the code and
 * {@link #sticky()} says whether it left the context unusable ({@link Cuda#isSticky}).
 */
final class CudaException extends BackendException {
    private static final long serialVersionUID = 1L;
    private final int result;

    CudaException(String message, int result) {
        super(message);
        this.result = result;
    }

    /** The {@code CUresult} of the failed call. */
    int result() { return result; }

    /** Whether the error is sticky: every later call in the context fails with it (see {@link Cuda#isSticky}). */
    boolean sticky() { return Cuda.isSticky(result); }

    /** Whether {@code t} or one of its causes is a sticky CUDA error. */
    static boolean isSticky(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CudaException && ((CudaException) c).sticky()) return true;
        }
        return false;
    }
}
