package io.gatehouse.core.sign;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.remote.RegistryClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * core's {@link RegistrySignatureStore} on an anonymous client, for a test registry (CNCF Distribution); also pushes a
 * tiny image to sign.
 */
final class HttpSignatureStore implements SignatureStore {
    private final RegistrySignatureStore store;

    HttpSignatureStore(String baseUrl) {
        URI u = URI.create(baseUrl);
        this.store = new RegistrySignatureStore(RegistryClient.builder(u.getHost() + ":" + u.getPort())
                .plainHttp("http".equals(u.getScheme())).build());
    }

    @Override
    public Optional<Manifest> getManifest(String repository, String reference) throws IOException {
        return store.getManifest(repository, reference);
    }

    @Override
    public byte[] getBlob(String repository, Digest digest) throws IOException {
        return store.getBlob(repository, digest);
    }

    @Override
    public void putBlob(String repository, Digest digest, byte[] content) throws IOException {
        store.putBlob(repository, digest, content);
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] content) throws IOException {
        store.putManifest(repository, reference, mediaType, content);
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
