package io.gatehouse.core.sign;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * A minimal {@link SignatureStore} over OkHttp for an anonymous registry (CNCF Distribution in tests), until the
 * core RegistryClient lands. Also pushes a tiny image to sign.
 */
final class HttpSignatureStore implements SignatureStore {
    private static final String ACCEPT = String.join(",", MediaTypes.MANIFESTS);
    private final OkHttpClient http = new OkHttpClient();
    private final String base;

    HttpSignatureStore(String baseUrl) {
        this.base = baseUrl;
    }

    @Override
    public Optional<Manifest> getManifest(String repository, String reference) throws IOException {
        Request req = new Request.Builder().url(base + "/v2/" + repository + "/manifests/" + reference).header("Accept", ACCEPT).build();
        try (Response r = http.newCall(req).execute()) {
            if (r.code() == 404) return Optional.empty();
            if (!r.isSuccessful()) throw new IOException("GET manifest " + reference + ": HTTP " + r.code());
            String type = r.header("Content-Type", MediaTypes.OCI_MANIFEST);
            return Optional.of(new Manifest(type, r.body().bytes()));
        }
    }

    @Override
    public byte[] getBlob(String repository, Digest digest) throws IOException {
        Request req = new Request.Builder().url(base + "/v2/" + repository + "/blobs/" + digest).build();
        try (Response r = http.newCall(req).execute()) {
            if (r.code() == 404) return null;
            if (!r.isSuccessful()) throw new IOException("GET blob: HTTP " + r.code());
            return r.body().bytes();
        }
    }

    @Override
    public void putBlob(String repository, Digest digest, byte[] content) throws IOException {
        try (Response head = http.newCall(new Request.Builder().head().url(base + "/v2/" + repository + "/blobs/" + digest).build()).execute()) {
            if (head.isSuccessful()) return;
        }
        String location;
        try (Response r = http.newCall(new Request.Builder().url(base + "/v2/" + repository + "/blobs/uploads/")
                .post(RequestBody.create(new byte[0], null)).build()).execute()) {
            if (r.code() != 202) throw new IOException("start upload: HTTP " + r.code());
            location = r.header("Location");
        }
        HttpUrl url = HttpUrl.get(base).resolve(location).newBuilder().addQueryParameter("digest", digest.toString()).build();
        try (Response r = http.newCall(new Request.Builder().url(url)
                .put(RequestBody.create(content, MediaType.get("application/octet-stream"))).build()).execute()) {
            if (r.code() != 201) throw new IOException("finish upload: HTTP " + r.code() + " " + r.body().string());
        }
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] content) throws IOException {
        try (Response r = http.newCall(new Request.Builder().url(base + "/v2/" + repository + "/manifests/" + reference)
                .put(RequestBody.create(content, MediaType.get(mediaType))).build()).execute()) {
            if (r.code() != 201) throw new IOException("PUT manifest: HTTP " + r.code() + " " + r.body().string());
        }
    }

    /** Pushes a one-layer linux/amd64 OCI image (an empty tar, with {@code marker} in its config) and returns its digest. */
    Digest pushImage(String repository, String tag, String marker) throws IOException {
        byte[] tar = new byte[1024];
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar);
        }
        byte[] layer = gz.toByteArray();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"marker\":\"" + marker
                + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.sha256(tar) + "\"]}}").getBytes(StandardCharsets.UTF_8);
        putBlob(repository, Digest.sha256(layer), layer);
        putBlob(repository, Digest.sha256(config), config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG
                + "\",\"size\":" + config.length + ",\"digest\":\"" + Digest.sha256(config) + "\"},\"layers\":[{\"mediaType\":\""
                + MediaTypes.OCI_LAYER_GZIP + "\",\"size\":" + layer.length + ",\"digest\":\"" + Digest.sha256(layer) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        putManifest(repository, tag, MediaTypes.OCI_MANIFEST, manifest);
        return Digest.sha256(manifest);
    }
}
