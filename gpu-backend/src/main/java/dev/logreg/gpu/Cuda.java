package dev.logreg.gpu;

import dev.logreg.backend.BackendException;
import jcuda.driver.CUresult;

/** The one place JCuda return codes are checked (JCuda's global exception switch stays off). */
final class Cuda {
    private Cuda() {}

    /**
     * Throws a {@link BackendException} naming {@code call} and the {@code CUresult} where {@code rc} is not
     * {@code CUDA_SUCCESS}.
     */
    static void check(int rc, String call) {
        if (rc != CUresult.CUDA_SUCCESS) throw new BackendException(call + " failed: " + describe(rc));
    }

    /** {@code CUDA_ERROR_OUT_OF_MEMORY (2)}. */
    static String describe(int rc) {
        return CUresult.stringFor(rc) + " (" + rc + ")";
    }
}
