package io.gatehouse.registry.trust;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.SignatureManifest;
import io.gatehouse.core.sign.SignatureStore;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.content.ContentService;
import io.gatehouse.registry.content.RegistryException;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The registry's own content as a {@link SignatureStore}: the registry verifies signatures and signs what it
 * promotes without going through HTTP. Writes bypass the content gate (the promoter has evaluated its policy).
 */
public final class ContentSignatureStore implements SignatureStore {
    private final ContentService content;
    private final Principal writer;

    public ContentSignatureStore(ContentService content, Principal writer) {
        this.content = content;
        this.writer = writer;
    }

    @Override
    public Optional<Manifest> getManifest(String repository, String reference) {
        return content.getManifest(repository, reference).map(m -> new Manifest(m.mediaType(), m.bytes()));
    }

    @Override
    public byte[] getBlob(String repository, Digest digest) throws IOException {
        var size = content.blobSize(repository, digest);
        if (size.isEmpty()) return null;
        if (size.getAsLong() > SignatureManifest.MAX_PAYLOAD_SIZE) throw new IOException("blob " + digest + " is too large for a signature payload");
        try (InputStream in = content.openBlob(repository, digest)) {
            return in.readAllBytes();
        } catch (RegistryException e) {
            return null;
        }
    }

    @Override
    public void putBlob(String repository, Digest digest, byte[] bytes) {
        if (!content.blobExists(repository, digest)) content.writeBlob(repository, bytes);
    }

    @Override
    public void putManifest(String repository, String reference, String mediaType, byte[] bytes) {
        content.putManifest(repository, reference, List.of(), bytes, mediaType, writer, false);
    }
}
