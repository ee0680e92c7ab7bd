package io.gatehouse.core.reference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Normalisation cases taken from docker's behaviour (distribution/reference ParseNormalizedNamed + TagNameOnly). */
class ImageReferenceTest {
    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest
    @CsvSource({
            "alpine, docker.io/library/alpine:latest",
            "alpine:3.19, docker.io/library/alpine:3.19",
            "library/alpine, docker.io/library/alpine:latest",
            "user/app, docker.io/user/app:latest",
            "docker.io/alpine, docker.io/library/alpine:latest",
            "index.docker.io/alpine:edge, docker.io/library/alpine:edge",
            "index.docker.io/user/app, docker.io/user/app:latest",
            "localhost/app, localhost/app:latest",
            "localhost:5000/a/b:v1, localhost:5000/a/b:v1",
            "quay.io/org/app, quay.io/org/app:latest",
            "host:5000/a/b/c, host:5000/a/b/c:latest",
            "127.0.0.1:5000/x, 127.0.0.1:5000/x:latest",
            "a.b/c__d/e-f.g, a.b/c__d/e-f.g:latest",
            "[::1]:5000/app:1, [::1]:5000/app:1",
    })
    void normalisesLikeDocker(String in, String out) {
        assertThat(ImageReference.parse(in).toString()).isEqualTo(out);
    }

    @Test
    void digestWithoutTagGetsNoDefaultTag() {
        ImageReference r = ImageReference.parse("host:5000/a/b@sha256:" + HEX);
        assertThat(r.registry()).isEqualTo("host:5000");
        assertThat(r.repository().value()).isEqualTo("a/b");
        assertThat(r.tag()).isNull();
        assertThat(r.digest().hex()).isEqualTo(HEX);
        assertThat(r.identifier()).isEqualTo("sha256:" + HEX);
    }

    @Test
    void tagAndDigestAreBothKept() {
        ImageReference r = ImageReference.parse("alpine:3.19@sha256:" + HEX);
        assertThat(r.toString()).isEqualTo("docker.io/library/alpine:3.19@sha256:" + HEX);
        assertThat(r.identifier()).startsWith("sha256:");
    }

    @Test
    void dockerHubIsReachedAtRegistry1() {
        assertThat(ImageReference.parse("alpine").registryHost()).isEqualTo("registry-1.docker.io");
        assertThat(ImageReference.parse("quay.io/a/b").registryHost()).isEqualTo("quay.io");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "Alpine", "docker.io/Library/alpine", "a//b", "a/b:", "a/b:-x", "-a/b", "a/b@sha256:xyz",
            "a/b@md5:0123", "host:port:5000/a"})
    void rejectsBadReferences(String bad) {
        assertThatThrownBy(() -> ImageReference.parse(bad)).isInstanceOf(InvalidNameException.class);
    }

    /** The control for "a/b:" and "a/b:-x" above: with a valid tag the same name parses, so those fail on the tag. */
    @Test
    void theRejectedTagsControlParses() {
        ImageReference r = ImageReference.parse("a/b:t");
        assertThat(r.tag()).isEqualTo("t");
        assertThat(r.toString()).isEqualTo("docker.io/a/b:t");
    }

    @Test
    void errorsSayWhy() {
        assertThatThrownBy(() -> ImageReference.parse("Alpine")).hasMessageContaining("lowercase");
        assertThatThrownBy(() -> ImageReference.parse(HEX)).hasMessageContaining("64-byte hexadecimal");
        assertThatThrownBy(() -> ImageReference.parse("a/b@sha256:12")).hasMessageContaining("digest");
        assertThatThrownBy(() -> ImageReference.parse("a/b:" + "x".repeat(129))).hasMessageContaining("tag");
        assertThatThrownBy(() -> ImageReference.parse("h.io/" + "a".repeat(255))).hasMessageContaining("255");
    }

    @Test
    void uppercaseFirstPartIsARegistryLikeDocker() {
        // docker treats an uppercase first component as a host (it cannot be a repository name)
        assertThat(ImageReference.parse("Host.Example/app").registry()).isEqualTo("Host.Example");
    }
}
