package dev.logreg.io;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.RecordWrapper;
import dev.logreg.data.Dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The FastCSV-based CSV reader, kept as the measured alternative to {@link CsvDataReader} (the CSV load benchmark
 * compares the two; the byte scanner was faster here, so {@link DataReaders} uses it). Same contract as
 * {@link CsvDataReader#read}. Reads CSV with a header line: FastCSV splits the fields (quotes, CRLF, a byte-order mark) and hands each one over
 * as a slice of its character buffer, which FastDoubleParser turns into a float without creating a String. Only the
 * header's names become Strings. Stateless; each {@link #read} is independent.
 */
public final class FastCsvDataReader {
    private FastCsvDataReader() {}

    /**
     * Reads {@code file}: the label column by name ({@link ReadOptions#labelColumn}), an optional weight column, and
     * either every other column or the named features ({@link ReadOptions#featureNames}) as features.
     *
     * @throws IllegalArgumentException on a missing column (the message lists the header), an empty, unparsable or
     *                                  non-finite value (file, line, column), a ragged line, a bad label or weight
     */
    public static LoadedData read(Path file, ReadOptions options) throws IOException {
        Handler h = new Handler(file, options);
        CsvReader<Boolean> reader = CsvReader.builder()
                .fieldSeparator(options.delimiter())
                .skipEmptyLines(true)
                .ignoreDifferentFieldCount(true) // the handler reports ragged lines itself, with the line number
                .detectBomHeader(true)
                .build(h, file, StandardCharsets.UTF_8);
        try (reader) {
            for (Boolean ignored : reader) {
                // Rows are appended by the handler as each record ends.
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (RuntimeException e) {
            // FastCSV wraps exceptions thrown from the handler; give the user our own message.
            Throwable c = e;
            while (c != null && !(c instanceof BadInput)) c = c.getCause();
            if (c != null) throw new IllegalArgumentException(c.getMessage(), c);
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (h.builder == null) throw new IllegalArgumentException(file + ": empty file, expected a header line");
        if (h.builder.rowsSoFar() == 0) throw new IllegalArgumentException(file + ": no data rows after the header");
        Dataset d = CsvDataReader.build(file, h.builder);
        LabelDecoder.Result classes = h.labels.finish(file, line -> file + " line " + line + ", label column: ");
        d = relabel(d, classes);
        return new LoadedData(d, h.labelCol >= 0, classes.mapping(), file);
    }

    /**
     * The rows with their provisional label ids ({@link LabelDecoder}) replaced by class indices. A built dataset's
     * buffers are read-only, so where the ids are not already the classes the rows are copied once; this reader is
     * kept as a benchmark's point of comparison, and {@link CsvDataReader} rewrites its own buffers instead.
     */
    private static Dataset relabel(Dataset d, LabelDecoder.Result classes) {
        int k = LabelDecoder.datasetClasses(classes.mapping());
        int[] remap = classes.remap() == null ? null : classes.remap().get(0);
        boolean identity = true;
        if (remap != null) for (int i = 0; i < remap.length; i++) identity &= remap[i] == i;
        if (identity) return d.withClasses(k);
        Dataset.Builder b = Dataset.builder(d.cols()).featureNames(d.featureNames()).classes(k);
        float[] row = new float[d.cols()];
        for (long i = 0; i < d.rows(); i++) {
            d.copyRow(i, row);
            b.addRow(row, 0, remap[(int) d.label(i)], d.weight(i), d.isWeighted());
        }
        return b.build();
    }

    /** A bad-content error raised inside FastCSV's callback; unwrapped by {@link #read}. */
    static final class BadInput extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message);
        }
    }

    private static final int IGNORE = CsvLayout.IGNORE;
    private static final int LABEL = CsvLayout.LABEL;

    /** Receives FastCSV's fields; one record at a time. */
    private static final class Handler extends AbstractBaseCsvCallbackHandler<Boolean> {
        private final Path file;
        private final ReadOptions options;
        private final LabelDecoder labels;
        private List<String> header;
        private CsvLayout layout;
        private int[] slot;         // column index -> feature index, or LABEL, WEIGHT, IGNORE
        private int labelCol = -1;
        private int weightCol = -1;
        private float[] row;
        private float label;
        private float weight;
        private int fieldsSeen;
        private boolean emptyFirstField; // decided at the record's end: an empty line or a missing first value
        private Dataset.Builder builder;

        Handler(Path file, ReadOptions options) {
            this.file = file;
            this.options = options;
            this.labels = new LabelDecoder(options.classes());
        }

        @Override
        protected void handleBegin(long startingLineNumber) {
            fieldsSeen = 0;
            emptyFirstField = false;
        }

        @Override
        protected void handleField(int index, char[] buf, int offset, int len, boolean quoted) {
            fieldsSeen = index + 1;
            if (slot == null) {
                if (header == null) header = new ArrayList<>();
                header.add(new String(buf, offset, len).trim());
                return;
            }
            if (index >= slot.length) return; // ragged; reported when the record ends
            if (index == 0 && len == 0) {
                // FastCSV reports an empty line as one empty field; whether it was one is known only at the end.
                emptyFirstField = true;
                return;
            }
            if (index == 1 && emptyFirstField && slot[0] != IGNORE) throw bad(0, "missing value (empty field)");
            int s = slot[index];
            if (s == IGNORE) return;
            if (s == LABEL) {
                String t = new String(buf, offset, len).strip();
                if (t.isEmpty()) throw bad(index, "missing value (empty field)");
                byte[] bytes = t.getBytes(StandardCharsets.UTF_8);
                int c;
                try {
                    c = labels.text(bytes, 0, bytes.length, getStartingLineNumber());
                } catch (IllegalArgumentException e) {
                    throw bad(index, e.getMessage());
                }
                if (c < 0) throw bad(index, LabelDecoder.notAClass(text(buf, offset, len), options.classes()));
                label = c;
                return;
            }
            float v = parse(index, buf, offset, len);
            if (s >= 0) row[s] = v;
            else {
                if (!(v >= 0)) throw bad(index, "weight " + text(buf, offset, len) + " is negative, expected a finite number >= 0");
                weight = v;
            }
        }

        private float parse(int index, char[] buf, int offset, int len) {
            int a = offset;
            int b = offset + len;
            while (a < b && buf[a] <= ' ') a++;
            while (b > a && buf[b - 1] <= ' ') b--;
            if (a == b) throw bad(index, "missing value (empty field)");
            float v;
            try {
                v = JavaFloatParser.parseFloat(buf, a, b - a);
            } catch (NumberFormatException e) {
                throw bad(index, "cannot parse " + text(buf, offset, len) + " as a number");
            }
            if (!Float.isFinite(v)) throw bad(index, "value " + text(buf, offset, len) + " is not a finite float32");
            return v;
        }

        private static String text(char[] buf, int offset, int len) {
            return Excerpt.quoted(new String(buf, offset, Math.min(len, Excerpt.LIMIT + 1)));
        }

        private BadInput bad(int column, String what) {
            String name = header != null && column < header.size() ? Excerpt.quoted(header.get(column)) + " (" + (column + 1) + ")" : "" + (column + 1);
            return new BadInput(file + " line " + getStartingLineNumber() + ", column " + name + ": " + what);
        }

        @Override
        protected RecordWrapper<Boolean> buildRecord() {
            if (isEmptyLine() || isComment()) return wrapRecord(Boolean.TRUE);
            if (slot == null) {
                layOut();
                return wrapRecord(Boolean.TRUE);
            }
            if (emptyFirstField && slot[0] != IGNORE) throw bad(0, "missing value (empty field)");
            if (fieldsSeen != slot.length) {
                throw new BadInput(file + " line " + getStartingLineNumber() + ": " + fieldsSeen + " fields, expected "
                        + slot.length + " as in the header (ragged line)");
            }
            builder.addRow(row, 0, label, weight, weightCol >= 0);
            return wrapRecord(Boolean.TRUE);
        }

        /** Maps the header's columns onto features, label and weight. */
        private void layOut() {
            try {
                layout = new CsvLayout(file, header, options);
            } catch (IllegalArgumentException e) {
                throw new BadInput(e.getMessage());
            }
            slot = layout.slot;
            labelCol = layout.labelCol;
            weightCol = layout.weightCol;
            row = new float[layout.featureNames.size()];
            // Provisional label ids go up to the class limit until the classes are known (see relabel).
            builder = layout.newBuilder().classes(Dataset.MAX_CLASSES);
        }
    }
}
