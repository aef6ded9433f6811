package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Reads CSV with a header line (RFC 4180: fields optionally in double quotes, {@code ""} for a quote inside quotes,
 * LF or CRLF line ends, a UTF-8 byte-order mark skipped; empty lines skipped). A hand-written byte scanner: the file
 * is read in large blocks with {@link FileChannel#read}, and fields are found in the bytes with no String or object
 * made per cell; only the header's names become Strings. A record of plain decimals (the common case) is parsed by a
 * tight loop that scans and converts each number in one pass ({@link DecimalScan}: exact, the bits
 * {@code Float.parseFloat} gives); any other record (quotes, hex, NaN, long mantissas, bad content) by the general
 * loop, FastDoubleParser parsing each number from the bytes, which also words every error.
 *
 * <p>{@link #read(Path, ReadOptions)} reads on the calling thread. {@link #read(Path, ReadOptions, int)} (what
 * {@link DataReaders} and the CLI use, one thread per core) parses a large file (over 32 MB) with several threads,
 * each taking a contiguous byte range cut at a line end, the pieces joined in file order, so that the result is
 * identical to a sequential read; a file whose data rows hold a field in double quotes (where a line end may sit
 * inside a field), or any bad content, is then read again sequentially, so that errors name the first bad line of the
 * file exactly as a sequential read does. The threads are created for the call and ended before it returns.
 * Measured in benchmarks/results/cpu/parse-*.txt (benchmarks/cpu/run-parse.sh). Stateless; each read is independent.
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
            CsvScanner head = new CsvScanner(file, ch, options, 0, Long.MAX_VALUE, 1, null, false, bufferBytes);
            CsvLayout layout = head.header();
            long dataStart = head.position();
            long size = ch.size();
            if (threads > 1 && size - dataStart >= minParallelBytes) {
                LoadedData d = parallel(file, ch, options, layout, dataStart, size, threads, bufferBytes, Math.max(1, pieces));
                if (d != null) return d;
            }
            CsvRows rows = new CsvRows(layout.featureNames.size(), layout.weightCol >= 0, size - dataStart);
            LabelDecoder labels = new LabelDecoder(options.classes());
            new CsvScanner(file, ch, options, dataStart, size, head.line, layout, false, bufferBytes).rows(rows, labels);
            LabelDecoder.Result classes = labels.finish(file, line -> layout.at(line, layout.labelCol, ""));
            return finish(file, layout, List.of(rows), classes, options.columnSums());
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
        List<Future<CsvRows>> futures = new ArrayList<>();
        try {
            List<LabelDecoder> decoders = new ArrayList<>();
            for (int k = 0; k < pieces; k++) {
                long from = cut[k];
                long to = cut[k + 1];
                LabelDecoder dec = new LabelDecoder(options.classes());
                decoders.add(dec);
                futures.add(pool.submit(() -> {
                    CsvRows rows = new CsvRows(layout.featureNames.size(), layout.weightCol >= 0, to - from);
                    if (to > from) new CsvScanner(file, ch, options, from, to, 0, layout, true, bufferBytes).rows(rows, dec);
                    return rows;
                }));
            }
            List<CsvRows> parts = new ArrayList<>();
            for (Future<CsvRows> f : futures) parts.add(f.get());
            LabelDecoder.Result classes;
            try {
                classes = LabelDecoder.finish(decoders, file, line -> layout.at(line, layout.labelCol, ""));
            } catch (IllegalArgumentException e) {
                return null; // a bad label: the sequential read names its line (the pieces count lines from their own start)
            }
            return finish(file, layout, parts, classes, options.columnSums());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalArgumentException || c instanceof CsvScanner.QuoteSeen) return null; // read again sequentially
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
            for (Future<CsvRows> f : futures) f.cancel(false);
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
     * memory, see {@link CsvRows}) becomes a row block as it is ({@link Dataset#wrapBlocks}), whose validating read
     * also gathers the column sums across all of them where {@code columnSums}, so that neither the bind (which
     * reads the blocks where they are) nor the column statistics touch the rows again.
     */
    private static LoadedData finish(Path file, CsvLayout layout, List<CsvRows> parts, LabelDecoder.Result classes, boolean columnSums) {
        int cols = layout.featureNames.size();
        boolean weighted = layout.weightCol >= 0;
        List<FloatBuffer> x = new ArrayList<>();
        List<FloatBuffer> y = new ArrayList<>();
        List<FloatBuffer> w = weighted ? new ArrayList<>() : null;
        long total = 0;
        for (int p = 0; p < parts.size(); p++) {
            for (CsvRows.Chunk c : parts.get(p).chunks()) {
                // The rows hold provisional label ids; now that every class is known, they become class indices.
                LabelDecoder.apply(c.y(), c.count(), classes.remap() == null ? null : classes.remap().get(p));
                if (c.count() == 0) continue;
                x.add(c.x().slice(0, c.count() * cols));
                y.add(c.y().slice(0, c.count()));
                if (weighted) w.add(c.w().slice(0, c.count()));
                total += c.count();
            }
        }
        if (total == 0) throw new IllegalArgumentException(file + ": no data rows after the header");
        LabelMapping mapping = classes.mapping();
        Dataset d;
        try {
            d = Dataset.wrapBlocks(x, cols, y, w, layout.featureNames, LabelDecoder.datasetClasses(mapping), columnSums);
        } catch (IllegalArgumentException e) {
            // The parser checked every value; what is left is a refusal of the rows as a whole (every weight zero).
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
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
}
