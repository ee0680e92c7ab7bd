package io.gatehouse.registry.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testing.ImagePusher;
import io.gatehouse.testing.TestImages;
import io.gatehouse.testing.TestImages.Blob;
import io.gatehouse.testing.TestImages.Format;
import io.gatehouse.testing.TestImages.Image;
import io.gatehouse.testing.TestImages.ImageIndex;
import io.gatehouse.testing.TestImages.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What docker, podman and skopeo do against a registry, checked with the real programs. The same tests run
 * against CNCF Distribution (proving the harness and recording the reference behaviour) and against ours:
 * a subclass only says how to start the registry. Every image is built offline by {@link TestImages}; results
 * are checked over HTTP independently of the client that produced them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealClientsContract {

    /** A running registry the clients talk to over plain HTTP on loopback. */
    interface Target extends AutoCloseable {
        /** http://127.0.0.1:PORT */
        String url();

        @Override
        void close();

        /** 127.0.0.1:PORT, as image references spell it. */
        default String hostPort() {
            return url().replaceFirst("^https?://", "");
        }
    }

    /** Starts the registry under test, keeping its files in {@code dir}. */
    protected abstract Target startRegistry(Path dir) throws Exception;

    static final ObjectMapper JSON = new ObjectMapper();
    static final Platform HOST = System.getProperty("os.arch").matches("aarch64|arm64") ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64;
    static final Platform OTHER = HOST.equals(Platform.LINUX_AMD64) ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64;

    Path dir;
    Target registry;
    String hp;
    ImagePusher http;
    Clients clients;
    Path layout;

    @BeforeAll
    void startEverything() throws Exception {
        dir = Files.createTempDirectory("gatehouse-interop-");
        registry = startRegistry(Files.createDirectories(dir.resolve("registry")));
        hp = registry.hostPort();
        http = new ImagePusher(registry.url());
        clients = new Clients(Files.createDirectories(dir.resolve("clients")));
        layout = dir.resolve("layout");
    }

    @AfterAll
    void stopEverything() {
        if (registry != null) registry.close();
        if (clients != null) clients.close();
        deleteTree(dir);
    }

    // ------------------------------------------------------------------------------------------------ skopeo

    @Test
    void skopeoCopiesAnOciImageFromALayoutAndBackUnchanged() throws Exception {
        Image img = TestImages.image(101);
        TestImages.writeOciLayout(layout, "single", img);
        clients.skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":single", "docker://" + hp + "/interop/single:1.0");

        assertManifest("interop/single", "1.0", img.manifest());
        assertThat(clients.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + hp + "/interop/single:1.0"))
                .isEqualTo(img.manifest().text());
        JsonNode inspect = JSON.readTree(clients.skopeo("inspect", "--tls-verify=false", "docker://" + hp + "/interop/single:1.0"));
        assertThat(inspect.path("Digest").asText()).isEqualTo(img.digest());
        assertThat(inspect.path("Architecture").asText()).isEqualTo(HOST.architecture());
        assertThat(inspect.path("Os").asText()).isEqualTo("linux");
        assertThat(texts(inspect.path("Layers"))).containsExactlyElementsOf(img.layers().stream().map(Blob::digest).toList());
        assertThat(inspect.path("RepoTags").toString()).contains("1.0");
        assertThat(clients.skopeo("inspect", "--config", "--raw", "--tls-verify=false", "docker://" + hp + "/interop/single:1.0"))
                .isEqualTo(img.config().text());

        Path back = dir.resolve("back-single");
        clients.skopeo("copy", "--src-tls-verify=false", "docker://" + hp + "/interop/single:1.0", "oci:" + back + ":b");
        for (Blob b : img.blobs()) {
            assertThat(back.resolve("blobs/sha256/" + b.hex())).as(b.toString()).hasBinaryContent(b.bytes());
        }
    }

    @Test
    void skopeoCopiesEveryPlatformOfAnOciIndex() throws Exception {
        ImageIndex idx = TestImages.index(102, Format.OCI, List.of(HOST, OTHER, Platform.LINUX_ARM_V7), 1, 4096);
        TestImages.writeOciLayout(layout, "multi", idx);
        clients.skopeo("copy", "--all", "--dest-tls-verify=false", "oci:" + layout + ":multi", "docker://" + hp + "/interop/multi:1");

        assertManifest("interop/multi", "1", idx.index());
        assertThat(clients.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + hp + "/interop/multi:1"))
                .isEqualTo(idx.index().text());
        for (Image img : idx.images()) {
            assertManifest("interop/multi", img.digest(), img.manifest());
            for (Blob b : img.blobs()) assertBlob("interop/multi", b);
        }
        // and back out again, all platforms, byte for byte
        Path back = dir.resolve("back-multi");
        clients.skopeo("copy", "--all", "--src-tls-verify=false", "docker://" + hp + "/interop/multi:1", "oci:" + back + ":b");
        for (Image img : idx.images()) {
            assertThat(back.resolve("blobs/sha256/" + img.manifest().hex())).hasBinaryContent(img.manifest().bytes());
            assertThat(back.resolve("blobs/sha256/" + img.layers().get(0).hex())).hasBinaryContent(img.layers().get(0).bytes());
        }
    }

    @Test
    void skopeoCopiesADockerManifestListAndSchema2ImagesBetweenRepositories() throws Exception {
        ImageIndex list = TestImages.index(103, Format.DOCKER, List.of(HOST, OTHER), 2, 2048);
        http.push("interop/dlist", "1", list);
        clients.skopeo("copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://" + hp + "/interop/dlist:1", "docker://" + hp + "/interop/dlist-copy:1");
        assertManifest("interop/dlist-copy", "1", list.index());
        for (Image img : list.images()) assertManifest("interop/dlist-copy", img.digest(), img.manifest());

        Image single = TestImages.image(104, Format.DOCKER, HOST, 3, 1024);
        http.push("interop/dsingle", "v1", single);
        clients.skopeo("copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://" + hp + "/interop/dsingle:v1", "docker://" + hp + "/interop/dsingle-copy:v1");
        assertManifest("interop/dsingle-copy", "v1", single.manifest());
        JsonNode inspect = JSON.readTree(clients.skopeo("inspect", "--tls-verify=false", "docker://" + hp + "/interop/dsingle-copy:v1"));
        assertThat(inspect.path("Digest").asText()).isEqualTo(single.digest());
    }

    @Test
    void skopeoListsTags() throws Exception {
        Image img = TestImages.image(105);
        List<String> tags = List.of("1.0", "1.1", "latest", "v2-rc.1", "Z_upper");
        for (String t : tags) http.push("interop/tags", t, img);
        JsonNode list = JSON.readTree(clients.skopeo("list-tags", "--tls-verify=false", "docker://" + hp + "/interop/tags"));
        assertThat(list.path("Repository").asText()).isEqualTo(hp + "/interop/tags");
        assertThat(texts(list.path("Tags"))).containsExactlyInAnyOrderElementsOf(tags);
    }

    @Test
    void skopeoDeletesAnImage() throws Exception {
        Image gone = TestImages.image(106);
        Image kept = TestImages.image(107);
        http.push("interop/del", "gone", gone);
        http.push("interop/del", "kept", kept);
        clients.skopeo("delete", "--tls-verify=false", "docker://" + hp + "/interop/del:gone");

        assertThat(status("HEAD", "/v2/interop/del/manifests/" + gone.digest())).isEqualTo(404);
        assertThat(status("GET", "/v2/interop/del/manifests/gone")).isEqualTo(404);
        assertManifest("interop/del", "kept", kept.manifest());
        JsonNode list = JSON.readTree(clients.skopeo("list-tags", "--tls-verify=false", "docker://" + hp + "/interop/del"));
        assertThat(texts(list.path("Tags"))).containsExactly("kept");
    }

    @Test
    void skopeoSyncsARepositoryWithAllItsTags() throws Exception {
        Image img = TestImages.image(108);
        ImageIndex idx = TestImages.index(109, Format.OCI, List.of(HOST, OTHER), 1, 1024);
        http.push("interop/sync-src", "one", img);
        http.push("interop/sync-src", "multi", idx);
        clients.skopeo("sync", "--all", "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false",
                hp + "/interop/sync-src", hp + "/synced");
        // skopeo sync appends the source repository's last path component to the destination
        assertManifest("synced/sync-src", "one", img.manifest());
        assertManifest("synced/sync-src", "multi", idx.index());
        for (Image i : idx.images()) assertManifest("synced/sync-src", i.digest(), i.manifest());
        JsonNode list = JSON.readTree(clients.skopeo("list-tags", "--tls-verify=false", "docker://" + hp + "/synced/sync-src"));
        assertThat(texts(list.path("Tags"))).containsExactlyInAnyOrder("one", "multi");
    }

    @Test
    void skopeoConvertsAnOciImageToDockerSchema2OnTheWayIn() throws Exception {
        Image img = TestImages.image(115);
        TestImages.writeOciLayout(layout, "convert", img);
        clients.skopeo("copy", "--format", "v2s2", "--dest-tls-verify=false", "oci:" + layout + ":convert",
                "docker://" + hp + "/interop/converted:1");
        JsonNode m = JSON.readTree(clients.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + hp + "/interop/converted:1"));
        assertThat(m.path("mediaType").asText()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
        assertThat(m.at("/config/mediaType").asText()).isEqualTo("application/vnd.docker.container.image.v1+json");
        assertThat(m.at("/layers/0/digest").asText()).isEqualTo(img.layers().get(0).digest());
        assertThat(status("HEAD", "/v2/interop/converted/blobs/" + m.at("/config/digest").asText())).isEqualTo(200);
    }

    @Test
    void clientsReportMissingContentAsMissing() {
        Clients.Result skopeo = clients.run(io.gatehouse.testing.ExternalTools.require("skopeo"),
                "inspect", "--tls-verify=false", "docker://" + hp + "/interop/nothing-here:missing");
        assertThat(skopeo.exitCode()).isNotZero();
        assertThat((skopeo.output() + skopeo.errors()).toLowerCase()).containsAnyOf("manifest unknown", "not found", "name unknown");
        Clients.Result docker = clients.run(io.gatehouse.testing.ExternalTools.require("docker"),
                "manifest", "inspect", "--insecure", hp + "/interop/nothing-here:missing");
        assertThat(docker.exitCode()).isNotZero();
        assertThat((docker.output() + docker.errors()).toLowerCase()).containsAnyOf("no such manifest", "manifest unknown", "not found");
        // an invalid repository name (uppercase) is refused by the client or the registry, never stored
        Image img = TestImages.image(116);
        TestImages.writeOciLayout(layout, "bad-name", img);
        Clients.Result upper = clients.run(io.gatehouse.testing.ExternalTools.require("skopeo"),
                "copy", "--dest-tls-verify=false", "oci:" + layout + ":bad-name", "docker://" + hp + "/Interop/UPPER:1");
        assertThat(upper.exitCode()).isNotZero();
    }

    // ------------------------------------------------------------------------------------------------ podman

    @Test
    void podmanPullsAnImageAndTheHostPlatformOfAnIndexThenPushesIt() throws Exception {
        Image img = TestImages.image(110, Format.DOCKER, HOST, 2, 8192);
        http.push("interop/podman-src", "1", img);
        clients.podman("pull", "--tls-verify=false", hp + "/interop/podman-src:1");
        assertThat(clients.podman("image", "inspect", "--format", "{{.Id}}", hp + "/interop/podman-src:1").strip())
                .isEqualTo(img.config().hex());

        ImageIndex idx = TestImages.index(111, Format.OCI, List.of(OTHER, HOST), 1, 4096);
        http.push("interop/podman-multi", "1", idx);
        clients.podman("pull", "--tls-verify=false", hp + "/interop/podman-multi:1");
        assertThat(clients.podman("image", "inspect", "--format", "{{.Id}}", hp + "/interop/podman-multi:1").strip())
                .isEqualTo(idx.image(HOST).config().hex());

        // podman may recompress on push, so compare what the image is (config, diff_ids), not the layer bytes
        clients.podman("push", "--tls-verify=false", hp + "/interop/podman-src:1", "docker://" + hp + "/interop/podman-dst:1");
        JsonNode config = JSON.readTree(clients.skopeo("inspect", "--config", "--raw", "--tls-verify=false",
                "docker://" + hp + "/interop/podman-dst:1"));
        assertThat(texts(config.at("/rootfs/diff_ids"))).containsExactlyElementsOf(img.diffIds());
        JsonNode manifest = JSON.readTree(clients.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + hp + "/interop/podman-dst:1"));
        for (JsonNode layer : manifest.path("layers")) assertThat(status("HEAD", "/v2/interop/podman-dst/blobs/" + layer.path("digest").asText())).isEqualTo(200);

        // a fresh pull of what podman pushed, into empty storage
        clients.podman("rmi", "--all", "--force");
        clients.podman("pull", "--tls-verify=false", hp + "/interop/podman-dst:1");
        assertThat(clients.podman("image", "inspect", "--format", "{{.Id}}", hp + "/interop/podman-dst:1").strip())
                .isEqualTo(TestImages.sha256(clients.skopeo("inspect", "--config", "--raw", "--tls-verify=false",
                        "docker://" + hp + "/interop/podman-dst:1").getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(7));
    }

    @Test
    void podmanAssemblesAndPushesAManifestList() throws Exception {
        Image host = TestImages.image(117, Format.OCI, HOST, 1, 2048);
        Image other = TestImages.image(118, Format.OCI, OTHER, 1, 2048);
        http.push("interop/podman-parts", "host", host);
        http.push("interop/podman-parts", "other", other);
        String list = "localhost/gatehouse-interop-list-" + ProcessHandle.current().pid();
        clients.podman("manifest", "create", list);
        clients.podman("manifest", "add", "--tls-verify=false", list, "docker://" + hp + "/interop/podman-parts:host");
        clients.podman("manifest", "add", "--tls-verify=false", list, "docker://" + hp + "/interop/podman-parts:other");
        clients.podman("manifest", "push", "--all", "--tls-verify=false", list, "docker://" + hp + "/interop/podman-list:1");
        JsonNode index = JSON.readTree(clients.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + hp + "/interop/podman-list:1"));
        List<String> digests = texts(index.findPath("manifests").findValues("digest").stream()
                .collect(JSON::createArrayNode, com.fasterxml.jackson.databind.node.ArrayNode::add, com.fasterxml.jackson.databind.node.ArrayNode::addAll));
        assertThat(digests).containsExactlyInAnyOrder(host.digest(), other.digest());
        assertManifest("interop/podman-list", host.digest(), host.manifest());
        assertManifest("interop/podman-list", other.digest(), other.manifest());
    }

    // ------------------------------------------------------------------------------------------------ docker CLI

    @Test
    void dockerManifestInspectReadsImagesAndIndexes() throws Exception {
        Image img = TestImages.image(112, Format.DOCKER, HOST, 1, 1024);
        http.push("interop/docker-cli", "1", img);
        JsonNode m = JSON.readTree(clients.docker("manifest", "inspect", "--insecure", hp + "/interop/docker-cli:1"));
        assertThat(m.at("/config/digest").asText()).isEqualTo(img.config().digest());
        assertThat(m.at("/layers/0/digest").asText()).isEqualTo(img.layers().get(0).digest());

        Image oci = TestImages.image(113);
        http.push("interop/docker-cli", "oci", oci);
        m = JSON.readTree(clients.docker("manifest", "inspect", "--insecure", hp + "/interop/docker-cli:oci"));
        assertThat(m.at("/config/digest").asText()).isEqualTo(oci.config().digest());

        ImageIndex idx = TestImages.index(114, Format.DOCKER, List.of(HOST, OTHER), 1, 1024);
        http.push("interop/docker-cli", "multi", idx);
        m = JSON.readTree(clients.docker("manifest", "inspect", "--insecure", hp + "/interop/docker-cli:multi"));
        List<String> archs = new ArrayList<>();
        m.path("manifests").forEach(e -> archs.add(e.at("/platform/architecture").asText()));
        assertThat(archs).containsExactlyInAnyOrder(HOST.architecture(), OTHER.architecture());
        m.path("manifests").forEach(e -> assertThat(e.path("digest").asText())
                .isIn(idx.images().stream().map(Image::digest).toList()));

        // verbose mode resolves each platform's manifest too
        JsonNode verbose = JSON.readTree(clients.docker("manifest", "inspect", "--insecure", "-v", hp + "/interop/docker-cli:multi"));
        assertThat(verbose.isArray()).isTrue();
        assertThat(verbose.size()).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The manifest as the registry serves it: same bytes, same digest header, its own media type. */
    void assertManifest(String repo, String reference, Blob expected) {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(http.uri("/v2/" + repo + "/manifests/" + reference))
                .header("Accept", String.join(", ", List.of(
                        "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
                        "application/vnd.docker.distribution.manifest.v2+json",
                        "application/vnd.docker.distribution.manifest.list.v2+json"))));
        assertThat(r.statusCode()).as("GET %s:%s", repo, reference).isEqualTo(200);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).as("digest of %s:%s", repo, reference).hasValue(expected.digest());
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith(expected.mediaType()));
        assertThat(r.body()).isEqualTo(expected.bytes());
    }

    void assertBlob(String repo, Blob expected) {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(http.uri("/v2/" + repo + "/blobs/" + expected.digest())));
        assertThat(r.statusCode()).as("GET blob %s", expected).isEqualTo(200);
        assertThat(TestImages.sha256(r.body())).isEqualTo(expected.digest());
    }

    int status(String method, String path) {
        return http.send(HttpRequest.newBuilder(http.uri(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"))
                .statusCode();
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file must not fail the test
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
