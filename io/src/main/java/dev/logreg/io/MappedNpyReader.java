package dev.logreg.io;

import dev.logreg.data.Dataset;
import dev.logreg.data.MappedFile;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code .npy} layout that needs no conversion, a C-order float32 matrix in the machine's byte order whose
 * columns are all features (labels from {@link ReadOptions#labelsFile}, or none), read by mapping the file
 * ({@link FileChannel#map}, read-only): the dataset's blocks are views of the mapped pages, nothing is copied, and
 * the CPU backend reads them in place (they are direct native-order buffers). Each block is at most
 * {@link Dataset#DEFAULT_BLOCK_CAPACITY} floats (1 GiB) of whole rows, one mapping each, so a file over the 2 GiB a
 * single mapping allows maps as several blocks cut at row boundaries, and the backend's chunks (of the same size)
 * fall on them.
 *
 * <p>What that buys: reading costs the page faults of one validating pass (a NaN or infinite feature is refused by
 * row and column, as the copying reader does), the rows take no heap and no direct memory (they count against neither
 * {@code -Xmx} nor {@code -XX:MaxDirectMemorySize}; only the labels, 4 bytes a row, are direct memory), and data
 * larger than physical memory still trains: the operating system's page cache streams the file through each pass
 * in row order, at the disk's read speed.
 *
 * <p>What it risks, and how that is handled: the mapped rows are the file. The file stays open and every block
 * carries a {@link MappedFile} guard that the backend calls before each pass: a file now shorter than mapped, or
 * modified since (its modification time or size on the same inode changed), is refused by name before a page is
 * read. A truncation during a pass faults in the read; the backend turns that {@link InternalError} into the
 * guard's error naming the file. Stateless.
 */
final class MappedNpyReader {
    private MappedNpyReader() {}

    /**
     * Whether {@code h} is the layout this reader maps: float32 in native byte order, features alone. A label column,
     * float64, or the other byte order need a conversion and go through {@link NpyDataReader}'s copy.
     */
    static boolean maps(NpyDataReader.Header h, boolean lastColumnIsLabel) {
        return !lastColumnIsLabel && h.kind() == 'f' && h.itemSize() == 4 && h.order() == ByteOrder.nativeOrder();
    }

    /**
     * Maps the {@code rows x cols} float32 features of {@code file} (starting at {@code h.dataOffset()}, already
     * checked to be present) in blocks of {@code rowsPerBlock} rows, with the labels {@code labels} (one per row, from
     * {@code labelsFile}) or none; the validating read gathers the column sums where {@code columnSums}
     * ({@link ReadOptions#columnSums()}).
     */
    static LoadedData read(Path file, NpyDataReader.Header h, long rows, int cols, int rowsPerBlock, double[] labels,
                           Path labelsFile, LabelDecoder decoder, boolean columnSums) throws IOException {
        long rowBytes = 4L * cols;
        long end = h.dataOffset() + rows * rowBytes;
        Guard guard = new Guard(file, end);
        List<FloatBuffer[]> blocks = new ArrayList<>();
        try {
            for (long b0 = 0; b0 < rows; b0 += rowsPerBlock) {
                int k = (int) Math.min(rowsPerBlock, rows - b0);
                MappedByteBuffer pages = guard.channel.map(FileChannel.MapMode.READ_ONLY, h.dataOffset() + b0 * rowBytes, k * rowBytes);
                FloatBuffer xb = pages.order(ByteOrder.nativeOrder()).asFloatBuffer();
                // Zero-filled: where the file has no labels, these zeros are the placeholders LoadedData describes.
                FloatBuffer yb = Dataset.directFloats(k, file + ": labels of a block");
                if (labels != null) {
                    // A bad label is named in the labels file, where it is.
                    try {
                        // Into an array, then one bulk copy: a put per row ran interpreted for the first ~0.1 s.
                        float[] ids = new float[k];
                        for (int i = 0; i < k; i++) ids[i] = NpyDataReader.label(labelsFile, decoder, b0 + i, labels[(int) (b0 + i)]);
                        yb.put(0, ids, 0, k);
                    } catch (NpyDataReader.BadLabel e) {
                        // As the copying reader: a bad feature in an earlier row of the block is the first error.
                        NpyDataReader.checkFinite(file, xb, cols, (int) (e.row - b0), b0, e);
                        throw e;
                    }
                }
                blocks.add(new FloatBuffer[] {xb, yb});
            }
            LabelDecoder.Result classes = decoder.finish(file, row -> file + " row " + row + ": ");
            int k = LabelDecoder.datasetClasses(classes.mapping());
            List<FloatBuffer> xs = new ArrayList<>();
            List<FloatBuffer> ys = new ArrayList<>();
            for (FloatBuffer[] blk : blocks) {
                LabelDecoder.apply(blk[1], blk[1].capacity(), classes.remap() == null ? null : classes.remap().get(0));
                xs.add(blk[0]);
                ys.add(blk[1]);
            }
            // One validating read over every block, which names a bad feature by the file's row, and gathers the
            // column sums across the blocks (a file of several blocks made a statistics pass of its own before).
            return new LoadedData(Dataset.wrapMapped(xs, cols, ys, k, guard, columnSums), labels != null, classes.mapping(), file);
        } catch (InternalError e) {
            // The validating read faulted on a page past the file's end: it was truncated since its size was checked.
            guard.close();
            throw new IllegalArgumentException(guard.faulted(e).getMessage(), e);
        } catch (IllegalArgumentException e) {
            guard.close();
            String m = e.getMessage();
            // As the copying reader: the dataset's own validation (a NaN feature, say) names the row; add the file.
            throw m != null && m.startsWith(file.toString()) ? e : new IllegalArgumentException(file + ": " + m, e);
        } catch (RuntimeException | IOException e) {
            guard.close();
            throw e;
        }
    }

    /**
     * The open file under a mapping and what it was when mapped: its size, modification time and identity (inode).
     * The channel stays open for as long as the dataset is reachable (its file descriptor is closed when the guard is
     * collected), so that a truncation of the mapped inode shows in {@link FileChannel#size()} even where the name
     * now points to another file.
     */
    static final class Guard implements MappedFile {
        private final Path file;
        private final FileChannel channel;
        private final long mappedEnd;
        private final long size;
        private final FileTime modified;
        private final Object key;

        Guard(Path file, long mappedEnd) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
            this.mappedEnd = mappedEnd;
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            this.size = channel.size();
            this.modified = a.lastModifiedTime();
            this.key = a.fileKey();
            if (size < mappedEnd) {
                channel.close();
                throw new IllegalArgumentException(file + ": truncated: the header promises " + mappedEnd + " bytes, the file holds " + size);
            }
        }

        @Override public String name() { return file.toString(); }

        @Override
        public void checkUnchanged() {
            long now;
            try {
                now = channel.size();
            } catch (IOException e) {
                throw new IllegalStateException(file + ": cannot check the memory-mapped file: " + e, e);
            }
            if (now < mappedEnd) {
                throw new IllegalStateException(file + ": truncated while in use (memory-mapped): " + now + " bytes now, the rows need "
                        + mappedEnd + "; read it again");
            }
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                return; // removed or renamed: the open inode, which the mapping reads, is unchanged (checked above)
            } catch (IOException e) {
                throw new IllegalStateException(file + ": cannot check the memory-mapped file: " + e, e);
            }
            // Another file under the same name (replaced by a rename) leaves the mapped inode as it was.
            if (key != null && !key.equals(a.fileKey())) return;
            if (a.size() != size || !a.lastModifiedTime().equals(modified)) {
                throw new IllegalStateException(file + ": modified while in use (memory-mapped; modification time " + modified + ", now "
                        + a.lastModifiedTime() + ", size " + size + ", now " + a.size() + "); read it again");
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a read-only channel has nothing to flush; the mapping, if any, stays valid.
            }
        }

        @Override public String toString() { return "mapped " + file; }
    }
}
