package io.gatehouse.registry.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.registry.auth.AccessController;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.ContentService;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.util.ArrayList;
import java.util.List;

/** GET /v2/_catalog: the repositories the caller may read, paginated by {@code n} and {@code last}. */
final class CatalogHandler {
    /** Repositories read from the store per query while filtering by the caller's rights. */
    private static final int BATCH = 1000;

    private final ContentService content;
    private final AccessController access;
    private final V2Support support;

    CatalogHandler(ContentService content, AccessController access, V2Support support) {
        this.content = content;
        this.access = access;
        this.support = support;
    }

    void handle(Request request, Response response, Callback callback) {
        V2Support.requireMethod(request.getMethod(), "GET");
        Principal p = support.authorize(request, response, callback, Scope.catalog());
        if (p == null) return;
        Fields q = Request.extractQueryParameters(request);
        Integer n = V2Support.pageSize(q.getValue("n"));
        String last = q.getValue("last");
        int want = n == null ? Integer.MAX_VALUE : n;
        List<String> out = new ArrayList<>();
        boolean more = false;
        if (want > 0) {
            // Filtering happens after the store's paging, so a page is filled from as many batches as it takes:
            // a caller who may read few repositories still gets full pages and a correct "next" link.
            String cursor = last;
            while (true) {
                List<String> batch = content.listRepositories(cursor, BATCH);
                for (String r : batch) {
                    if (!access.mayRead(p, r)) continue;
                    if (out.size() == want) {
                        more = true;
                        break;
                    }
                    out.add(r);
                }
                if (more || batch.size() < BATCH) break;
                cursor = batch.get(batch.size() - 1);
            }
        }
        if (more) V2Support.nextPageLink(response, "/v2/_catalog", n, out.get(out.size() - 1));
        ObjectNode root = Errors.JSON.createObjectNode();
        ArrayNode arr = root.putArray("repositories");
        out.forEach(arr::add);
        support.json(request, response, callback, root, "application/json");
    }
}
