package dev.logreg.cpu;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * The ND4J arrays one {@link Nd4jDataTerm} owns (its copied chunks and its scratch): each allocated through the
 * backend, which starts ND4J on first use and counts it as live ({@link Nd4jBackend#liveAllocations()}), and all
 * freed together when the term closes or its bind fails. Not thread-safe.
 */
final class Nd4jArrays {
    private final Nd4jBackend backend;
    private final List<INDArray> owned = new ArrayList<>();

    Nd4jArrays(Nd4jBackend backend) {
        this.backend = backend;
    }

    /** A new array of {@code type} and {@code shape}, owned until {@link #freeAll()}. */
    INDArray allocate(DataType type, long... shape) {
        backend.startNd4j();
        INDArray a = Nd4jSupport.call("allocate " + type + java.util.Arrays.toString(shape), () -> Nd4jSupport.allocate(type, shape));
        owned.add(a);
        backend.liveCounter().incrementAndGet();
        return a;
    }

    /** Frees every array allocated so far. */
    void freeAll() {
        for (INDArray a : owned) {
            if (!a.wasClosed()) a.close();
            backend.liveCounter().decrementAndGet();
        }
        owned.clear();
    }
}
