package io.gatehouse.registry.content;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.testing.TypedBody;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pushed manifest bodies. Input: an optional {@code Content-Type: <type>} first line, then the body. Properties:
 * the only exception is a {@link RegistryException} carrying a 400 MANIFEST_INVALID; an accepted manifest has a
 * supported media type and only valid digests among its references; parsing the same bytes twice agrees.
 */
class ManifestParserFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void pushedManifest(byte[] data) {
        TypedBody input = TypedBody.of(data);
        String contentType = input.contentType();
        byte[] body = input.body();
        ManifestParser.Parsed p;
        try {
            p = ManifestParser.parse(body, contentType);
        } catch (RegistryException e) {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().code()).isEqualTo("MANIFEST_INVALID");
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("undocumented exception for a pushed manifest", e);
        }
        assertThat(MediaTypes.MANIFESTS).contains(p.mediaType());
        for (String d : p.blobs()) {
            assertThat(Digest.isDigest(d)).as(d).isTrue();
        }
        for (String d : p.children()) {
            assertThat(Digest.isDigest(d)).as(d).isTrue();
        }
        if (p.subject() != null) {
            assertThat(Digest.isDigest(p.subject())).isTrue();
        }
        if (MediaTypes.isIndex(p.mediaType())) {
            assertThat(p.blobs()).isEmpty();
        } else {
            assertThat(p.blobs()).as("an image manifest references its config").isNotEmpty();
        }
        assertThat(ManifestParser.parse(body, contentType)).isEqualTo(p);
    }
}
