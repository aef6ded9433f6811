package dev.logreg.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logreg.io.LabelMapping;
import dev.logreg.io.SavedModel;
import dev.logreg.model.LinearClassifier;
import dev.logreg.model.LogisticModel;
import dev.logreg.model.OneVsRestModel;
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
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /predict} and {@code /model} of K-class models, over loopback. */
class MulticlassServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[][] W = {{1, -1}, {0.5, 2}, {-1.5, 0.25}};
    private static final double[] B = {0.1, -0.2, 0.1};

    private static SavedModel saved(LinearClassifier m, LabelMapping labels) {
        return new SavedModel(m, labels, null, "test", "lbfgs", 0.5, Status.CONVERGED_GRADIENT, "", 3, 0.1, null, null);
    }

    private static HttpResponse<String> send(HttpClient c, ScoringServer s, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).timeout(TIMEOUT);
        r = body == null ? r.GET() : r.POST(HttpRequest.BodyPublishers.ofString(body));
        return c.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(LinearClassifier model, LabelMapping labels, String strategy) throws Exception {
        try (ScoringServer s = ScoringServer.start(saved(model, labels), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerConfig.DEFAULT.withThreads(2), new PrintWriter(new StringWriter(), true))) {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
            HttpResponse<String> r = send(c, s, "/predict", "{\"rows\": [[1, 0], [0, 3], [-2, 0]]}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode a = JSON.readTree(r.body());
            double[] out = new double[3];
            float[][] rows = {{1, 0}, {0, 3}, {-2, 0}};
            for (int i = 0; i < 3; i++) {
                model.predictProbabilities(rows[i], out);
                for (int k = 0; k < 3; k++) assertEquals(out[k], a.get("probabilities").get(i).get(k).asDouble(), 0.0, r.body());
                assertEquals(labels.name(model.predictClass(rows[i])), a.get("labels").get(i).asText(), r.body());
            }
            assertEquals(labels.numeric(), a.get("labels").get(0).isNumber(), r.body());
            assertEquals(labels.names().get(2), a.get("classes").get(2).asText());

            JsonNode m = JSON.readTree(send(c, s, "/model", null).body());
            assertEquals(strategy, m.get("strategy").asText());
            assertEquals(3, m.get("classes").size());
            assertEquals(3, m.get("coefficients").size());
            assertEquals(W[1][1], m.get("coefficients").get(1).get(1).asDouble());

            // The request parser and its limits are unchanged: a row of the wrong width names the row.
            HttpResponse<String> bad = send(c, s, "/predict", "{\"rows\": [[1, 0], [1]]}");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("row 1"), bad.body());
        }
    }

    @Test
    void multinomialWithTextClasses() throws Exception {
        check(new SoftmaxModel(W, B, true, List.of("a", "b")), LabelMapping.ofStrings(List.of("class_0", "class_1", "class_2")), "multinomial");
    }

    @Test
    void oneVsRestWithNumericClasses() throws Exception {
        List<LogisticModel> ovr = List.of(new LogisticModel(W[0], B[0], true, null), new LogisticModel(W[1], B[1], true, null),
                new LogisticModel(W[2], B[2], true, null));
        check(new OneVsRestModel(ovr), LabelMapping.ofNumbers(3, 5, 7), "ovr");
    }
}
