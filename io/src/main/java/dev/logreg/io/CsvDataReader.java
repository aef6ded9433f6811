package dev.logreg.io;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import dev.logreg.data.Dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Reads CSV with a header line (RFC 4180: fields optionally in double quotes, {@code ""} for a quote inside quotes,
 * LF or CRLF line ends, a UTF-8 byte-order mark skipped; empty lines skipped). A hand-written byte scanner: the file
 * is read in large blocks with {@link FileChannel#read}, fields are found in the bytes, and FastDoubleParser parses
 * each number straight from the byte buffer, so no String or char is made per cell; only the header's names become
 * Strings. Measured faster here than FastCSV's char-based callback ({@link FastCsvDataReader}); see the CSV load
 * benchmark.
 *
 * <p>{@link #read(Path, ReadOptions)} reads on the calling thread. {@link #read(Path, ReadOptions, int)} may instead
 * parse a large file (over 32 MB) with several threads, each taking a contiguous byte range cut at a line end, the
 * pieces joined in file order, so that the result is identical to a sequential read; a file whose data rows contain
 * a double quote (where a line end may sit inside a field), or any bad content, is then read again sequentially, so
 * that errors name the first bad line exactly as a sequential reader would. The threads are created for the call
 * and ended before it returns. It is not the default: on the shared 2-core machine it was measured on (1,000,000 x
 * 100, see benchmarks/results/io) two threads cost more CPU per MB than one in every run (then with a join copy, larger
 * allocations) and were faster in wall time in one run and slower in another. Stateless; each read is independent.
 */
public final class CsvDataReader {
    private CsvDataReader() {}

    /** Most parsing threads. */
    public static final int MAX_THREADS = 8;
    private static final int BLOCK = 4 << 20;
    private static final long PARALLEL_MIN_BYTES = 32L << 20;

    /**
     * Reads {@code file}: the label column by name ({@link ReadOptions#labelColumn}), an optional weight column, and
     * either every other column or the named features ({@link ReadOptions#featureNames}) as features.
     *
     * @throws IllegalArgumentException on a missing column (the message lists the header), an empty, unparsable or
     *                                  non-finite value (file, line, column), a ragged line, a bad label or weight
     */
    public static LoadedData read(Path file, ReadOptions options) throws IOException {
        return read(file, options, 1);
    }

    /**
     * {@link #read(Path, ReadOptions)} with at most {@code threads} parsing threads (1: sequential, the default;
     * at most {@link #MAX_THREADS}).
     */
    public static LoadedData read(Path file, ReadOptions options, int threads) throws IOException {
        return read(file, options, threads, PARALLEL_MIN_BYTES);
    }

    /** As above, going parallel from {@code minParallelBytes} of data on (tests use small files). */
    static LoadedData read(Path file, ReadOptions options, int threads, long minParallelBytes) throws IOException {
        return read(file, options, threads, minParallelBytes, BLOCK);
    }

    /** As above, with read buffers of {@code bufferBytes} (tests use tiny ones to cut records at buffer ends). */
    static LoadedData read(Path file, ReadOptions options, int threads, long minParallelBytes, int bufferBytes) throws IOException {
        return read(file, options, threads, minParallelBytes, bufferBytes, threads * 2);
    }

    /**
     * As above, the data cut into {@code pieces} byte ranges (each then moved on to the next line end; tests use as
     * many as the file has bytes, so that every line end is a cut).
     */
    static LoadedData read(Path file, ReadOptions options, int threads, long minParallelBytes, int bufferBytes, int pieces) throws IOException {
        if (threads < 1 || threads > MAX_THREADS) throw new IllegalArgumentException("threads is " + threads + ", expected 1 to " + MAX_THREADS);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Scanner head = new Scanner(file, ch, options, 0, Long.MAX_VALUE, 1, null, false, bufferBytes);
            CsvLayout layout = head.header();
            long dataStart = head.position();
            long size = ch.size();
            if (threads > 1 && size - dataStart >= minParallelBytes) {
                LoadedData d = parallel(file, ch, options, layout, dataStart, size, threads, bufferBytes, Math.max(1, pieces));
                if (d != null) return d;
            }
            Rows rows = new Rows(layout.featureNames.size(), layout.weightCol >= 0, size - dataStart);
            LabelDecoder labels = new LabelDecoder(options.classes());
            new Scanner(file, ch, options, dataStart, size, head.line, layout, false, bufferBytes).rows(rows, labels);
            LabelDecoder.Result classes = labels.finish(file, line -> layout.at(line, layout.labelCol, ""));
            return finish(file, layout, List.of(rows), classes);
        }
    }

    /** Parses byte ranges in parallel; null where the file must be read sequentially (quotes, bad content). */
    private static LoadedData parallel(Path file, FileChannel ch, ReadOptions options, CsvLayout layout, long dataStart, long size, int threads,
                                       int bufferBytes, int pieces)
            throws IOException {
        // A few more pieces than threads by default, so that a slow piece does not hold up the end.
        long[] cut = new long[pieces + 1];
        cut[0] = dataStart;
        cut[pieces] = size;
        ByteBuffer probe = ByteBuffer.allocate(1 << 16);
        for (int k = 1; k < pieces; k++) {
            long p = Math.max(cut[k - 1], dataStart + (size - dataStart) * k / pieces);
            cut[k] = size;
            while (p < size) { // the piece starts just after the next line end
                probe.clear();
                int r = ch.read(probe, p);
                if (r <= 0) break;
                int nl = -1;
                for (int i = 0; i < r; i++) {
                    if (probe.get(i) == '\n') {
                        nl = i;
                        break;
                    }
                }
                if (nl >= 0) {
                    cut[k] = p + nl + 1;
                    break;
                }
                p += r;
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "logreg-csv");
            t.setDaemon(true);
            return t;
        });
        List<Future<Rows>> futures = new ArrayList<>();
        try {
            List<LabelDecoder> decoders = new ArrayList<>();
            for (int k = 0; k < pieces; k++) {
                long from = cut[k];
                long to = cut[k + 1];
                LabelDecoder dec = new LabelDecoder(options.classes());
                decoders.add(dec);
                futures.add(pool.submit(() -> {
                    Rows rows = new Rows(layout.featureNames.size(), layout.weightCol >= 0, to - from);
                    if (to > from) new Scanner(file, ch, options, from, to, 0, layout, true, bufferBytes).rows(rows, dec);
                    return rows;
                }));
            }
            List<Rows> parts = new ArrayList<>();
            for (Future<Rows> f : futures) parts.add(f.get());
            LabelDecoder.Result classes;
            try {
                classes = LabelDecoder.finish(decoders, file, line -> layout.at(line, layout.labelCol, ""));
            } catch (IllegalArgumentException e) {
                return null; // a bad label: the sequential read names its line (the pieces count lines from their own start)
            }
            return finish(file, layout, parts, classes);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalArgumentException || c instanceof QuoteSeen) return null; // read again sequentially
            if (c instanceof IOException) throw (IOException) c;
            if (c instanceof RuntimeException) throw (RuntimeException) c;
            if (c instanceof Error) throw (Error) c;
            throw new IOException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + file, e);
        } finally {
            // Not shutdownNow(): a piece interrupted in a read closes the shared channel (FileChannel is an
            // InterruptibleChannel), and the sequential read that follows a bad piece then fails with
            // ClosedChannelException. Pieces not started are cancelled, running ones end at their range's end.
            for (Future<Rows> f : futures) f.cancel(false);
            pool.shutdown();
            awaitTermination(pool);
        }
    }

    /** Waits until every thread of {@code pool} has ended, so that none outlives the read; keeps an interrupt. */
    private static void awaitTermination(ExecutorService pool) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * Joins the parts, in order, into one dataset without copying: each chunk of parsed rows (direct native-order
     * memory, see {@link Rows}) becomes a row block as it is. Where a weighted chunk's weights are all zero (a chunk
     * cannot be a dataset of its own then), the rows are copied through the builder instead.
     */
    private static LoadedData finish(Path file, CsvLayout layout, List<Rows> parts, LabelDecoder.Result classes) {
        List<Chunk> chunks = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            for (Chunk c : parts.get(p).chunks()) {
                // The rows hold provisional label ids; now that every class is known, they become class indices.
                LabelDecoder.apply(c.y(), c.count(), classes.remap() == null ? null : classes.remap().get(p));
                chunks.add(c);
            }
        }
        LabelMapping mapping = classes.mapping();
        int k = LabelDecoder.datasetClasses(mapping);
        long total = 0;
        for (Chunk c : chunks) total += c.count();
        if (total == 0) throw new IllegalArgumentException(file + ": no data rows after the header");
        int cols = layout.featureNames.size();
        boolean weighted = layout.weightCol >= 0;
        boolean everyChunkWeighs = true;
        for (Chunk c : chunks) {
            if (weighted && !(c.weightSum() > 0)) everyChunkWeighs = false;
        }
        Dataset d;
        if (everyChunkWeighs) {
            List<Dataset> pieces = new ArrayList<>();
            for (Chunk c : chunks) {
                if (c.count() == 0) continue;
                pieces.add(Dataset.wrap(c.x().slice(0, c.count() * cols), cols, c.y().slice(0, c.count()),
                        weighted ? c.w().slice(0, c.count()) : null, layout.featureNames, k));
            }
            d = pieces.size() == 1 ? pieces.get(0) : Dataset.concat(pieces);
        } else {
            Dataset.Builder b = layout.newBuilder().classes(k);
            float[] row = new float[cols];
            for (Chunk c : chunks) {
                for (int i = 0; i < c.count(); i++) {
                    c.x().get(i * cols, row, 0, cols);
                    b.addRow(row, 0, c.y().get(i), weighted ? c.w().get(i) : 1f, weighted);
                }
            }
            d = build(file, b);
        }
        return new LoadedData(d, layout.labelCol >= 0, mapping, file);
    }

    /**
     * {@code b.build()}, its refusal of the rows as a whole (every weight zero) prefixed with the file's name, as every
     * other message of the reader is.
     */
    static Dataset build(Path file, Dataset.Builder b) {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** A run of parsed rows in row-major buffers (which may be longer than {@code count} rows). */
    private record Chunk(FloatBuffer x, FloatBuffer y, FloatBuffer w, int count) {
        /** Σ w over the chunk's rows (count where unweighted). */
        double weightSum() {
            if (w == null) return count;
            double s = 0;
            for (int i = 0; i < count; i++) s += w.get(i);
            return s;
        }
    }

    /**
     * Rows parsed so far: growable row-major buffers, sized from the bytes they come from, sealed into a new chunk
     * whenever one reaches a dataset block's capacity. Direct, native-order memory, like {@link Dataset.Builder}'s:
     * the CPU backend then binds the rows in place (no second copy, no bind cost), the GPU backend uploads them as
     * from any buffer. Not thread-safe.
     */
    private static final class Rows {
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

        Rows(int cols, boolean weighted, long bytes) {
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

    /** Thrown by a parallel piece that meets a double quote; the file is then read sequentially. */
    private static final class QuoteSeen extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QuoteSeen() {
            super(null, null, false, false);
        }
    }

    /** Reads the records of one byte range [from, to) of the file. */
    private static final class Scanner {
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

        Scanner(Path file, FileChannel ch, ReadOptions options, long from, long to, long line, CsvLayout layout, boolean failOnQuote,
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
        void rows(Rows rows, LabelDecoder labels) throws IOException {
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
}
