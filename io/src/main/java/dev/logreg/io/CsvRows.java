package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows parsed so far: growable row-major buffers, sized from the bytes they come from, sealed into a new chunk
 * whenever one reaches a dataset block's capacity. Direct, native-order memory, like {@link Dataset.Builder}'s:
 * the CPU backend then binds the rows in place (no second copy, no bind cost), the GPU backend uploads them as
 * from any buffer. Not thread-safe.
 */
final class CsvRows {
    /** A run of parsed rows in row-major buffers (which may be longer than {@code count} rows). */
    record Chunk(FloatBuffer x, FloatBuffer y, FloatBuffer w, int count) {}

    final int cols;
    final int maxRows;
    final List<Chunk> sealed = new ArrayList<>();
    long bytesLeft;
    FloatBuffer x;
    FloatBuffer y;
    FloatBuffer w;
    int capacity;
    int count;

    final boolean weighted;
    double bytesPerRow;
    long rowsSoFar;

    CsvRows(int cols, boolean weighted, long bytes) {
        this.cols = cols;
        this.weighted = weighted;
        this.maxRows = Math.max(1, Dataset.DEFAULT_BLOCK_CAPACITY / cols);
        this.bytesLeft = bytes;
        this.bytesPerRow = 6.0 * (cols + 1); // a first guess (~6 bytes a value) until expect() measures the lines
    }

    /** The mean record length, measured on the first lines: the buffers are then sized to fit, with 2% to spare. */
    void expect(double bytesPerRow) {
        if (bytesPerRow > 0 && x == null) this.bytesPerRow = bytesPerRow;
    }

    private void allocate() {
        // Sized from the bytes left, because allocateDirect zero-fills, and on this VM the first touch of a fresh
        // page is most of the cost of memory (see benchmarks/cpu/README.md, "Binding the data"): rows allocated
        // and never filled would cost as much as the rows read. Growth by half again where the guess was low.
        long left = Math.max(0, bytesLeft - (long) (rowsSoFar * bytesPerRow));
        int guess = (int) Math.max(16, Math.min((long) (left / bytesPerRow * 1.02) + 16, maxRows));
        x = Dataset.directFloats((long) guess * cols, "parsed CSV rows");
        y = Dataset.directFloats(guess, "parsed CSV rows");
        w = weighted ? Dataset.directFloats(guess, "parsed CSV rows") : null;
        capacity = guess;
        count = 0;
    }

    void add(float[] row, float label, float weight) {
        if (x == null) allocate();
        if (count == capacity) {
            if (count == maxRows) {
                sealed.add(new Chunk(x, y, w, count));
                allocate();
            } else {
                int cap = (int) Math.min(capacity + (long) capacity / 2 + 16, maxRows);
                x = Dataset.directFloats((long) cap * cols, "parsed CSV rows").put(0, x, 0, count * cols);
                y = Dataset.directFloats(cap, "parsed CSV rows").put(0, y, 0, count);
                if (w != null) w = Dataset.directFloats(cap, "parsed CSV rows").put(0, w, 0, count);
                capacity = cap;
            }
        }
        x.put(count * cols, row, 0, cols);
        y.put(count, label);
        if (w != null) w.put(count, weight);
        count++;
        rowsSoFar++;
    }

    /** Every chunk, in order. */
    List<Chunk> chunks() {
        List<Chunk> all = new ArrayList<>(sealed);
        if (count > 0) all.add(new Chunk(x, y, w, count));
        return all;
    }
}
