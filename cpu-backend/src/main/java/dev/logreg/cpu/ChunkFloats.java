package dev.logreg.cpu;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One chunk's features, labels or weights at indices from 0, read as the passes read a {@link FloatBuffer} (an
 * absolute get of one float or of a run into an array): one buffer, or several laid end to end where the chunk's
 * rows lie in several of the dataset's blocks.
 *
 * <p>Why several: the chunk boundaries of a {@link DenseChunks} are fixed by the row count alone, because the fused
 * kernels' sums depend on where their calls are cut, while the blocks are wherever the reader ended them (a parallel
 * CSV read makes a block per piece of the file). Reading a chunk across blocks keeps the sums' bits and the rows
 * where they are; before, such a chunk was copied, and for a CSV read in parallel that was every row, a second first
 * touch of the data's size (1.2-1.5 s of a 5-6 s {@code train} on 1,000,000 x 100). A run that crosses a buffer's end
 * is two bulk copies; the one-buffer case is a single test more per call. Immutable; safe to share between threads
 * (each get is absolute).
 */
final class ChunkFloats {
    /** The one buffer, or null where there are several. */
    private final FloatBuffer only;
    private final FloatBuffer[] parts;
    /** parts[p] holds indices [starts[p], starts[p + 1]). */
    private final int[] starts;

    private ChunkFloats(FloatBuffer only, FloatBuffer[] parts, int[] starts) {
        this.only = only;
        this.parts = parts;
        this.starts = starts;
    }

    /** The floats of {@code buffer}, positions 0 to its limit. */
    static ChunkFloats of(FloatBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        return new ChunkFloats(buffer, new FloatBuffer[] {buffer}, new int[] {0, buffer.limit()});
    }

    /** The floats of {@code parts} end to end, each from position 0 to its limit; one part is {@link #of(FloatBuffer)}. */
    static ChunkFloats of(List<FloatBuffer> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("no parts");
        if (parts.size() == 1) return of(parts.get(0));
        FloatBuffer[] p = parts.toArray(new FloatBuffer[0]);
        int[] starts = new int[p.length + 1];
        for (int i = 0; i < p.length; i++) starts[i + 1] = Math.addExact(starts[i], p[i].limit());
        return new ChunkFloats(null, p, starts);
    }

    /** Floats in all. */
    int length() { return starts[starts.length - 1]; }

    /** Buffers the floats lie in (1 for a chunk in one block or copied). */
    int parts() { return parts.length; }

    /** The float at {@code index}. */
    float get(int index) {
        if (only != null) return only.get(index);
        int p = part(index);
        return parts[p].get(index - starts[p]);
    }

    /** Floats [index, index + length) into {@code dst} from {@code offset}, as {@link FloatBuffer#get(int, float[], int, int)}. */
    void get(int index, float[] dst, int offset, int length) {
        if (only != null) {
            only.get(index, dst, offset, length);
            return;
        }
        Objects.checkFromIndexSize(index, length, length());
        while (length > 0) {
            int p = part(index);
            int run = Math.min(length, starts[p + 1] - index);
            parts[p].get(index - starts[p], dst, offset, run);
            index += run;
            offset += run;
            length -= run;
        }
    }

    /** The part holding {@code index} (binary search; a chunk spans a few blocks at most). */
    private int part(int index) {
        Objects.checkIndex(index, length());
        int lo = 0;
        int hi = parts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= index) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}
