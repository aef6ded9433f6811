package dev.logreg.gpu;

import jcuda.jcublas.JCublas2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Whether JCuBLAS loads in this JVM. JCuda 12.6's {@code libJCublas2} links {@code libcublas.so.12}; where that is
 * missing (a CUDA-13-only machine, no toolkit) the cuBLAS path is unusable and this says so in ONE log line, the
 * first time anyone asks; every other path works.
 */
final class Cublas {
    private static final Logger LOG = LoggerFactory.getLogger(Cublas.class);

    private Cublas() {}

    /** Initialization-on-demand holder: the load is tried once per class loader and its outcome never changes. */
    private static final class Outcome {
        static final String PROBLEM = tryLoad();
    }

    /** Empty where JCuBLAS loaded; otherwise why not, one line. */
    static Optional<String> problem() {
        return Optional.ofNullable(Outcome.PROBLEM);
    }

    private static String tryLoad() {
        try {
            JCublas2.initialize();
            return null;
        } catch (Throwable t) {  // UnsatisfiedLinkError, LinkageError, or JCuda's own CudaException from the loader
            String msg = "cuBLAS path unusable: JCuBLAS 12.6 could not load libJCublas2 / libcublas.so.12 ("
                    + CudaBackend.oneLine(t) + "); the fused and two-pass paths are unaffected";
            LOG.warn(msg);
            return msg;
        }
    }
}
