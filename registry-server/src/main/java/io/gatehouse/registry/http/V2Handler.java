package io.gatehouse.registry.http;

import io.gatehouse.registry.auth.AccessController;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.cluster.Faults;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.content.RegistryException;
import io.gatehouse.registry.content.UploadRangeException;
import io.gatehouse.registry.metrics.Metrics;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The OCI Distribution v1.1 API under /v2/: the router. It parses the path into a {@link Route}, labels the request
 * for metrics, and hands it to the handler of that resource (as Distribution's app.go dispatches to its handlers);
 * each handler validates, asks the {@link AccessController}, then calls the {@link ContentService}. Errors thrown
 * anywhere below become OCI error bodies here, so every resource reports them the same way.
 */
public final class V2Handler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(V2Handler.class);
    static final String ROUTE_ATTRIBUTE = "gatehouse.route";
    private static final String API_VERSION = "Docker-Distribution-API-Version";

    private final V2Support support;
    private final ManifestHandler manifests;
    private final BlobHandler blobs;
    private final UploadHandler uploads;
    private final TagsHandler tags;
    private final CatalogHandler catalog;
    private final ReferrersHandler referrers;

    public V2Handler(ContentService content, AccessController access, Metrics metrics, boolean deleteEnabled) {
        this.support = new V2Support(access, metrics, deleteEnabled);
        this.manifests = new ManifestHandler(content, support, metrics);
        this.blobs = new BlobHandler(content, support, metrics);
        this.uploads = new UploadHandler(content, support, metrics);
        this.tags = new TagsHandler(content, support);
        this.catalog = new CatalogHandler(content, access, support);
        this.referrers = new ReferrersHandler(content, support);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String rest = path.length() <= 4 ? "" : path.substring(4); // after "/v2/"
        Route route = Route.parse(rest);
        request.setAttribute(ROUTE_ATTRIBUTE, route.kind());
        response.getHeaders().put(API_VERSION, "registry/2.0");
        try {
            dispatchRetryingReads(route, request, response, callback);
        } catch (UploadRangeException e) {
            UploadHandler.uploadHeaders(response, e.state());
            Errors.send(request, response, callback, e.error());
        } catch (RegistryException e) {
            Errors.send(request, response, callback, e.error());
        } catch (Exception e) {
            if (response.isCommitted()) {
                callback.failed(e);
            } else if (Faults.unavailable(e)) {
                // the database or the object store is away: the client may retry (clients do, on 503), nothing was
                // half done (a push commits in one transaction), and the log gets one line rather than a trace a minute
                LOG.warn("{} {} answered 503: {}", request.getMethod(), path, Faults.describe(e));
                unavailable(request, response, callback);
            } else {
                LOG.error("{} {} failed", request.getMethod(), path, e);
                Errors.send(request, response, callback, new OciError(500, "UNKNOWN", "internal error; see the registry log"));
            }
        }
        return true;
    }

    /** 503 UNAVAILABLE with Retry-After, the distribution-spec body. */
    static void unavailable(Request request, Response response, Callback callback) {
        response.getHeaders().put("Retry-After", Long.toString(Faults.RETRY_AFTER.toSeconds()));
        Errors.send(request, response, callback, new OciError(503, "UNAVAILABLE",
                "the registry's database or storage is unavailable for a moment; retry later"));
    }

    /**
     * Reads (GET, HEAD) that fail because the database or storage did not answer are tried once more after a pause,
     * while nothing has been sent: a failover or a restarted database then costs the client a slower answer, not an
     * error. Writes are not retried here: the client retries them (an upload resumes at its offset, a manifest PUT is
     * idempotent).
     */
    private void dispatchRetryingReads(Route route, Request request, Response response, Callback callback) throws IOException {
        boolean read = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        try {
            dispatch(route, request, response, callback);
        } catch (RuntimeException e) {
            if (!read || response.isCommitted() || !Faults.unavailable(e)) throw e;
            try {
                Thread.sleep(READ_RETRY_PAUSE.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw e;
            }
            response.reset();
            response.getHeaders().put(API_VERSION, "registry/2.0");
            dispatch(route, request, response, callback);
        }
    }

    private static final java.time.Duration READ_RETRY_PAUSE = java.time.Duration.ofSeconds(1);

    private void dispatch(Route route, Request request, Response response, Callback callback) throws IOException {
        switch (route.kind()) {
            case "base" -> {
                // The version check clients make first: 200 tells them this is a v2 registry and their credentials work.
                Principal p = support.authorize(request, response, callback, Scope.base());
                if (p == null) return;
                support.json(request, response, callback, Errors.JSON.createObjectNode(), "application/json");
            }
            case "catalog" -> catalog.handle(request, response, callback);
            case "unknown" -> throw new OciError(404, "UNSUPPORTED", "no such endpoint").exception();
            default -> {
                // The name is checked before anything else, so an invalid one is NAME_INVALID on every route.
                String name = ContentService.checkName(route.name());
                switch (route.kind()) {
                    case "manifest" -> manifests.handle(name, route.reference(), request, response, callback);
                    case "blob" -> blobs.handle(name, route.reference(), request, response, callback);
                    case "uploads" -> uploads.start(name, request, response, callback);
                    case "upload" -> uploads.session(name, route.reference(), request, response, callback);
                    case "tags" -> tags.handle(name, request, response, callback);
                    case "referrers" -> referrers.handle(name, route.reference(), request, response, callback);
                    default -> throw new OciError(404, "UNSUPPORTED", "no such endpoint").exception();
                }
            }
        }
    }
}
