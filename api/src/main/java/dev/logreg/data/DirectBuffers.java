package dev.logreg.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Allocation of the direct, native-order buffers that built datasets and logreg's readers hold rows in
 * ({@link Dataset#directFloats}, {@link Dataset#directBytes}): a failed allocation names what the buffer was for, its
 * size and the limit to raise.
 */
final class DirectBuffers {
    private DirectBuffers() {}

    /** {@link Dataset#directFloats}. */
    static FloatBuffer floats(long floats, String purpose) {
        long bytes = Math.multiplyExact(floats, (long) Float.BYTES);
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException(floats + " floats do not fit one direct buffer (at most 2^31 - 1 bytes)");
        return bytes(bytes, purpose).asFloatBuffer();
    }

    /** {@link Dataset#directBytes}. */
    static ByteBuffer bytes(long bytes, String purpose) {
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException(purpose + " of " + bytes + " bytes do not fit one direct buffer");
        try {
            return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        } catch (OutOfMemoryError e) {
            OutOfMemoryError more = new OutOfMemoryError(purpose + " of " + bytes + " bytes: out of direct memory, whose limit is "
                    + "-XX:MaxDirectMemorySize (by default the maximum heap size, -Xmx); raise either (" + e.getMessage() + ")");
            more.initCause(e);
            throw more;
        }
    }

    /**
     * A zero-filled direct native-order buffer of {@code floats} floats for a copy of what a dataset already holds (a
     * selection of its rows, one-vs-rest labels, new weights). Kept apart from {@link #floats(long, String)} so that
     * these copies fail as they always have: an {@link ArithmeticException} past 2^31 − 1 bytes, the JVM's own
     * {@link OutOfMemoryError}.
     */
    static FloatBuffer forCopy(long floats) {
        return ByteBuffer.allocateDirect(Math.toIntExact(Math.multiplyExact(floats, Float.BYTES))).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
