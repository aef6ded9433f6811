package dev.logreg.io;

import dev.logreg.data.Dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What the fuzz tests accept from a reader, in one place: either a result whose invariants hold, or the documented
 * refusal of bad content, an {@link IllegalArgumentException} whose message names the file. Anything else (another
 * runtime exception, an {@link IOException} from a readable regular file, an error, a message that is missing or does
 * not say which file) fails the test, and Jazzer reports the input as a finding.
 *
 * <p>Stateless; each fuzz test owns its own temporary directory.
 */
final class FuzzOutcomes {
    private FuzzOutcomes() {}

    /** A read of one file: the reader under test with its options bound. */
    @FunctionalInterface
    interface Read<T> {
        T read(Path file) throws IOException;
    }

    /**
     * The outcome of one read: the result, or the message of the documented refusal. Two outcomes are compared to
     * check that two paths through a reader agree (a small buffer and a large one, one block and many).
     *
     * @param result  what the reader returned, or {@code null} where it refused the file
     * @param refusal the refusal's message, or {@code null} where it returned a result
     */
    record Outcome<T>(T result, String refusal) {
        boolean refused() {
            return refusal != null;
        }
    }

    /**
     * Writes {@code bytes} to {@code file}, replacing what was there. The old file is deleted first: ext4 flushes a
     * file to disk when it is truncated and written again (its {@code auto_da_alloc}), which cost 1.5 ms per input
     * here, ten times the reads.
     */
    static Path write(Path file, byte[] bytes) {
        try {
            Files.deleteIfExists(file);
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the fuzz input to " + file + " (the test's own temporary file)", e);
        }
        return file;
    }

    /**
     * Runs {@code read} on {@code file}: returns its result, or the refusal's message where it threw an
     * {@link IllegalArgumentException} whose message names the file; throws {@link AssertionError} (a finding) on any
     * other outcome.
     */
    static <T> Outcome<T> run(Path file, Read<T> read) {
        try {
            T result = read.read(file);
            if (result == null) throw new AssertionError("the reader returned null for " + file);
            return new Outcome<>(result, null);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank()) throw new AssertionError("refusal without a message", e);
            if (!m.contains(file.getFileName().toString())) throw new AssertionError("refusal that does not name the file: " + m, e);
            return new Outcome<>(null, m);
        } catch (IOException e) {
            // The file is a readable regular file: an I/O failure here is bad content reported the wrong way.
            throw new AssertionError("IOException reading a readable file: " + e, e);
        }
    }

    /**
     * Checks what a data reader returned: at least one row and one column, every feature finite, every label a class index
     * in [0, K) with K the dataset's classes and the label mapping's (0 where the file had none), every weight finite and non-negative with a positive sum, feature names (where
     * present) one per column and distinct.
     */
    static void checkLoaded(LoadedData got, Path file) {
        Objects.requireNonNull(got.labels(), "label mapping");
        if (!file.equals(got.source())) throw new AssertionError("source is " + got.source() + ", expected " + file);
        Dataset d = got.dataset();
        if (d.rows() < 1 || d.cols() < 1) throw new AssertionError("empty dataset " + d);
        List<String> names = d.featureNames();
        if (names != null) {
            if (names.size() != d.cols()) throw new AssertionError(names.size() + " feature names for " + d.cols() + " columns");
            if (new HashSet<>(names).size() != names.size()) throw new AssertionError("duplicate feature names " + names);
        }
        int k = d.classes();
        if (k != LabelDecoder.datasetClasses(got.labels())) throw new AssertionError(k + " classes in the dataset, mapping " + got.labels());
        // Sparse rows are checked as stored: a LIBSVM file of a few bytes may rightly be two billion columns wide.
        float[] row = d.isSparse() ? null : new float[d.cols()];
        if (d.isSparse()) checkSparse(d);
        double weightSum = 0;
        for (long i = 0; i < d.rows(); i++) {
            if (row != null) {
                d.copyRow(i, row);
                for (int j = 0; j < row.length; j++) {
                    if (!Float.isFinite(row[j])) throw new AssertionError("feature at row " + i + ", column " + j + " is " + row[j]);
                }
            }
            float y = d.label(i);
            if (!(y >= 0 && y < k && y == Math.rint(y))) throw new AssertionError("label at row " + i + " is " + y + ", expected a class index below " + k);
            if (!got.hasLabels() && y != 0f) throw new AssertionError("placeholder label at row " + i + " is " + y + ", expected 0");
            float w = d.weight(i);
            if (!(w >= 0f) || !Float.isFinite(w)) throw new AssertionError("weight at row " + i + " is " + w);
            weightSum += w;
        }
        if (!(weightSum > 0)) throw new AssertionError("weights sum to " + weightSum);
        if (!got.hasLabels() && !got.labels().equals(LabelMapping.ZERO_ONE)) throw new AssertionError("no labels but mapping " + got.labels());
    }

