package io.gatehouse.core.sign;

import io.gatehouse.core.model.InvalidManifestException;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RegistryException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * {@link SignatureStore} over the core {@link RegistryClient}, so signing gets the client's auth, retries, digest
 * checks and size limits instead of a second hand-written OCI client. The client reports registry failures unchecked;
 * here they become the {@link IOException}s the interface promises (a 404 is "absent", not a failure).
 */
public final class RegistrySignatureStore implements SignatureStore {
    /** Signature payloads are a few hundred bytes and scan reports some KiB: a larger "small blob" is refused, not read. */
    public static final int MAX_BLOB_BYTES = 4 * 1024 * 1024;

    private final RegistryClient client;

    public RegistrySignatureStore(RegistryClient client) {
        this.client = client;
    }

    @Override
    public Optional<Manifest> getManifest(String repository, String reference) throws IOException {
        try {
            io.gatehouse.core.model.Manifest m = client.getManifest(RepositoryName.of(repository), reference);
            return Optional.of(new Manifest(m.mediaType(), m.rawBytes()));
        } catch (RegistryException e) {
            if (e.status() == 404) return Optional.empty();
            throw new IOException(e.getMessage(), e);
        } catch (InvalidManifestException e) {
            throw new IOException("manifest " + repository + ":" + reference + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] getBlob(String repository, Digest digest) throws IOException {
        try (InputStream in = client.openBlob(RepositoryName.of(repository), digest, -1)) {
            byte[] b = in.readNBytes(MAX_BLOB_BYTES + 1);
            if (b.length > MAX_BLOB_BYTES) throw new IOException("blob " + digest + " is larger than " + MAX_BLOB_BYTES + " bytes");
            return b;
        } catch (RegistryException e) {
            if (e.status() == 404) return null;
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void putBlob(String repository, Digest digest, byte[] content) throws IOException {
        RepositoryName repo = RepositoryName.of(repository);
        try {
            if (client.headBlob(repo, digest).isPresent()) return;
            client.uploadBlob(repo, digest, content);
        } catch (RegistryException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] content) throws IOException {
        try {
            client.putManifest(RepositoryName.of(repository), reference, io.gatehouse.core.model.Manifest.parse(content, mediaType));
        } catch (RegistryException | InvalidManifestException e) {
            throw new IOException("PUT manifest " + repository + ":" + reference + " failed: " + e.getMessage(), e);
        }
    }
}
