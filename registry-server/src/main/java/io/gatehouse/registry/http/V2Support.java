package io.gatehouse.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.registry.auth.AccessController;
import io.gatehouse.registry.auth.Decision;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.metrics.Metrics;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What every /v2 resource handler shares: asking the {@link AccessController}, the deletes switch, and writing the
 * small answers (JSON bodies, 202s, pagination links). Kept in one place so that each resource answers a refusal, a
 * hidden repository or a page boundary exactly as the others do.
 */
final class V2Support {
    static final String CONTENT_DIGEST = "Docker-Content-Digest";

    private final AccessController access;
    private final Metrics metrics;
    private final boolean deleteEnabled;

    V2Support(AccessController access, Metrics metrics, boolean deleteEnabled) {
        this.access = access;
        this.metrics = metrics;
        this.deleteEnabled = deleteEnabled;
    }

    /**
     * How a route answers for a repository the access controller hides from the caller: exactly as it answers for one
     * that does not exist, so that a refusal does not tell the caller the repository is there.
     */
    @FunctionalInterface
    interface HiddenAnswer {
        /** Sends the answer, or throws the error to be sent. */
        void send(Request request, Response response, Callback callback, String name);
    }

    /** The answer of most routes for a missing repository. */
    static final HiddenAnswer NAME_UNKNOWN = (request, response, callback, name) -> {
        throw OciError.nameUnknown(name).exception();
    };

    /** The access controller's decision on the request's credentials for {@code scope}; sends nothing. */
    Decision decide(Request request, Scope scope) {
        return access.authorize(request.getHeaders().get(HttpHeader.AUTHORIZATION), Request.getRemoteAddr(request), scope);
    }

    /** Returns the caller, or null after sending the access controller's refusal (a hidden repository: NAME_UNKNOWN). */
    Principal authorize(Request request, Response response, Callback callback, Scope scope) {
        return authorize(request, response, callback, scope, NAME_UNKNOWN);
    }

    /** Returns the caller, or null after sending the access controller's refusal ({@code hidden} for a hidden repository). */
    Principal authorize(Request request, Response response, Callback callback, Scope scope, HiddenAnswer hidden) {
        Decision d = decide(request, scope);
        if (d instanceof Decision.Allowed a) return a.principal();
        Decision.Denied denied = (Decision.Denied) d;
        if (denied.status() == 404 && Scope.REPOSITORY.equals(scope.type())) {
            hidden.send(request, response, callback, scope.name());
            return null;
        }
        for (Map.Entry<String, String> h : denied.headers().entrySet()) response.getHeaders().put(h.getKey(), h.getValue());
        Errors.send(request, response, callback, new OciError(denied.status(), denied.errorCode(), denied.message()));
        return null;
    }

    static void requireMethod(String method, String... allowed) {
        for (String a : allowed) if (a.equals(method)) return;
        throw OciError.unsupported(405, "method " + method + " is not allowed here").exception();
    }

    /** Checked after authorization, so that a caller who may not delete learns nothing about the switch. */
    void requireDeletesEnabled() {
        if (!deleteEnabled) throw OciError.unsupported(405, "deletes are disabled on this registry").exception();
    }

    /**
     * Parses the {@code n} page size of the tags and catalog lists; null when absent.
     */
    static Integer pageSize(String value) {
        if (value == null || value.isEmpty()) return null;
        try {
            int n = Integer.parseInt(value);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new OciError(400, "PAGINATION_NUMBER_INVALID", "n must be a non-negative integer", value).exception();
        }
    }

    /** The RFC 5988 link to the page after {@code last}, as the spec's paginated lists give it. */
    static void nextPageLink(Response response, String path, int n, String last) {
        response.getHeaders().put(HttpHeader.LINK, "<" + path + "?n=" + n + "&last="
                + URLEncoder.encode(last, StandardCharsets.UTF_8) + ">; rel=\"next\"");
    }

    static void accepted(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
        response.setStatus(202);
        response.write(true, null, callback);
    }

    /** Answers 200 with {@code root} as the body (only its length for HEAD), counting the bytes sent. */
    void json(Request request, Response response, Callback callback, JsonNode root, String type) {
        byte[] body = root.toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            response.write(true, null, callback);
        } else {
            metrics.bytesOut(body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }
}
