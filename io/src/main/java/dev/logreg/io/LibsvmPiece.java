package dev.logreg.io;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import dev.logreg.data.SparseBuilder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One piece of a LIBSVM file (a range of whole lines), parsed into growable CSR arrays on the heap: what
 * {@link LibsvmDataReader} joins. Lines are counted from the piece's start; an error is a {@link BadToken} holding
 * that local line, which the reader turns into the file's line once the pieces before it are counted. Not
 * thread-safe: one thread parses one piece.
 */
final class LibsvmPiece {
    private final LabelDecoder labels;
    private final int expectedWidth;
    private final int maxFeatures;

    private int[] index = new int[1024];   // 0-based columns (in direct mode, those not yet flushed)
    private float[] value = new float[1024];
    private int nnz;
    // Direct mode (writeTo): the nonzeros go to these buffers from entry 0 on, through index/value as a fixed scratch,
    // so that the piece's nonzeros are written once, in place, rather than grown in heap arrays and copied after.
    private IntBuffer outIndex;
    private FloatBuffer outValue;
    private int flushed;
    private int[] rowEnd = new int[256];
    private float[] label = new float[256]; // provisional label ids (LabelDecoder)
    private int rows;
    private int maxIndex;
    private long lines;

    LibsvmPiece(LabelDecoder labels, int expectedWidth, int maxFeatures) {
        this.labels = labels;
        this.expectedWidth = expectedWidth;
        this.maxFeatures = maxFeatures;
    }

    /**
     * Direct mode: the nonzeros go to the piece's own {@code indices} and {@code values} from entry 0 on, at most their
     * capacity (more is a bug in the caller's count, refused). Set before {@link #parse}.
     */
    LibsvmPiece writeTo(IntBuffer indices, FloatBuffer values) {
        this.outIndex = indices;
        this.outValue = values;
        this.index = new int[Math.max(1, Math.min(1 << 14, indices.capacity()))];
        this.value = new float[index.length];
        return this;
    }

    LabelDecoder labels() { return labels; }

    /** The row ends, counted in nonzeros from the piece's start (entries [0, rows())). */
    int[] rowEnds() { return rowEnd; }

    /** The provisional label ids of the rows (entries [0, rows())). */
    float[] rowLabels() { return label; }

    int rows() { return rows; }

    /** The largest 1-based index seen (0 where none). */
    int maxIndex() { return maxIndex; }

    /** Lines in the piece (its line ends, plus a last line without one). */
    long lines() { return lines; }

    /** A bad token at a line of this piece, counted from the piece's start. */
    static final class BadToken extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long line;
        final long column;

        BadToken(long line, long column, String detail) {
            super(detail, null, false, false);
            this.line = line;
            this.column = column;
        }

