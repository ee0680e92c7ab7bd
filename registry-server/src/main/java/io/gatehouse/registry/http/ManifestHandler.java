package io.gatehouse.registry.http;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.content.RegistryException;
import io.gatehouse.registry.content.StoredManifest;
import io.gatehouse.registry.metrics.Metrics;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** /v2/{name}/manifests/{reference}: pull (GET, HEAD), push (PUT) and delete of manifests and tags. */
final class ManifestHandler {
    private final ContentService content;
    private final V2Support support;
    private final Metrics metrics;

    ManifestHandler(ContentService content, V2Support support, Metrics metrics) {
        this.content = content;
        this.support = support;
        this.metrics = metrics;
    }

    void handle(String name, String ref, Request request, Response response, Callback callback) throws IOException {
        String method = request.getMethod();
        switch (method) {
            case "GET", "HEAD" -> get(name, ref, request, response, callback);
            case "PUT" -> put(name, ref, request, response, callback);
            case "DELETE" -> delete(name, ref, request, response, callback);
            default -> throw OciError.unsupported(405, "method " + method + " is not allowed on manifests").exception();
        }
    }

    private void get(String name, String ref, Request request, Response response, Callback callback) {
        Principal p = support.authorize(request, response, callback, Scope.repository(name, Scope.PULL));
        if (p == null) return;
        checkReference(ref);
        Optional<StoredManifest> found = content.getManifest(name, ref);
        if (found.isEmpty()) throw unknownManifest(name, ref);
        StoredManifest m = found.get();
        // Served as stored whatever Accept lists: the registry never converts, and real clients (skopeo 1.9
        // inspect --raw, for one) omit types they do handle from Accept; Distribution serves them too.
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        if (!head) {
            Optional<OciError> refused = content.gate().beforeManifestPull(p, name, m.digest());
            if (refused.isPresent()) throw refused.get().exception();
        }
        String etag = "\"" + m.digest() + "\"";
        var headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, m.mediaType());
        headers.put(V2Support.CONTENT_DIGEST, m.digest().toString());
        headers.put(HttpHeader.ETAG, etag);
        String inm = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (etag.equals(inm)) {
            response.setStatus(304);
            response.write(true, null, callback);
            return;
        }
        headers.put(HttpHeader.CONTENT_LENGTH, m.bytes().length);
        response.setStatus(200);
        if (head) {
            response.write(true, null, callback);
        } else {
            metrics.bytesOut(m.bytes().length);
            response.write(true, ByteBuffer.wrap(m.bytes()), callback);
        }
    }

    private void put(String name, String ref, Request request, Response response, Callback callback) throws IOException {
        Principal p = support.authorize(request, response, callback, Scope.repository(name, Scope.PULL, Scope.PUSH));
        if (p == null) return;
        // Refused before reading when the client declares the size, and bounded while reading when it does not.
        long length = request.getLength();
        if (length > content.maxManifestBytes()) throw content.manifestTooLarge().exception();
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(content.maxManifestBytes() + 1);
        }
        if (body.length > content.maxManifestBytes()) throw content.manifestTooLarge().exception();
        metrics.bytesIn(body.length);
        Fields q = Request.extractQueryParameters(request);
        List<String> extraTags = q.getValues("tag");
        if (extraTags == null) extraTags = List.of();
        if (!extraTags.isEmpty() && ref.indexOf(':') < 0) {
            throw OciError.manifestInvalid("tag parameters are only allowed on a push by digest").exception();
        }
        ContentService.PushedManifest pushed = content.putManifest(name, ref, extraTags, body,
                request.getHeaders().get(HttpHeader.CONTENT_TYPE), p, true);
        var headers = response.getHeaders();
        headers.put(HttpHeader.LOCATION, "/v2/" + name + "/manifests/" + pushed.digest());
        headers.put(V2Support.CONTENT_DIGEST, pushed.digest().toString());
        if (pushed.subject() != null) headers.put("OCI-Subject", pushed.subject().toString());
        if (!extraTags.isEmpty()) headers.put("OCI-Tag", String.join(", ", pushed.tags()));
        headers.put(HttpHeader.CONTENT_LENGTH, 0L);
        response.setStatus(201);
        response.write(true, null, callback);
    }

    private void delete(String name, String ref, Request request, Response response, Callback callback) {
        Principal p = support.authorize(request, response, callback, Scope.repository(name, Scope.DELETE));
        if (p == null) return;
        support.requireDeletesEnabled();
        checkReference(ref);
        if (!content.repositoryExists(name)) throw OciError.nameUnknown(name).exception();
        if (ref.indexOf(':') >= 0) content.deleteManifest(name, Digest.parse(ref), p);
        else content.deleteTag(name, ref, p);
        V2Support.accepted(response, callback);
    }

    /** A reference with a colon is a digest (malformed: DIGEST_INVALID); anything else must be a valid tag. */
    private static void checkReference(String ref) {
        if (ref.indexOf(':') >= 0) ContentService.parseDigest(ref);
        else if (!RepositoryName.isValidTag(ref)) throw OciError.manifestUnknown(ref).exception();
    }

    /** NAME_UNKNOWN when the whole repository is missing, as clients tell the two apart. */
    private RegistryException unknownManifest(String name, String ref) {
        if (!content.repositoryExists(name)) return OciError.nameUnknown(name).exception();
        return OciError.manifestUnknown(ref).exception();
    }
}
