package dev.logreg.cpu;

import java.util.Locale;

/**
 * Which dense passes run the SIMD kernels ({@link VectorKernel}, {@link SoftmaxVectorKernel}) where the JVM has the
 * Vector API: those that earn back C2's compilation of the vector code, about a second of a fresh JVM on two cores,
 * during which the first passes run slower than the scalar kernel's.
 *
 * <p>A term runs them from its first pass where its rows are large enough: a binary term (log loss, MSE) from
 * {@code binaryBytes} of float32 features, a multinomial term from {@code classBytes} of features times classes (its
 * pass does about K times the binary pass's arithmetic, over about three times the iterations), each times the fits
 * the caller said it expects (cross-validation, one-vs-rest: {@code BackendOptions.expectedFits}). Every other term
 * runs the scalar kernels until the backend's scalar passes have read {@code afterBytes} (features bytes times
 * outputs, over all its terms), and the SIMD ones from the next pass on: many fits over the same rows
 * (cross-validation, a λ path, one-vs-rest) earn the compilation back where one fit would not. Switching when the
 * work done equals what the compilation costs is the ski-rental rule: never more than twice the better choice's
 * time, whatever work is still to come. The switch depends on the passes made alone, so a run repeats its bits.
 *
 * <p>{@link #ALWAYS}, the default, is every pass: what an application that starts its JVM with the module asked for.
 * {@code ./logreg} passes measured thresholds as the system properties {@link #BINARY_PROPERTY},
 * {@link #CLASS_PROPERTY} and {@link #AFTER_PROPERTY}, read when a backend is made (benchmarks/cpu/README.md, "The
 * SIMD kernels by size"). Immutable.
 *
 * @param binaryBytes least features bytes (rows × n × 4) of a binary term for the SIMD kernel from its first pass
 * @param classBytes  least features bytes times classes of a multinomial term for the same
 * @param afterBytes  bytes (times outputs) of scalar passes after which every pass runs SIMD
 */
record SimdChoice(long binaryBytes, long classBytes, long afterBytes) {
    /** Megabytes (10⁶ bytes) of features from which a binary term runs the SIMD kernel. */
    static final String BINARY_PROPERTY = "logreg.cpu.simdMinMB";
    /** Megabytes of features times classes from which a multinomial term runs the SIMD kernel. */
    static final String CLASS_PROPERTY = "logreg.cpu.simdMinClassMB";
    /** Megabytes (times outputs) of scalar passes after which the backend's every pass runs SIMD. */
    static final String AFTER_PROPERTY = "logreg.cpu.simdAfterMB";
    /** Every pass. */
    static final SimdChoice ALWAYS = new SimdChoice(0, 0, Long.MAX_VALUE);

    SimdChoice {
        if (binaryBytes < 0 || classBytes < 0 || afterBytes < 0) {
            throw new IllegalArgumentException("SIMD thresholds " + binaryBytes + ", " + classBytes + " and " + afterBytes + " bytes, expected >= 0");
        }
    }

    /** From {@link #BINARY_PROPERTY}, {@link #CLASS_PROPERTY} and {@link #AFTER_PROPERTY}. */
    static SimdChoice fromSystemProperties() {
        return of(System.getProperty(BINARY_PROPERTY), System.getProperty(CLASS_PROPERTY), System.getProperty(AFTER_PROPERTY));
    }

    /** From the properties' values in megabytes: the first two null are 0, the third null is never. */
    static SimdChoice of(String binaryMegabytes, String classMegabytes, String afterMegabytes) {
        return new SimdChoice(bytes(BINARY_PROPERTY, binaryMegabytes, 0), bytes(CLASS_PROPERTY, classMegabytes, 0),
                bytes(AFTER_PROPERTY, afterMegabytes, Long.MAX_VALUE));
    }

    private static long bytes(String property, String megabytes, long absent) {
        if (megabytes == null) return absent;
        try {
            long mb = Long.parseLong(megabytes.trim());
            if (mb >= 0) return Math.multiplyExact(mb, 1_000_000L);
        } catch (NumberFormatException | ArithmeticException ignored) {
            // Reported below, one message for every bad value.
        }
        throw new IllegalArgumentException(property + " is '" + megabytes + "', expected whole megabytes >= 0");
    }

    /**
     * Whether a term of {@code rows} × {@code n} features and {@code outputs} (1 binary, K multinomial) runs SIMD from
     * its first pass, on a backend that expects {@code fits} fits ({@link dev.logreg.backend.BackendOptions#expectedFits}):
     * its features times the fits reach the threshold, as many fits over smaller rows earn the compilation back too.
     */
    boolean simd(long rows, int n, int outputs, int fits) {
        double bytes = 4.0 * rows * n * fits;
        return outputs == 1 ? bytes >= binaryBytes : bytes * outputs >= classBytes;
    }

    /** Whether scalar passes of {@code scalarWork} bytes (times outputs) have earned the SIMD kernels. */
    boolean earned(long scalarWork) {
        return scalarWork >= afterBytes;
    }

    /** "" where every pass runs SIMD, else the thresholds, for the backend's description. */
    String describe() {
        if (equals(ALWAYS)) return "";
        String after = afterBytes == Long.MAX_VALUE ? "" : String.format(Locale.ROOT, " or after %d MB of scalar passes", afterBytes / 1_000_000L);
        return String.format(Locale.ROOT, ", from %d MB of features (multinomial: %d MB x classes)%s, else scalar",
                binaryBytes / 1_000_000L, classBytes / 1_000_000L, after);
    }
}
