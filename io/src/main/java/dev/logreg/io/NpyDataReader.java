package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy {@code .npy} files (format versions 1, 2 and 3): a 2-D C-order matrix of float32 ({@code <f4}) or
 * float64 ({@code <f8}, either byte order), its labels from a separate 1-D {@code .npy} file
 * ({@link ReadOptions#labelsFile}) or from the last column. Nothing is parsed: the data are read in large
 * row-aligned chunks with one bulk {@link FileChannel#read} each into a direct buffer of the file's byte order and
 * copied as float32 into the dataset's blocks, so a large matrix loads at about disk speed. Up to
 * {@link Dataset#DEFAULT_BLOCK_CAPACITY} features the dataset is one block of exactly the data's size (one copy of
 * the data in memory); beyond, blocks of {@code STREAMED_BLOCK_CAPACITY} floats filled through
 * {@link Dataset.Builder}, which keeps the memory beyond the data under about 160 MiB. Every value is checked on the
 * way (a NaN or infinite feature, a float64 value that overflows float32, a bad label), and the message names the
 * file, row and column. Stateless.
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
        if (!d.find() || !f.find() || !s.find()) throw new IllegalArgumentException(file + ": unreadable .npy header: " + h.trim());
        String descr = d.group(1);
        if (descr.length() >= 3 && descr.charAt(0) == '=') descr = '<' + descr.substring(1); // native order: numpy is little-endian on x86/ARM
        if (descr.length() >= 3 && descr.charAt(0) == '|') descr = '<' + descr.substring(1);
        if (!descr.matches("[<>][fiub][1248]")) {
            throw new IllegalArgumentException(file + ": dtype '" + d.group(1) + "' is not supported (float32 '<f4' or float64 '<f8' expected)");
        }
        String[] dims = s.group(1).split(",");
        int n = 0;
        long[] shape = new long[dims.length];
        for (String dim : dims) {
            if (dim.isBlank()) continue;
            shape[n++] = Long.parseLong(dim.trim());
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
        return read(file, options, Dataset.DEFAULT_BLOCK_CAPACITY, STREAMED_BLOCK_CAPACITY);
    }

    /**
     * Floats per block where the features exceed one {@link Dataset#DEFAULT_BLOCK_CAPACITY} block (1 GiB) and go
     * through {@link Dataset.Builder}: 2^24 floats, 64 MiB. The builder grows each block's arrays by doubling and keeps
     * the last block's spare capacity, so blocks of B floats cost up to 1.5·B beyond the data while reading and up to
     * B afterwards: with 1 GiB blocks, gigabytes; with 64 MiB blocks, at most 96 MiB and 64 MiB. (Measured on a
     * 1.25 GiB float32 matrix with a label column: 1 GiB blocks needed a heap above 2000 MiB, 64 MiB blocks read it in
     * 1700 MiB.) Backends gather rows across blocks, so the smaller blocks cost them nothing.
     */
    static final int STREAMED_BLOCK_CAPACITY = 1 << 24;

    /**
     * {@link #read(Path, ReadOptions)} with the block sizes as parameters, so that tests can exercise the multi-block
     * path without writing gigabytes.
     *
     * @param oneBlockLimit   most features (rows x feature columns) read into one exact-size block and wrapped without
     *                        a copy; larger data go through the builder
     * @param blockCapacity   most floats per block of data that go through the builder (at least one row)
     */
    static LoadedData read(Path file, ReadOptions options, int oneBlockLimit, int blockCapacity) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(file, ch);
            if (h.kind() != 'f' || (h.itemSize() != 4 && h.itemSize() != 8)) {
                throw new IllegalArgumentException(file + ": dtype '" + h.descr() + "' is not supported; expected float32 ('<f4') or float64 ('<f8')");
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
            long needed = Math.multiplyExact(Math.multiplyExact(rows, fileCols), (long) h.itemSize());
            long have = ch.size() - h.dataOffset();
            if (have < needed) {
                throw new IllegalArgumentException(file + ": truncated: the header promises " + needed + " bytes of data, the file holds " + have);
            }
            float[] labels = null;
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
            LabelDecoder decoder = new LabelDecoder();
            boolean hasLabels = labels != null || lastColumnIsLabel;
            // Up to one block (1 GiB of features) the rows go straight into arrays of the exact size, wrapped
            // without a copy. Beyond, the builder splits them into blocks of STREAMED_BLOCK_CAPACITY: the api has no
            // public way to hand a Dataset blocks filled here, so those rows take one more copy, chunk by chunk.
            boolean exact = rows * cols <= oneBlockLimit;
            float[] xs = exact ? new float[(int) (rows * cols)] : null;
            float[] ys = exact ? new float[(int) rows] : null;
            Dataset.Builder b = exact ? null : Dataset.builder(cols).blockCapacity(Math.max(blockCapacity, cols));
            int item = h.itemSize();
            long rowBytes = fileCols * item;
            int rowsPerChunk = (int) Math.max(1, CHUNK_BYTES / rowBytes);
            ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(rowsPerChunk * rowBytes)).order(h.order());
            float[] chunk = new float[Math.toIntExact(rowsPerChunk * fileCols)];
            double[] wide = item == 8 ? new double[chunk.length] : null;
            long pos = h.dataOffset();
            try {
                for (long r0 = 0; r0 < rows; r0 += rowsPerChunk) {
                    int n = (int) Math.min(rowsPerChunk, rows - r0);
                    buf.clear().limit(Math.toIntExact(n * rowBytes));
                    while (buf.hasRemaining()) {
                        int got = ch.read(buf, pos + buf.position());
                        if (got < 0) throw new IllegalArgumentException(file + ": truncated at row " + r0);
                    }
                    buf.flip();
                    pos += n * rowBytes;
                    int count = Math.toIntExact(n * fileCols);
                    if (exact && item == 4 && !lastColumnIsLabel) {
                        // The fast path: one bulk copy from the file's bytes into the features.
                        buf.asFloatBuffer().get(xs, (int) (r0 * cols), count);
                        if (labels != null) {
                            for (int i = 0; i < n; i++) ys[(int) r0 + i] = label(file, decoder, r0 + i, labels[(int) r0 + i]);
                        }
                        continue;
                    }
                    if (item == 4) {
                        buf.asFloatBuffer().get(chunk, 0, count);
                    } else {
                        buf.asDoubleBuffer().get(wide, 0, count);
                        for (int i = 0; i < count; i++) {
                            chunk[i] = (float) wide[i];
                            if (!Float.isFinite(chunk[i])) {
                                long row = r0 + i / fileCols;
                                int col = (int) (i % fileCols);
                                if (col < cols) {
                                    throw new IllegalArgumentException(file + " row " + row + ", column " + col + ": value " + wide[i]
                                            + (Double.isFinite(wide[i]) ? " overflows float32" : " is not finite"));
                                }
                            }
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        long row = r0 + i;
                        int off = Math.toIntExact(i * fileCols);
                        float y = 0f;
                        if (hasLabels) y = label(file, decoder, row, labels != null ? labels[(int) row] : chunk[off + cols]);
                        if (exact) {
                            System.arraycopy(chunk, off, xs, (int) (row * cols), cols);
                            ys[(int) row] = y;
                        } else {
                            b.addRow(chunk, off, y, 0f, false);
                        }
                    }
                }
                Dataset d = exact ? Dataset.wrap(FloatBuffer.wrap(xs), cols, FloatBuffer.wrap(ys), null, null) : b.build();
                return new LoadedData(d, hasLabels, decoder.mapping(), file);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                // The dataset's own validation (a NaN feature, say) names the row and column; add the file.
                throw m != null && m.startsWith(file.toString()) ? e : new IllegalArgumentException(file + ": " + m, e);
            }
        }
    }

    private static float label(Path file, LabelDecoder decoder, long row, double raw) {
        int c = decoder.decode(raw);
        if (c < 0) throw new IllegalArgumentException(file + " row " + row + ": " + LabelDecoder.notALabel("label " + raw));
        if (decoder.mixed()) throw new IllegalArgumentException(file + " row " + row + ": labels mix 0 and -1 for the negative class");
        return c;
    }

    /** Reads a 1-D (or n x 1) labels file of any float, int, uint or bool dtype. */
    private static float[] readLabels(Path file, long rows) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(file, ch);
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
            float[] out = new float[(int) rows];
            for (int i = 0; i < out.length; i++) {
                double v;
                switch (h.kind()) {
                    case 'f': v = item == 4 ? buf.getFloat() : item == 8 ? buf.getDouble() : Double.NaN; break;
                    case 'b': v = buf.get(); break;
                    case 'u': case 'i': {
                        long x = item == 1 ? buf.get() : item == 2 ? buf.getShort() : item == 4 ? buf.getInt() : buf.getLong();
                        if (h.kind() == 'u' && item == 1) x &= 0xff;
                        v = x;
                        break;
                    }
                    default: throw new AssertionError(h.kind());
                }
                if (Double.isNaN(v) && h.kind() == 'f' && item == 2) {
                    throw new IllegalArgumentException(file + ": float16 labels are not supported");
                }
                out[i] = (float) v;
            }
            return out;
        }
    }
}
