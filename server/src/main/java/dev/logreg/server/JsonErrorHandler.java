package dev.logreg.server;

import dev.logreg.io.Excerpt;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Jetty's error answers, as {@code {"error": ...}} JSON instead of its HTML pages: requests refused before they
 * reach the server's handler (a malformed request line or header such as {@code Content-Length: abc}, headers or
 * a URI too long, an unsupported HTTP version) and failures Jetty reports itself. The message is ours, by status,
 * with Jetty's short reason where it is plain words (never a class name or a stack trace).
 */
final class JsonErrorHandler extends ErrorHandler {
    private final PrintWriter log;
    private final BooleanSupplier stopping;

    /**
     * @param log      where a line goes for each 5xx Jetty answers itself, with its cause; {@code null} for nowhere
     * @param stopping whether the server is stopping (a request cut by the stop is then a 503)
     */
    JsonErrorHandler(PrintWriter log, BooleanSupplier stopping) {
        this.log = log;
        this.stopping = stopping;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        if (code >= 500 && cause instanceof IOException) {
            // The connection failed or was closed under a request in progress (the client left, or the stop closed
            // it; Jetty then fails the request with an EofException): not a failure of the server, so no 500 and no
            // log line. Where the connection can still carry an answer, it says what happened.
            boolean stop = stopping.getAsBoolean();
            response.setStatus(stop ? HttpStatus.SERVICE_UNAVAILABLE_503 : HttpStatus.BAD_REQUEST_400);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, ScoringServer.JSON);
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            response.write(true, ByteBuffer.wrap(Replies.error(stop ? "the server is shutting down"
                    : "the connection failed before the request ended")), callback);
            return;
        }
        if (code >= 500 && log != null) {
            synchronized (log) {
                log.println("logreg serve: " + request.getMethod() + " " + Excerpt.of(request.getHttpURI().getPath()) + ": HTTP " + code
                        + " from the server library: " + (message == null ? "" : message.replace('\n', ' '))
                        + (cause == null ? "" : " (" + cause.getClass().getName() + ": " + String.valueOf(cause.getMessage()).replace('\n', ' ') + ")"));
                log.flush();
            }
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ScoringServer.JSON);
        response.write(true, ByteBuffer.wrap(Replies.error(message(code, message))), callback);
    }

    /** Our words for a status Jetty chose, with its reason where it is plain words. */
    static String message(int status, String reason) {
        String what;
        switch (status) {
            case HttpStatus.BAD_REQUEST_400: what = "malformed HTTP request"; break;
            case HttpStatus.REQUEST_TIMEOUT_408: what = "the request did not arrive in time"; break;
            case HttpStatus.PAYLOAD_TOO_LARGE_413: what = "the request is too large"; break;
            case HttpStatus.URI_TOO_LONG_414: what = "the request URI is too long"; break;
            case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431: what = "the request headers are too large"; break;
            case HttpStatus.NOT_IMPLEMENTED_501: what = "the request's method or transfer encoding is not supported"; break;
            case HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505: what = "the HTTP version is not supported; use HTTP/1.1"; break;
            case HttpStatus.SERVICE_UNAVAILABLE_503: what = "the server is busy or shutting down"; break;
            default: what = status >= 500 ? "internal error" : "request refused (HTTP " + status + ")";
        }
        String r = plain(reason);
        // Jetty's reason often repeats the status text ("Bad Request"): add it only where it says more.
        if (r == null || r.equalsIgnoreCase(HttpStatus.getMessage(status))) return what;
        return what + ": " + r;
    }

    /** {@code reason} if it is short plain words about the request, else null. */
    private static String plain(String reason) {
        if (reason == null || reason.isBlank()) return null;
        String lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("exception") || lower.contains("org.eclipse") || lower.contains("java.") || lower.contains("\tat ")) return null;
        return Excerpt.of(reason.trim());
    }
}
