package dev.logreg.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PredictRequestParser} on its own: bytes in, a request or a {@link RequestException} out. */
class PredictRequestParserTest {
    private static PredictRequestParser.PredictRequest parse(String body, int features, int maxRows) throws RequestException {
        return PredictRequestParser.parse(body.getBytes(StandardCharsets.UTF_8), features, maxRows);
    }

    private static RequestException refused(int status, String fragment, String body, int features, int maxRows) {
        RequestException e = assertThrows(RequestException.class, () -> parse(body, features, maxRows), body);
        assertEquals(status, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in " + e.getMessage());
        return e;
    }

    @Test
    void parsesRowsAndThreshold() throws Exception {
        PredictRequestParser.PredictRequest r = parse("{\"threshold\": 0.25, \"rows\": [[1, 2.5], [-3e2, 0.1]]}", 2, 10);
        assertEquals(2, r.rows());
        assertEquals(0.25, r.threshold(), 0.0);
        assertArrayEquals(new float[] {1f, 2.5f, -300f, 0.1f}, r.rowMajor());
        PredictRequestParser.PredictRequest empty = parse("{\"rows\": []}", 3, 1);
        assertEquals(0, empty.rows());
        assertEquals(0.5, empty.threshold(), 0.0);
        assertEquals(0, empty.rowMajor().length);
    }

    @Test
    void growsPastItsFirstBuffer() throws Exception {
        StringBuilder sb = new StringBuilder("{\"rows\": [");
        for (int i = 0; i < 1000; i++) sb.append(i == 0 ? "" : ",").append("[").append(i).append(",").append(-i).append("]");
        PredictRequestParser.PredictRequest r = parse(sb.append("]}").toString(), 2, 1000);
        assertEquals(1000, r.rows());
        assertEquals(2000, r.rowMajor().length);
        assertEquals(999f, r.rowMajor()[1998]);
        assertEquals(-999f, r.rowMajor()[1999]);
    }

    @Test
    void onlyTheGivenLengthIsRead() throws Exception {
        byte[] b = "{\"rows\": [[1]]}GARBAGE".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, PredictRequestParser.parse(b, b.length - 7, 1, 1).rows());
    }

    @Test
    void refusesWithTheStatusAndWhere() {
        refused(400, "field \"rows\" appears twice", "{\"rows\": [[1]], \"rows\": [[2]]}", 1, 10);
        refused(400, "field \"threshold\" appears twice", "{\"threshold\": 0.1, \"rows\": [], \"threshold\": 0.1}", 1, 10);
        refused(400, "field \"rows\" is missing", "{}", 1, 10);
        refused(400, "row 1 has 1 values; the model expects 2", "{\"rows\": [[1, 2], [3]]}", 2, 10);
        refused(400, "row 0 has more than 2 values", "{\"rows\": [[1, 2, 3]]}", 2, 10);
        refused(400, "row 0, column 1 is 1e39, not a finite float32", "{\"rows\": [[1, 1e39]]}", 2, 10);
        refused(400, "row 0, column 0 is a string", "{\"rows\": [[\"1\"]]}", 1, 10);
        refused(400, "row 1: field \"indices\" is missing; a sparse row is", "{\"rows\": [[1], {}]}", 1, 10); // an object is a sparse row
        refused(400, "\"threshold\" is -0.5", "{\"rows\": [], \"threshold\": -0.5}", 1, 10);
        refused(400, "unexpected content after the JSON object", "{\"rows\": []} []", 1, 10);
        refused(400, "not a JSON object", "[]", 1, 10);
        refused(400, "not a JSON object", "", 1, 10);
        refused(413, "more than 2 rows", "{\"rows\": [[1], [2], [3]]}", 1, 2);
        refused(400, "bad JSON: a number longer than 100 characters", "{\"rows\": [[" + "9".repeat(101) + "]]}", 1, 10);
    }

    @Test
    void messagesAreBoundedAndFreeOfLibraryWords() {
        String field = "k".repeat(10_000);
        RequestException e = refused(400, "unknown field \"" + "k".repeat(100) + "...\"", "{\"" + field + "\": 1}", 1, 10);
        assertTrue(e.getMessage().length() < 200, e.getMessage());
        for (String body : new String[] {"{\"rows\": [[NaN]]}", "{\"rows\": [[Infinity]]}", "{\"rows\": [[1,]]}", "{'rows': []}",
                "{\"rows\": [[" + "z".repeat(5000) + "]]}", "{\"rows\": [[1]]", "\u0000\u0001", "{\"rows\": [[01]]}"}) {
            RequestException x = assertThrows(RequestException.class, () -> parse(body, 1, 10), body);
            assertEquals(400, x.status());
            assertTrue(x.getMessage().startsWith("bad JSON") || x.getMessage().contains("not a JSON object"), x.getMessage());
            for (String leak : new String[] {"Feature", "`", "Source", "REDACTED", "com.fasterxml", "Exception"}) {
                assertFalse(x.getMessage().contains(leak), leak + " in " + x.getMessage());
            }
            assertTrue(x.getMessage().length() < 250, x.getMessage());
        }
    }

    @Test
    void invalidUtf8IsBadJson() {
        byte[] b = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        RequestException e = assertThrows(RequestException.class, () -> PredictRequestParser.parse(b, 1, 10));
        assertEquals(400, e.status());
    }

    @Test
    void reasonCutsJacksonsAdvice() {
        assertEquals("Non-standard token 'NaN'", PredictRequestParser.reason("Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"));
        assertEquals("Unexpected end-of-input: expected close marker for Array",
                PredictRequestParser.reason("Unexpected end-of-input: expected close marker for Array (start marker at [Source: REDACTED; line: 1, column: 10])"));
        assertEquals("malformed input", PredictRequestParser.reason(null));
    }
}
