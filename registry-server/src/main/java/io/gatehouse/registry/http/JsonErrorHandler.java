package io.gatehouse.registry.http;

import io.gatehouse.registry.content.OciError;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Jetty's own errors as JSON: requests Jetty refuses before any handler sees them (bad HTTP, a URI too long (414),
 * headers too large (431), an ambiguous path such as {@code %2E%2E} or {@code %2F}, a bad Content-Length) and failures
 * that escape a handler. By default Jetty answers those with an HTML page that registry clients cannot read.
 * <p>
 * Every answer has the {@code {"errors":[{"code":…,"message":…}]}} shape that /v2 (distribution spec) and /api (the
 * management API) share; only the codes differ by path. The message is Jetty's reason for a refusal it made itself,
 * else the status text: never the URI or a header, which can hold credentials.
 */
public final class JsonErrorHandler extends ErrorHandler {

    public JsonErrorHandler() {
        setCacheControl("no-store");
    }

    /** Every method gets a body (Jetty's default gives none to PUT, PATCH or DELETE); HEAD is handled below. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) {
        if (status >= 500 && cause != null && io.gatehouse.registry.cluster.Faults.unavailable(cause)) {
            // a handler (the token endpoint, a mounted API) let an outage of the database or storage escape: that is
            // 503 and "retry later", not 500
            status = 503;
            message = "the registry's database or storage is unavailable for a moment; retry later";
            response.getHeaders().put("Retry-After", Long.toString(io.gatehouse.registry.cluster.Faults.RETRY_AFTER.toSeconds()));
            cause = null;
        }
        String reason = cause instanceof HttpException he && he.getReason() != null ? he.getReason()
                : status == 503 && message != null ? message : HttpStatus.getMessage(status);
        HttpURI uri = uriOf(request);
        String path = uri == null ? null : uri.getPath();
        // A 400 Jetty gave for the path itself: a violation it recorded, or an encoding it could not decode (%00).
        boolean badPath = uri != null && (uri.hasViolations() || reason.contains("URI") || reason.contains("path")
                || (path != null && (path.contains("%") || path.contains("//") || path.contains(";"))));
        OciError error = new OciError(status, code(path, status, badPath), reason);
        response.setStatus(status);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
            response.write(true, null, callback);
            return;
        }
        byte[] body = Errors.body(error);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The error code a client of that path expects: the distribution spec's under /v2, the management API's under /api. */
    static String code(String path, int status, boolean badPath) {
        boolean api = path != null && (path.equals("/api") || path.startsWith("/api/"));
        if (status >= 500) return "UNKNOWN";
        if (status == 401) return "UNAUTHORIZED";
        if (status == 403) return "DENIED";
        if (status == 429) return "TOOMANYREQUESTS";
        if (status == 413 || status == 414 || status == 431) return api ? "SIZE_INVALID" : "UNSUPPORTED";
        if (status == 404) return api ? "NOT_FOUND" : "UNSUPPORTED";
        if (api) return "INVALID_REQUEST";
        // Under /v2 the path holds the repository name: a path Jetty refused (encoded dot segments, %2F, %00, empty
        // segments) is a name the registry refuses too, with the code clients know for that.
        return status == 400 && badPath && path != null && (path.equals("/v2") || path.startsWith("/v2/")) ? "NAME_INVALID" : "UNSUPPORTED";
    }

    /** The URI when the request line was read, else null (a URI too long to read, say). */
    private static HttpURI uriOf(Request request) {
        try {
            return request.getHttpURI();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
