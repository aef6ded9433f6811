package dev.logreg.gpu;

import jcuda.LogLevel;
import jcuda.driver.JCudaDriver;

import java.util.Optional;

/**
 * Whether JCuda's driver-API native library (and with it {@code libcuda.so.1}) loads in this JVM. Tried once per
 * class loader: a class whose static initializer failed cannot be initialized again, so a second attempt would only
 * report "Could not initialize class"; the first, informative answer is kept instead.
 */
final class DriverLibrary {
    private DriverLibrary() {}

    /** Initialization-on-demand holder: computed once, never changed. */
    private static final class Outcome {
        static final String PROBLEM = tryLoad();
    }

    /** Empty where the library loaded; otherwise why not, one line. */
    static Optional<String> problem() {
        return Optional.ofNullable(Outcome.PROBLEM);
    }

    private static String tryLoad() {
        try {
            JCudaDriver.setLogLevel(LogLevel.LOG_QUIET);
            return null;
        } catch (LinkageError | RuntimeException e) {  // RuntimeException: JCuda's loader reports some failures so
            String all = String.valueOf(e.getMessage());
            if (all.contains("libcuda.so.1")) return "no libcuda.so.1 (NVIDIA driver not installed)";
            // JCuda's message lists one attempt per line; the line naming the file says what went wrong.
            for (String line : all.split("\n")) {
                if (line.startsWith("java.lang.UnsatisfiedLinkError: /")) {
                    return "JCuda's driver library does not load: " + line.substring("java.lang.UnsatisfiedLinkError: ".length()).strip();
                }
            }
            return "JCuda's driver library does not load: " + CudaBackend.oneLine(e);
        }
    }
}
