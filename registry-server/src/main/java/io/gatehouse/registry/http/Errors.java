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

    /** Sends {@code error} (no body for HEAD, as HTTP requires). */
    public static void send(Request request, Response response, Callback callback, OciError error) {
        response.setStatus(error.status());
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
