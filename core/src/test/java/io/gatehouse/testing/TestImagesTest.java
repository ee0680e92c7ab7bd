package io.gatehouse.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.testing.TestImages.Format;
import io.gatehouse.testing.TestImages.Image;
import io.gatehouse.testing.TestImages.ImageIndex;
import io.gatehouse.testing.TestImages.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The offline image builder makes images that real tools (tar, skopeo) and a real registry (Distribution) accept. */
class TestImagesTest {

    @Test
    void sameSeedSameBytesDifferentSeedDifferentLayers() {
        assertThat(TestImages.image(7).digest()).isEqualTo(TestImages.image(7).digest());
        assertThat(TestImages.image(7).layers()).doesNotContainAnyElementsOf(TestImages.image(8).layers());
        ImageIndex idx = TestImages.index(7, Format.DOCKER, List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64), 1, 100);
        assertThat(idx.image(Platform.LINUX_AMD64).layers().get(0).digest())
                .isNotEqualTo(idx.image(Platform.LINUX_ARM64).layers().get(0).digest());
        assertThat(idx.index().text()).contains("\"variant\":\"v8\"").contains(idx.image(Platform.LINUX_ARM64).digest());
        assertThat(TestImages.sha256(TestImages.randomStream(3, 1_000_003)))
                .isEqualTo(TestImages.sha256(TestImages.randomStream(3, 1_000_003)));
    }

    @Test
    void layersAreGzipTarsWhoseDiffIdsTheConfigNames(@TempDir Path dir) throws Exception {
        Image img = TestImages.image(11, Format.OCI, Platform.LINUX_AMD64, 2, 5000);
        JsonNode config = TestImages.JSON.readTree(img.config().bytes());
        for (int i = 0; i < 2; i++) {
            byte[] tar = new GZIPInputStream(new ByteArrayInputStream(img.layers().get(i).bytes())).readAllBytes();
            assertThat(TestImages.sha256(tar)).isEqualTo(config.at("/rootfs/diff_ids/" + i).asText());
            Path f = dir.resolve("l" + i + ".tar.gz");
            Files.write(f, img.layers().get(i).bytes());
            Process tarList = new ProcessBuilder("tar", "-tvzf", f.toString()).redirectErrorStream(true).start();
            String out = new String(tarList.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(tarList.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(tarList.exitValue()).as(out).isZero();
            assertThat(out).contains("gatehouse-test/layer-" + i + ".bin").contains("5000");
        }
        JsonNode manifest = TestImages.JSON.readTree(img.manifest().bytes());
        assertThat(manifest.at("/config/digest").asText()).isEqualTo(img.config().digest());
        assertThat(manifest.at("/layers/1/size").asLong()).isEqualTo(img.layers().get(1).size());
    }

    @Test
    void pushesOverHttpToDistributionMonolithicAndChunked(@TempDir Path dir) throws Exception {
        try (DistributionRegistry reg = DistributionRegistry.start(dir)) {
            ImagePusher pusher = new ImagePusher(reg.url());
            Image oci = TestImages.image(21);
            Image docker = TestImages.image(22, Format.DOCKER, Platform.LINUX_AMD64, 1, 1000);
            ImageIndex index = TestImages.index(23, Format.OCI, List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64), 1, 1000);
            pusher.push("t/oci", "1", oci);
            pusher.push("t/docker", "1", docker);
            pusher.push("t/index", "1", index);
            for (var c : List.of(new Object[]{"t/oci", oci.manifest()}, new Object[]{"t/docker", docker.manifest()},
                    new Object[]{"t/index", index.index()})) {
                TestImages.Blob m = (TestImages.Blob) c[1];
                HttpResponse<byte[]> r = pusher.send(HttpRequest.newBuilder(pusher.uri("/v2/" + c[0] + "/manifests/1"))
                        .header("Accept", m.mediaType()));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(m.digest());
                assertThat(r.body()).isEqualTo(m.bytes());
            }
            long size = 3 * 1024 * 1024 + 17;
            String digest = TestImages.sha256(TestImages.randomStream(5, size));
            pusher.pushBlobChunked("t/big", digest, TestImages.randomStream(5, size), size, 1024 * 1024);
            assertThat(pusher.blobExists("t/big", digest)).isTrue();
        }
    }

    @Test
    void skopeoReadsTheOciLayoutIncludingAnIndex(@TempDir Path dir) throws Exception {
        Path skopeo = ExternalTools.require("skopeo");
        Path layout = dir.resolve("layout");
        Image img = TestImages.image(31);
        ImageIndex index = TestImages.index(32, Format.OCI, List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64), 1, 2000);
        TestImages.writeOciLayout(layout, "single", img);
        TestImages.writeOciLayout(layout, "multi", index);
        try (DistributionRegistry reg = DistributionRegistry.start(dir)) {
            run(skopeo.toString(), "copy", "--dest-tls-verify=false", "oci:" + layout + ":single", "docker://" + reg.hostPort() + "/l/single:1");
            run(skopeo.toString(), "copy", "--all", "--dest-tls-verify=false", "oci:" + layout + ":multi", "docker://" + reg.hostPort() + "/l/multi:1");
            ImagePusher probe = new ImagePusher(reg.url());
            HttpResponse<byte[]> r = probe.send(HttpRequest.newBuilder(probe.uri("/v2/l/multi/manifests/1"))
                    .header("Accept", index.index().mediaType()));
            assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(index.digest());
            r = probe.send(HttpRequest.newBuilder(probe.uri("/v2/l/single/manifests/1")).header("Accept", img.manifest().mediaType()));
            assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(img.digest());
        }
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }
}
