package dev.logreg.server;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Writing the server's answers: every one JSON, with its length. Stateless. */
final class Replies {
    private Replies() {}

    private static final JsonFactory JSON = new JsonFactory();

    /** {@code {"error": message}} as UTF-8. */
    static byte[] error(String message) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(message.length() + 16);
        try (JsonGenerator g = JSON.createGenerator(b, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return b.toByteArray();
    }

    /**
     * Writes the whole answer and completes {@code callback} when it is sent. For HEAD, Jetty sends the headers
     * (the same Content-Length) without the body.
     *
     * @param close whether to close the connection after it ({@code Connection: close})
     */
    static void send(Response response, int status, byte[] body, boolean close, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ScoringServer.JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (close) response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** {@link #send} of {@code {"error": message}}. */
    static void sendError(Response response, int status, String message, boolean close, Callback callback) {
        send(response, status, error(message), close, callback);
    }
}
