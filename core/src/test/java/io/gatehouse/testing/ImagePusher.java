package io.gatehouse.testing;

import io.gatehouse.testing.TestImages.Blob;
import io.gatehouse.testing.TestImages.Image;
import io.gatehouse.testing.TestImages.ImageIndex;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Pushes {@link TestImages} to a registry over plain HTTP, the way the OCI distribution-spec describes
 * (HEAD the blob; else POST an upload and PUT it with {@code ?digest=}; then PUT the manifest), with no
 * authentication. Deliberately independent of our own registry client so it can seed any registry
 * (CNCF Distribution, ours) in tests. Errors are {@link IllegalStateException}s carrying status and body.
 */
public final class ImagePusher {
    private final String baseUrl;
    private final HttpClient http;

    /** @param baseUrl for example {@code http://127.0.0.1:5000} (no trailing slash needed) */
    public ImagePusher(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Blobs, then the manifest under {@code tag} (a tag or a digest). */
    public void push(String repository, String tag, Image image) {
        for (Blob b : image.blobs()) pushBlob(repository, b);
        pushManifest(repository, tag, image.manifest());
    }

    /** Each platform's image by digest, then the index under {@code tag}. */
    public void push(String repository, String tag, ImageIndex index) {
        for (Image img : index.images()) push(repository, img.digest(), img);
        pushManifest(repository, tag, index.index());
    }

    /** Monolithic upload (POST then PUT), skipped when the registry already has the blob. */
    public void pushBlob(String repository, Blob blob) {
        if (blobExists(repository, blob.digest())) return;
        pushBlobMonolithic(repository, blob.digest(), () -> new java.io.ByteArrayInputStream(blob.bytes()), blob.size());
    }

    public boolean blobExists(String repository, String digest) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + digest))
                .method("HEAD", BodyPublishers.noBody()));
        return r.statusCode() == 200;
    }

    /** POST an upload, then one PUT with the whole body streamed from {@code body} and {@code ?digest=}. */
    public void pushBlobMonolithic(String repository, String digest, Supplier<InputStream> body, long size) {
        String location = startUpload(repository);
        HttpResponse<byte[]> put = send(HttpRequest.newBuilder(withDigest(location, digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(body), size)));
        expect(put, 201, "PUT blob " + digest);
    }

    /**
     * Chunked upload: PATCH {@code chunkSize} bytes at a time with {@code Content-Range}, following each
     * response's {@code Location}, then PUT with {@code ?digest=} and no body. Holds one chunk in memory.
     */
    public void pushBlobChunked(String repository, String digest, InputStream body, long size, int chunkSize) {
        String location = startUpload(repository);
        byte[] buf = new byte[chunkSize];
        long offset = 0;
        try (body) {
            while (offset < size) {
                int n = body.readNBytes(buf, 0, (int) Math.min(chunkSize, size - offset));
                if (n <= 0) throw new IllegalStateException("body ended at " + offset + " of " + size + " bytes");
                HttpResponse<byte[]> patch = send(HttpRequest.newBuilder(uri(location))
                        .header("Content-Type", "application/octet-stream")
                        .header("Content-Range", offset + "-" + (offset + n - 1))
                        .method("PATCH", BodyPublishers.ofByteArray(Arrays.copyOf(buf, n))));
                expect(patch, 202, "PATCH chunk at " + offset);
                location = patch.headers().firstValue("Location").orElse(location);
                offset += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<byte[]> put = send(HttpRequest.newBuilder(withDigest(location, digest)).PUT(BodyPublishers.noBody()));
        expect(put, 201, "PUT (close upload) " + digest);
    }

    public void pushManifest(String repository, String reference, Blob manifest) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", manifest.mediaType())
                .PUT(BodyPublishers.ofByteArray(manifest.bytes())));
        expect(r, 201, "PUT manifest " + repository + ":" + reference);
    }

    /** POST /v2/&lt;name&gt;/blobs/uploads/ and return the upload's Location (as the registry wrote it). */
    public String startUpload(String repository) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(BodyPublishers.noBody()));
        expect(r, 202, "POST upload");
        return r.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException("202 without Location"));
    }

    /** Resolves a path or a Location header (absolute or relative) against the registry's base URL. */
    public URI uri(String pathOrUrl) {
        return pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")
                ? URI.create(pathOrUrl) : URI.create(baseUrl + (pathOrUrl.startsWith("/") ? "" : "/") + pathOrUrl);
    }

    private URI withDigest(String location, String digest) {
        String sep = location.contains("?") ? "&" : "?";
        return uri(location + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    }

    public HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofMinutes(5)).build(), BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(HttpResponse<byte[]> r, int status, String what) {
        if (r.statusCode() != status) {
            String body = new String(r.body(), StandardCharsets.UTF_8);
            throw new IllegalStateException(what + ": expected " + status + ", got " + r.statusCode() + " "
                    + (body.length() > 500 ? body.substring(0, 500) + "…" : body));
        }
    }
}
