package dev.logreg.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logreg.io.Excerpt;
import dev.logreg.server.PredictRequestParser.PredictRequest;

import java.util.Arrays;
import java.util.List;

/**
 * Fuzz test of {@link PredictRequestParser#parse}, the server's parser of untrusted request bodies. The first two
 * bytes of an input choose the model's width (0 to 4 features) and the row limit (1 to 8 rows), so that width
 * mismatches and 413s are reached; the rest is the body (rows dense, or sparse {@code {"indices", "values"}} objects). The only outcomes allowed are a request whose invariants
 * hold or a {@link RequestException} with status 400 or 413 and a one-line, bounded message free of library
 * internals (unless the client sent those words itself, and the message quotes them); anything else (another
 * exception, a NaN let through, a second line) is a finding. Under
 * {@code mvn verify} it runs once per committed input in
 * {@code src/test/resources/dev/logreg/server/PredictRequestFuzzTestInputs/parse/} (Jazzer's regression mode);
 * {@code MODULE=server scripts/fuzz.sh PredictRequestFuzzTest#parse} fuzzes (DEVELOPERS.md, "Fuzzing").
 */
class PredictRequestFuzzTest {
    /** Longest message allowed: a few quotes of {@link Excerpt#LIMIT} characters and the words around them. */
    private static final int MAX_MESSAGE = 4 * Excerpt.LIMIT + 200;

    private static final List<String> INTERNALS = List.of("jackson", "Jackson", "REDACTED", "Source:", "ALLOW_", "Exception", "\tat ");

    @FuzzTest
    void parse(byte[] input) {
        int features = input.length > 0 ? Math.floorMod(input[0], 5) : 3;
        int maxRows = input.length > 1 ? 1 + Math.floorMod(input[1], 8) : 8;
        byte[] body = input.length > 2 ? Arrays.copyOfRange(input, 2, input.length) : new byte[0];
        PredictRequest request;
        try {
            request = PredictRequestParser.parse(body, body.length, features, maxRows);
        } catch (RequestException e) {
            check(e, new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
            return;
        }
        if (request.rows() > maxRows) throw new AssertionError(request.rows() + " rows accepted, the limit is " + maxRows);
        if (request.sparse() != null) {
            checkSparse(request.sparse(), request.rows(), features);
        } else {
            if (request.rowMajor().length < (long) request.rows() * features) {
                throw new AssertionError(request.rowMajor().length + " values for " + request.rows() + " rows of " + features);
            }
            for (int i = 0; i < request.rows() * features; i++) {
                if (!Float.isFinite(request.rowMajor()[i])) throw new AssertionError("value " + i + " is " + request.rowMajor()[i]);
            }
        }
        if (!(request.threshold() >= 0 && request.threshold() <= 1)) throw new AssertionError("threshold " + request.threshold());
    }

    /** CSR rows: offsets from 0, never decreasing; indices strictly increasing within a row and below the width; values finite. */
    private static void checkSparse(PredictRequestParser.SparseRows s, int rows, int features) {
        int[] o = s.rowOffsets();
        if (o.length != rows + 1 || o[0] != 0 || o[rows] != s.indices().length || s.indices().length != s.values().length) {
            throw new AssertionError("sparse rows of bad shape: " + Arrays.toString(o));
        }
        for (int i = 0; i < rows; i++) {
            if (o[i + 1] < o[i]) throw new AssertionError("offsets decrease at row " + i);
            for (int k = o[i]; k < o[i + 1]; k++) {
                int j = s.indices()[k];
                if (j < 0 || j >= features || (k > o[i] && j <= s.indices()[k - 1])) throw new AssertionError("row " + i + ": index " + j);
                if (!Float.isFinite(s.values()[k])) throw new AssertionError("row " + i + ": value " + s.values()[k]);
            }
        }
    }

    /** {@code text}: the body as characters, so that a marker the client itself sent (and the message quotes) is no finding. */
    private static void check(RequestException e, String text) {
        if (e.status() != RequestException.BAD_REQUEST && e.status() != RequestException.TOO_LARGE) {
            throw new AssertionError("status " + e.status() + " from the parser: " + e.getMessage());
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) throw new AssertionError("a refusal without a message");
        if (m.length() > MAX_MESSAGE) throw new AssertionError("a message of " + m.length() + " characters: " + Excerpt.of(m));
        if (m.contains("\n") || m.contains("\r")) throw new AssertionError("a message of several lines: " + Excerpt.of(m));
        for (String internal : INTERNALS) {
            if (m.contains(internal) && !text.contains(internal)) throw new AssertionError("library internals (" + internal + ") in: " + Excerpt.of(m));
        }
    }
}
