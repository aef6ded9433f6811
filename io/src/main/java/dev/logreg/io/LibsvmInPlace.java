package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@link LibsvmDataReader}'s read of a file whose pieces each hold at most a block's nonzeros: each piece parses
 * straight into index and value buffers of its own, allocated on the thread that parses it at the piece's count of
 * colons (at least its nonzeros), and becomes one block of the dataset. Nothing is copied after.
 *
 * <p>Why: on the machines measured, first touching memory costs more than parsing into it (a fresh page costs more
 * than its 4 KB of text takes to parse; {@code allocateDirect} zero-fills, so it is the allocation that pays). A read
 * that grew heap arrays per piece and copied them into the dataset touched three times the dataset's size; one that
 * allocated the dataset's buffers first, for the whole file, touched them once but on one thread (1.5-2.0 s of a
 * 3.1-3.6 s read of 871 MB on two threads). Here each thread touches the memory of the pieces it parses. The rows, the
 * errors and their lines are those of the heap path, bit for bit (the same parser; only where the nonzeros go and
 * where the dataset's blocks end differ), and a backend's sums do not depend on where blocks end. Stateless.
 */
final class LibsvmInPlace {
    private LibsvmInPlace() {}

    /**
     * Reads {@code ch}, cut at line ends at {@code cut}, piece k holding at most {@code colons[k]} nonzeros (each at
     * most {@link Dataset#DEFAULT_BLOCK_CAPACITY}).
     */
    static LoadedData read(Path file, FileChannel ch, ReadOptions options, long[] cut, long[] colons, int threads) throws IOException {
        int n = colons.length;
        IntBuffer[] indices = new IntBuffer[n];
        FloatBuffer[] values = new FloatBuffer[n];
        List<LibsvmPiece> pieces = LibsvmDataReader.parse(file, cut, threads, k -> {
            // Here, on the piece's thread: allocateDirect touches every page of what it allocates.
            indices[k] = direct(4L * colons[k], "sparse dataset indices").asIntBuffer();
            values[k] = direct(4L * colons[k], "sparse dataset values").asFloatBuffer();
            return new LibsvmPiece(new LabelDecoder(options.classes()), options.featureCount(), LibsvmDataReader.MAX_FEATURES)
                    .writeTo(indices[k], values[k]);
        }, ch);
        LibsvmDataReader.Totals totals = LibsvmDataReader.Totals.of(file, options, pieces);
        int width = totals.width();
        // Numeric labels are checked as they are parsed, so the only refusal left here (labels that are not the
        // model's 0/1 or -1/+1) names no line.
        LabelDecoder.Result classes = LabelDecoder.finish(totals.decoders(), file, line -> file + ": ");
        int k = LabelDecoder.datasetClasses(classes.mapping());
        // Each piece's block, validated (Dataset.wrapCsr reads every nonzero once) on the common pool, in order.
        Dataset[] parts = new Dataset[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            LibsvmPiece p = pieces.get(i);
            if (p.rows() > 0) parts[i] = block(file, p, indices[i], values[i], width, classes.remap() == null ? null : classes.remap().get(i), k);
        });
        List<Dataset> blocks = new ArrayList<>(n);
        for (Dataset d : parts) {
            if (d != null) blocks.add(d);
        }
        return new LoadedData(Dataset.concat(blocks), true, classes.mapping(), file);
    }

    /** Piece {@code p}'s rows, its nonzeros in {@code indices} and {@code values} from 0, as a dataset of one block. */
    private static Dataset block(Path file, LibsvmPiece p, IntBuffer indices, FloatBuffer values, int width, int[] remap, int classes) {
        int rows = p.rows();
        int[] rowEnds = p.rowEnds();
        float[] ids = p.rowLabels();
        long[] offsets = new long[rows + 1];
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) {
            offsets[i + 1] = rowEnds[i];
            labels[i] = remap == null ? ids[i] : remap[(int) ids[i]];
        }
        int nonzeros = p.nonzeros();
        try {
            return Dataset.wrapCsr(direct(8L * (rows + 1), "sparse dataset row offsets").asLongBuffer().put(0, offsets),
                    indices.slice(0, nonzeros), values.slice(0, nonzeros), width,
                    direct(4L * rows, "sparse dataset labels").asFloatBuffer().put(0, labels), classes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e); // not expected: the pieces were checked
        }
    }

    private static ByteBuffer direct(long bytes, String purpose) {
        return Dataset.directBytes(bytes, purpose);
    }
}
