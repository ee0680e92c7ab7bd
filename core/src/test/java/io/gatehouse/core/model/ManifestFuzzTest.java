package io.gatehouse.core.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.testing.TypedBody;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Manifests and indexes as a remote registry may serve them. Input: an optional {@code Content-Type: <type>} first
 * line, then the body. Properties: the only exception is {@link InvalidManifestException}; an accepted manifest
 * keeps its bytes and digest; serialising its model and parsing that again gives the same model (what the copy
 * engine relies on when it rewrites an index).
 */
class ManifestFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void manifest(byte[] data) {
        TypedBody input = TypedBody.of(data);
        String contentType = input.contentType();
        byte[] body = input.body();
        Manifest m;
        try {
            m = Manifest.parse(body, contentType);
        } catch (InvalidManifestException expected) {
            return;
        }
        assertThat(m.bytes()).isEqualTo(body);
        assertThat(m.digest()).isEqualTo(io.gatehouse.core.reference.Digest.sha256(body));
        assertThat(MediaTypes.MANIFESTS).contains(m.mediaType());
        assertThat(m.references()).doesNotContainNull();
        if (m.isIndex()) {
            assertThat(Manifest.of(m.index()).index()).isEqualTo(m.index());
        } else {
            assertThat(Manifest.of(m.image()).image()).isEqualTo(m.image());
        }
    }
}
