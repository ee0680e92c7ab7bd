package io.gatehouse.registry.http;

import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.metrics.Metrics;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Routes by path prefix: /v2 (the Distribution API), /healthz, /readyz, /metrics, and the handlers other
 * capabilities mount (for example /api/v1, /auth). Mounted handlers receive the request unchanged (full path).
 * Times every request for the metrics.
 */
public final class RootHandler extends Handler.Abstract {
    private final Handler v2;
    private final List<Map.Entry<String, Handler>> mounts;
    private final Metrics metrics;
    private final BooleanSupplier ready;
    private final Handler fallback;

    public RootHandler(Handler v2, Map<String, Handler> mounts, Metrics metrics, BooleanSupplier ready) {
        this(v2, mounts, metrics, ready, null);
    }

    /** @param fallback serves every path nothing else does (the web interface), or null for a plain 404 */
    public RootHandler(Handler v2, Map<String, Handler> mounts, Metrics metrics, BooleanSupplier ready, Handler fallback) {
        this.v2 = v2;
        this.fallback = fallback;
        this.mounts = mounts.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, Handler> e) -> e.getKey().length()).reversed())
                .map(e -> Map.entry(e.getKey(), e.getValue())).toList();
        this.metrics = metrics;
        this.ready = ready;
        addBean(v2, true);
        for (Handler h : mounts.values()) addBean(h, true);
        if (fallback != null) addBean(fallback, true);
    }

    @Override
    public void setServer(org.eclipse.jetty.server.Server server) {
        super.setServer(server);
        v2.setServer(server);
        for (var m : mounts) m.getValue().setServer(server);
        if (fallback != null) fallback.setServer(server);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        Callback timed = new Callback() {
            @Override
            public void succeeded() {
                record();
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                record();
                callback.failed(x);
            }

            private void record() {
                Object route = request.getAttribute(V2Handler.ROUTE_ATTRIBUTE);
                metrics.request(route == null ? "other" : route.toString(), request.getMethod(), response.getStatus(),
                        System.nanoTime() - start);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
        String path = Request.getPathInContext(request);
        String raw = request.getHttpURI().getPath();
        if (raw != null && raw.indexOf(';') >= 0) {
            // Jetty drops ";x=y" path parameters before routing, so "/v2/a;x=y/b" would be served as repository a/b
            // while a proxy in front, matching the raw path, saw another one. No route takes parameters: refuse them.
            Errors.send(request, response, timed, new OciError(400, JsonErrorHandler.code(path, 400, true),
                    "path parameters (;) are not accepted"));
            return true;
        }
        if (path.startsWith("/v2") && (path.length() == 3 || path.charAt(3) == '/')) {
            return v2.handle(request, response, timed);
        }
        switch (path) {
            case "/healthz" -> {
                request.setAttribute(V2Handler.ROUTE_ATTRIBUTE, "healthz");
                text(response, timed, 200, "ok\n", "text/plain");
                return true;
            }
            case "/readyz" -> {
                request.setAttribute(V2Handler.ROUTE_ATTRIBUTE, "readyz");
                boolean ok = ready.getAsBoolean();
                text(response, timed, ok ? 200 : 503, ok ? "ready\n" : "not ready\n", "text/plain");
                return true;
            }
            case "/metrics" -> {
                request.setAttribute(V2Handler.ROUTE_ATTRIBUTE, "metrics");
                text(response, timed, 200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8");
                return true;
            }
            default -> {
            }
        }
        for (var m : mounts) {
            String prefix = m.getKey();
            if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                request.setAttribute(V2Handler.ROUTE_ATTRIBUTE, prefix);
                if (m.getValue().handle(request, response, timed)) return true;
            }
        }
        if (fallback != null) {
            request.setAttribute(V2Handler.ROUTE_ATTRIBUTE, "ui");
            if (fallback.handle(request, response, timed)) return true;
        }
        request.setAttribute(V2Handler.ROUTE_ATTRIBUTE, "other");
        text(response, timed, 404, "not found\n", "text/plain");
        return true;
    }

    private static void text(Response response, Callback callback, int status, String body, String type) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, b.length);
        response.write(true, ByteBuffer.wrap(b), callback);
    }
}
