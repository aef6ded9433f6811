package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files (format versions 1, 2 and 3): a 2-D C-order matrix of float32 ({@code <f4}) or
 * float64 ({@code <f8}), either byte order, its labels from a separate 1-D {@code .npy} file
 * ({@link ReadOptions#labelsFile}) or from the last column. Nothing is parsed. A float32 matrix in the machine's byte
 * order whose columns are all features (labels in their own file) is not read at all but mapped
 * ({@link MappedNpyReader}: no copy, no heap or direct memory, the file's pages are the rows). Any other layout is
 * copied: the rows are read with
 * {@link FileChannel} bulk reads into direct, native-order float32 buffers, one dataset block of at most
 * {@link Dataset#DEFAULT_BLOCK_CAPACITY} floats (whole rows) at a time, each exactly the size of its rows, and the
 * blocks are joined with {@link Dataset#concat} without a copy. So a large matrix loads at about disk speed, the
 * process holds one copy of the data (plus an 8 MiB staging buffer), and a backend that reads direct native-order data
 * in place (the CPU backend) binds it without copying; its chunks of 2^28 floats are whole blocks. Each bulk read
 * fills a staging buffer of whole rows, which is copied into the block: in one bulk copy for float32 features alone
 * (byte-swapped where the file is big-endian), row by row where a label column is split off, value by value where
 * float64 is converted to float32. Every block is checked as it is read (a NaN or infinite feature, a float64 value
 * that overflows float32, a bad label), and the message names the file, row and column.
 *
 * <p>Copied data lie in direct memory, outside the Java heap: they count against {@code -XX:MaxDirectMemorySize}, which
 * defaults to the maximum heap size ({@code -Xmx}). Stateless.
 */
public final class NpyDataReader {
    private NpyDataReader() {}

    /** Bytes read per bulk read (rounded down to whole rows). */
    private static final int CHUNK_BYTES = 8 << 20;

    /** The parsed header of an {@code .npy} file. */
    record Header(String descr, boolean fortranOrder, long[] shape, long dataOffset) {
        int itemSize() {
            return Integer.parseInt(descr.substring(2));
        }

        char kind() {
            return descr.charAt(1);
        }

        ByteOrder order() {
            return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Parses the header at the start of {@code ch}; the channel's position afterwards is unspecified. */
    static Header header(Path file, FileChannel ch) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(pre, 0);
        pre.flip();
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
        if (pre.remaining() < 10) throw new IllegalArgumentException(file + ": too short for an .npy file");
        for (int i = 0; i < 6; i++) {
            if (pre.get(i) != magic[i]) throw new IllegalArgumentException(file + ": not an .npy file (bad magic string)");
        }
        int major = pre.get(6);
        long headerLen;
        int lenBytes;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(pre.getShort(8));
            lenBytes = 2;
        } else if (major == 2 || major == 3) {
            if (pre.remaining() < 12) throw new IllegalArgumentException(file + ": truncated .npy header");
            headerLen = Integer.toUnsignedLong(pre.getInt(8));
            lenBytes = 4;
        } else {
            throw new IllegalArgumentException(file + ": .npy format version " + major + " is not supported (1, 2 or 3 expected)");
        }
        long start = 8 + lenBytes;
        if (headerLen > 1 << 20 || start + headerLen > ch.size()) throw new IllegalArgumentException(file + ": truncated .npy header");
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        while (hb.hasRemaining() && ch.read(hb, start + hb.position()) > 0) { }
        String h = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(h);
        Matcher f = FORTRAN.matcher(h);
        Matcher s = SHAPE.matcher(h);
        if (!d.find() || !f.find() || !s.find()) throw new IllegalArgumentException(file + ": unreadable .npy header: " + Excerpt.quoted(h.trim()));
        String descr = d.group(1);
        if (descr.length() >= 3 && descr.charAt(0) == '=') descr = '<' + descr.substring(1); // native order: numpy is little-endian on x86/ARM
        if (descr.length() >= 3 && descr.charAt(0) == '|') descr = '<' + descr.substring(1);
        if (!descr.matches("[<>][fiub][1248]")) {
            throw new IllegalArgumentException(file + ": dtype " + Excerpt.quoted(d.group(1)) + " is not supported (float32 '<f4' or float64 '<f8' expected)");
        }
        String[] dims = s.group(1).split(",");
        int n = 0;
        long[] shape = new long[dims.length];
        for (String dim : dims) {
            if (dim.isBlank()) continue;
            try {
                shape[n++] = Long.parseLong(dim.trim());
            } catch (NumberFormatException e) { // NumberFormatException's own message names no file
                String t = dim.trim();
                throw new IllegalArgumentException(file + ": shape entry '" + (t.length() > 40 ? t.substring(0, 40) + "..." : t)
                        + "' is not an integer");
            }
        }
        return new Header(descr, f.group(1).equals("True"), java.util.Arrays.copyOf(shape, n), start + headerLen);
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException on a dtype other than float32/float64, a shape other than 2-D, Fortran order,
     *                                  a truncated file, non-finite values or bad labels (the message names the row)
     */
    public static LoadedData read(Path file, ReadOptions options) throws IOException {
        return read(file, options, Dataset.DEFAULT_BLOCK_CAPACITY);
    }

    /**
     * {@link #read(Path, ReadOptions)} with the block size as a parameter, so that tests can exercise files of many
     * blocks without writing gigabytes.
     *
     * @param blockCapacity most floats of features per block (rounded down to whole rows; at least one row)
     */
    static LoadedData read(Path file, ReadOptions options, int blockCapacity) throws IOException {
        return read(file, options, blockCapacity, true);
    }

    /** As {@link #read(Path, ReadOptions, int)}; {@code map} false copies even the layout that maps (tests compare the two). */
    static LoadedData read(Path file, ReadOptions options, int blockCapacity, boolean map) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(file, ch);
            if (h.kind() != 'f' || (h.itemSize() != 4 && h.itemSize() != 8)) {
                throw new IllegalArgumentException(file + ": dtype " + Excerpt.quoted(h.descr()) + " is not supported; expected float32 ('<f4') or float64 ('<f8')");
            }
            if (h.shape().length != 2) {
                throw new IllegalArgumentException(file + ": the array is " + h.shape().length + "-D " + java.util.Arrays.toString(h.shape())
                        + ", expected a 2-D matrix (rows, columns)");
            }
            if (h.fortranOrder()) {
                throw new IllegalArgumentException(file + ": the matrix is in Fortran (column-major) order; save it in C order "
                        + "(numpy.ascontiguousarray) so that rows are contiguous");
            }
            long rows = h.shape()[0];
            long fileCols = h.shape()[1];
            if (rows < 1 || fileCols < 1 || fileCols > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(file + ": shape " + java.util.Arrays.toString(h.shape()) + " is empty or too wide");
            }
            long needed;
            try {
                needed = Math.multiplyExact(Math.multiplyExact(rows, fileCols), (long) h.itemSize());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(file + ": shape " + java.util.Arrays.toString(h.shape()) + " is too large (over 2^63 bytes of data)");
            }
            long have = ch.size() - h.dataOffset();
            if (have < needed) {
                throw new IllegalArgumentException(file + ": truncated: the header promises " + needed + " bytes of data, the file holds " + have);
            }
            double[] labels = null;
            if (options.labelsFile() != null) {
                labels = readLabels(options.labelsFile(), rows);
            }
            boolean lastColumnIsLabel;
            int expected = options.featureCount();
            if (labels != null) {
                lastColumnIsLabel = false;
            } else if (expected > 0 && fileCols == expected) {
                lastColumnIsLabel = false;
                if (options.labelRequired()) {
                    throw new IllegalArgumentException(file + ": " + fileCols + " columns are the model's features and no labels were given; "
                            + "add a label column last or give --labels FILE.npy");
                }
            } else {
                lastColumnIsLabel = true;
            }
            int cols = (int) (lastColumnIsLabel ? fileCols - 1 : fileCols);
            if (cols < 1) throw new IllegalArgumentException(file + ": one column only, which is the label; no features left");
            if (expected > 0 && cols != expected) {
                throw new IllegalArgumentException(file + ": " + cols + " feature columns" + (lastColumnIsLabel ? " (the last of " + fileCols + " is the label)" : "")
                        + ", the model expects " + expected);
            }
            if (cols > Dataset.DEFAULT_BLOCK_CAPACITY) {
                throw new IllegalArgumentException(file + ": " + cols + " feature columns do not fit one block of " + Dataset.DEFAULT_BLOCK_CAPACITY + " floats");
            }
            LabelDecoder decoder = new LabelDecoder(options.classes());
            boolean hasLabels = labels != null || lastColumnIsLabel;
            int item = h.itemSize();
            long rowBytes = fileCols * item;
            int rowsPerBlock = Math.min(Dataset.DEFAULT_BLOCK_CAPACITY, Math.max(blockCapacity, cols)) / cols;
            if (map && MappedNpyReader.maps(h, lastColumnIsLabel)) {
                return MappedNpyReader.read(file, h, rows, cols, rowsPerBlock, labels, options.labelsFile(), decoder, options.columnSums());
            }
            // Every layout goes through a small staging buffer, even a little-endian float32 file of features alone,
            // whose bytes could be read into the block itself: on the development VM the first read into 400 MB of
            // memory took 0.8-1.0 s even where the memory was touched (the same read again 0.04 s), so reading such
            // a file straight into its block took 2.9 s, through 8 MiB and a copy 1.5-1.8 s, about the fresh pages
            // alone (benchmarks/cpu/README.md, "Binding the data"). The copy costs ~0.04 s per 400 MB anywhere.
            // No more rows than the file has: a small file must not cost an 8 MiB buffer (zeroed, freed only by a GC).
            int rowsPerChunk = (int) Math.min(Math.min(rowsPerBlock, rows), Math.max(1, CHUNK_BYTES / rowBytes));
            ByteBuffer stage = ByteBuffer.allocateDirect(Math.toIntExact(rowsPerChunk * rowBytes)).order(h.order());
            List<FloatBuffer[]> blocks = new ArrayList<>(); // {features, labels} of each block, wrapped once the classes are known
            long pos = h.dataOffset();
            FloatBuffer block = null; // the block being read, and its first row
            long blockFirst = 0;
            try {
                for (long b0 = 0; b0 < rows; b0 += rowsPerBlock) {
                    int k = (int) Math.min(rowsPerBlock, rows - b0);
                    FloatBuffer xb = Dataset.directFloats((long) k * cols, file + ": reading a block");
                    // Zero-filled: where the file has no labels, these zeros are the placeholders LoadedData describes.
                    FloatBuffer yb = Dataset.directFloats(k, file + ": reading a block");
                    block = xb;
                    blockFirst = b0;
                    for (int r = 0; r < k; r += rowsPerChunk) {
                        int n = Math.min(rowsPerChunk, k - r);
                        stage.clear().limit(Math.toIntExact(n * rowBytes));
                        readFully(file, ch, stage, pos, b0 + r);
                        pos += n * rowBytes;
                        stage.flip();
                        if (item == 4) {
                            FloatBuffer src = stage.asFloatBuffer();
                            if (!lastColumnIsLabel) {
                                xb.put(r * cols, src, 0, n * cols);  // one bulk copy (a memcpy), byte-swapped where the file is big-endian
                            } else {
                                for (int i = 0; i < n; i++) {
                                    int off = Math.toIntExact(i * fileCols);
                                    xb.put((r + i) * cols, src, off, cols);
                                    yb.put(r + i, label(file, decoder, b0 + r + i, src.get(off + cols)));
                                }
                            }
                        } else {
                            DoubleBuffer src = stage.asDoubleBuffer();
                            for (int i = 0; i < n; i++) {
                                int off = Math.toIntExact(i * fileCols);
                                int at = (r + i) * cols;
                                for (int j = 0; j < cols; j++) {
                                    double v = src.get(off + j);
                                    float f = (float) v;
                                    if (!Float.isFinite(f)) {
                                        throw new IllegalArgumentException(file + " row " + (b0 + r + i) + ", column " + j + ": value " + v
                                                + (Double.isFinite(v) ? " overflows float32" : " is not finite"));
                                    }
                                    xb.put(at + j, f);
                                }
                                if (lastColumnIsLabel) yb.put(r + i, label(file, decoder, b0 + r + i, src.get(off + cols)));
                            }
                        }
                    }
                    if (labels != null) {
                        // A bad label is named in the labels file, where it is.
                        for (int i = 0; i < k; i++) yb.put(i, label(options.labelsFile(), decoder, b0 + i, labels[(int) (b0 + i)]));
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
                // One validating read over the blocks (naming a bad feature by the file's row), gathering the column
                // sums across them.
                Dataset d = Dataset.wrapBlocks(xs, cols, ys, null, null, k, options.columnSums());
                return new LoadedData(d, hasLabels, classes.mapping(), file);
            } catch (IllegalArgumentException e) {
                // Labels are checked as rows are copied, float32 features when their block is complete: a bad feature
                // in an earlier row of the block is the first error, whatever the block size.
                if (e instanceof BadLabel) checkFinite(file, block, cols, (int) (((BadLabel) e).row - blockFirst), blockFirst, e);
                String m = e.getMessage();
                // The dataset's own validation (a NaN feature, say) names the row and column; add the file.
                throw m != null && m.startsWith(file.toString()) ? e : new IllegalArgumentException(file + ": " + m, e);
            }
        }
    }

    /** Throws naming the first non-finite feature in the first {@code rows} rows of {@code xb}, if there is one. */
    static void checkFinite(Path file, FloatBuffer xb, int cols, int rows, long first, IllegalArgumentException cause) {
        for (int i = 0; i < rows * cols; i++) {
            float v = xb.get(i);
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(file + ": feature at row " + (first + i / cols) + ", column " + (i % cols)
                        + " is " + v + ", expected a finite number", cause);
            }
        }
    }

    /** A label that is not 0/1 or -1/+1 (or mixes the two), at {@code row} of the file. */
    static final class BadLabel extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final long row;

        BadLabel(long row, String message) {
            super(message);
            this.row = row;
        }
    }

    /**
     * Fills {@code dst} from its position 0 to its limit with the file's bytes from {@code pos} on; {@code row} (the
     * first row they hold) names a truncation.
     */
    private static void readFully(Path file, FileChannel ch, ByteBuffer dst, long pos, long row) throws IOException {
        while (dst.hasRemaining()) {
            if (ch.read(dst, pos + dst.position()) < 0) throw new IllegalArgumentException(file + ": truncated at row " + row);
        }
    }

    static float label(Path file, LabelDecoder decoder, long row, double raw) {
        // Every refusal is a BadLabel: the caller then names an earlier bad feature of the same block first.
        if (!LabelMapping.isClassNumber(raw)) {
            throw new BadLabel(row, file + " row " + row + ": label " + raw + " is not an integer; class labels in a .npy file are integers"
                    + " (an integer dtype, or floats holding whole numbers)");
        }
        int c;
        try {
            c = decoder.number(raw, row);
        } catch (IllegalArgumentException e) {
            throw new BadLabel(row, file + " row " + row + ": " + e.getMessage());
        }
        if (c < 0) throw new BadLabel(row, file + " row " + row + ": " + LabelDecoder.notAClass(LabelMapping.format(raw), decoder.known()));
        return c;
    }

    /**
     * Reads a 1-D (or n x 1) labels file of any float, int, uint or bool dtype, in float64 (int64 labels up to 2^53
     * stay exact). Text or object labels are refused by name: a {@code .npy} file of strings is not read as classes.
     */
    static double[] readLabels(Path file, long rows) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h;
            try {
                h = header(file, ch);
            } catch (IllegalArgumentException e) {
                if (e.getMessage() == null || !e.getMessage().contains(" is not supported")) throw e;
                throw new IllegalArgumentException(file + ": labels are not numbers (" + e.getMessage().substring(file.toString().length() + 2).replaceFirst(" is not supported.*", "")
                        + "); a .npy labels file holds integer class labels (int, uint, bool or whole-valued float). Encode text classes as integers, or use a CSV file", e);
            }
            long[] s = h.shape();
            if (h.fortranOrder() && s.length == 2 && s[1] != 1) throw new IllegalArgumentException(file + ": labels in Fortran order");
            if (!(s.length == 1 || (s.length == 2 && s[1] == 1))) {
                throw new IllegalArgumentException(file + ": labels have shape " + java.util.Arrays.toString(s) + ", expected (" + rows + ",)");
            }
            if (s[0] != rows) throw new IllegalArgumentException(file + ": " + s[0] + " labels for " + rows + " rows");
            if (rows > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(file + ": more than 2^31 labels are not supported");
            int item = h.itemSize();
            long needed = rows * item;
            if (ch.size() - h.dataOffset() < needed) throw new IllegalArgumentException(file + ": truncated labels file");
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(needed)).order(h.order());
            while (buf.hasRemaining()) {
                if (ch.read(buf, h.dataOffset() + buf.position()) < 0) throw new IllegalArgumentException(file + ": truncated labels file");
            }
            buf.flip();
            if (h.kind() == 'f' && item != 4 && item != 8 && rows > 0) {
                throw new IllegalArgumentException(file + ": float" + 8 * item + " labels are not supported");
            }
            return labelValues(buf, h.kind(), item, (int) rows);
        }
    }

    /**
     * The {@code rows} labels in {@code buf} (its byte order set) as float64: one bulk read per dtype, then a plain
     * widening loop. Why not one {@code getX} per row: in a fresh JVM the loop runs interpreted until the JIT compiles
     * it on-stack, and with a buffer call per row that was ~0.1 s of reading a million labels. Unsigned types are read
     * unsigned (a uint16 label 40000 is 40000).
     */
    private static double[] labelValues(ByteBuffer buf, char kind, int item, int rows) {
        double[] out = new double[rows];
        if (kind == 'f' && item == 8) {
            buf.asDoubleBuffer().get(out);
        } else if (kind == 'f') {
            float[] v = new float[rows];
            buf.asFloatBuffer().get(v);
            for (int i = 0; i < rows; i++) out[i] = v[i];
        } else if (item == 1) {
            byte[] v = new byte[rows];
            buf.get(v);
            boolean unsigned = kind != 'i';  // bool and uint8
            for (int i = 0; i < rows; i++) out[i] = unsigned ? v[i] & 0xff : v[i];
        } else if (item == 2) {
            short[] v = new short[rows];
            buf.asShortBuffer().get(v);
            boolean unsigned = kind == 'u';
            for (int i = 0; i < rows; i++) out[i] = unsigned ? v[i] & 0xffff : v[i];
        } else if (item == 4) {
            int[] v = new int[rows];
            buf.asIntBuffer().get(v);
            boolean unsigned = kind == 'u';
            for (int i = 0; i < rows; i++) out[i] = unsigned ? v[i] & 0xffffffffL : v[i];
        } else {
            long[] v = new long[rows];
            buf.asLongBuffer().get(v);
            for (int i = 0; i < rows; i++) out[i] = v[i];
        }
        return out;
    }
}
