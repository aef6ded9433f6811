package dev.logreg.cpu;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The off-heap memory one bound term owns ({@link Nd4jDataTerm}; a sparse term's permuted rows, {@link CsrRows}, and
 * column-major copy, {@link ColumnMajor}), all freed together when it closes or its bind fails: direct buffers for
 * copied rows ({@link #floats}, {@link #ints}, {@link #longs}), and ND4J arrays for the scratch of the gemm passes
 * ({@link #allocate}). Each counts as live in the backend ({@link Nd4jBackend#liveAllocations()}). Not thread-safe.
 *
 * <p>Why copied rows are not ND4J arrays (they were): the passes read them as {@link FloatBuffer}s only, and an ND4J
 * allocation starts ND4J (its native library, a self-test, its thread pools: ~0.6 s of wall, ~1.4 CPU-seconds), which
 * a fit on heap arrays (the Java API's {@code Dataset.wrap(float[]...)}) or with a row permutation (SGD, Adam) then
 * paid for nothing. A direct buffer is freed at once on {@link #freeAll()} through the JDK's
 * {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, the way Netty and Lucene free theirs): Java 17 has no
 * other way to free one before the garbage collector does, and a term's rows can be gigabytes.
 */
final class TermMemory {
    /** {@code Unsafe.invokeCleaner(ByteBuffer)}, or null where the JDK does not offer it (then the collector frees). */
    private static final MethodHandle INVOKE_CLEANER = invokeCleaner();

    private final Nd4jBackend backend;
    private final List<INDArray> arrays = new ArrayList<>();
    private final List<ByteBuffer> buffers = new ArrayList<>();

    TermMemory(Nd4jBackend backend) {
        this.backend = backend;
    }

    /**
     * A new zero-filled native-order direct buffer of {@code count} floats, owned until {@link #freeAll()}.
     *
     * @throws OutOfMemoryError where the JVM's direct memory limit ({@code -XX:MaxDirectMemorySize}) is reached
     */
    FloatBuffer floats(int count) {
        return direct(count, Float.BYTES).asFloatBuffer();
    }

    /** As {@link #floats}, {@code count} ints. */
    IntBuffer ints(int count) {
        return direct(count, Integer.BYTES).asIntBuffer();
    }

    /** As {@link #floats}, {@code count} longs. */
    LongBuffer longs(int count) {
        return direct(count, Long.BYTES).asLongBuffer();
    }

    private ByteBuffer direct(int count, int bytesEach) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.multiplyExact(count, bytesEach)).order(ByteOrder.nativeOrder());
        buffers.add(b);
        backend.liveCounter().incrementAndGet();
        return b;
    }

    /** A new ND4J array of {@code type} and {@code shape} (starting ND4J if needed), owned until {@link #freeAll()}. */
    INDArray allocate(DataType type, long... shape) {
        backend.startNd4j();
        INDArray a = Nd4jSupport.call("allocate " + type + java.util.Arrays.toString(shape), () -> Nd4jSupport.allocate(type, shape));
        arrays.add(a);
        backend.liveCounter().incrementAndGet();
        return a;
    }

    /** Frees everything allocated so far. */
    void freeAll() {
        for (INDArray a : arrays) {
            if (!a.wasClosed()) a.close();
            backend.liveCounter().decrementAndGet();
        }
        arrays.clear();
        for (ByteBuffer b : buffers) {
            free(b);
            backend.liveCounter().decrementAndGet();
        }
        buffers.clear();
    }

    private static void free(ByteBuffer b) {
        if (INVOKE_CLEANER == null) return;
        try {
            INVOKE_CLEANER.invokeExact(b);
        } catch (Throwable e) {
            // Cannot happen for a buffer from allocateDirect (not a slice or duplicate); the collector frees it then.
        }
    }

    private static MethodHandle invokeCleaner() {
        try {
            Class<?> unsafe = Class.forName("sun.misc.Unsafe");
            Field f = unsafe.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return MethodHandles.lookup().findVirtual(unsafe, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(f.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
