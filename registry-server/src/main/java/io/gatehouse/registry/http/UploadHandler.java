package io.gatehouse.registry.http;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.auth.Decision;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.BlobInfo;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.content.UploadState;
import io.gatehouse.registry.metrics.Metrics;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.io.InputStream;

/**
 * Blob uploads: POST /v2/{name}/blobs/uploads/ (a cross-repository mount, a monolithic push by digest, or a new
 * session) and /v2/{name}/blobs/uploads/{id} (status, chunks, the closing PUT, cancel).
 */
final class UploadHandler {
    private static final String UPLOAD_UUID = "Docker-Upload-UUID";

    /** An upload session of a repository hidden from the caller is answered as an unknown session. */
    private static final V2Support.HiddenAnswer UNKNOWN_UPLOAD = (request, response, callback, name) -> {
        throw OciError.blobUploadUnknown().exception();
    };

    private final ContentService content;
    private final V2Support support;
    private final Metrics metrics;

    UploadHandler(ContentService content, V2Support support, Metrics metrics) {
        this.content = content;
        this.support = support;
        this.metrics = metrics;
    }

    /** POST /v2/{name}/blobs/uploads/. */
    void start(String name, Request request, Response response, Callback callback) throws IOException {
        V2Support.requireMethod(request.getMethod(), "POST");
        Principal p = support.authorize(request, response, callback, Scope.repository(name, Scope.PULL, Scope.PUSH));
        if (p == null) return;
        Fields q = Request.extractQueryParameters(request);
        String mount = q.getValue("mount");
        if (mount != null) {
            Digest digest = ContentService.parseDigest(mount);
            String from = q.getValue("from");
            boolean mayMount = true;
            if (from != null) {
                // The caller must be able to pull the source; a refusal there is no error, just no mount.
                mayMount = RepositoryName.isValid(from)
                        && support.decide(request, Scope.repository(from, Scope.PULL)) instanceof Decision.Allowed;
            }
            // Without "from", only a blob this repository already holds is "mounted" (nothing leaks across repositories).
            if (mayMount && content.mountBlob(from == null ? name : from, name, digest)) {
                created(response, callback, name, digest);
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
            created(response, callback, name, info.digest());
            return;
        }
        String algorithm = q.getValue("digest-algorithm");
        UploadState state = content.startUpload(name, algorithm == null ? "sha256" : algorithm);
        answer(response, callback, 202, state);
    }

    /** /v2/{name}/blobs/uploads/{id}. */
    void session(String name, String id, Request request, Response response, Callback callback) throws IOException {
        Principal p = support.authorize(request, response, callback, Scope.repository(name, Scope.PULL, Scope.PUSH), UNKNOWN_UPLOAD);
        if (p == null) return;
        String method = request.getMethod();
        switch (method) {
            case "GET" -> answer(response, callback, 204, content.uploadStatus(name, id));
            case "PATCH" -> {
                long[] range = contentRange(request);
                long before = content.uploadStatus(name, id).offset();
                UploadState state;
                try (InputStream in = new RequestBody(request)) {
                    state = content.appendUpload(name, id, range == null ? null : range[0], range == null ? null : range[1],
                            in, request.getLength());
                }
                metrics.bytesIn(state.offset() - before);
                answer(response, callback, 202, state);
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
                created(response, callback, name, info.digest());
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

    /** The chunk's Content-Range, or null when the client sent none (a chunk appended at the current offset). */
    private static long[] contentRange(Request request) {
        String v = request.getHeaders().get(HttpHeader.CONTENT_RANGE);
        if (v == null || v.isBlank()) return null;
        long[] r = ByteRange.parseContentRange(v);
        if (r == null) {
            throw new OciError(416, "BLOB_UPLOAD_INVALID", "malformed Content-Range '" + v + "' (expected <start>-<end>)").exception();
        }
        return r;
    }

    /**
     * Where the session is and how much it holds. Package-private because a chunk refused as out of order is answered
     * with these headers too (the router maps that exception), so the client can resume from the right offset.
     */
    static void uploadHeaders(Response response, UploadState state) {
        var h = response.getHeaders();
        h.put(HttpHeader.LOCATION, "/v2/" + state.repository() + "/blobs/uploads/" + state.id());
        h.put(HttpHeader.RANGE, "0-" + Math.max(0, state.offset() - 1));
        h.put(UPLOAD_UUID, state.id());
    }

    private static void answer(Response response, Callback callback, int status, UploadState state) {
        uploadHeaders(response, state);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
        response.setStatus(status);
        response.write(true, null, callback);
    }

    private static void created(Response response, Callback callback, String name, Digest digest) {
        var h = response.getHeaders();
        h.put(HttpHeader.LOCATION, "/v2/" + name + "/blobs/" + digest);
        h.put(V2Support.CONTENT_DIGEST, digest.toString());
        h.put(HttpHeader.CONTENT_LENGTH, 0L);
        response.setStatus(201);
        response.write(true, null, callback);
    }
}
