package io.gatehouse.registry.http;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.metrics.Metrics;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.OptionalLong;

/** /v2/{name}/blobs/{digest}: pull (GET with Range, HEAD) and delete of blobs. */
final class BlobHandler {
    /** Large reads keep a layer download to few syscalls; the pool reuses the buffers across requests. */
    private static final int COPY_BUFFER = 256 * 1024;

    private final ContentService content;
    private final V2Support support;
    private final Metrics metrics;

    BlobHandler(ContentService content, V2Support support, Metrics metrics) {
        this.content = content;
        this.support = support;
        this.metrics = metrics;
    }

    void handle(String name, String reference, Request request, Response response, Callback callback) throws IOException {
        String method = request.getMethod();
        // A blob of a repository hidden from the caller is answered as a blob of one that does not exist.
        V2Support.HiddenAnswer unknownBlob = (rq, rs, cb, n) -> {
            throw OciError.blobUnknown(ContentService.parseDigest(reference).toString()).exception();
        };
        switch (method) {
            case "GET", "HEAD" -> {
                Principal p = support.authorize(request, response, callback, Scope.repository(name, Scope.PULL), unknownBlob);
                if (p == null) return;
                Digest digest = ContentService.parseDigest(reference);
                if (HttpMethod.HEAD.is(method)) head(name, digest, response, callback);
                else serve(name, digest, request, response, callback);
            }
            case "DELETE" -> {
                Principal p = support.authorize(request, response, callback, Scope.repository(name, Scope.DELETE), unknownBlob);
                if (p == null) return;
                support.requireDeletesEnabled();
                Digest digest = ContentService.parseDigest(reference);
                content.deleteBlob(name, digest, p);
                V2Support.accepted(response, callback);
            }
            default -> throw OciError.unsupported(405, "method " + method + " is not allowed on blobs").exception();
        }
    }

    private void head(String name, Digest digest, Response response, Callback callback) {
        OptionalLong size = content.statBlobForPush(name, digest);
        if (size.isEmpty()) throw OciError.blobUnknown(digest.toString()).exception();
        blobHeaders(response.getHeaders(), digest);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size.getAsLong());
        response.setStatus(200);
        response.write(true, null, callback);
    }

    private static void blobHeaders(HttpFields.Mutable h, Digest digest) {
        h.put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        h.put(V2Support.CONTENT_DIGEST, digest.toString());
        h.put(HttpHeader.ETAG, "\"" + digest + "\"");
        h.put(HttpHeader.ACCEPT_RANGES, "bytes");
    }

    /** Streams the blob (or the one range asked for) from its channel without holding a thread while the client reads. */
    private void serve(String name, Digest digest, Request request, Response response, Callback callback) throws IOException {
        if (content.blobStore().redirects()) {
            // storage.s3.redirect: the client fetches the bytes from the bucket with a presigned URL (as Distribution's
            // "redirect" does); a Range header is sent again to the new location by the client.
            java.util.Optional<java.net.URI> to = content.blobRedirect(name, digest);
            if (to.isPresent()) {
                var h = response.getHeaders();
                h.put(HttpHeader.LOCATION, to.get().toString());
                h.put(V2Support.CONTENT_DIGEST, digest.toString());
                h.put(HttpHeader.CONTENT_LENGTH, 0L);
                response.setStatus(307);
                response.write(true, null, callback);
                return;
            }
        }
        SeekableByteChannel ch = content.openBlobChannel(name, digest);
        boolean handedOver = false;
        try {
            long size = ch.size();
            long start = 0;
            long length = size;
            var h = response.getHeaders();
            blobHeaders(h, digest);
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
            // Positioned here, before anything is sent: a store that opens its stream here (S3) fails now, while the
            // answer can still be a 503 rather than a cut-off 200. (Jetty, given an open channel and an offset, would
            // read and drop the bytes before the offset instead of seeking.)
            if (length > 0) ch.position(start);
            h.put(HttpHeader.CONTENT_LENGTH, length);
            response.setStatus(status);
            metrics.bytesOut(length);
            if (length == 0) {
                response.write(true, null, callback);
                return;
            }
            ByteBufferPool.Sized pool = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), true, COPY_BUFFER);
            Content.Source source = Content.Source.from(pool, ch, 0, length); // from the channel's position
            // From here the copy owns the channel and closes it when done, whichever way it ends.
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
}
