package dev.logreg.io;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import dev.logreg.data.Dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads LIBSVM / SVMlight text: one row per line, {@code label index:value index:value ...}, indices 1-based and
 * strictly ascending, absent indices zero, {@code #} starting a comment, {@code qid:} tokens ignored. Labels are
 * integers, numbered as classes in increasing order ({@link LabelMapping}; 0/1 and -1/+1 as ever). The rows are densified (the library holds dense data for now): the width is the largest index seen,
 * or {@link ReadOptions#featureCount} where given. A hand-written byte scanner; values are parsed from the byte
 * buffer without Strings. Stateless.
 */
public final class LibsvmDataReader {
    private LibsvmDataReader() {}

    /**
     * The largest feature index read: rows are densified into blocks of {@link Dataset#DEFAULT_BLOCK_CAPACITY}
     * floats, and one row must fit in one block.
     */
    public static final int MAX_FEATURES = Dataset.DEFAULT_BLOCK_CAPACITY;

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException on a bad label, index or value, unsorted indices, or an index beyond the
     *                                  expected feature count; the message names the file and line
     */
    public static LoadedData read(Path file, ReadOptions options) throws IOException {
        Sparse s = new Sparse();
        LabelDecoder labels = new LabelDecoder(options.classes());
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int start = 0; // first unconsumed byte
            int len = 0;   // end of valid bytes
            int scan = 0;  // where the search for the next newline resumes
            long line = 0;
            boolean eof = false;
            while (true) {
                int nl = -1;
                for (int i = scan; i < len; i++) {
                    if (buf[i] == '\n') {
                        nl = i;
                        break;
                    }
                }
                if (nl < 0 && !eof) {
                    // Compact only when more bytes are needed: each byte is moved at most once per buffer fill.
                    if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, len - start);
                        len -= start;
                        start = 0;
                    }
                    if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
                    scan = len;
                    int r = in.read(buf, len, buf.length - len);
                    if (r < 0) eof = true;
                    else len += r;
                    continue;
                }
                if (nl < 0 && start == len) break;
                int end = nl < 0 ? len : nl;
                line++;
                parseLine(file, line, buf, start, end, s, labels, options.featureCount());
                start = nl < 0 ? len : nl + 1;
                scan = start;
            }
        }
        if (s.rows == 0) throw new IllegalArgumentException(file + ": no rows");
        int width = options.featureCount() > 0 ? options.featureCount() : s.maxIndex;
        if (width == 0) throw new IllegalArgumentException(file + ": no features in any row (every line holds a label only)");
        LabelDecoder.Result classes = labels.finish(file, line -> file + " line " + line + ": ");
        LabelDecoder.apply(s.label, s.rows, classes.remap() == null ? null : classes.remap().get(0));
        Dataset.Builder b = Dataset.builder(width).classes(LabelDecoder.datasetClasses(classes.mapping()));
        float[] row = new float[width];
        long k = 0;
        for (int i = 0; i < s.rows; i++) {
            Arrays.fill(row, 0f);
            long end = s.rowEnd[i];
            for (; k < end; k++) row[s.index[(int) k] - 1] = s.value[(int) k];
            b.addRow(row, 0, s.label[i], 0f, false);
        }
        return new LoadedData(b.build(), true, classes.mapping(), file);
    }

    private static void parseLine(Path file, long line, byte[] buf, int from, int to, Sparse s, LabelDecoder labels, int expectedWidth) {
        int end = to;
        for (int i = from; i < to; i++) {
            if (buf[i] == '#') {
                end = i;
                break;
            }
        }
        int p = skipBlanks(buf, from, end);
        if (p == end) return; // blank or comment line
        int t = tokenEnd(buf, p, end);
        double raw;
        try {
            raw = JavaDoubleParser.parseDouble(buf, p, t - p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + line + ": cannot parse label " + text(buf, p, t) + " as a number");
        }
        if (!LabelMapping.isClassNumber(raw)) {
            throw new IllegalArgumentException(file + " line " + line + ": label " + text(buf, p, t) + " is not an integer; class labels are integers (up to 2^53)");
        }
        int c;
        try {
            c = labels.number(raw, line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " line " + line + ": " + e.getMessage(), e);
        }
        if (c < 0) throw new IllegalArgumentException(file + " line " + line + ": " + LabelDecoder.notAClass(text(buf, p, t), labels.known()));
        int last = 0;
        p = skipBlanks(buf, t, end);
        while (p < end) {
            t = tokenEnd(buf, p, end);
            int colon = -1;
            for (int i = p; i < t; i++) {
                if (buf[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon < 0) throw new IllegalArgumentException(file + " line " + line + ": token " + text(buf, p, t) + " is not index:value");
            if (colon - p == 3 && buf[p] == 'q' && buf[p + 1] == 'i' && buf[p + 2] == 'd') { // SVMlight query id
                p = skipBlanks(buf, t, end);
                continue;
            }
            // The digits, saturating just above the largest index supported, so that 99999999999 or a thousand
            // digits are "too large" rather than "not an integer".
            long idx = 0;
            boolean digits = colon > p;
            for (int i = p; i < colon && digits; i++) {
                int d = buf[i] - '0';
                if (d < 0 || d > 9) digits = false;
                else idx = Math.min(idx * 10 + d, MAX_FEATURES + 1L);
            }
            if (!digits || idx < 1) {
                throw new IllegalArgumentException(file + " line " + line + ": index " + text(buf, p, colon) + " is not an integer >= 1 (indices are 1-based)");
            }
            if (idx > MAX_FEATURES) {
                throw new IllegalArgumentException(file + " line " + line + ": index " + text(buf, p, colon) + " is too large: at most "
                        + MAX_FEATURES + " features are supported (rows are held dense, and one row must fit one block of "
                        + MAX_FEATURES + " floats)");
            }
            if (idx <= last) {
                throw new IllegalArgumentException(file + " line " + line + ": index " + idx + " follows index " + last + ", expected strictly ascending indices");
            }
            if (expectedWidth > 0 && idx > expectedWidth) {
                throw new IllegalArgumentException(file + " line " + line + ": index " + idx + " is beyond the " + expectedWidth + " features expected");
            }
            float v;
            try {
                v = colon + 1 == t ? Float.NaN : JavaFloatParser.parseFloat(buf, colon + 1, t - colon - 1);
            } catch (NumberFormatException e) {
                v = Float.NaN;
            }
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(file + " line " + line + ", index " + idx + ": cannot parse value "
                        + text(buf, colon + 1, t) + " as a finite number");
            }
            last = (int) idx;
            s.add(last, v);
            p = skipBlanks(buf, t, end);
        }
        s.endRow((float) c);
    }

    private static int skipBlanks(byte[] b, int p, int end) {
        while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r')) p++;
        return p;
    }

    private static int tokenEnd(byte[] b, int p, int end) {
        while (p < end && b[p] != ' ' && b[p] != '\t' && b[p] != '\r') p++;
        return p;
    }

    /** The bytes quoted for a message, bounded ({@link Excerpt}). */
    private static String text(byte[] b, int from, int to) {
        return "'" + Excerpt.of(b, from, to) + "'";
    }

    /** Growable sparse rows (CSR): what the file said, before densifying. */
    private static final class Sparse {
        int[] index = new int[1024];
        float[] value = new float[1024];
        long nnz;
        long[] rowEnd = new long[256];
        float[] label = new float[256];
        int rows;
        int maxIndex;

        void add(int idx, float v) {
            if (nnz == index.length) {
                if (index.length >= Integer.MAX_VALUE - 8) throw new IllegalArgumentException("more than 2^31 non-zero values: too large for this reader");
                int cap = (int) Math.min(Integer.MAX_VALUE - 8L, 2L * index.length);
                index = Arrays.copyOf(index, cap);
                value = Arrays.copyOf(value, cap);
            }
            index[(int) nnz] = idx;
            value[(int) nnz] = v;
            nnz++;
            if (idx > maxIndex) maxIndex = idx;
        }

        void endRow(float y) {
            if (rows == label.length) {
                rowEnd = Arrays.copyOf(rowEnd, rows * 2);
                label = Arrays.copyOf(label, rows * 2);
            }
            rowEnd[rows] = nnz;
            label[rows] = y;
            rows++;
        }
    }
}
