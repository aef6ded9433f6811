package dev.logreg.io;

import dev.logreg.data.Dataset;
import dev.logreg.data.SparseBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a SciPy sparse matrix saved by {@code scipy.sparse.save_npz} in CSR form, compressed or not: a zip archive of
 * {@code indptr.npy}, {@code indices.npy}, {@code data.npy}, {@code shape.npy} and {@code format.npy} ({@code "csr"}).
 * The rows become a sparse dataset directly ({@link Dataset#sparseBuilder}); nothing is densified. The labels come
 * from a separate {@code .npy} file ({@link ReadOptions#labelsFile}), required where labels are
 * ({@link ReadOptions#labelRequired}).
 *
 * <p>Accepted: int32 or int64 {@code indptr} and {@code indices} (any integer dtype), float32 or float64 {@code data}
 * (and integer or bool data, a count matrix say), either byte order. A float64 value is narrowed to float32 only where
 * it is finite and within float32's range. Refused, naming the row and column: a column index outside the shape, a
 * non-finite or out-of-range value, and indices that are not sorted and unique within their row. SciPy can hold
 * unsorted or duplicate indices (after some operations; {@code has_canonical_format} is then false), where it sums
 * duplicates; logreg does not guess: the message says to call {@code X.sum_duplicates()} (which also sorts) before
 * saving. Refused with one line: an archive that is not a sparse matrix (a dense {@code np.savez}), and a sparse matrix
 * of another format (csc, coo, bsr, dia, lil, dok), which {@code X.tocsr()} converts.
 *
 * <p>Memory: the dataset (8 bytes a nonzero, 12 a row, in direct memory, as {@link SparseBuilder}) and, while reading,
 * the row offsets and labels on the heap (16 bytes a row). The entries are streamed, never held whole. Stateless.
 */
public final class NpzDataReader {
    private NpzDataReader() {}

    private static final List<String> CSR = List.of("indptr.npy", "indices.npy", "data.npy", "shape.npy", "format.npy");

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException on an archive that is not a CSR matrix, bad values or indices (naming the row
     *                                  and column), or missing or bad labels
     */
    public static LoadedData read(Path file, ReadOptions options) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException | java.io.EOFException e) {
            // ZipFile says EOFException where an end record points past the file's end: bad content all the same.
            throw new IllegalArgumentException(file + ": not a .npz file (not a zip archive: " + Excerpt.of(String.valueOf(e.getMessage())) + ")", e);
        }
        try (zip) {
            TreeSet<String> names = new TreeSet<>();
            for (var it = zip.entries(); it.hasMoreElements(); ) names.add(it.nextElement().getName());
            String format = names.contains("format.npy") ? format(file, zip) : null;
            if (format == null) {
                throw new IllegalArgumentException(file + ": not a scipy.sparse matrix (the archive holds " + Excerpt.list(new ArrayList<>(names))
                        + ", not the entries scipy.sparse.save_npz writes); a dense matrix goes in an .npy file (numpy.save)");
            }
            if (!format.equals("csr")) {
                throw new IllegalArgumentException(file + ": a scipy.sparse " + Excerpt.quoted(format) + " matrix; logreg reads CSR: save X.tocsr()");
            }
            for (String e : CSR) {
                if (!names.contains(e)) throw new IllegalArgumentException(file + ": a CSR archive without its entry " + e);
            }
            long[] shape = shape(file, zip);
            long rows = shape[0];
            long cols = shape[1];
            if (rows < 1) throw new IllegalArgumentException(file + ": the matrix has no rows (shape " + Arrays.toString(shape) + ")");
            if (rows > Integer.MAX_VALUE - 9) throw new IllegalArgumentException(file + ": " + rows + " rows, more than this reader holds (2^31 - 10)");
            if (cols < 1 || cols > LibsvmDataReader.MAX_FEATURES) {
                throw new IllegalArgumentException(file + ": " + cols + " columns, expected 1 to " + LibsvmDataReader.MAX_FEATURES);
            }
            if (options.featureCount() > 0 && cols != options.featureCount()) {
                throw new IllegalArgumentException(file + ": " + cols + " columns, expected " + options.featureCount());
            }
            long[] indptr = indptr(file, zip, (int) rows);
            float[] labels = new float[(int) rows];
            LabelMapping mapping = labels(file, options, labels);
            SparseBuilder b = Dataset.sparseBuilder((int) cols).classes(LabelDecoder.datasetClasses(mapping));
            rows(file, zip, indptr, (int) cols, labels, b);
            return new LoadedData(b.build(), options.labelsFile() != null, mapping, file);
        }
    }

    private static NpzArray open(Path file, ZipFile zip, String entry) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        try {
            return new NpzArray(file + ", entry " + entry, zip.getInputStream(e));
        } catch (ZipException x) {
            throw new IllegalArgumentException(file + ", entry " + entry + ": a damaged zip entry (" + Excerpt.of(String.valueOf(x.getMessage())) + ")", x);
        }
    }

    /** The text of {@code format.npy}, or null where it is not a string (then this is not a scipy.sparse archive). */
    private static String format(Path file, ZipFile zip) throws IOException {
        try (NpzArray a = open(file, zip, "format.npy")) {
            if ((a.kind != 'S' && a.kind != 'U') || a.size() != 1 || a.itemSize > 64) return null;
            return a.text().trim();
        }
    }

    private static long[] shape(Path file, ZipFile zip) throws IOException {
        try (NpzArray a = open(file, zip, "shape.npy")) {
            if (!a.isInteger() || a.shape.length != 1 || a.shape[0] != 2) {
                throw a.bad("expected two integers (rows, columns), found shape " + Arrays.toString(a.shape) + " of kind '" + a.kind + "'");
            }
            return new long[] {a.nextLong(), a.nextLong()};
        }
    }

    /** The row offsets, checked: rows + 1 of them, the first 0, never decreasing. */
    private static long[] indptr(Path file, ZipFile zip, int rows) throws IOException {
        try (NpzArray a = open(file, zip, "indptr.npy")) {
            if (!a.isInteger() || a.shape.length != 1) throw a.bad("expected a 1-D integer array, found shape " + Arrays.toString(a.shape) + " of kind '" + a.kind + "'");
            if (a.shape[0] != rows + 1L) throw a.bad(a.shape[0] + " offsets, expected rows + 1 = " + (rows + 1L) + " (shape.npy)");
            // Grown as the values arrive, not allocated from the header: a header can promise what the entry lacks.
            long[] p = new long[Math.min(rows + 1, 1 << 16)];
            for (int i = 0; i <= rows; i++) {
                if (i == p.length) p = Arrays.copyOf(p, (int) Math.min(rows + 1L, 2L * p.length));
                p[i] = a.nextLong();
                if (i == 0 && p[0] != 0) throw a.bad("the first offset is " + p[0] + ", expected 0");
                if (i > 0 && p[i] < p[i - 1]) throw a.bad("offsets decrease at row " + (i - 1) + " (" + p[i - 1] + " then " + p[i] + ")");
            }
            return p;
        }
    }

    /**
     * The labels of {@link ReadOptions#labelsFile} as class indices into {@code out} (zeros, with
     * {@link LabelMapping#ZERO_ONE}, where there is none and none is required).
     */
    private static LabelMapping labels(Path file, ReadOptions options, float[] out) throws IOException {
        Path lf = options.labelsFile();
        if (lf == null) {
            if (options.labelRequired()) {
                throw new IllegalArgumentException(file + ": an .npz matrix holds no labels; give them in a separate .npy file (--labels FILE.npy)");
            }
            return LabelMapping.ZERO_ONE;
        }
        double[] raw = NpyDataReader.readLabels(lf, out.length);
        LabelDecoder decoder = new LabelDecoder(options.classes());
        for (int i = 0; i < raw.length; i++) {
            if (!LabelMapping.isClassNumber(raw[i])) {
                throw new IllegalArgumentException(lf + " row " + i + ": label " + raw[i] + " is not an integer; class labels in a .npy file are integers");
            }
            int c;
            try {
                c = decoder.number(raw[i], i);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(lf + " row " + i + ": " + e.getMessage(), e);
            }
            if (c < 0) throw new IllegalArgumentException(lf + " row " + i + ": " + LabelDecoder.notAClass(LabelMapping.format(raw[i]), decoder.known()));
            out[i] = c;
        }
        LabelDecoder.Result classes = decoder.finish(lf, row -> lf + " row " + row + ": ");
        LabelDecoder.apply(out, out.length, classes.remap() == null ? null : classes.remap().get(0));
        return classes.mapping();
    }

    /** Streams indices and data row by row into {@code out}, checking each row (the messages name row and column). */
    private static void rows(Path file, ZipFile zip, long[] indptr, int cols, float[] labels, SparseBuilder out) throws IOException {
        int rows = labels.length;
        long nnz = indptr[rows];
        try (NpzArray ix = open(file, zip, "indices.npy"); NpzArray dx = open(file, zip, "data.npy")) {
            if (!ix.isInteger() || ix.shape.length != 1) throw ix.bad("expected a 1-D integer array, found shape " + Arrays.toString(ix.shape) + " of kind '" + ix.kind + "'");
            if (dx.shape.length != 1 || !(dx.kind == 'f' || dx.isInteger())) {
                throw dx.bad("expected a 1-D array of numbers, found shape " + Arrays.toString(dx.shape) + " of kind '" + dx.kind + "'");
            }
            if (ix.shape[0] != nnz || dx.shape[0] != nnz) {
                throw new IllegalArgumentException(file + ": " + ix.shape[0] + " indices and " + dx.shape[0] + " values, expected the last offset of indptr.npy, " + nnz);
            }
            int[] idx = new int[16];
            float[] val = new float[16];
            for (int r = 0; r < rows; r++) {
                long count = indptr[r + 1] - indptr[r];
                if (count > cols) {
                    throw new IllegalArgumentException(file + " row " + r + ": " + count + " entries, more than its " + cols + " columns (indices repeat)");
                }
                if (count > idx.length) {
                    idx = Arrays.copyOf(idx, (int) Math.max(count, Math.min(cols, 2L * idx.length)));
                    val = Arrays.copyOf(val, idx.length);
                }
                int previous = -1;
                for (int k = 0; k < count; k++) {
                    long c = ix.nextLong();
                    double v = dx.nextDouble();
                    if (c < 0 || c >= cols) {
                        throw new IllegalArgumentException(file + " row " + r + ", column " + c + ": the column index is outside [0, " + cols + ") (shape.npy)");
                    }
                    if (c <= previous) {
                        throw new IllegalArgumentException(file + " row " + r + ", column " + c + ": " + (c == previous ? "a duplicate entry" : "follows column " + previous)
                                + "; indices must be sorted and unique within a row: call X.sum_duplicates() (it also sorts) before scipy.sparse.save_npz");
                    }
                    float f = (float) v;
                    if (!Float.isFinite(f)) {
                        throw new IllegalArgumentException(file + " row " + r + ", column " + c + ": value " + v
                                + (Double.isFinite(v) ? " is beyond float32's range" : " is not a finite number"));
                    }
                    previous = (int) c;
                    idx[k] = (int) c;
                    val[k] = f;
                }
                out.addRow(idx, val, (int) count, labels[r]);
            }
        }
    }
}
