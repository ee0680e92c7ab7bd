package io.gatehouse.registry.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.Referrer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.List;

/** GET /v2/{name}/referrers/{digest}: the OCI 1.1 referrers API, an image index of the manifests naming the subject. */
final class ReferrersHandler {
    private final ContentService content;
    private final V2Support support;

    ReferrersHandler(ContentService content, V2Support support) {
        this.content = content;
        this.support = support;
    }

    void handle(String name, String reference, Request request, Response response, Callback callback) {
        V2Support.requireMethod(request.getMethod(), "GET");
        // The spec answers an unknown subject (and so a missing repository) with an empty index, not 404; a repository
        // hidden from the caller gets that same empty index.
        Principal p = support.authorize(request, response, callback, Scope.repository(name, Scope.PULL),
                (rq, rs, cb, n) -> answer(name, reference, rq, rs, cb, true));
        if (p == null) return;
        answer(name, reference, request, response, callback, false);
    }

    private void answer(String name, String ref, Request request, Response response, Callback callback, boolean hidden) {
        Digest subject = ContentService.parseDigest(ref);
        String artifactType = Request.extractQueryParameters(request).getValue("artifactType");
        if (artifactType != null && artifactType.isEmpty()) artifactType = null;
        List<Referrer> list = hidden ? List.of() : content.referrers(name, subject, artifactType);
        ObjectNode root = Errors.JSON.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = root.putArray("manifests");
        for (Referrer r : list) {
            ObjectNode d = manifests.addObject();
            d.put("mediaType", r.mediaType());
            d.put("digest", r.digest().toString());
            d.put("size", r.size());
            if (r.artifactType() != null) d.put("artifactType", r.artifactType());
            if (!r.annotations().isEmpty()) {
                ObjectNode a = d.putObject("annotations");
                r.annotations().forEach(a::put);
            }
        }
        if (artifactType != null) response.getHeaders().put("OCI-Filters-Applied", "artifactType");
        support.json(request, response, callback, root, MediaTypes.OCI_INDEX);
    }
}
