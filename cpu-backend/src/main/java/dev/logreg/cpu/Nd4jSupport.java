package dev.logreg.cpu;

import dev.logreg.backend.BackendException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Properties;
import java.util.function.Supplier;

/** ND4J glue shared by the backend's classes: the self-test, thread settings, and error wrapping. Stateless. */
final class Nd4jSupport {
    private Nd4jSupport() {}

    /**
     * Loads ND4J (first call: the native library), checks a 2×2 matrix-vector product and returns a one-line
     * description: ND4J version, BLAS vendor, cores.
     */
    static String selfTest() {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray a = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}});
            INDArray v = Nd4j.createFromArray(new double[][] {{5}, {6}});
            INDArray p = Nd4j.gemm(a, v, false, false);
            double p0 = p.getDouble(0, 0);
            double p1 = p.getDouble(1, 0);
            a.close();
            v.close();
            p.close();
            if (p0 != 17.0 || p1 != 39.0) {
                throw new IllegalStateException("ND4J self-test: [[1,2],[3,4]]·[5,6] gave [" + p0 + ", " + p1 + "], expected [17, 39]");
            }
        }
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String vendor = String.valueOf(Nd4j.factory().blas().getBlasVendor());
        Object cores = env.getOrDefault("cores", Runtime.getRuntime().availableProcessors());
        return "ND4J " + version() + " (nd4j-native, " + vendor + " BLAS), " + cores + " cores";
    }

    /**
     * Whether this JVM has the incubating Vector API module, so that {@link VectorKernel} may be loaded. Asked
     * without touching that class, whose loading fails where the module is absent.
     */
    static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The ND4J version from its jar manifest, or {@code ?}. */
    static String version() {
        Package p = Nd4j.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "1.0.0-M2.1" : v;
    }

    /**
     * ND4J's process-wide thread settings: its OpenMP pool size ({@code maxThreads}), the threads that run
     * independent ops ({@code maxMasterThreads}) and the BLAS library's threads.
     */
    record ThreadSettings(int maxThreads, int maxMasterThreads, int blasThreads) {
        static ThreadSettings current() {
            return new ThreadSettings(Nd4j.getEnvironment().maxThreads(), Nd4j.getEnvironment().maxMasterThreads(),
                    Nd4j.factory().blas().getMaxThreads());
        }

        /** Applies these settings to the whole process. */
        void apply() {
            Nd4j.getEnvironment().setMaxThreads(maxThreads);
            Nd4j.getEnvironment().setMaxMasterThreads(maxMasterThreads);
            Nd4j.factory().blas().setMaxThreads(blasThreads);
        }
    }

    /** Runs an ND4J call, turning its failures into a {@link BackendException} that names {@code op}. */
    static <T> T call(String op, Supplier<T> body) {
        try {
            return body.get();
        } catch (BackendException e) {
            throw e;
        } catch (RuntimeException e) {  // ND4J reports op failures as IllegalStateException, IllegalArgumentException, ...
            throw new BackendException("ND4J " + op + " failed: " + e, e);
        }
    }

    /** A native-order float view of a float array's whole buffer (absolute indexing from 0). */
    static FloatBuffer floats(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** A native-order double view of a double array's whole buffer (absolute indexing from 0). */
    static DoubleBuffer doubles(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    /** Allocates an off-heap array outside any workspace, so that only {@link INDArray#close()} frees it. */
    static INDArray allocate(DataType type, long... shape) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return Nd4j.createUninitialized(type, shape);
        }
    }
}
