package io.gatehouse.registry.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.accounts.AccountException;
import io.gatehouse.registry.audit.AuditUnavailableException;
import io.gatehouse.registry.auth.AccessController;
import io.gatehouse.registry.auth.Decision;
import io.gatehouse.registry.auth.HttpReplies;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.http.Errors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The management API ({@code /api/v1}): a small router over a Jetty handler. Every capability registers its
 * routes with {@link #add}; every route declares the {@link Scope} it needs and the router asks the one
 * {@link AccessController} before the handler runs, so no handler carries its own authentication.
 *
 * <p>Answers are JSON; errors use the distribution-spec error shape {@code {"errors":[{"code","message"}]}}.
 * {@link #routes()} lists every route, so tests can check that each one has a row in the permission matrix.
 */
public final class ApiRouter extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
    public static final String PREFIX = "/api/v1";
    private static final int MAX_BODY = 1024 * 1024;

    private final AccessController access;
    private final ObjectMapper json;
    private final List<ApiRoute.Compiled> routes = new CopyOnWriteArrayList<>();

    public ApiRouter(AccessController access) {
        this(access, HttpReplies.JSON);
    }

    public ApiRouter(AccessController access, ObjectMapper json) {
        this.access = access;
        this.json = json;
    }

    /** Registers a route. Thread-safe; may be called after the server started. */
    public ApiRouter add(ApiRoute route) {
        for (ApiRoute.Compiled c : routes) {
            if (c.route().method().equals(route.method()) && c.route().path().equals(route.path())) {
                throw new IllegalArgumentException("route already registered: " + route.method() + " " + route.path());
            }
        }
        List<ApiRoute.Compiled> next = new ArrayList<>(routes);
        next.add(ApiRoute.Compiled.of(route));
        next.sort(Comparator.comparingInt(ApiRoute.Compiled::literalLength).reversed());
        synchronized (routes) {
            routes.clear();
            routes.addAll(next);
        }
        return this;
    }

    public ApiRouter add(String method, String path, Scope scope, ApiRoute.ApiHandler handler, String summary) {
        return add(ApiRoute.of(method, path, scope, handler, summary));
    }

    /** A route whose scope depends on its path parameters, e.g. {@code p -> Scope.repository(p.get("repo"), "admin")}. */
    public ApiRouter add(String method, String path, java.util.function.Function<Map<String, String>, Scope> scope,
                         ApiRoute.ApiHandler handler, String summary) {
        return add(new ApiRoute(method, path, scope, handler, summary));
    }

    /** Every registered route, in matching order. */
    public List<ApiRoute> routes() {
        return routes.stream().map(ApiRoute.Compiled::route).toList();
    }

    /**
     * The scope the route answering {@code method path} needs ({@code path} relative to {@value #PREFIX}), or empty
     * when no route answers it. The web interface asks this for the API call each page mirrors, so a page needs
     * exactly what that call needs.
     */
    public java.util.Optional<Scope> scopeFor(String method, String path) {
        for (ApiRoute.Compiled c : routes) {
            if (!c.route().method().equalsIgnoreCase(method)) continue;
            Map<String, String> p = c.match(path);
            if (p != null) return java.util.Optional.of(c.route().scope().apply(p));
        }
        return java.util.Optional.empty();
    }

    /**
     * Runs the route answering {@code method path} (relative to {@value #PREFIX}) in this process, for a principal
     * the caller has already authorized for that route's scope ({@link #scopeFor}): the web interface does this for
     * its signed-in sessions, so its forms run the API's own handlers (validation, audit, answers) and nothing else.
     * What would be an error answer over HTTP is thrown as an {@link ApiException} with the same status, code and
     * message; an unexpected failure is thrown as it is (the HTTP answer would be a 500).
     *
     * @param query the query parameters (may be empty)
     * @param body  the JSON body as bytes, or what Jackson serialises as the JSON body, or null for none
     */
    public ApiResult invoke(Principal principal, String remoteAddress, String method, String path, Map<String, String> query, Object body) {
        ApiRoute.Compiled found = null;
        Map<String, String> params = null;
        for (ApiRoute.Compiled c : routes) {
            if (!c.route().method().equalsIgnoreCase(method)) continue;
            params = c.match(path);
            if (params != null) {
                found = c;
                break;
            }
        }
        if (found == null) throw new ApiException(404, "NOT_FOUND", "no such API resource");
        requireValidName(found.route().scope().apply(params));
        Fields fields = new Fields();
        query.forEach(fields::put);
        try {
            byte[] bytes = body == null ? new byte[0] : body instanceof byte[] raw ? raw : json.writeValueAsBytes(body);
            return found.route().handler().handle(new ApiCall(principal, remoteAddress, params, fields, bytes, json));
        } catch (Exception e) {
            ApiException answer = answerFor(e);
            if (answer != null) throw answer;
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e);
        }
    }

    /**
     * A repository scope with a name no repository can have is a 400 for every caller, before any permission check:
     * no repository has such a name, so this tells nothing about which valid ones exist.
     */
    public static void requireValidName(Scope scope) {
        if (Scope.REPOSITORY.equals(scope.type()) && !RepositoryName.isValid(scope.name())) {
            throw new ApiException(400, "NAME_INVALID", "invalid repository name");
        }
    }

    /** The error answer for what a handler threw, or null when it is unexpected (an internal error). */
    private static ApiException answerFor(Exception e) {
        if (e instanceof ApiException a) return a;
        // neither the database nor the audit spool took the record (logged where it failed); the change may be committed
        // (not in the audit's transaction), the client must know
        if (e instanceof AuditUnavailableException) return new ApiException(503, "UNAVAILABLE", AuditUnavailableException.MESSAGE);
        if (e instanceof AccountException a) {
            return switch (a.reason()) {
                case INVALID -> new ApiException(400, "INVALID_REQUEST", a.getMessage());
                case NOT_FOUND -> new ApiException(404, "NOT_FOUND", a.getMessage());
                case CONFLICT -> new ApiException(409, "CONFLICT", a.getMessage());
            };
        }
        if (e instanceof IllegalArgumentException) return new ApiException(400, "INVALID_REQUEST", String.valueOf(e.getMessage()));
        return null;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path.startsWith(PREFIX + "/") || path.equals(PREFIX)) path = path.substring(PREFIX.length());
        if (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        String method = request.getMethod();

        ApiRoute.Compiled found = null;
        Map<String, String> params = null;
        TreeSet<String> allowed = new TreeSet<>();
        for (ApiRoute.Compiled c : routes) {
            Map<String, String> p = c.match(path);
            if (p == null) continue;
            allowed.add(c.route().method());
            if (found == null && c.route().method().equalsIgnoreCase(method)) {
                found = c;
                params = p;
            }
        }
        if (found == null) {
            if (allowed.isEmpty()) {
                HttpReplies.error(response, callback, 404, "NOT_FOUND", "no such API resource", Map.of());
            } else {
                HttpReplies.error(response, callback, 405, "UNSUPPORTED", "method not allowed here", Map.of("Allow", String.join(", ", allowed)));
            }
            return true;
        }

        String addr = Request.getRemoteAddr(request);
        try {
            Scope scope = found.route().scope().apply(params);
            requireValidName(scope);
            Decision d = access.authorize(request.getHeaders().get(HttpHeader.AUTHORIZATION), addr, scope);
            if (d instanceof Decision.Denied denied) {
                Errors.dropBodyThen(request, response, () -> HttpReplies.denied(response, callback, denied));
                return true;
            }
            ApiResult result;
            if (found.route().handler() instanceof ApiRoute.StreamingHandler streaming) {
                // uploads (e.g. vulnerability data) read the body themselves, as a stream, past the 1 MiB JSON limit
                try (InputStream in = new RequestBody(request)) {
                    ApiCall call = new ApiCall(((Decision.Allowed) d).principal(), addr, params, Request.extractQueryParameters(request), new byte[0], json);
                    result = streaming.handle(call, in);
                }
            } else {
                Runnable tooLarge = () -> HttpReplies.error(response, callback, 413, "SIZE_INVALID", "request body larger than 1 MiB", Map.of());
                if (request.getLength() > MAX_BODY) {
                    // refused on its announced length, before reading; the body is dropped without holding a thread
                    // so that the 413 reaches a client still sending (a reset would destroy it)
                    Errors.dropBodyThen(request, response, tooLarge);
                    return true;
                }
                byte[] body;
                try (InputStream in = new RequestBody(request)) {
                    body = in.readNBytes(MAX_BODY + 1);
                    // chunked, found too large as read: drop the rest too, or close after answering
                    if (body.length > MAX_BODY && !Errors.dropRest(in)) response.getHeaders().put(HttpHeader.CONNECTION, "close");
                }
                if (body.length > MAX_BODY) {
                    tooLarge.run();
                    return true;
                }
                ApiCall call = new ApiCall(((Decision.Allowed) d).principal(), addr, params, Request.extractQueryParameters(request), body, json);
                result = found.route().handler().handle(call);
            }
            if (result.body() == null) {
                response.setStatus(result.status());
                result.headers().forEach((k, v) -> response.getHeaders().put(k, v));
                callback.succeeded();
            } else {
                HttpReplies.json(response, callback, result.status(), result.body(), result.headers());
            }
        } catch (ApiException | AuditUnavailableException | AccountException | IllegalArgumentException e) {
            ApiException a = answerFor(e);
            HttpReplies.error(response, callback, a.status(), a.code(), a.getMessage(), Map.of());
        } catch (Exception e) {
            if (RequestBody.Unreadable.in(e)) {
                // the client's fault (broken chunked framing, a connection cut mid-body): no stack trace, and the
                // connection closes, since where the next request would start is unknown
                LOG.debug("management API {} {}: {}", method, found.route().path(), e.toString());
                HttpReplies.error(response, callback, 400, "INVALID_REQUEST", "the request body could not be read (malformed or cut short)",
                        Map.of("Connection", "close"));
                return true;
            }
            if (io.gatehouse.registry.cluster.Faults.unavailable(e)) {
                LOG.warn("management API {} {} answered 503: {}", method, found.route().path(), io.gatehouse.registry.cluster.Faults.describe(e));
                HttpReplies.error(response, callback, 503, "UNAVAILABLE", "the registry's database or storage is unavailable for a moment; retry later",
                        Map.of("Retry-After", Long.toString(io.gatehouse.registry.cluster.Faults.RETRY_AFTER.toSeconds())));
                return true;
            }
            LOG.error("management API {} {} failed", method, found.route().path(), e);
            HttpReplies.error(response, callback, 500, "UNKNOWN", "internal error", Map.of());
        }
        return true;
    }
}
