package io.gatehouse.core.model;

import io.gatehouse.core.reference.Digest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestTest {
    private static final String D1 = "sha256:" + "a".repeat(64);
    private static final String D2 = "sha256:" + "b".repeat(64);

    @Test
    void keepsExactBytesAndDigest() {
        String json = "{\"schemaVersion\":2,  \"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG
                + "\",\"digest\":\"" + D1 + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + D2
                + "\",\"size\":10,\"x-unknown\":1}],\"annotations\":{\"k\":\"v\"}}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Manifest m = Manifest.parse(bytes, "application/octet-stream");
        assertThat(m.bytes()).isEqualTo(bytes);
        assertThat(m.digest()).isEqualTo(Digest.sha256(bytes));
        assertThat(m.isIndex()).isFalse();
        assertThat(m.image().blobs()).extracting(Descriptor::digest).containsExactly(Digest.parse(D1), Digest.parse(D2));
        assertThat(m.image().annotations()).containsEntry("k", "v");
    }

    @Test
    void indexRoundTripsWithPlatforms() {
        ImageIndex idx = ImageIndex.of(MediaTypes.OCI_INDEX, List.of(
                Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(D1), 100).withPlatform(Platform.parse("linux/amd64")),
                Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse(D2), 200).withPlatform(Platform.parse("linux/arm64/v8"))), null);
        Manifest m = Manifest.of(idx);
        assertThat(m.isIndex()).isTrue();
        assertThat(m.index().manifests()).hasSize(2);
        assertThat(m.index().manifests().get(1).platform().variant()).isEqualTo("v8");
        assertThat(new String(m.bytes(), StandardCharsets.UTF_8)).contains("\"digest\":\"" + D1 + "\"").doesNotContain("urls");
        assertThat(Platform.parse("linux/arm64/v8").satisfies(Platform.parse("linux/arm64"))).isTrue();
        assertThat(Platform.parse("linux/arm64").satisfies(Platform.parse("linux/arm64/v8"))).isFalse();
    }

    @Test
    void malformedManifestsGiveClearErrors() {
        assertThatThrownBy(() -> Manifest.parse("not json".getBytes(), null)).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Manifest.parse("[1]".getBytes(), null)).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> Manifest.parse("{\"schemaVersion\":1}".getBytes(), null)).hasMessageContaining("schema 1");
        assertThatThrownBy(() -> Manifest.parse(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[]}").getBytes(), null))
                .hasMessageContaining("no config");
        assertThatThrownBy(() -> Manifest.parse(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
                + "\",\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"sha256:zz\",\"size\":1}]}").getBytes(), null))
                .isInstanceOf(InvalidManifestException.class).hasMessageContaining("sha256");
        assertThatThrownBy(() -> Manifest.parse(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
                + "\",\"manifests\":[{\"digest\":\"" + D1 + "\",\"size\":1}]}").getBytes(), null))
                .hasMessageContaining("without mediaType");
        assertThatThrownBy(() -> Manifest.parse(("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
                + "\",\"manifests\":[]}").getBytes(), MediaTypes.DOCKER_MANIFEST)).hasMessageContaining("contradicts");
        assertThatThrownBy(() -> Manifest.parse(new byte[Manifest.MAX_BYTES + 1], null)).hasMessageContaining("4 MiB");
    }
}
