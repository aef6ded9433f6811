package dev.logreg.io;

import dev.logreg.data.Dataset;
import dev.logreg.data.SparseBuilder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads LIBSVM / SVMlight text into a sparse (CSR) dataset, never densified: one row per line,
 * {@code label index:value index:value ...}, indices 1-based and strictly ascending, absent indices zero, {@code #}
 * starting a comment, {@code qid:} tokens ignored. Labels are integers, numbered as classes in increasing order
 * ({@link LabelMapping}; 0/1 and -1/+1 as ever). The width is {@link ReadOptions#featureCount} where given (an index
 * above it is refused), else the largest index seen. Column {@code k} of the dataset is LIBSVM index {@code k + 1}.
 *
 * <p>Refused, each with the file, the line and the column (1-based, in characters of the line) of the token at
 * fault: index 0 or one that is not a whole number, indices out of order or repeated, an index above the expected
 * width or above {@link #MAX_FEATURES}, a value that is not a finite float32 (NaN, inf, 1e39), a label that is not an
 * integer, a token that is not {@code index:value}.
 *
 * <p><b>Speed.</b> A hand-written byte scanner; values are parsed from the bytes without Strings (a decimal of at most
 * seven significant digits and ten decimals exactly, by one float division, which rounds correctly as the exact
 * quotient of two exact floats; anything else by FastDoubleParser, also correctly rounded). Files above
 * {@link #PARALLEL_MIN_BYTES} are cut at line ends into pieces parsed on several threads; each piece counts its own
 * lines, so an error still names the file's line (the first bad line of the file, as a sequential read would), and
 * the pieces are joined in file order, so the dataset is the same, bit for bit, whatever the threads. A first
 * parallel pass counts each piece's colons; where each piece's count fits a block (at most
 * {@link Dataset#DEFAULT_BLOCK_CAPACITY} nonzeros, always but for a file of one piece) each piece parses straight into
 * buffers of its own that become its block of the dataset ({@link LibsvmInPlace}), else into heap arrays joined after.
 *
 * <p><b>Memory.</b> The dataset holds 8 bytes a nonzero (a 4-byte column index and a 4-byte value) and 12 a row
 * (offset and label) in direct memory. Read in place, the index and value buffers are sized by the colons (more than
 * the nonzeros only by {@code qid:} tokens and colons in comments), and the heap holds only the rows' ends and labels
 * until the last label is known (the classes are numbered in sorted order). Where a piece holds more than a block,
 * the parsed pieces wait on the heap in arrays of the dataset's size, then move piece by piece into it
 * ({@link SparseBuilder}): a read briefly needs about twice the dataset's size. Stateless.
 */
public final class LibsvmDataReader {
    private LibsvmDataReader() {}

    /**
     * The largest feature index read: θ and the intercept are one Java array of {@code n + 1} doubles, whose length
     * is at most {@code Integer.MAX_VALUE - 8}.
     */
    public static final int MAX_FEATURES = Integer.MAX_VALUE - 9;

    /** Files at least this large are parsed on several threads (smaller ones gain less than the threads cost). */
    static final long PARALLEL_MIN_BYTES = 4L << 20;

    /** Most bytes of one piece of a parallel read (bounds the heap a piece's arrays take, and balances the threads). */
    private static final long PIECE_BYTES = 32L << 20;

    /**
     * Reads {@code file}, in parallel where it is large (see the class comment).
     *
     * @throws IllegalArgumentException on bad content; the message names the file, line and column
     */
    public static LoadedData read(Path file, ReadOptions options) throws IOException {
        return read(file, options, Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors())), PARALLEL_MIN_BYTES, PIECE_BYTES);
    }

    /**
     * {@link #read(Path, ReadOptions)} on at most {@code threads} threads (1: one piece after another, on one thread
     * besides the caller's; for benchmarks and for callers that share the machine).
     */
    public static LoadedData read(Path file, ReadOptions options, int threads) throws IOException {
        if (threads < 1) throw new IllegalArgumentException("threads is " + threads + ", expected at least 1");
        return read(file, options, threads, PARALLEL_MIN_BYTES, PIECE_BYTES);
    }

    /**
     * {@link #read(Path, ReadOptions)} with the parallelism as parameters (tests cut small files into many pieces).
     *
     * @param threads    most threads parsing at once (1: sequential)
     * @param minBytes   files smaller than this are read on one thread
     * @param pieceBytes most bytes per piece (pieces are at least as many as the threads)
     */
    static LoadedData read(Path file, ReadOptions options, int threads, long minBytes, long pieceBytes) throws IOException {
        return read(file, options, threads, minBytes, pieceBytes, Dataset.DEFAULT_BLOCK_CAPACITY);
    }

    /**
     * As {@link #read(Path, ReadOptions, int, long, long)}, parsing in place ({@link LibsvmInPlace}) where every piece
     * holds at most {@code inPlaceColons} colons, else into heap pieces joined after (tests compare the two).
     */
    static LoadedData read(Path file, ReadOptions options, int threads, long minBytes, long pieceBytes, long inPlaceColons) throws IOException {
        if (inPlaceColons > Dataset.DEFAULT_BLOCK_CAPACITY) throw new IllegalArgumentException("in place at most " + Dataset.DEFAULT_BLOCK_CAPACITY + " nonzeros");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            // Small files are one piece, parsed here; larger ones at least one piece per thread, each of at most
            // pieceBytes (with one thread too: a piece's arrays are int-indexed).
            long[] cut = size < minBytes ? new long[] {0, size}
                    : cut(ch, size, (int) Math.min(1 << 16, Math.max(threads, (size + pieceBytes - 1) / pieceBytes)));
            // Where each piece's nonzeros fit a block (nearly always: a piece is at most pieceBytes of text), each
            // piece writes them straight into buffers of its own, sized by its counted colons, that become its block of
            // the dataset: the nonzeros are written once, into memory touched once, by the piece's own thread (on
            // this machine first touching memory costs more than parsing into it).
            long[] newlines = new long[cut.length - 1];
            long[] colons = inOrder(file, cut.length - 1, threads, k -> () -> count(ch, cut[k], cut[k + 1], newlines, k));
            boolean inPlace = true;
            for (int k = 0; k < colons.length; k++) {
                inPlace &= colons[k] <= inPlaceColons && newlines[k] < SparseBuilder.MAX_ROWS_PER_BLOCK;
            }
            if (inPlace) return LibsvmInPlace.read(file, ch, options, cut, colons, threads);
            List<LibsvmPiece> pieces = parse(file, cut, threads,
                    k -> new LibsvmPiece(new LabelDecoder(options.classes()), options.featureCount(), MAX_FEATURES), ch);
            return assemble(file, options, pieces);
        }
    }

    /**
     * The colons in bytes [from, to) of {@code ch} (at least the nonzeros of those lines); its line ends go to
     * {@code newlines[k]} (the rows are at most one more).
     */
    private static long count(FileChannel ch, long from, long to, long[] newlines, int k) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(1, to - from)));
        byte[] b = buf.array();
        long count = 0;
        long ends = 0;
        for (long pos = from; pos < to; ) {
            buf.clear().limit((int) Math.min(b.length, to - pos));
            int r = ch.read(buf, pos);
            if (r <= 0) break;
            for (int i = 0; i < r; i++) {
                count += b[i] == ':' ? 1 : 0;
                ends += b[i] == '\n' ? 1 : 0;
            }
            pos += r;
        }
        newlines[k] = ends;
        return count;
    }

    /** Piece boundaries: {@code pieces} near-equal ranges, each moved to just after a line end. */
    private static long[] cut(FileChannel ch, long size, int pieces) throws IOException {
        long[] cut = new long[pieces + 1];
        cut[pieces] = size;
        ByteBuffer probe = ByteBuffer.allocate(1 << 16);
        for (int k = 1; k < pieces; k++) {
            long p = Math.max(cut[k - 1], size * k / pieces);
            cut[k] = size;
            while (p < size) {
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
        return cut;
    }

    /** One task per piece, as {@link #inOrder}'s tasks are. */
    interface PieceTask<T> {
        T call() throws IOException;
    }

    /**
     * Parses every piece (on up to {@code threads} threads), each made by {@code make}; throws the file's first error,
     * with its global line.
     */
    static List<LibsvmPiece> parse(Path file, long[] cut, int threads, java.util.function.IntFunction<LibsvmPiece> make, FileChannel ch)
            throws IOException {
        LibsvmPiece[] pieces = new LibsvmPiece[cut.length - 1];
        inOrder(file, pieces.length, threads, k -> () -> {
            LibsvmPiece p = make.apply(k);
            if (cut[k + 1] > cut[k]) p.parse(ch, cut[k], cut[k + 1]);
            pieces[k] = p;
            return p.lines();
        });
        return new ArrayList<>(List.of(pieces));
    }

    /**
     * Runs task k for every k in [0, n) (on up to {@code threads} threads; one task: on this one) and gives their
     * results in order. A task's failure is thrown as the first in file order: a {@link LibsvmPiece.BadToken} with
     * the file's line, counting the lines that the tasks before it returned (their results are lines where it matters).
     */
    static long[] inOrder(Path file, int n, int threads, java.util.function.IntFunction<PieceTask<Long>> task) throws IOException {
        long[] out = new long[n];
        if (n == 1) {
            try {
                out[0] = task.apply(0).call();
            } catch (LibsvmPiece.BadToken e) {
                throw e.at(file, 0);
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, n), r -> {
            Thread t = new Thread(r, "logreg-libsvm");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                PieceTask<Long> t = task.apply(k);
                futures.add(pool.submit(t::call));
            }
            long lines = 0;
            for (int k = 0; k < n; k++) {
                try {
                    out[k] = futures.get(k).get();
                } catch (ExecutionException e) {
                    // Pieces are collected in file order, so the first failure met is the file's first bad line.
                    for (Future<Long> other : futures) other.cancel(false);
                    Throwable c = e.getCause();
                    if (c instanceof LibsvmPiece.BadToken b) throw b.at(file, lines);
                    if (c instanceof IOException io) throw io;
                    if (c instanceof RuntimeException r) throw r;
                    if (c instanceof Error err) throw err;
                    throw new IOException(c);
                }
                lines += out[k];
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + file, e);
        } finally {
            pool.shutdown();
        }
    }

    /**
     * The pieces' rows and nonzeros, the dataset's width (the option's, else the largest index) and the pieces' label
     * decoders in piece order; no rows, or no feature in any row, refused by name. Both assemblies (heap pieces, and in
     * place) start here.
     */
    record Totals(long rows, long nonzeros, int width, List<LabelDecoder> decoders) {
        static Totals of(Path file, ReadOptions options, List<LibsvmPiece> pieces) {
            long rows = 0;
            long nonzeros = 0;
            int maxIndex = 0;
            List<LabelDecoder> decoders = new ArrayList<>();
            for (LibsvmPiece p : pieces) {
                rows += p.rows();
                nonzeros += p.nonzeros();
                maxIndex = Math.max(maxIndex, p.maxIndex());
                decoders.add(p.labels());
            }
            if (rows == 0) throw new IllegalArgumentException(file + ": no rows");
            int width = options.featureCount() > 0 ? options.featureCount() : maxIndex;
            if (width == 0) throw new IllegalArgumentException(file + ": no features in any row (every line holds a label only)");
            return new Totals(rows, nonzeros, width, decoders);
        }
    }

    /** The pieces, in order, as one sparse dataset: the classes numbered, the width fixed, the rows moved. */
    private static LoadedData assemble(Path file, ReadOptions options, List<LibsvmPiece> pieces) {
        Totals totals = Totals.of(file, options, pieces);
        long rows = totals.rows();
        long nonzeros = totals.nonzeros();
        int width = totals.width();
        List<LabelDecoder> decoders = totals.decoders();
        // Lines in these messages are counted per piece; numeric labels are checked as they are parsed, so the only
        // refusal left here (labels that are not the model's 0/1 or -1/+1) names no line.
        LabelDecoder.Result classes = LabelDecoder.finish(decoders, file, line -> file + ": ");
        SparseBuilder b = Dataset.sparseBuilder(width).classes(LabelDecoder.datasetClasses(classes.mapping())).reserve(rows, nonzeros);
        try {
            for (int k = 0; k < pieces.size(); k++) {
                pieces.get(k).moveTo(b, classes.remap() == null ? null : classes.remap().get(k));
                pieces.set(k, null); // its arrays can go now
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e); // not expected: the pieces were checked
        }
        return new LoadedData(b.build(), true, classes.mapping(), file);
    }
}
