package io.gatehouse.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.registry.content.OciError;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Writes the distribution-spec error body: {@code {"errors":[{"code":…,"message":…,"detail":…}]}}. */
public final class Errors {
    static final ObjectMapper JSON = new ObjectMapper();

    private Errors() {
    }

    public static byte[] body(OciError error) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode errors = root.putArray("errors");
        ObjectNode e = errors.addObject();
        e.put("code", error.code());
        e.put("message", error.message() == null ? "" : error.message());
        if (error.detail() != null) e.set("detail", JSON.valueToTree(error.detail()));
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A refused request's body up to this size is read and dropped before the error goes out. Otherwise the connection
     * is closed with the body's bytes unread, the kernel answers them with a reset, and a client still sending (a
     * 4 MiB manifest, a chunk sent out of order) can lose the error response itself ("no bytes received") instead
     * of reading why it was refused. Larger bodies (layers) are not worth receiving: the connection just closes.
     */
    static final long DRAIN_LIMIT = 16L << 20;

    /**
     * Sends {@code error} (no body for HEAD, as HTTP requires). A request body not read yet is dropped first, without
     * holding a thread while its bytes are awaited (see {@link BodyDrain}); when it cannot be read to its end (too
     * long, too slow, failed) the answer says {@code Connection: close} and the connection closes after it.
     */
    public static void send(Request request, Response response, Callback callback, OciError error) {
        if (request.getLength() > DRAIN_LIMIT) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            write(request, response, callback, error);
        } else if (BodyDrain.hasUnreadBody(request)) {
            BodyDrain.then(request, DRAIN_LIMIT, wholeBodyRead -> {
                if (!wholeBodyRead) response.getHeaders().put(HttpHeader.CONNECTION, "close");
                write(request, response, callback, error);
            });
        } else {
            write(request, response, callback, error);
        }
    }

    /** Seconds a client is asked to wait before retrying a 503 (storage or database unreachable). */
    static final String RETRY_AFTER_SECONDS = "5";

    private static void write(Request request, Response response, Callback callback, OciError error) {
        response.setStatus(error.status());
        if (error.status() == 503 && !response.getHeaders().contains(HttpHeader.RETRY_AFTER)) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (HttpMethod.HEAD.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
            response.write(true, null, callback);
            return;
        }
        byte[] body = body(error);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
