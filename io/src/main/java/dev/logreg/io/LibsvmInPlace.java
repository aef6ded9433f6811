package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link LibsvmDataReader}'s read of a file whose nonzeros fit one block: the dataset's index and value buffers are
 * allocated first, at the file's count of colons (at least its nonzeros), and each piece parses straight into its own
 * range of them, on its own thread. Nothing is copied after, except where the count was high (colons in comments or
 * {@code qid:} tokens): then each piece's nonzeros move down to follow the previous piece's, in file order.
 *
 * <p>Why: on the machines measured, first touching memory costs more than parsing into it (a fresh page costs more
 * than its 4 KB of text takes to parse), so a read that grew heap arrays per piece and copied them into the dataset
 * touched three times the dataset's size, and that part did not scale with threads. Here the dataset's own buffers
 * are the only large memory touched. The result, the errors and their lines are those of the heap path, bit for bit
 * (the same parser; only where the nonzeros go differs). Stateless.
 */
final class LibsvmInPlace {
    private LibsvmInPlace() {}

    /**
     * Reads {@code ch}, cut at line ends at {@code cut}, piece k holding at most {@code colons[k]} nonzeros (their sum
     * at most {@link Dataset#DEFAULT_BLOCK_CAPACITY}).
     */
    static LoadedData read(Path file, FileChannel ch, ReadOptions options, long[] cut, long[] colons, int threads) throws IOException {
        int n = colons.length;
        int[] at = new int[n + 1];
        for (int k = 0; k < n; k++) at[k + 1] = (int) (at[k] + colons[k]);
        IntBuffer indices = direct(4L * at[n], "sparse dataset indices").asIntBuffer();
        FloatBuffer values = direct(4L * at[n], "sparse dataset values").asFloatBuffer();
        List<LibsvmPiece> pieces = LibsvmDataReader.parse(file, cut, threads,
                k -> new LibsvmPiece(new LabelDecoder(options.classes()), options.featureCount(), LibsvmDataReader.MAX_FEATURES)
                        .writeTo(indices, values, at[k], (int) colons[k]), ch);
        LibsvmDataReader.Totals totals = LibsvmDataReader.Totals.of(file, options, pieces);
        long rows = totals.rows();
        long nonzeros = totals.nonzeros();
        int width = totals.width();
        List<LabelDecoder> decoders = totals.decoders();
        if (rows > dev.logreg.data.SparseBuilder.MAX_ROWS_PER_BLOCK) {
            throw new IllegalArgumentException(file + ": " + rows + " rows, more than one block holds (" + dev.logreg.data.SparseBuilder.MAX_ROWS_PER_BLOCK + ")");
        }
        // Numeric labels are checked as they are parsed, so the only refusal left here (labels that are not the
        // model's 0/1 or -1/+1) names no line.
        LabelDecoder.Result classes = LabelDecoder.finish(decoders, file, line -> file + ": ");
        LongBuffer offsets = direct(8L * (rows + 1), "sparse dataset row offsets").asLongBuffer();
        FloatBuffer labels = direct(4L * rows, "sparse dataset labels").asFloatBuffer();
        long[] ends = new long[1 << 14];
        float[] ys = new float[1 << 14];
        int row = 0;
        int base = 0; // where piece k's nonzeros start once moved down
        for (int k = 0; k < n; k++) {
            LibsvmPiece p = pieces.get(k);
            if (base != at[k]) moveDown(indices, values, at[k], base, p.nonzeros());
            int[] rowEnds = p.rowEnds();
            float[] ids = p.rowLabels();
            int[] remap = classes.remap() == null ? null : classes.remap().get(k);
            for (int i = 0; i < p.rows(); i += ends.length) {
                int m = Math.min(ends.length, p.rows() - i);
                for (int j = 0; j < m; j++) {
                    ends[j] = (long) base + rowEnds[i + j];
                    ys[j] = remap == null ? ids[i + j] : remap[(int) ids[i + j]];
                }
                offsets.put(row + 1 + i, ends, 0, m);
                labels.put(row + i, ys, 0, m);
            }
            row += p.rows();
            base += p.nonzeros();
            pieces.set(k, null);
        }
        offsets.put(0, 0L);
        try {
            Dataset d = Dataset.wrapCsr(offsets, indices.slice(0, (int) nonzeros), values.slice(0, (int) nonzeros), width, labels,
                    LabelDecoder.datasetClasses(classes.mapping()));
            return new LoadedData(d, true, classes.mapping(), file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e); // not expected: the pieces were checked
        }
    }

    /** Moves {@code count} nonzeros from {@code from} down to {@code to} (< from), in ascending chunks (the ranges may overlap). */
    private static void moveDown(IntBuffer indices, FloatBuffer values, int from, int to, int count) {
        int[] ci = new int[Math.min(count, 1 << 16)];
        float[] cv = new float[ci.length];
        for (int done = 0; done < count; done += ci.length) {
            int m = Math.min(ci.length, count - done);
            indices.get(from + done, ci, 0, m);
            values.get(from + done, cv, 0, m);
            indices.put(to + done, ci, 0, m);
            values.put(to + done, cv, 0, m);
        }
    }

    private static ByteBuffer direct(long bytes, String purpose) {
        return Dataset.directBytes(bytes, purpose);
    }
}
