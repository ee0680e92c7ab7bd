package io.gatehouse.core.sign;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.core.reference.Digest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Signing through a store: re-signing the same digest with the same key and identity writes nothing. */
class ImageSignerTest {
    static final byte[] IMAGE_MANIFEST = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    static final Digest IMAGE = Digest.sha256(IMAGE_MANIFEST);

    /** An in-memory registry: manifests by repository and reference, blobs by digest; counts writes. */
    static final class MemoryStore implements SignatureStore {
        final Map<String, Manifest> manifests = new HashMap<>();
        final Map<Digest, byte[]> blobs = new HashMap<>();
        int manifestWrites;

        @Override
        public Optional<Manifest> getManifest(String repository, String reference) {
            return Optional.ofNullable(manifests.get(repository + "@" + reference));
        }

        @Override
        public byte[] getBlob(String repository, Digest digest) {
            return blobs.get(digest);
        }

        @Override
        public void putBlob(String repository, Digest digest, byte[] content) {
            blobs.put(digest, content);
        }

        @Override
        public void putManifest(String repository, String reference, String mediaType, byte[] content) {
            manifestWrites++;
            manifests.put(repository + "@" + reference, new Manifest(mediaType, content));
        }
    }

    @Test
    void signingAgainWithTheSameKeyAndIdentityIsIdempotent() throws Exception {
        MemoryStore store = new MemoryStore();
        store.manifests.put("team/app@" + IMAGE, new SignatureStore.Manifest("application/vnd.oci.image.manifest.v1+json", IMAGE_MANIFEST));
        SigningKey key = Keys.generate();
        ImageSigner signer = new ImageSigner(store);

        SignatureArtifacts first = signer.sign("team/app", IMAGE, "reg.example.com/team/app:1.0", key, Map.of());
        SignatureArtifacts again = signer.sign("team/app", IMAGE, "reg.example.com/team/app:1.0", key, Map.of("creator", "x"));
        assertThat(first.changed()).isTrue();
        assertThat(again.changed()).isFalse();
        assertThat(again.manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(store.manifestWrites).isEqualTo(1);

        // another identity (tag) or another key is another statement: one more layer each
        signer.sign("team/app", IMAGE, "reg.example.com/team/app:latest", key, Map.of());
        signer.sign("team/app", IMAGE, "reg.example.com/team/app:1.0", Keys.generate(), Map.of());
        byte[] sig = store.getManifest("team/app", SignatureManifest.tagFor(IMAGE)).orElseThrow().content();
        assertThat(SignatureManifest.layers(sig)).hasSize(3);
        assertThat(signer.verify("team/app", IMAGE, IdentityRule.repository("reg.example.com/team/app"), List.of(key.publicKey())).valid())
                .hasSize(2);
    }
}
