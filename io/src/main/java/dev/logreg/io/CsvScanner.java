package dev.logreg.io;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the records of one byte range [from, to) of a CSV file (see {@link CsvDataReader}). Not thread-safe. */
final class CsvScanner {
    /** Thrown by a parallel piece that meets a double quote; the file is then read sequentially. */
    static final class QuoteSeen extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QuoteSeen() {
            super(null, null, false, false);
        }
    }

    private final Path file;
    private final FileChannel ch;
    private final byte delim;
    private final ReadOptions options;
    private final CsvLayout layout;
    private final boolean failOnQuote;
    private final long to;
    private long filePos;   // file offset of buf[len]
    private byte[] buf;
    private int start;      // first byte of the current record
    private int len;        // end of valid bytes
    private boolean eof;
    long line;              // line of the current record's first byte (0 in parallel pieces: unused)
    private int recordLines; // line ends inside the record found by the last recordEnd()
    private final byte[] unquoted = new byte[256]; // a quoted field's content, for the parser

    CsvScanner(Path file, FileChannel ch, ReadOptions options, long from, long to, long line, CsvLayout layout, boolean failOnQuote,
            int bufferBytes) throws IOException {
        this.file = file;
        this.ch = ch;
        this.options = options;
        if (options.delimiter() > 127) throw new IllegalArgumentException("delimiter '" + options.delimiter() + "' is not an ASCII character");
        this.delim = (byte) options.delimiter();
        this.filePos = from;
        this.to = Math.min(to, ch.size());
        this.line = line;
        this.layout = layout;
        this.failOnQuote = failOnQuote;
        long want = Math.min(bufferBytes, to - from + 1); // the buffer grows where a record is longer
        buf = new byte[(int) Math.max(Math.min(bufferBytes, 4096), want)];
    }

    /** File offset of the current record's first byte. */
    long position() {
        return filePos - (len - start);
    }

    /** Reads more bytes after {@code len}, keeping [start, len); false at the end of the range. */
    private boolean fill() throws IOException {
        if (eof) return false;
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, len - start);
            len -= start;
            start = 0;
        }
        if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2); // one record longer than the buffer
        int want = (int) Math.min(buf.length - len, to - filePos);
        int r = want <= 0 ? -1 : ch.read(ByteBuffer.wrap(buf, len, want), filePos);
        if (r <= 0) {
            eof = true;
            return false;
        }
        len += r;
        filePos += r;
        return true;
    }

    /**
     * Index just past the end of the record starting at {@code start} (its '\n', or the end of the range),
     * reading more as needed; -1 where no bytes are left. Line ends inside quotes belong to the record.
     */
    private int recordEnd() throws IOException {
        int p = start;
        boolean quoted = false;
        int lines = 0;
        while (true) {
            while (p < len) {
                byte b = buf[p++];
                if (b == '"') {
                    if (failOnQuote) throw new QuoteSeen();
                    quoted = !quoted;
                } else if (b == '\n') {
                    lines++;
                    if (!quoted) {
                        recordLines = lines;
                        return p;
                    }
                }
            }
            int consumed = p - start;
            if (!fill()) {
                recordLines = lines;
                return len > start ? len : -1;
            }
            p = start + consumed;
        }
    }

    /** Skips empty (or blank) lines; the end of the next record, or -1 at the end of the range. */
    private int nextNonEmptyRecord() throws IOException {
        while (true) {
            int end = recordEnd();
            if (end < 0) return -1;
            boolean blank = true;
            for (int i = start; i < end && blank; i++) {
                byte b = buf[i];
                blank = b == '\n' || b == '\r' || b == ' ' || b == '\t';
            }
            if (!blank) return end;
            advance(end);
        }
    }

    private void advance(int end) {
        line += recordLines;
        start = end;
    }

    /** Reads the header record and lays out the columns. */
    CsvLayout header() throws IOException {
        int end = nextNonEmptyRecord();
        if (end < 0) throw new IllegalArgumentException(file + ": empty file, expected a header line");
        int from = start;
        if (end - from >= 3 && (buf[from] & 0xff) == 0xEF && (buf[from + 1] & 0xff) == 0xBB && (buf[from + 2] & 0xff) == 0xBF) from += 3;
        List<String> header = new ArrayList<>();
        int e = end;
        if (e > from && buf[e - 1] == '\n') e--;
        if (e > from && buf[e - 1] == '\r') e--;
        java.io.ByteArrayOutputStream field = new java.io.ByteArrayOutputStream();
        boolean quoted = false;
        for (int p = from; p <= e; p++) {
            if (p == e || (!quoted && buf[p] == delim)) {
                header.add(field.toString(StandardCharsets.UTF_8).trim());
                field.reset();
                continue;
            }
            byte c = buf[p];
            if (c == '"') {
                if (quoted && p + 1 < e && buf[p + 1] == '"') {
                    field.write('"');
                    p++;
                } else {
                    quoted = !quoted;
                }
            } else {
                field.write(c);
            }
        }
        CsvLayout l = new CsvLayout(file, header, options);
        advance(end);
        return l;
    }

    /**
     * Parses every record of the range into {@code rows}, in one pass over the bytes: fields are cut and parsed
     * as the scan goes; a record cut off by the end of the buffer is parsed again after the buffer is refilled.
     */
    void rows(CsvRows rows, LabelDecoder labels) throws IOException {
        int[] slot = layout.slot;
        boolean fastNumbers = DecimalScan.usableWith(delim);
        boolean weighted = layout.weightCol >= 0;
        float[] row = new float[layout.featureNames.size()];
        boolean measured = false;
        record:
        while (true) {
            if (start >= len && !fill()) return;
            if (!measured) {
                measured = true;
                int lines = 0;
                for (int i = start; i < len; i++) if (buf[i] == '\n') lines++;
                if (lines > 0) rows.expect((double) (len - start) / lines);
            }
            // Blank lines (only spaces, tabs, CR) are skipped.
            int p = start;
            while (p < len && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\r')) p++;
            if (p == len && !eof) {
                fill();
                continue;
            }
            if (p == len || buf[p] == '\n') {
                line++;
                start = p == len ? len : p + 1;
                continue;
            }
            p = start;
            if (fastNumbers) {
                int end = plainRecord(p, row, labels);
                if (end >= 0 && (!weighted || plainWeight >= 0)) {
                    rows.add(row, plainLabel, plainWeight);
                    line++;
                    start = end;
                    continue;
                }
            }
            float label = 0f;
            float weight = 1f;
            int col = 0;
            int quotedLines = 0;
            while (true) {
                int s = col < slot.length ? slot[col] : CsvLayout.IGNORE;
                float v = 0f;
                boolean last;
                long r;
                if (p < len && buf[p] == '"') {
                    if (failOnQuote) throw new QuoteSeen();
                    int q = p + 1;
                    int n = 0;
                    while (true) {
                        if (q >= len) {
                            if (fill()) continue record; // cut off: parse the record again with more bytes
                            throw new IllegalArgumentException(layout.at(line, col, "unterminated quoted field"));
                        }
                        byte c = buf[q++];
                        if (c == '"') {
                            if (q >= len && !eof) {
                                fill();
                                continue record;
                            }
                            if (q < len && buf[q] == '"') q++;
                            else break;
                        }
                        if (c == '\n') quotedLines++;
                        if (n < unquoted.length) unquoted[n] = c;
                        n++;
                    }
                    while (q < len && buf[q] != delim && buf[q] != '\n') q++; // after the closing quote: ignored
                    if (q >= len && !eof) {
                        fill();
                        continue record;
                    }
                    last = q >= len || buf[q] == '\n';
                    if (s != CsvLayout.IGNORE) {
                        if (n > unquoted.length) throw new IllegalArgumentException(layout.at(line, col, "quoted value longer than " + unquoted.length + " bytes"));
                        if (s == CsvLayout.LABEL) label = decode(labels, col, unquoted, 0, n);
                        else v = parse(col, unquoted, 0, n);
                    }
                    p = q;
                } else if (s != CsvLayout.IGNORE && s != CsvLayout.LABEL && fastNumbers
                        && (r = DecimalScan.scan(buf, p, len, delim)) != DecimalScan.UNDECIDED) {
                    // A plain decimal, scanned and converted in one pass (exactly; see DecimalScan).
                    v = Float.intBitsToFloat((int) r);
                    p = (int) (r >>> 32);
                    if (buf[p] == '\r') p++; // "\r\n" ends the line
                    last = buf[p] == '\n';
                } else {
                    int b = p;
                    while (b < len && buf[b] != delim && buf[b] != '\n') b++;
                    if (b >= len && !eof) {
                        fill();
                        continue record;
                    }
                    last = b >= len || buf[b] == '\n';
                    int e = b;
                    if (last && e > p && buf[e - 1] == '\r') e--;
                    if (s != CsvLayout.IGNORE) {
                        if (s == CsvLayout.LABEL) label = decode(labels, col, buf, p, e - p);
                        else v = parse(col, buf, p, e - p);
                    }
                    p = b;
                }
                if (s >= 0) row[s] = v;
                else if (s == CsvLayout.WEIGHT) weight = v;
                col++;
                if (last) break;
                p++; // past the delimiter
                if (p >= len) {
                    if (!eof) {
                        fill();
                        continue record;
                    }
                    // A delimiter at the very end of the file: one more, empty field.
                    if (col < slot.length && slot[col] != CsvLayout.IGNORE) parse(col, buf, p, 0);
                    col++;
                    break;
                }
            }
            if (col != slot.length) throw new IllegalArgumentException(layout.ragged(line, col));
            if (weighted && !(weight >= 0)) {
                throw new IllegalArgumentException(layout.at(line, layout.weightCol, "weight " + weight + " is negative, expected a finite number >= 0"));
            }
            rows.add(row, label, weight);
            line += 1 + quotedLines;
            start = p < len ? p + 1 : len; // past the '\n'
        }
    }

    private float plainLabel;
    private float plainWeight;

    /**
     * The common record, parsed in one tight pass: every number a plain decimal ({@link DecimalScan}), no quotes,
     * the right number of fields, the whole record in the buffer. The index just past its {@code '\n'}, the
     * features in {@code row} and the label and weight in {@link #plainLabel} and {@link #plainWeight}; or -1
     * where the record is anything else, which {@link #rows} then parses the general way from its start (so that
     * bad content gets the general path's message: a label's error, raised here, is the one it would raise, as
     * every column before it parsed). A method of its own, so that the JIT compiles it as such (not only as part
     * of rows()' long loop).
     */
    private int plainRecord(int p, float[] row, LabelDecoder labels) {
        int[] slot = layout.slot;
        int last = slot.length - 1;
        float weight = 1f;
        float label = 0f;
        for (int col = 0; col <= last; col++) {
            int s = slot[col];
            int end;
            if (s >= 0 || s == CsvLayout.WEIGHT) {
                long r = DecimalScan.scan(buf, p, len, delim);
                if (r == DecimalScan.UNDECIDED) return -1;
                end = (int) (r >>> 32);
                float v = Float.intBitsToFloat((int) r);
                if (s >= 0) row[s] = v;
                else weight = v;
                if (buf[end] == '\r') end++; // DecimalScan ends a field at '\r' only before '\n'
            } else {
                if (p >= len || buf[p] == '"') return -1;
                end = p;
                while (end < len && buf[end] != delim && buf[end] != '\n') end++;
                if (end >= len) return -1;
                if (s == CsvLayout.LABEL) {
                    int e = end;
                    if (buf[end] == '\n' && e > p && buf[e - 1] == '\r') e--;
                    label = decode(labels, col, buf, p, e - p);
                }
            }
            if (buf[end] != (col == last ? (byte) '\n' : delim)) return -1; // ragged, or the general path's case
            p = end + 1;
        }
        plainLabel = label;
        plainWeight = weight;
        return p;
    }

    /** The label's provisional id or class ({@link LabelDecoder}): any text, spaces and tabs around it trimmed. */
    private float decode(LabelDecoder labels, int col, byte[] b, int off, int n) {
        int a = off;
        int z = off + n;
        while (a < z && (b[a] == ' ' || b[a] == '\t')) a++;
        while (z > a && (b[z - 1] == ' ' || b[z - 1] == '\t')) z--;
        if (a == z) throw new IllegalArgumentException(layout.at(line, col, "missing value (empty field)"));
        int c;
        try {
            c = labels.text(b, a, z - a, line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layout.at(line, col, e.getMessage()), e);
        }
        if (c < 0) throw new IllegalArgumentException(layout.at(line, col, LabelDecoder.notAClass(text(b, a, z - a), options.classes())));
        return c;
    }

    private float parse(int col, byte[] b, int off, int n) {
        int a = off;
        int z = off + n;
        while (a < z && (b[a] == ' ' || b[a] == '\t')) a++;
        while (z > a && (b[z - 1] == ' ' || b[z - 1] == '\t')) z--;
        if (a == z) throw new IllegalArgumentException(layout.at(line, col, "missing value (empty field)"));
        float v;
        try {
            v = JavaFloatParser.parseFloat(b, a, z - a);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(layout.at(line, col, "cannot parse " + text(b, off, n) + " as a number"));
        }
        if (!Float.isFinite(v)) throw new IllegalArgumentException(layout.at(line, col, "value " + text(b, off, n) + " is not a finite float32"));
        return v;
    }

    private static String text(byte[] b, int off, int n) {
        return "'" + Excerpt.of(b, off, off + n) + "'";
    }
}
