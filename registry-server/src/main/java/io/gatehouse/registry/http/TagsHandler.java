package io.gatehouse.registry.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.OciError;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.util.ArrayList;
import java.util.List;

/** GET /v2/{name}/tags/list, paginated by {@code n} and {@code last}. */
final class TagsHandler {
    private final ContentService content;
    private final V2Support support;

    TagsHandler(ContentService content, V2Support support) {
        this.content = content;
        this.support = support;
    }

    void handle(String name, Request request, Response response, Callback callback) {
        V2Support.requireMethod(request.getMethod(), "GET");
        Principal p = support.authorize(request, response, callback, Scope.repository(name, Scope.PULL));
        if (p == null) return;
        if (!content.repositoryExists(name)) throw OciError.nameUnknown(name).exception();
        Fields q = Request.extractQueryParameters(request);
        Integer n = V2Support.pageSize(q.getValue("n"));
        String last = q.getValue("last");
        List<String> tags;
        boolean more = false;
        if (n == null) {
            tags = content.listTags(name, last, Integer.MAX_VALUE);
        } else if (n == 0) {
            tags = List.of();
        } else {
            // One more than asked for tells whether a next page exists without a second query.
            tags = new ArrayList<>(content.listTags(name, last, n + 1));
            if (tags.size() > n) {
                more = true;
                tags = tags.subList(0, n);
            }
        }
        if (more) V2Support.nextPageLink(response, "/v2/" + name + "/tags/list", n, tags.get(tags.size() - 1));
        ObjectNode root = Errors.JSON.createObjectNode();
        root.put("name", name);
        ArrayNode arr = root.putArray("tags");
        tags.forEach(arr::add);
        support.json(request, response, callback, root, "application/json");
    }
}
