package dev.logreg.gpu;

import jcuda.driver.CUresult;

/** The one place JCuda return codes are checked (JCuda's global exception switch stays off). */
final class Cuda {
    private Cuda() {}

    /**
     * Throws a {@link CudaException} (a {@link dev.logreg.backend.BackendException}) naming {@code call} and the
     * {@code CUresult} where {@code rc} is not {@code CUDA_SUCCESS}.
     */
    static void check(int rc, String call) {
        if (rc != CUresult.CUDA_SUCCESS) throw new CudaException(call + " failed: " + describe(rc), rc);
    }

    /** {@code CUDA_ERROR_OUT_OF_MEMORY (2)}. */
    static String describe(int rc) {
        return CUresult.stringFor(rc) + " (" + rc + ")";
    }

    /**
     * Whether {@code rc} leaves the context unusable: the errors NVIDIA's driver documentation describes as leaving
     * "the process in an inconsistent state" where "any further CUDA work will return the same error" (a fault in a
     * kernel: illegal address or instruction, misaligned address, a failed assertion, a hardware stack error, an
     * invalid PC or address space, a launch failure or timeout), an uncorrectable ECC error, a destroyed context, and
     * {@code CUDA_ERROR_UNKNOWN}, whose state nobody can vouch for. Out of memory and invalid arguments are not
     * sticky: the next call can succeed.
     */
    static boolean isSticky(int rc) {
        switch (rc) {
            case CUresult.CUDA_ERROR_ECC_UNCORRECTABLE:
            case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS:
            case CUresult.CUDA_ERROR_LAUNCH_TIMEOUT:
            case CUresult.CUDA_ERROR_CONTEXT_IS_DESTROYED:
            case CUresult.CUDA_ERROR_ASSERT:
            case CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR:
            case CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION:
            case CUresult.CUDA_ERROR_MISALIGNED_ADDRESS:
            case CUresult.CUDA_ERROR_INVALID_ADDRESS_SPACE:
            case CUresult.CUDA_ERROR_INVALID_PC:
            case CUresult.CUDA_ERROR_LAUNCH_FAILED:
            case CUresult.CUDA_ERROR_UNKNOWN:
                return true;
            default:
                return false;
        }
    }
}
