package dev.logreg.server;

import dev.logreg.io.Excerpt;
import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The body of {@code POST /predict}, parsed: {@code {"rows": [[x11, x12, ...], ...], "threshold": 0.5}}. A row may
 * also be sparse, {@code {"indices": [j, ...], "values": [x_j, ...]}}: 0-based column indices, strictly increasing
 * and below the model's width, every other feature 0; dense and sparse rows may be mixed in one request.
 *
 * <p>{@link #parse} is a pure function of its arguments (no I/O, no shared mutable state, thread-safe): bytes in,
 * a {@link PredictRequest} or a {@link RequestException} out, so that it can be fuzzed on its own. Any other
 * exception from it is a bug.
 *
 * <p>What it refuses, with 400 unless said: a body that is not one JSON object (the message gives the line and
 * column); an unknown field, or {@code "rows"} or {@code "threshold"} given twice (JSON leaves duplicate keys
 * undefined; concatenating or picking one would answer a question nobody asked); {@code "rows"} that is not an
 * array of arrays of numbers; a row whose width is not the model's; a value that is not a finite float32; a
 * threshold outside [0, 1]; more than {@code maxRows} rows (413); a sparse row whose indices are not integers in
 * [0, width), are out of order or repeated, whose values are not finite float32, whose two arrays differ in length, or
 * that has another field or lacks one. Messages name the row and column and quote at most
 * {@value dev.logreg.io.Excerpt#LIMIT} characters of the input.
 */
public final class PredictRequestParser {
    private PredictRequestParser() {}

    /**
     * A parsed {@code /predict} request.
     *
     * @param rowMajor  {@code rows x features} values, row-major, all finite float32
     * @param rows      the number of rows (may be 0)
     * @param threshold the probability at or above which the label is positive, in [0, 1]
     */
    public record PredictRequest(float[] rowMajor, int rows, double threshold, SparseRows sparse) {
        /** Checks that the shapes agree. */
        public PredictRequest {
            Objects.requireNonNull(rowMajor, "rowMajor");
            if (rows < 0) throw new IllegalArgumentException("rows is " + rows + ", expected >= 0");
            if (sparse != null && sparse.rowOffsets().length != rows + 1) throw new IllegalArgumentException("sparse rows do not match rows = " + rows);
        }

        /** Dense rows only. */
        public PredictRequest(float[] rowMajor, int rows, double threshold) {
            this(rowMajor, rows, threshold, null);
        }
    }

    /**
     * The rows of a request that holds a sparse row, every row in CSR form (a dense row's nonzeros; its zeros, which
     * change no logit, are dropped): row i's nonzeros are entries {@code rowOffsets[i] .. rowOffsets[i+1]-1} of
     * {@code indices} (strictly increasing, in [0, width)) and {@code values} (finite float32).
     */
    public record SparseRows(int[] rowOffsets, int[] indices, float[] values) {
        /** The most nonzeros in one row (what {@link #copyRow}'s arrays need). */
        public int widest() {
            int w = 0;
            for (int i = 0; i + 1 < rowOffsets.length; i++) w = Math.max(w, rowOffsets[i + 1] - rowOffsets[i]);
            return w;
        }

        /** Row {@code i}'s nonzeros copied to {@code idx[0..]} and {@code val[0..]} (each at least the row's length); returns their count. */
        public int copyRow(int i, int[] idx, float[] val) {
            int from = rowOffsets[i];
            int count = rowOffsets[i + 1] - from;
            System.arraycopy(indices, from, idx, 0, count);
            System.arraycopy(values, from, val, 0, count);
            return count;
        }
    }

    /** Deepest nesting accepted: the object, "rows", a row. Longest number: a float32 needs far fewer characters. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(100).maxNestingDepth(8).build())
            // Jackson's own messages quote the input; keep its quotes short and never the raw document.
            .errorReportConfiguration(ErrorReportConfiguration.builder().maxErrorTokenLength(40).maxRawContentLength(0).build())
            .build();

    /**
     * Parses {@code body[0, length)}.
     *
     * @param body     the request body, UTF-8 JSON
     * @param length   how many bytes of {@code body} are the request
     * @param features the model's number of features: the width every row must have
     * @param maxRows  most rows accepted (413 beyond)
     * @return the request
     * @throws RequestException with status 400 or 413 and a message for the client
     */
    public static PredictRequest parse(byte[] body, int length, int features, int maxRows) throws RequestException {
        Objects.requireNonNull(body, "body");
        Objects.checkFromIndexSize(0, length, body.length);
        if (features < 0) throw new IllegalArgumentException("features is " + features + ", expected >= 0");
        if (maxRows < 1) throw new IllegalArgumentException("maxRows is " + maxRows + ", expected >= 1");
        int n = features;
        // Dense rows: room for 16 to start with (at most 4 MiB), made at the first dense row, grown by doubling.
        float[] x = new float[0];
        SparseRowParser.Csr csr = null; // every row, once a sparse one has come
        int rows = 0;
        double threshold = 0.5;
        boolean sawRows = false, sawThreshold = false;
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw bad("request body is not a JSON object; expected {\"rows\": [[...], ...]}");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("rows")) {
                    if (sawRows) throw bad("field \"rows\" appears twice; send all rows in one array");
                    sawRows = true;
                    if (p.currentToken() != JsonToken.START_ARRAY) throw bad("\"rows\" is " + describe(p.currentToken()) + ", expected an array of rows");
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT) {
                            throw bad("row " + rows + " is " + describe(t) + ", expected an array of numbers or {\"indices\": [...], \"values\": [...]}");
                        }
                        if (rows == maxRows) throw new RequestException(RequestException.TOO_LARGE, "more than " + maxRows + " rows in one request; split it");
                        if (t == JsonToken.START_OBJECT) {
                            if (csr == null) csr = SparseRowParser.Csr.of(x, rows, n);
                            SparseRowParser.parse(p, rows, n, csr);
                            rows++;
                            continue;
                        }
                        if (csr != null) {
                            csr.denseRow(p, rows, n);
                            rows++;
                            continue;
                        }
                        if (x.length == 0) x = new float[(int) Math.min(Math.max(n, 1) * 16L, 1 << 20)];
                        long need = (long) (rows + 1) * n;
                        if (need > Integer.MAX_VALUE - 8) {
                            throw new RequestException(RequestException.TOO_LARGE, "more than " + rows + " rows of " + n + " features do not fit one batch; split the request");
                        }
                        if (need > x.length) x = Arrays.copyOf(x, (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) x.length * 2, need)));
                        int base = rows * n;
                        int j = 0;
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                                throw bad("row " + rows + ", column " + j + " is " + describe(t) + ", expected a number");
                            }
                            if (j >= n) throw bad("row " + rows + " has more than " + n + " values; the model expects " + n + " features");
                            float v = p.getFloatValue();
                            if (!Float.isFinite(v)) {
                                throw bad("row " + rows + ", column " + j + " is " + Excerpt.of(p.getText()) + ", not a finite float32");
                            }
                            x[base + j++] = v;
                        }
                        if (j != n) throw bad("row " + rows + " has " + j + " values; the model expects " + n + " features");
                        rows++;
                    }
                } else if (field.equals("threshold")) {
                    if (sawThreshold) throw bad("field \"threshold\" appears twice");
                    sawThreshold = true;
                    if (!p.currentToken().isNumeric()) throw bad("\"threshold\" is " + describe(p.currentToken()) + ", expected a number in [0, 1]");
                    threshold = p.getDoubleValue();
                    if (!(threshold >= 0 && threshold <= 1)) throw bad("\"threshold\" is " + Excerpt.of(p.getText()) + ", expected a number in [0, 1]");
                } else {
                    throw bad("unknown field \"" + Excerpt.of(field) + "\"; expected \"rows\" and optionally \"threshold\"");
                }
            }
            if (t != JsonToken.END_OBJECT) throw bad("request body is not a JSON object; expected {\"rows\": [[...], ...]}");
            if (p.nextToken() != null) throw bad("unexpected content after the JSON object");
        } catch (StreamConstraintsException e) {
            throw bad("bad JSON: " + constraint(e.getOriginalMessage()));
        } catch (JsonParseException e) {
            JsonLocation at = e.getLocation();
            throw bad("bad JSON: " + reason(e.getOriginalMessage())
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        } catch (IOException e) {
            // Over a byte array the only I/O errors are malformed input (Jackson's CharConversionException for bad UTF-8).
            throw bad("bad JSON: " + reason(e.getMessage()));
        }
        if (!sawRows) throw bad("field \"rows\" is missing; expected {\"rows\": [[...], ...]}");
        if (csr != null) return new PredictRequest(new float[0], rows, threshold, csr.rows(rows));
        return new PredictRequest(x.length == rows * n ? x : Arrays.copyOf(x, rows * n), rows, threshold);
    }

    /** {@link #parse(byte[], int, int, int)} over all of {@code body}. */
    public static PredictRequest parse(byte[] body, int features, int maxRows) throws RequestException {
        return parse(body, body.length, features, maxRows);
    }

    static RequestException bad(String message) {
        return new RequestException(RequestException.BAD_REQUEST, message);
    }

    /**
     * Jackson's reason without what only a Jackson user understands: the feature that would allow the input
     * ("enable `JsonReadFeature...`"), where a marker started ("[Source: REDACTED; line ...]": the location is given
     * separately), class names. Bounded and on one line.
     */
    static String reason(String m) {
        if (m == null || m.isBlank()) return "malformed input";
        String s = m;
        int nl = s.indexOf('\n');
        if (nl >= 0) s = s.substring(0, nl);
        for (String cut : new String[] {": enable ", "; enable ", " (start marker", " at [Source", "[Source", " (for ", "`"}) {
            int i = s.indexOf(cut);
            if (i >= 0) s = s.substring(0, i);
        }
        if (s.contains("com.fasterxml") || s.contains("Feature") || s.contains("java.")) return "malformed input";
        s = s.trim();
        return s.isEmpty() ? "malformed input" : Excerpt.of(s);
    }

    /** A stream constraint (StreamReadConstraints) in the client's terms. */
    private static String constraint(String m) {
        String s = m == null ? "" : m;
        if (s.startsWith("Number value length")) return "a number longer than 100 characters";
        if (s.contains("nesting depth")) return "arrays or objects nested deeper than 8 levels";
        if (s.startsWith("String value length")) return "a string longer than the server accepts";
        if (s.startsWith("Name length")) return "a field name longer than the server accepts";
        return "a value beyond the server's limits";
    }

    /** What a token is, in words. */
    static String describe(JsonToken t) {
        if (t == null) return "the end of the body";
        switch (t) {
            case VALUE_STRING: return "a string";
            case VALUE_NULL: return "null";
            case VALUE_TRUE: case VALUE_FALSE: return "a boolean";
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: return "a number";
            default: return "'" + t.asString() + "'";
        }
    }
}
