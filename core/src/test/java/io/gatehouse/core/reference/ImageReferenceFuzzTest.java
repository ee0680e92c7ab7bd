package io.gatehouse.core.reference;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Image references as users type them and as registries return them. Properties: the only exceptions are
 * {@link InvalidNameException} (for references) and {@link InvalidDigestException} (for digests), both
 * IllegalArgumentExceptions; an accepted reference prints to a form that parses back to the same reference; its
 * repository name is valid and lowercase; a digest prints to itself.
 */
class ImageReferenceFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void reference(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        try {
            ImageReference r = ImageReference.parse(s);
            assertThat(ImageReference.parse(r.toString())).as(s).isEqualTo(r);
            assertThat(RepositoryName.isValid(r.repository().value())).isTrue();
            assertThat(r.tag() != null || r.digest() != null).isTrue();
        } catch (InvalidNameException expected) {
            // documented
        }
        try {
            Digest d = Digest.parse(s);
            assertThat(Digest.parse(d.toString())).isEqualTo(d);
            assertThat(d.toString()).isEqualTo(s);
        } catch (InvalidDigestException expected) {
            // documented
        }
        try {
            RepositoryName n = RepositoryName.of(s);
            assertThat(RepositoryName.of(n.toString())).isEqualTo(n);
        } catch (InvalidNameException expected) {
            // documented
        }
        RepositoryName.isValidTag(s);
    }
}
