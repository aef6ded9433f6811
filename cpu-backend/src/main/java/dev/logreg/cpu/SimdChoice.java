package dev.logreg.cpu;

import java.util.Locale;

/**
 * Which dense terms run the SIMD kernels ({@link VectorKernel}, {@link SoftmaxVectorKernel}) where the JVM has the
 * Vector API: those whose rows are large enough to earn back C2's compilation of the vector code, about a second of
 * a fresh JVM on two cores, during which the first passes run slower than the scalar kernel's.
 *
 * <p>Two thresholds, because the two passes earn it back at different sizes (benchmarks/cpu/README.md, "The SIMD
 * kernels by size"): a binary term (log loss, MSE) from {@code binaryBytes} of float32 features, and a multinomial
 * term from {@code classBytes} of features times classes (its pass does about K times the binary pass's arithmetic,
 * over about three times the iterations). Both 0, the default, is every term: what an application that starts its
 * JVM with the module asked for. {@code ./logreg} passes the measured thresholds as the system properties
 * {@link #BINARY_PROPERTY} and {@link #CLASS_PROPERTY}, read when a backend is made. Immutable.
 *
 * @param binaryBytes least features bytes (rows × n × 4) of a binary term for the SIMD kernel
 * @param classBytes  least features bytes times classes of a multinomial term for the SIMD kernel
 */
record SimdChoice(long binaryBytes, long classBytes) {
    /** Megabytes (10⁶ bytes) of features from which a binary term runs the SIMD kernel. */
    static final String BINARY_PROPERTY = "logreg.cpu.simdMinMB";
    /** Megabytes of features times classes from which a multinomial term runs the SIMD kernel. */
    static final String CLASS_PROPERTY = "logreg.cpu.simdMinClassMB";
    /** Every term. */
    static final SimdChoice ALWAYS = new SimdChoice(0, 0);

    SimdChoice {
        if (binaryBytes < 0 || classBytes < 0) {
            throw new IllegalArgumentException("SIMD thresholds " + binaryBytes + " and " + classBytes + " bytes, expected >= 0");
        }
    }

    /** From {@link #BINARY_PROPERTY} and {@link #CLASS_PROPERTY} (each absent: 0). */
    static SimdChoice fromSystemProperties() {
        return of(System.getProperty(BINARY_PROPERTY), System.getProperty(CLASS_PROPERTY));
    }

    /** From the two properties' values in megabytes (each null: 0). */
    static SimdChoice of(String binaryMegabytes, String classMegabytes) {
        return new SimdChoice(bytes(BINARY_PROPERTY, binaryMegabytes), bytes(CLASS_PROPERTY, classMegabytes));
    }

    private static long bytes(String property, String megabytes) {
        if (megabytes == null) return 0;
        try {
            long mb = Long.parseLong(megabytes.trim());
            if (mb >= 0) return Math.multiplyExact(mb, 1_000_000L);
        } catch (NumberFormatException | ArithmeticException ignored) {
            // Reported below, one message for every bad value.
        }
        throw new IllegalArgumentException(property + " is '" + megabytes + "', expected whole megabytes >= 0");
    }

    /** Whether a term of {@code rows} × {@code n} features and {@code outputs} (1 binary, K multinomial) runs SIMD. */
    boolean simd(long rows, int n, int outputs) {
        double bytes = 4.0 * rows * n;
        return outputs == 1 ? bytes >= binaryBytes : bytes * outputs >= classBytes;
    }

    /** "" where every term runs SIMD, else the thresholds, for the backend's description. */
    String describe() {
        if (equals(ALWAYS)) return "";
        return String.format(Locale.ROOT, ", from %d MB of features (multinomial: %d MB x classes), else scalar",
                binaryBytes / 1_000_000L, classBytes / 1_000_000L);
    }
}