    /** Checks that two outcomes of the same file agree: the same refusal, or datasets equal bit for bit. */
    static void checkSame(Outcome<LoadedData> a, Outcome<LoadedData> b, String what) {
        if (a.refused() || b.refused()) {
            if (!Objects.equals(a.refusal(), b.refusal())) {
                throw new AssertionError(what + " disagree:\n  " + describe(a) + "\n  " + describe(b));
            }
            return;
        }
        LoadedData x = a.result();
        LoadedData y = b.result();
        if (x.hasLabels() != y.hasLabels() || !x.labels().equals(y.labels())) throw new AssertionError(what + " disagree on the labels");
        Dataset p = x.dataset();
        Dataset q = y.dataset();
        if (p.rows() != q.rows() || p.cols() != q.cols() || p.isWeighted() != q.isWeighted()
                || !Objects.equals(p.featureNames(), q.featureNames())) {
            throw new AssertionError(what + " disagree: " + p + " " + p.featureNames() + " vs " + q + " " + q.featureNames());
        }
        if (p.isSparse() != q.isSparse()) throw new AssertionError(what + " disagree on the layout: " + p + " vs " + q);
        float[] r = p.isSparse() ? null : new float[p.cols()];
        float[] s = p.isSparse() ? null : new float[q.cols()];
        for (long i = 0; i < p.rows(); i++) {
            if (p.isSparse()) {
                sameSparseRow(p, q, i, what);
            } else {
                p.copyRow(i, r);
                q.copyRow(i, s);
                for (int j = 0; j < r.length; j++) {
                    if (Float.floatToIntBits(r[j]) != Float.floatToIntBits(s[j])) {
                        throw new AssertionError(what + " disagree at row " + i + ", column " + j + ": " + r[j] + " vs " + s[j]);
                    }
                }
            }
            if (p.label(i) != q.label(i) || Float.floatToIntBits(p.weight(i)) != Float.floatToIntBits(q.weight(i))) {
                throw new AssertionError(what + " disagree on the label or weight of row " + i);
            }
        }
    }

    /** Every stored value finite, every row's column indices in range and strictly increasing. */
    private static void checkSparse(Dataset d) {
        for (dev.logreg.data.RowBlock b : d.blocks()) {
            java.nio.LongBuffer o = b.rowOffsets();
            java.nio.IntBuffer idx = b.indices();
            java.nio.FloatBuffer val = b.values();
            if (o.get(0) != 0) throw new AssertionError("a block's first row offset is " + o.get(0));
            for (int r = 0; r < b.rows(); r++) {
                int previous = -1;
                for (long k = o.get(r); k < o.get(r + 1); k++) {
                    int c = idx.get((int) k);
                    float v = val.get((int) k);
                    long row = b.firstRow() + r;
                    if (c <= previous || c >= d.cols()) throw new AssertionError("row " + row + ": column index " + c + " after " + previous);
                    if (!Float.isFinite(v)) throw new AssertionError("feature at row " + row + ", column " + c + " is " + v);
                    previous = c;
                }
            }
        }
    }

    /** Row {@code i} of two sparse datasets: the same column indices and the same value bits. */
    private static void sameSparseRow(Dataset p, Dataset q, long i, String what) {
        dev.logreg.data.RowBlock a = p.blockOf(i);
        dev.logreg.data.RowBlock b = q.blockOf(i);
        int ra = (int) (i - a.firstRow());
        int rb = (int) (i - b.firstRow());
        long fa = a.rowOffsets().get(ra);
        long fb = b.rowOffsets().get(rb);
        long na = a.rowOffsets().get(ra + 1) - fa;
        long nb = b.rowOffsets().get(rb + 1) - fb;
        if (na != nb) throw new AssertionError(what + " disagree on the nonzeros of row " + i + ": " + na + " vs " + nb);
        for (int k = 0; k < na; k++) {
            int ca = a.indices().get((int) fa + k);
            int cb = b.indices().get((int) fb + k);
            float va = a.values().get((int) fa + k);
            float vb = b.values().get((int) fb + k);
            if (ca != cb || Float.floatToIntBits(va) != Float.floatToIntBits(vb)) {
                throw new AssertionError(what + " disagree at row " + i + ", nonzero " + k + ": column " + ca + " = " + va + " vs column " + cb + " = " + vb);
            }
        }
    }

    private static String describe(Outcome<LoadedData> o) {
        return o.refused() ? "refused: " + o.refusal() : "read: " + o.result().dataset();
    }
}
