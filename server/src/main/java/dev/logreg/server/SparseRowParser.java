package dev.logreg.server;

import dev.logreg.io.Excerpt;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Arrays;

/**
 * The sparse side of {@link PredictRequestParser}: a row given as {@code {"indices": [j, ...], "values": [x_j, ...]}},
 * and the CSR arrays every row of such a request goes into (dense rows as their nonzeros). Each method continues the
 * caller's parser; the refusals are the parser's (400, naming the row and the nonzero). Stateless apart from the
 * {@link Csr} it fills.
 */
final class SparseRowParser {
    private SparseRowParser() {}

    /** Growable CSR rows. Not thread-safe: one per request. */
    static final class Csr {
        int[] offsets = new int[17];
        int[] indices = new int[64];
        float[] values = new float[64];
        int nonzeros;

        /** The first {@code rows} dense rows of {@code x} (rows of {@code n}) as CSR. */
        static Csr of(float[] x, int rows, int n) {
            Csr c = new Csr();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    if (x[i * n + j] != 0f) c.add(j, x[i * n + j]);
                }
                c.endRow(i);
            }
            return c;
        }

        void add(int column, float value) {
            room(nonzeros + 1);
            indices[nonzeros] = column;
            values[nonzeros++] = value;
        }

        void room(long count) {
            if (count > indices.length) {
                int cap = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(count, 2L * indices.length));
                indices = Arrays.copyOf(indices, cap);
                values = Arrays.copyOf(values, cap);
            }
        }

        /** Closes row {@code row} at the current nonzero count. */
        void endRow(int row) {
            if (row + 2 > offsets.length) offsets = Arrays.copyOf(offsets, Math.max(row + 2, 2 * offsets.length));
            offsets[row + 1] = nonzeros;
        }

        /** The first {@code rows} rows, closed, as exact-size arrays. */
        PredictRequestParser.SparseRows rows(int rows) {
            return new PredictRequestParser.SparseRows(Arrays.copyOf(offsets, rows + 1), Arrays.copyOf(indices, nonzeros), Arrays.copyOf(values, nonzeros));
        }

        /** A dense row (its '[' read) of exactly {@code n} finite numbers, as its nonzeros. */
        void denseRow(JsonParser p, int row, int n) throws IOException, RequestException {
            int j = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                    throw PredictRequestParser.bad("row " + row + ", column " + j + " is " + PredictRequestParser.describe(t) + ", expected a number");
                }
                if (j >= n) throw PredictRequestParser.bad("row " + row + " has more than " + n + " values; the model expects " + n + " features");
                float v = p.getFloatValue();
                if (!Float.isFinite(v)) throw PredictRequestParser.bad("row " + row + ", column " + j + " is " + Excerpt.of(p.getText()) + ", not a finite float32");
                if (v != 0f) add(j, v);
                j++;
            }
            if (j != n) throw PredictRequestParser.bad("row " + row + " has " + j + " values; the model expects " + n + " features");
            endRow(row);
        }
    }

    private static final String FORM = "a sparse row is {\"indices\": [j, ...], \"values\": [x, ...]}";

    /** A sparse row (its '{' read) into {@code out}: both fields once, indices strictly increasing in [0, n), values finite. */
    static void parse(JsonParser p, int row, int n, Csr out) throws IOException, RequestException {
        int base = out.nonzeros;
        int indices = -1;
        int values = -1;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw PredictRequestParser.bad("row " + row + ": \"" + Excerpt.of(field) + "\" is " + PredictRequestParser.describe(p.currentToken()) + ", expected an array; " + FORM);
            }
            if (field.equals("indices")) {
                if (indices >= 0) throw PredictRequestParser.bad("row " + row + ": field \"indices\" appears twice");
                indices = indices(p, row, n, out, base);
            } else if (field.equals("values")) {
                if (values >= 0) throw PredictRequestParser.bad("row " + row + ": field \"values\" appears twice");
                values = values(p, row, out, base);
            } else {
                throw PredictRequestParser.bad("row " + row + ": unknown field \"" + Excerpt.of(field) + "\"; " + FORM);
            }
        }
        if (t != JsonToken.END_OBJECT) throw PredictRequestParser.bad("row " + row + " is not a JSON object; " + FORM);
        if (indices < 0 || values < 0) throw PredictRequestParser.bad("row " + row + ": field \"" + (indices < 0 ? "indices" : "values") + "\" is missing; " + FORM);
        if (indices != values) throw PredictRequestParser.bad("row " + row + " has " + indices + " indices but " + values + " values");
        out.nonzeros = base + indices;
        out.endRow(row);
    }

    private static int indices(JsonParser p, int row, int n, Csr out, int base) throws IOException, RequestException {
        int k = 0;
        long previous = -1;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw PredictRequestParser.bad("row " + row + ", nonzero " + k + ": the index is " + PredictRequestParser.describe(t)
                        + (t == JsonToken.VALUE_NUMBER_FLOAT ? " with a fraction or exponent" : "") + ", expected an integer");
            }
            boolean fits = p.getNumberType() == JsonParser.NumberType.INT;
            int j = fits ? p.getIntValue() : -1;
            if (!fits || j < 0 || j >= n) {
                throw PredictRequestParser.bad("row " + row + ", nonzero " + k + ": column index " + Excerpt.of(p.getText()) + " is outside [0, " + n + ")");
            }
            if (j <= previous) {
                throw PredictRequestParser.bad("row " + row + ", nonzero " + k + ": column index " + j + (j == previous ? " repeats" : " follows " + previous)
                        + " (indices must be sorted and unique)");
            }
            previous = j;
            out.room((long) base + k + 1);
            out.indices[base + k++] = j;
        }
        return k;
    }

    private static int values(JsonParser p, int row, Csr out, int base) throws IOException, RequestException {
        int k = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw PredictRequestParser.bad("row " + row + ", nonzero " + k + ": the value is " + PredictRequestParser.describe(t) + ", expected a number");
            }
            float v = p.getFloatValue();
            if (!Float.isFinite(v)) {
                throw PredictRequestParser.bad("row " + row + ", nonzero " + k + ": the value " + Excerpt.of(p.getText()) + " is not a finite float32");
            }
            out.room((long) base + k + 1);
            out.values[base + k++] = v;
        }
        return k;
    }
}
