package io.gatehouse.core.remote;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.LongConsumer;

import static io.gatehouse.core.remote.RegistryEndpoint.pull;
import static io.gatehouse.core.remote.RegistryEndpoint.push;

/**
 * Writes blobs: cross-repository mounts and uploads (from memory, monolithic from a stream, chunked). An upload that
 * fails is cancelled so the registry does not keep a half-written session until it expires.
 */
final class BlobPusher {
    // RegistryClient's logger name, as before the split (see RegistryEndpoint)
    private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
    private static final MediaType OCTET = MediaType.get("application/octet-stream");

    private final RegistryEndpoint endpoint;

    BlobPusher(RegistryEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    boolean mountBlob(RepositoryName repo, Digest digest, RepositoryName from) {
        HttpUrl u = endpoint.url("/v2/" + repo + "/blobs/uploads/").newBuilder()
                .addQueryParameter("mount", digest.toString()).addQueryParameter("from", from.value()).build();
        String path = "/v2/" + repo + "/blobs/uploads/?mount";
        try (Response r = endpoint.send("POST", u, RequestBody.create(new byte[0], OCTET), List.of(push(repo), pull(from)), true)) {
            if (r.code() == 201) return true;
            if (r.code() == 202) {
                cancelUpload(r);
                return false;
            }
            throw endpoint.error("POST", path, r);
        }
    }

    void uploadBlob(RepositoryName repo, Digest digest, byte[] content) {
        HttpUrl location = startUpload(repo);
        HttpUrl put = location.newBuilder().addQueryParameter("digest", digest.toString()).build();
        try (Response r = endpoint.send("PUT", put, RequestBody.create(content, OCTET), List.of(push(repo)), true)) {
            if (r.code() != 201 && !r.isSuccessful()) throw endpoint.error("PUT", "/v2/" + repo + "/blobs/uploads/…", r);
        }
    }

    void uploadBlob(RepositoryName repo, Digest digest, long size, InputStream content, LongConsumer progress) {
        HttpUrl location = startUpload(repo);
        HttpUrl put = location.newBuilder().addQueryParameter("digest", digest.toString()).build();
        try (Response r = endpoint.send("PUT", put, streaming(content, size, progress), List.of(push(repo)), false)) {
            if (r.code() != 201 && !r.isSuccessful()) throw endpoint.error("PUT", "/v2/" + repo + "/blobs/uploads/…", r);
        } catch (RuntimeException e) {
            cancelQuietly(location, repo);
            throw e;
        }
    }

    void uploadBlobChunked(RepositoryName repo, Digest digest, long size, InputStream content, long chunkSize, LongConsumer progress) {
        HttpUrl location = startUpload(repo);
        try {
            long offset = 0;
            while (offset < size) {
                long len = Math.min(chunkSize, size - offset);
                Headers extra = Headers.of("Content-Range", offset + "-" + (offset + len - 1));
                try (Response r = endpoint.send("PATCH", location, streaming(content, len, progress), List.of(push(repo)), false, extra)) {
                    if (r.code() != 202 && !r.isSuccessful()) throw endpoint.error("PATCH", "/v2/" + repo + "/blobs/uploads/…", r);
                    String loc = r.header("Location");
                    if (loc != null) location = r.request().url().resolve(loc);
                }
                offset += len;
            }
            HttpUrl put = location.newBuilder().addQueryParameter("digest", digest.toString()).build();
            try (Response r = endpoint.send("PUT", put, RequestBody.create(new byte[0], OCTET), List.of(push(repo)), false)) {
                if (r.code() != 201 && !r.isSuccessful()) throw endpoint.error("PUT", "/v2/" + repo + "/blobs/uploads/…", r);
            }
        } catch (RuntimeException e) {
            cancelQuietly(location, repo);
            throw e;
        }
    }

    private HttpUrl startUpload(RepositoryName repo) {
        String path = "/v2/" + repo + "/blobs/uploads/";
        String registry = endpoint.registry();
        try (Response r = endpoint.send("POST", endpoint.url(path), RequestBody.create(new byte[0], OCTET), List.of(push(repo)), true)) {
            if (r.code() != 202) throw endpoint.error("POST", path, r);
            String loc = r.header("Location");
            if (loc == null) throw new RegistryException(registry + " started an upload without a Location header", r.code(), List.of());
            HttpUrl u = r.request().url().resolve(loc);
            if (u == null) throw new RegistryException(registry + " sent an upload Location that is not a URL", r.code(), List.of());
            return u;
        }
    }

    /** Cancels the upload a declined mount started (its Location), best effort. */
    private void cancelUpload(Response r) {
        String loc = r.header("Location");
        if (loc == null) return;
        HttpUrl u = r.request().url().resolve(loc);
        if (u == null) return;
        try (Response ignored = endpoint.sendBestEffort(new Request.Builder().url(u).delete())) {
            // best effort: the registry expires abandoned uploads anyway
        } catch (IOException e) {
            log.debug("cancelling upload failed: {}", e.toString());
        }
    }

    private void cancelQuietly(HttpUrl location, RepositoryName repo) {
        try (Response ignored = endpoint.send("DELETE", location, null, List.of(push(repo)), false)) {
            // best effort
        } catch (RuntimeException e) {
            log.debug("cancelling upload on {} failed: {}", endpoint.registry(), e.getMessage());
        }
    }

    /**
     * A one-shot body of exactly {@code length} bytes of {@code in}: one-shot because the stream cannot be rewound, which
     * is what stops the endpoint from replaying it. A source that ends early is a verification failure, not a short blob.
     */
    private static RequestBody streaming(InputStream in, long length, LongConsumer progress) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return OCTET;
            }

            @Override
            public long contentLength() {
                return length;
            }

            @Override
            public boolean isOneShot() {
                return true;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                byte[] buf = new byte[64 * 1024];
                long left = length;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) throw new BlobVerificationException("source ended " + left + " bytes early");
                    sink.write(buf, 0, n);
                    left -= n;
                    if (progress != null) progress.accept(n);
                }
            }
        };
    }
}