        /** The refusal, naming the file and its line ({@code linesBefore}: the lines of the pieces before this one). */
        IllegalArgumentException at(Path file, long linesBefore) {
            return new IllegalArgumentException(file + " line " + (linesBefore + line) + ", column " + column + ": " + getMessage());
        }
    }

    /** Parses bytes [from, to) of {@code ch}, which start at a line start. */
    void parse(FileChannel ch, long from, long to) throws IOException {
        byte[] buf = new byte[(int) Math.min(1 << 20, Math.max(64, to - from))];
        int start = 0; // first unconsumed byte
        int len = 0;   // end of valid bytes
        int scan = 0;  // where the search for the next newline resumes
        int hash = -1; // the first '#' of the current line, where one was seen
        long pos = from;
        boolean eof = false;
        while (true) {
            int nl = -1;
            // One pass finds the line's end and its comment, if any.
            for (int i = scan; i < len; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    nl = i;
                    break;
                }
                if (b == '#' && hash < 0) hash = i;
            }
            if (nl < 0 && !eof) {
                // Compact only when more bytes are needed: each byte is moved at most once per buffer fill.
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, len - start);
                    len -= start;
                    if (hash >= 0) hash -= start;
                    start = 0;
                }
                if (len == buf.length) {
                    if (buf.length > Integer.MAX_VALUE / 2 - 8) throw new BadToken(lines + 1, 1, "a line longer than 1 GB");
                    buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
                }
                scan = len;
                int want = (int) Math.min(buf.length - len, to - pos);
                int r = want == 0 ? -1 : ch.read(ByteBuffer.wrap(buf, len, want), pos);
                if (r < 0) eof = true;
                else {
                    len += r;
                    pos += r;
                }
                continue;
            }
            if (nl < 0 && start == len) break;
            int end = nl < 0 ? len : nl;
            lines++;
            parseLine(buf, start, hash >= 0 ? hash : end);
            start = nl < 0 ? len : nl + 1;
            scan = start;
            hash = -1;
        }
        if (outIndex != null) flush();
    }

    /** Direct mode: writes the scratch's nonzeros to the buffers. */
    private void flush() {
        int k = nnz - flushed;
        if (nnz > outIndex.capacity()) throw new IllegalStateException(nnz + " nonzeros in a piece counted to hold at most " + outIndex.capacity());
        outIndex.put(flushed, index, 0, k);
        outValue.put(flushed, value, 0, k);
        flushed = nnz;
    }

    /** Parses the line {@code buf[from, end)}, its comment already cut off. */
    private void parseLine(byte[] buf, int from, int end) {
        int p = skipBlanks(buf, from, end);
        if (p == end) return; // blank or comment line
        int t = tokenEnd(buf, p, end);
        double raw;
        try {
            raw = JavaDoubleParser.parseDouble(buf, p, t - p);
        } catch (NumberFormatException e) {
            throw bad(from, p, "cannot parse label " + text(buf, p, t) + " as a number");
        }
        if (!LabelMapping.isClassNumber(raw)) {
            throw bad(from, p, "label " + text(buf, p, t) + " is not an integer; class labels are integers (up to 2^53)");
        }
        int c;
        try {
            c = labels.number(raw, lines);
        } catch (IllegalArgumentException e) {
            throw bad(from, p, e.getMessage());
        }
        if (c < 0) throw bad(from, p, LabelDecoder.notAClass(text(buf, p, t), labels.known()));
        int last = 0;
        p = skipBlanks(buf, t, end);
        while (p < end) {
            // The common token, digits ':' decimal, in one pass; anything else (qid:, exponents, long decimals, errors)
            // by the general path below, which gives the same values and messages.
            int q = p;
            long index = 0;
            while (q < end && buf[q] >= '0' && buf[q] <= '9') index = Math.min(index * 10 + (buf[q++] - '0'), maxFeatures + 1L);
            if (q > p && q < end && buf[q] == ':' && index >= 1 && index <= maxFeatures && index > last
                    && (expectedWidth <= 0 || index <= expectedWidth)) {
                int r = q + 1;
                boolean negative = r < end && buf[r] == '-';
                if (r < end && (buf[r] == '-' || buf[r] == '+')) r++;
                int m = 0;
                int decimals = -1;
                boolean digit = false;
                boolean plain = true;
                for (; r < end; r++) {
                    int b = buf[r];
                    if (b >= '0' && b <= '9') {
                        m = m * 10 + (b - '0');
                        digit = true;
                        if (decimals >= 0) decimals++;
                        if (m >= 1 << 24 || decimals > 10) {
                            plain = false;
                            break;
                        }
                    } else if (b == '.' && decimals < 0) {
                        decimals = 0;
                    } else {
                        plain = b == ' ' || b == '\t' || b == '\r';
                        break;
                    }
                }
                if (plain && digit) {
                    float f = decimals <= 0 ? (float) m : m / POW10[decimals];
                    last = (int) index;
                    add(last - 1, negative ? -f : f);
                    p = skipBlanks(buf, r, end);
                    continue;
                }
            }
            t = tokenEnd(buf, p, end);
            int colon = -1;
            for (int i = p; i < t; i++) {
                if (buf[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon < 0) throw bad(from, p, "token " + text(buf, p, t) + " is not index:value");
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
                else idx = Math.min(idx * 10 + d, maxFeatures + 1L);
            }
            if (!digits || idx < 1) {
                throw bad(from, p, "index " + text(buf, p, colon) + " is not an integer >= 1 (LIBSVM indices are 1-based)");
            }
            if (idx > maxFeatures) {
                throw bad(from, p, "index " + text(buf, p, colon) + " is too large: at most " + maxFeatures + " features are supported");
            }
            if (idx <= last) {
                throw bad(from, p, "index " + idx + (idx == last ? " repeats" : " follows index " + last)
                        + ", expected strictly ascending indices (sorted, each at most once)");
            }
            if (expectedWidth > 0 && idx > expectedWidth) {
                throw bad(from, p, "index " + idx + " is beyond the " + expectedWidth + " features expected");
            }
            float v = value(buf, colon + 1, t);
            if (!Float.isFinite(v)) {
                throw bad(from, colon + 1, "index " + idx + ": cannot parse value " + text(buf, colon + 1, t) + " as a finite float32");
            }
            last = (int) idx;
            add(last - 1, v);
            p = skipBlanks(buf, t, end);
        }
        if (last > maxIndex) maxIndex = last;
        endRow((float) c);
    }

    /** 10^0 .. 10^10, each exact in float32 (5^10 < 2^24). */
    private static final float[] POW10 = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

    /**
     * The float32 value of {@code b[from, to)}, correctly rounded; NaN where it is not a number. A plain decimal of
     * up to 2^24 in its digits and at most ten decimals is m / 10^k with both exact in float32, and IEEE division
     * rounds the exact quotient correctly (Clinger's fast path); anything else goes to FastDoubleParser.
     */
    static float value(byte[] b, int from, int to) {
        int p = from;
        boolean negative = false;
        if (p < to && (b[p] == '-' || b[p] == '+')) negative = b[p++] == '-';
        int m = 0;
        int decimals = -1;
        boolean digit = false;
        for (; p < to; p++) {
            int c = b[p];
            if (c >= '0' && c <= '9') {
                m = m * 10 + (c - '0');
                digit = true;
                if (decimals >= 0) decimals++;
                if (m >= 1 << 24 || decimals > 10) return slow(b, from, to);
            } else if (c == '.' && decimals < 0) {
                decimals = 0;
            } else {
                return slow(b, from, to);
            }
        }
        if (!digit) return slow(b, from, to);
        float v = decimals <= 0 ? (float) m : m / POW10[decimals];
        return negative ? -v : v;
    }

    private static float slow(byte[] b, int from, int to) {
        if (from == to) return Float.NaN;
        try {
            return JavaFloatParser.parseFloat(b, from, to - from);
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
    }

    private BadToken bad(int lineStart, int at, String detail) {
        return new BadToken(lines, at - lineStart + 1L, detail);
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

    private void add(int column, float v) {
        int k = nnz - flushed;
        if (k == index.length && outIndex != null) {
            flush();
            k = 0;
        } else if (k == index.length) {
            if (index.length >= Integer.MAX_VALUE - 8) throw new BadToken(lines, 1, "more than 2^31 nonzeros in one piece of the file");
            int cap = (int) Math.min(Integer.MAX_VALUE - 8L, 2L * index.length);
            index = Arrays.copyOf(index, cap);
            value = Arrays.copyOf(value, cap);
        }
        index[k] = column;
        value[k] = v;
        nnz++;
    }

    private void endRow(float y) {
        if (rows == label.length) {
            rowEnd = Arrays.copyOf(rowEnd, rows * 2);
            label = Arrays.copyOf(label, rows * 2);
        }
        rowEnd[rows] = nnz;
        label[rows] = y;
        rows++;
    }

    /** Nonzeros in the piece. */
    int nonzeros() { return nnz; }

    /**
     * Appends this piece's rows to {@code out} in one bulk call, each label's provisional id mapped through
     * {@code remap} ({@code null}: the ids are the classes), and drops the arrays.
     */
    void moveTo(SparseBuilder out, int[] remap) {
        if (remap != null) {
            for (int i = 0; i < rows; i++) label[i] = remap[(int) label[i]];
        }
        out.addRows(rows, rowEnd, index, value, label);
        index = null;
        value = null;
        rowEnd = null;
        label = null;
    }
}
