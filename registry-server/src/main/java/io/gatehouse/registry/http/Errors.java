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
    public static final long DRAIN_LIMIT = 16L << 20;

    /**
     * For handlers that read a bounded body through a blocking stream and found it too large: reads and drops the
     * rest, up to {@link #DRAIN_LIMIT}, so that the refusal reaches a client still sending (see above). Returns false
     * when more is left (or the read failed): the answer must then say {@code Connection: close}.
     */
    public static boolean dropRest(java.io.InputStream in) {
        try {
            in.transferTo(new BoundedSink(DRAIN_LIMIT)); // throws past the limit
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Swallows bytes until more than its limit arrived, then fails the copy. */
    private static final class BoundedSink extends java.io.OutputStream {
        private long left;

        BoundedSink(long limit) {
            left = limit;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            left -= len;
            if (left < 0) throw new java.io.IOException("body longer than the drain limit");
        }
    }

    /**
     * Sends {@code error} (no body for HEAD, as HTTP requires). A request body not read yet is dropped first, without
     * holding a thread while its bytes are awaited (see {@link BodyDrain}); when it cannot be read to its end (too
     * long, too slow, failed) the answer says {@code Connection: close} and the connection closes after it.
     */
    public static void send(Request request, Response response, Callback callback, OciError error) {
        dropBodyThen(request, response, () -> write(request, response, callback, error));
    }

    /**
     * Runs {@code answer} once the request's unread body, if any, is dropped (up to {@link #DRAIN_LIMIT}, without
     * holding a thread); a body that is longer, or cannot be read, makes the answer say {@code Connection: close}.
     * For any refusal answered before the body was looked at (a 401, a 413 on the announced length).
     */
    public static void dropBodyThen(Request request, Response response, Runnable answer) {
        if (request.getLength() > DRAIN_LIMIT) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            answer.run();
        } else if (BodyDrain.hasUnreadBody(request)) {
            BodyDrain.then(request, DRAIN_LIMIT, wholeBodyRead -> {
                if (!wholeBodyRead) response.getHeaders().put(HttpHeader.CONNECTION, "close");
                answer.run();
            });
        } else {
            answer.run();
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
