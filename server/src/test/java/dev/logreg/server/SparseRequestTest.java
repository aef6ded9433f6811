package dev.logreg.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.SoftmaxModel;
import dev.logreg.optim.Status;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows sent as {@code {"indices": [...], "values": [...]}}: parsed, refused, and scored over loopback. */
class SparseRequestTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PredictRequestParser.PredictRequest parse(String body, int features) throws RequestException {
        return PredictRequestParser.parse(body.getBytes(StandardCharsets.UTF_8), features, 10);
    }

    @Test
    void sparseAndDenseRowsMix() throws Exception {
        PredictRequestParser.PredictRequest r = parse("{\"rows\": [[0, 2, 0, 1], {\"values\": [5, -1], \"indices\": [1, 3]}, {\"indices\": [], \"values\": []}, [1, 0, 0, 0]]}", 4);
        assertEquals(4, r.rows());
        PredictRequestParser.SparseRows s = r.sparse();
        assertArrayEquals(new int[] {0, 2, 4, 4, 5}, s.rowOffsets());
        assertArrayEquals(new int[] {1, 3, 1, 3, 0}, s.indices());
        assertArrayEquals(new float[] {2, 1, 5, -1, 1}, s.values());
        assertEquals(2, s.widest());
        PredictRequestParser.PredictRequest dense = parse("{\"rows\": [[0, 2, 0, 1]]}", 4);
        assertNull(dense.sparse());
        assertArrayEquals(new float[] {0, 2, 0, 1}, dense.rowMajor());
    }

    @Test
    void badSparseRowsAreRefusedNamingTheRow() {
        String[][] cases = {
            {"{\"rows\": [[1, 2, 3], {\"indices\": [3], \"values\": [1]}]}", "row 1, nonzero 0: column index 3 is outside [0, 3)"},
            {"{\"rows\": [{\"indices\": [-1], \"values\": [1]}]}", "row 0, nonzero 0: column index -1 is outside [0, 3)"},
            {"{\"rows\": [{\"indices\": [99999999999], \"values\": [1]}]}", "row 0, nonzero 0: column index 99999999999 is outside [0, 3)"},
            {"{\"rows\": [{\"indices\": [2, 1], \"values\": [1, 1]}]}", "row 0, nonzero 1: column index 1 follows 2 (indices must be sorted and unique)"},
            {"{\"rows\": [{\"indices\": [1, 1], \"values\": [1, 1]}]}", "row 0, nonzero 1: column index 1 repeats"},
            {"{\"rows\": [{\"indices\": [1.5], \"values\": [1]}]}", "row 0, nonzero 0: the index is a number with a fraction or exponent, expected an integer"},
            {"{\"rows\": [{\"indices\": [1], \"values\": [1e39]}]}", "row 0, nonzero 0: the value 1e39 is not a finite float32"},
            {"{\"rows\": [{\"indices\": [1], \"values\": [\"x\"]}]}", "row 0, nonzero 0: the value is a string, expected a number"},
            {"{\"rows\": [{\"indices\": [1, 2], \"values\": [1]}]}", "row 0 has 2 indices but 1 values"},
            {"{\"rows\": [{\"indices\": [1]}]}", "row 0: field \"values\" is missing"},
            {"{\"rows\": [{\"indices\": [1], \"indices\": [1], \"values\": [1]}]}", "row 0: field \"indices\" appears twice"},
            {"{\"rows\": [{\"indices\": [1], \"values\": [1], \"w\": [1]}]}", "row 0: unknown field \"w\""},
            {"{\"rows\": [{\"indices\": 1, \"values\": [1]}]}", "row 0: \"indices\" is a number, expected an array"},
            {"{\"rows\": [{\"indices\": [0], \"values\": [1]}, [1, 2]]}", "row 1 has 2 values; the model expects 3 features"},
            {"{\"rows\": [{\"indices\": [0], \"values\": [1]}, [1, \"a\", 3]]}", "row 1, column 1 is a string, expected a number"},
        };
        for (String[] c : cases) {
            RequestException e = assertThrows(RequestException.class, () -> parse(c[0], 3), c[0]);
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
    }

    private static SavedModel saved(LinearClassifier m, LabelMapping labels) {
        return new SavedModel(m, labels, null, "test", "owlqn", 0.5, Status.CONVERGED_GRADIENT, "", 3, 0.1, null, null);
    }

    private static HttpResponse<String> send(HttpClient c, ScoringServer s, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).timeout(TIMEOUT);
        r = body == null ? r.GET() : r.POST(HttpRequest.BodyPublishers.ofString(body));
        return c.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A model of a million features, three of them nonzero, scores sparse rows; /model lists the coefficients sparse. */
    @Test
    void aWideModelScoresSparseRowsOverHttp() throws Exception {
        int n = 1_000_000;
        double[] w = new double[n];
        w[3] = 1.5;
        w[700_000] = -2;
        w[n - 1] = 0.25;
        LogisticModel binary = new LogisticModel(w, 0.1, true, null);
        double[][] wk = {w, new double[n], w.clone()};
        wk[2][5] = 3;
        SoftmaxModel softmax = new SoftmaxModel(wk, new double[] {0, 1, -1}, true, null);
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
        String body = "{\"rows\": [{\"indices\": [3, 700000], \"values\": [2, 0.5]}, {\"indices\": [5, 999999], \"values\": [1, -4]}, {\"indices\": [], \"values\": []}]}";
        int[][] idx = {{3, 700_000}, {5, 999_999}, {}};
        float[][] val = {{2, 0.5f}, {1, -4}, {}};
        try (ScoringServer s = ScoringServer.start(saved(binary, LabelMapping.ZERO_ONE), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerConfig.DEFAULT.withThreads(2), new PrintWriter(new StringWriter(), true))) {
            HttpResponse<String> r = send(c, s, "/predict", body);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode a = JSON.readTree(r.body());
            for (int i = 0; i < 3; i++) {
                assertEquals(binary.predictProbability(idx[i], val[i], idx[i].length), a.get("probabilities").get(i).asDouble(), 0.0, r.body());
            }
            HttpResponse<String> bad = send(c, s, "/predict", "{\"rows\": [{\"indices\": [1], \"values\": [1]}, {\"indices\": [1000000], \"values\": [1]}]}");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("row 1, nonzero 0: column index 1000000 is outside [0, 1000000)"), bad.body());
            String model = send(c, s, "/model", null).body();
            assertTrue(model.length() < 2_000, model.length() + " characters");
            JsonNode m = JSON.readTree(model);
            assertEquals("[3,700000,999999]", m.get("coefficients").get("indices").toString());
        }
        LabelMapping classes = LabelMapping.ofStrings(List.of("a", "b", "c"));
        try (ScoringServer s = ScoringServer.start(saved(softmax, classes), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerConfig.DEFAULT.withThreads(2), new PrintWriter(new StringWriter(), true))) {
            HttpResponse<String> r = send(c, s, "/predict", body);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode a = JSON.readTree(r.body());
            double[] out = new double[3];
            for (int i = 0; i < 3; i++) {
                softmax.predictProbabilities(idx[i], val[i], idx[i].length, out);
                for (int k = 0; k < 3; k++) assertEquals(out[k], a.get("probabilities").get(i).get(k).asDouble(), 0.0, r.body());
                assertEquals(classes.name(softmax.predictClass(idx[i], val[i], idx[i].length)), a.get("labels").get(i).asText());
            }
        }
    }
}
