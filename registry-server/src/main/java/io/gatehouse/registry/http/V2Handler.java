package io.gatehouse.registry.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.AccessController;
import io.gatehouse.registry.auth.Decision;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.BlobInfo;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.content.Referrer;
import io.gatehouse.registry.content.RegistryException;
import io.gatehouse.registry.content.StoredManifest;
import io.gatehouse.registry.content.UploadRangeException;
import io.gatehouse.registry.content.UploadState;
import io.gatehouse.registry.metrics.Metrics;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The OCI Distribution v1.1 API under /v2/. Every route validates the name, asks the {@link AccessController},
 * then calls the {@link ContentService}; this class only translates HTTP to those calls and back.
 */
public final class V2Handler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(V2Handler.class);
    static final String ROUTE_ATTRIBUTE = "gatehouse.route";
    private static final String API_VERSION = "Docker-Distribution-API-Version";
    private static final String CONTENT_DIGEST = "Docker-Content-Digest";
    private static final String UPLOAD_UUID = "Docker-Upload-UUID";
    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    private static final int COPY_BUFFER = 256 * 1024;

    private final ContentService content;
    private final AccessController access;
    private final Metrics metrics;
    private final boolean deleteEnabled;

    public V2Handler(ContentService content, AccessController access, Metrics metrics, boolean deleteEnabled) {
        this.content = content;
        this.access = access;
        this.metrics = metrics;
        this.deleteEnabled = deleteEnabled;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String rest = path.length() <= 4 ? "" : path.substring(4); // after "/v2/"
        Route route = Route.parse(rest);
        request.setAttribute(ROUTE_ATTRIBUTE, route.kind());
        response.getHeaders().put(API_VERSION, "registry/2.0");
        try {
            dispatch(route, request, response, callback);
        } catch (UploadRangeException e) {
            uploadHeaders(response, e.state());
            Errors.send(request, response, callback, e.error());
        } catch (RegistryException e) {
            Errors.send(request, response, callback, e.error());
        } catch (Exception e) {
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                LOG.error("{} {} failed", request.getMethod(), path, e);
                Errors.send(request, response, callback, new OciError(500, "UNKNOWN", "internal error; see the registry log"));
            }
        }
        return true;
    }

    private void dispatch(Route route, Request request, Response response, Callback callback) throws IOException {
        String method = request.getMethod();
        switch (route.kind()) {
            case "base" -> {
                Principal p = authorize(request, response, callback, Scope.base());
                if (p == null) return;
                json(request, response, callback, 200, EMPTY_JSON, "application/json");
            }
            case "catalog" -> {
                requireMethod(method, "GET");
                Principal p = authorize(request, response, callback, Scope.catalog());
                if (p == null) return;
                catalog(request, response, callback, p);
            }
            case "unknown" -> throw new OciError(404, "UNSUPPORTED", "no such endpoint").exception();
            default -> {
                String name = ContentService.checkName(route.name());
                switch (route.kind()) {
                    case "manifest" -> manifest(route, name, request, response, callback);
                    case "blob" -> blob(route, name, request, response, callback);
                    case "uploads" -> {
                        requireMethod(method, "POST");
                        Principal p = authorize(request, response, callback, Scope.repository(name, Scope.PULL, Scope.PUSH));
                        if (p == null) return;
                        startUpload(name, p, request, response, callback);
                    }
                    case "upload" -> {
                        Principal p = authorize(request, response, callback, Scope.repository(name, Scope.PULL, Scope.PUSH));
                        if (p == null) return;
                        upload(name, route.reference(), request, response, callback);
                    }
                    case "tags" -> {
                        requireMethod(method, "GET");
                        Principal p = authorize(request, response, callback, Scope.repository(name, Scope.PULL));
                        if (p == null) return;
                        tags(name, request, response, callback);
                    }
                    case "referrers" -> {
                        requireMethod(method, "GET");
                        Principal p = authorize(request, response, callback, Scope.repository(name, Scope.PULL));
                        if (p == null) return;
                        referrers(name, route.reference(), request, response, callback);
                    }
                    default -> throw new OciError(404, "UNSUPPORTED", "no such endpoint").exception();
                }
            }
        }
    }

    private static void requireMethod(String method, String... allowed) {
        for (String a : allowed) if (a.equals(method)) return;
        throw OciError.unsupported(405, "method " + method + " is not allowed here").exception();
    }

    /** Returns the caller, or null after sending the access controller's refusal. */
    private Principal authorize(Request request, Response response, Callback callback, Scope scope) {
        Decision d = access.authorize(request.getHeaders().get(HttpHeader.AUTHORIZATION), Request.getRemoteAddr(request), scope);
        if (d instanceof Decision.Allowed a) return a.principal();
        Decision.Denied denied = (Decision.Denied) d;
        if (denied.status() == 404 && Scope.REPOSITORY.equals(scope.type())) {
            // A repository hidden from the caller: answer exactly as this route answers for one that does not exist.
            answerAsMissing(request, response, callback, scope.name());
            return null;
        }
        for (Map.Entry<String, String> h : denied.headers().entrySet()) response.getHeaders().put(h.getKey(), h.getValue());
        Errors.send(request, response, callback, new OciError(denied.status(), denied.errorCode(), denied.message()));
        return null;
    }

    // ------------------------------------------------------------------ manifests

    private void manifest(Route route, String name, Request request, Response response, Callback callback) throws IOException {
        String method = request.getMethod();
        String ref = route.reference();
        switch (method) {
            case "GET", "HEAD" -> {
                Principal p = authorize(request, response, callback, Scope.repository(name, Scope.PULL));
                if (p == null) return;
                checkReference(ref);
                Optional<StoredManifest> found = content.getManifest(name, ref);
                if (found.isEmpty()) throw unknownManifest(name, ref);
                StoredManifest m = found.get();
                // Served as stored whatever Accept lists: the registry never converts, and real clients (skopeo 1.9
                // inspect --raw, for one) omit types they do handle from Accept; Distribution serves them too.
                boolean head = HttpMethod.HEAD.is(method);
                if (!head) {
                    Optional<OciError> refused = content.gate().beforeManifestPull(p, name, m.digest());
                    if (refused.isPresent()) throw refused.get().exception();
                }
                String etag = "\"" + m.digest() + "\"";
                var headers = response.getHeaders();
                headers.put(HttpHeader.CONTENT_TYPE, m.mediaType());
                headers.put(CONTENT_DIGEST, m.digest().toString());
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
            case "PUT" -> {
                Principal p = authorize(request, response, callback, Scope.repository(name, Scope.PULL, Scope.PUSH));
                if (p == null) return;
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
                headers.put(CONTENT_DIGEST, pushed.digest().toString());
                if (pushed.subject() != null) headers.put("OCI-Subject", pushed.subject().toString());
                if (!extraTags.isEmpty()) headers.put("OCI-Tag", String.join(", ", pushed.tags()));
                headers.put(HttpHeader.CONTENT_LENGTH, 0L);
                response.setStatus(201);
                response.write(true, null, callback);
            }
            case "DELETE" -> {
                Principal p = authorize(request, response, callback, Scope.repository(name, Scope.DELETE));
                if (p == null) return;
                if (!deleteEnabled) throw OciError.unsupported(405, "deletes are disabled on this registry").exception();
                checkReference(ref);
                if (!content.repositoryExists(name)) throw OciError.nameUnknown(name).exception();
                if (ref.indexOf(':') >= 0) content.deleteManifest(name, Digest.parse(ref), p);
                else content.deleteTag(name, ref, p);
                accepted(response, callback);
            }
            default -> throw OciError.unsupported(405, "method " + method + " is not allowed on manifests").exception();
        }
    }

    private static void checkReference(String ref) {
        if (ref.indexOf(':') >= 0) ContentService.parseDigest(ref);
        else if (!io.gatehouse.core.reference.RepositoryName.isValidTag(ref)) throw OciError.manifestUnknown(ref).exception();
    }

    private RegistryException unknownManifest(String name, String ref) {
        if (!content.repositoryExists(name)) return OciError.nameUnknown(name).exception();
        return OciError.manifestUnknown(ref).exception();
    }

    // ------------------------------------------------------------------ blobs

    private void blob(Route route, String name, Request request, Response response, Callback callback) throws IOException {
        String method = request.getMethod();
        switch (method) {
            case "GET", "HEAD" -> {
                Principal p = authorize(request, response, callback, Scope.repository(name, Scope.PULL));
                if (p == null) return;
                Digest digest = ContentService.parseDigest(route.reference());
                boolean head = HttpMethod.HEAD.is(method);
                if (head) {
                    OptionalLong size = content.statBlobForPush(name, digest);
                    if (size.isEmpty()) throw OciError.blobUnknown(digest.toString()).exception();
                    var h = response.getHeaders();
                    h.put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                    h.put(CONTENT_DIGEST, digest.toString());
                    h.put(HttpHeader.ETAG, "\"" + digest + "\"");
                    h.put(HttpHeader.ACCEPT_RANGES, "bytes");
                    h.put(HttpHeader.CONTENT_LENGTH, size.getAsLong());
                    response.setStatus(200);
                    response.write(true, null, callback);
                    return;
                }
                serveBlob(name, digest, request, response, callback);
            }
            case "DELETE" -> {
                Principal p = authorize(request, response, callback, Scope.repository(name, Scope.DELETE));
                if (p == null) return;
                if (!deleteEnabled) throw OciError.unsupported(405, "deletes are disabled on this registry").exception();
                Digest digest = ContentService.parseDigest(route.reference());
                content.deleteBlob(name, digest, p);
                accepted(response, callback);
            }
            default -> throw OciError.unsupported(405, "method " + method + " is not allowed on blobs").exception();
        }
    }

    private void serveBlob(String name, Digest digest, Request request, Response response, Callback callback) throws IOException {
        SeekableByteChannel ch = content.openBlobChannel(name, digest);
        boolean handedOver = false;
        try {
            long size = ch.size();
            long start = 0;
            long length = size;
            var h = response.getHeaders();
            h.put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
            h.put(CONTENT_DIGEST, digest.toString());
            h.put(HttpHeader.ETAG, "\"" + digest + "\"");
            h.put(HttpHeader.ACCEPT_RANGES, "bytes");
            String range = request.getHeaders().get(HttpHeader.RANGE);
            int status = 200;
            if (range != null) {
                long[] r = ByteRange.parse(range, size);
                if (r == ByteRange.UNSATISFIABLE) {
                    h.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
                    throw new OciError(416, "BLOB_UNKNOWN", "requested range not satisfiable", range).exception();
                }
                if (r != null) {
                    start = r[0];
                    length = r[1] - r[0] + 1;
                    status = 206;
                    h.put(HttpHeader.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + size);
                }
            }
            h.put(HttpHeader.CONTENT_LENGTH, length);
            response.setStatus(status);
            metrics.bytesOut(length);
            if (length == 0) {
                response.write(true, null, callback);
                return;
            }
            ByteBufferPool.Sized pool = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), true, COPY_BUFFER);
            Content.Source source = Content.Source.from(pool, ch, start, length);
            handedOver = true;
            Content.copy(source, response, Callback.from(() -> {
                closeQuietly(ch);
                callback.succeeded();
            }, x -> {
                closeQuietly(ch);
                callback.failed(x);
            }));
        } finally {
            if (!handedOver) closeQuietly(ch);
        }
    }

    private static void closeQuietly(SeekableByteChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
        }
    }

    // ------------------------------------------------------------------ uploads

    private void startUpload(String name, Principal p, Request request, Response response, Callback callback) throws IOException {
        Fields q = Request.extractQueryParameters(request);
        String mount = q.getValue("mount");
        if (mount != null) {
            Digest digest = ContentService.parseDigest(mount);
            String from = q.getValue("from");
            boolean mayMount = true;
            if (from != null) {
                if (!io.gatehouse.core.reference.RepositoryName.isValid(from)) {
                    mayMount = false;
                } else {
                    Decision d = access.authorize(request.getHeaders().get(HttpHeader.AUTHORIZATION), Request.getRemoteAddr(request),
                            Scope.repository(from, Scope.PULL));
                    mayMount = d instanceof Decision.Allowed;
                }
            }
            // Without "from", only a blob this repository already holds is "mounted" (nothing leaks across repositories).
            if (mayMount && content.mountBlob(from == null ? name : from, name, digest)) {
                created(response, callback, "/v2/" + name + "/blobs/" + digest, digest);
                return;
            }
            // Not mountable: fall back to a normal upload session, as the spec says.
        }
        String digestParam = q.getValue("digest");
        if (digestParam != null) {
            Digest digest = ContentService.parseDigest(digestParam);
            long length = request.getLength();
            BlobInfo info;
            try (InputStream in = new RequestBody(request)) {
                info = content.writeBlob(name, in, length, digest);
            }
            metrics.bytesIn(info.size());
            created(response, callback, "/v2/" + name + "/blobs/" + info.digest(), info.digest());
            return;
        }
        String algorithm = q.getValue("digest-algorithm");
        UploadState state = content.startUpload(name, algorithm == null ? "sha256" : algorithm);
        uploadHeaders(response, state);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
        response.setStatus(202);
        response.write(true, null, callback);
    }

    private void upload(String name, String id, Request request, Response response, Callback callback) throws IOException {
        String method = request.getMethod();
        switch (method) {
            case "GET" -> {
                UploadState state = content.uploadStatus(name, id);
                uploadHeaders(response, state);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                response.setStatus(204);
                response.write(true, null, callback);
            }
            case "PATCH" -> {
                long[] range = contentRange(request);
                long before = content.uploadStatus(name, id).offset();
                UploadState state;
                try (InputStream in = new RequestBody(request)) {
                    state = content.appendUpload(name, id, range == null ? null : range[0], range == null ? null : range[1],
                            in, request.getLength());
                }
                metrics.bytesIn(state.offset() - before);
                uploadHeaders(response, state);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                response.setStatus(202);
                response.write(true, null, callback);
            }
            case "PUT" -> {
                String digestParam = Request.extractQueryParameters(request).getValue("digest");
                if (digestParam == null) throw OciError.digestInvalid("the closing PUT needs ?digest=").exception();
                Digest digest = ContentService.parseDigest(digestParam);
                long[] range = contentRange(request);
                long length = request.getLength();
                boolean hasBody = length != 0;
                BlobInfo info;
                try (InputStream in = new RequestBody(request)) {
                    info = content.finishUpload(name, id, digest, range == null ? null : range[0], range == null ? null : range[1],
                            in, length, hasBody);
                }
                if (length > 0) metrics.bytesIn(length);
                created(response, callback, "/v2/" + name + "/blobs/" + info.digest(), info.digest());
            }
            case "DELETE" -> {
                content.cancelUpload(name, id);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                response.setStatus(204);
                response.write(true, null, callback);
            }
            default -> throw OciError.unsupported(405, "method " + method + " is not allowed on uploads").exception();
        }
    }

    private static long[] contentRange(Request request) {
        String v = request.getHeaders().get(HttpHeader.CONTENT_RANGE);
        if (v == null || v.isBlank()) return null;
        long[] r = ByteRange.parseContentRange(v);
        if (r == null) {
            throw new OciError(416, "BLOB_UPLOAD_INVALID", "malformed Content-Range '" + v + "' (expected <start>-<end>)").exception();
        }
        return r;
    }

    private static void uploadHeaders(Response response, UploadState state) {
        var h = response.getHeaders();
        h.put(HttpHeader.LOCATION, "/v2/" + state.repository() + "/blobs/uploads/" + state.id());
        h.put(HttpHeader.RANGE, "0-" + Math.max(0, state.offset() - 1));
        h.put(UPLOAD_UUID, state.id());
    }

    private static void created(Response response, Callback callback, String location, Digest digest) {
        var h = response.getHeaders();
        h.put(HttpHeader.LOCATION, location);
        h.put(CONTENT_DIGEST, digest.toString());
        h.put(HttpHeader.CONTENT_LENGTH, 0L);
        response.setStatus(201);
        response.write(true, null, callback);
    }

    private static void accepted(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
        response.setStatus(202);
        response.write(true, null, callback);
    }

    // ------------------------------------------------------------------ discovery

    private void tags(String name, Request request, Response response, Callback callback) {
        if (!content.repositoryExists(name)) throw OciError.nameUnknown(name).exception();
        Fields q = Request.extractQueryParameters(request);
        Integer n = pageSize(q.getValue("n"));
        String last = q.getValue("last");
        List<String> tags;
        boolean more = false;
        if (n == null) {
            tags = content.listTags(name, last, Integer.MAX_VALUE);
        } else if (n == 0) {
            tags = List.of();
        } else {
            tags = new ArrayList<>(content.listTags(name, last, n + 1));
            if (tags.size() > n) {
                more = true;
                tags = tags.subList(0, n);
            }
        }
        if (more) {
            response.getHeaders().put(HttpHeader.LINK, "</v2/" + name + "/tags/list?n=" + n + "&last="
                    + URLEncoder.encode(tags.get(tags.size() - 1), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        ObjectNode root = Errors.JSON.createObjectNode();
        root.put("name", name);
        ArrayNode arr = root.putArray("tags");
        tags.forEach(arr::add);
        json(request, response, callback, 200, root.toString().getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private void catalog(Request request, Response response, Callback callback, Principal p) {
        Fields q = Request.extractQueryParameters(request);
        Integer n = pageSize(q.getValue("n"));
        String last = q.getValue("last");
        int want = n == null ? Integer.MAX_VALUE : n;
        List<String> out = new ArrayList<>();
        boolean more = false;
        if (want > 0) {
            String cursor = last;
            while (true) {
                List<String> batch = content.listRepositories(cursor, 1000);
                for (String r : batch) {
                    if (!access.mayRead(p, r)) continue;
                    if (out.size() == want) {
                        more = true;
                        break;
                    }
                    out.add(r);
                }
                if (more || batch.size() < 1000) break;
                cursor = batch.get(batch.size() - 1);
            }
        }
        if (more) {
            response.getHeaders().put(HttpHeader.LINK, "</v2/_catalog?n=" + n + "&last="
                    + URLEncoder.encode(out.get(out.size() - 1), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        ObjectNode root = Errors.JSON.createObjectNode();
        ArrayNode arr = root.putArray("repositories");
        out.forEach(arr::add);
        json(request, response, callback, 200, root.toString().getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private static Integer pageSize(String value) {
        if (value == null || value.isEmpty()) return null;
        try {
            int n = Integer.parseInt(value);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new OciError(400, "PAGINATION_NUMBER_INVALID", "n must be a non-negative integer", value).exception();
        }
    }

    private void referrers(String name, String ref, Request request, Response response, Callback callback) {
        referrers(name, ref, request, response, callback, false);
    }

    private void referrers(String name, String ref, Request request, Response response, Callback callback, boolean hidden) {
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
        json(request, response, callback, 200, root.toString().getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_INDEX);
    }

    /** The answer of the request's route for a repository that does not exist (the access controller hid {@code name}). */
    private void answerAsMissing(Request request, Response response, Callback callback, String name) {
        String path = Request.getPathInContext(request);
        Route route = Route.parse(path.length() <= 4 ? "" : path.substring(4));
        switch (route.kind()) {
            case "blob" -> throw OciError.blobUnknown(ContentService.parseDigest(route.reference()).toString()).exception();
            case "upload" -> throw OciError.blobUploadUnknown().exception();
            case "referrers" -> referrers(name, route.reference(), request, response, callback, true);
            default -> throw OciError.nameUnknown(name).exception();
        }
    }

    private void json(Request request, Response response, Callback callback, int status, byte[] body, String type) {
        response.setStatus(status);
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
