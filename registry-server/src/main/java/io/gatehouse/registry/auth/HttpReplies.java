package io.gatehouse.registry.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** Writes JSON answers and OCI-style error bodies from Jetty handlers (the token endpoint and the management API). */
public final class HttpReplies {

    public static final ObjectMapper JSON = new ObjectMapper()
            .findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private HttpReplies() {
    }

    public static void json(Response response, Callback callback, int status, Object body, Map<String, String> headers) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        headers.forEach((k, v) -> response.getHeaders().put(k, v));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** {@code {"errors":[{"code":…,"message":…}]}}, the distribution-spec error shape, used everywhere we answer an error. */
    public static void error(Response response, Callback callback, int status, String code, String message, Map<String, String> headers) {
        json(response, callback, status, Map.of("errors", List.of(Map.of("code", code, "message", message))), headers);
    }

    public static void denied(Response response, Callback callback, Decision.Denied d) {
        error(response, callback, d.status(), d.errorCode(), d.message(), d.headers());
    }
}
