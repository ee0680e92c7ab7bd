package io.gatehouse.core.copy;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.model.Platform;
import io.gatehouse.core.reference.ImageReference;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.remote.RetryPolicy;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.FreePort;
import io.gatehouse.testing.RegistryProxy;
import io.gatehouse.testing.ModelTestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Copies between two CNCF Distribution registries (and within one), with the proxy injecting upstream faults. */
class CopyEngineTest {
    @TempDir
    static Path dir;
    static DistributionRegistry upstream;
    static DistributionRegistry target;
    static RegistryProxy proxy;
    static RegistryClient up;
    static RegistryClient down;
    static final RetryPolicy FAST = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(5), 2);

    @BeforeAll
    static void start() throws Exception {
        upstream = DistributionRegistry.start(Files.createDirectories(dir.resolve("up")));
        target = DistributionRegistry.start(Files.createDirectories(dir.resolve("down")));
        proxy = RegistryProxy.start(upstream.url());
        up = RegistryClient.builder(upstream.hostPort()).retry(FAST).build();
        down = RegistryClient.builder(target.hostPort()).retry(FAST).build();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (upstream != null) upstream.close();
        if (target != null) target.close();
    }

    @AfterEach
    void clean() {
        proxy.clearRules();
    }

    static ImageReference ref(DistributionRegistry r, String repoTag) {
        return ImageReference.parse(r.hostPort() + "/" + repoTag);
    }

    static RegistryClient proxied() {
        return RegistryClient.builder(proxy.hostPort()).retry(FAST).build();
    }

    @Test
    void copiesAMultiPlatformIndexByteForByteWithProgress() {
        ModelTestImages.MultiPlatform mp = ModelTestImages.multiPlatform(List.of(ModelTestImages.randomLayer(3000), ModelTestImages.randomLayer(300_000)), 500,
                "linux/amd64", "linux/arm64/v8", "linux/arm/v7");
        RepositoryName repo = RepositoryName.of("lib/multi");
        mp.push(up, repo, "1.0");
        ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
        AtomicLong progress = new AtomicLong();
        CopyListener l = new CopyListener() {
            @Override
            public void blobFinished(Descriptor blob, BlobOutcome outcome) {
                events.add(outcome.name());
            }

            @Override
            public void blobProgress(Descriptor blob, long bytes) {
                progress.addAndGet(bytes);
            }
        };
        // chunk everything above 100 kB, so the shared 300 kB layer goes up in 64 kB PATCHes
        CopyOptions opts = CopyOptions.defaults().withChunking(100_000, 64 * 1024).withListener(l);
        try (CopyEngine engine = new CopyEngine(up, down, opts)) {
            CopyResult r = engine.copy(ref(upstream, "lib/multi:1.0"), ref(target, "mirror/multi:1.0"));
            assertThat(r.targetDigest()).isEqualTo(mp.index().digest());
            assertThat(r.manifests()).isEqualTo(4);
            assertThat(r.blobsCopied()).isEqualTo(2 + 3 + 3); // 2 shared layers, 3 own layers, 3 configs
            assertThat(progress.get()).isEqualTo(r.bytesCopied());
            assertThat(down.getManifest(RepositoryName.of("mirror/multi"), "1.0").bytes()).isEqualTo(mp.index().bytes());
            for (ModelTestImages.Image i : mp.images()) {
                for (ModelTestImages.Blob b : i.blobs()) assertThat(down.headBlob(RepositoryName.of("mirror/multi"), b.digest())).isPresent();
            }
            // again: everything is there, nothing moves
            CopyResult again = engine.copy(ref(upstream, "lib/multi:1.0"), ref(target, "mirror/multi:1.1"));
            assertThat(again.bytesCopied()).isZero();
            assertThat(again.blobsExisting()).isEqualTo(8);
        }
        assertThat(events).contains("COPIED");
    }

    @Test
    void platformFilterMakesANewAnnotatedIndex() {
        ModelTestImages.MultiPlatform mp = ModelTestImages.multiPlatform(List.of(ModelTestImages.randomLayer(1000)), 500, "linux/amd64", "linux/arm64/v8", "linux/s390x");
        mp.push(up, RepositoryName.of("lib/filtered"), "2");
        CopyOptions opts = CopyOptions.defaults().withPlatforms(Platform.parseList("linux/amd64,linux/arm64"));
        try (CopyEngine engine = new CopyEngine(up, down, opts)) {
            CopyResult r = engine.copy(ref(upstream, "lib/filtered:2"), ref(target, "mirror/filtered:2"));
            assertThat(r.targetDigest()).isNotEqualTo(r.sourceDigest());
            Manifest m = down.getManifest(RepositoryName.of("mirror/filtered"), "2");
            assertThat(m.index().manifests()).extracting(d -> d.platform().toString()).containsExactly("linux/amd64", "linux/arm64/v8");
            assertThat(m.index().annotations()).containsEntry(CopyEngine.SOURCE_DIGEST_ANNOTATION, mp.index().digest().toString());
            assertThat(down.headManifest(RepositoryName.of("mirror/filtered"), mp.image("linux/s390x").manifest().digest().toString())).isEmpty();
        }
        try (CopyEngine engine = new CopyEngine(up, down, CopyOptions.defaults().withPlatforms(Platform.parseList("windows/amd64")))) {
            assertThatThrownBy(() -> engine.copy(ref(upstream, "lib/filtered:2"), ref(target, "mirror/filtered:3")))
                    .isInstanceOf(CopyException.class).hasMessageContaining("has no manifest for").hasMessageContaining("linux/s390x");
        }
    }

    @Test
    void copiesADockerManifestListByteForByte() {
        ModelTestImages.Blob shared = ModelTestImages.randomLayer(2000);
        List<ModelTestImages.Image> images = List.of(
                ModelTestImages.image(Platform.parse("linux/amd64"), true, List.of(shared), java.util.Map.of()),
                ModelTestImages.image(Platform.parse("linux/arm/v7"), true, List.of(shared), java.util.Map.of()));
        ModelTestImages.MultiPlatform list = ModelTestImages.index(true, images);
        list.push(up, RepositoryName.of("lib/docker"), "v2");
        try (CopyEngine engine = new CopyEngine(up, down, CopyOptions.defaults())) {
            engine.copy(ref(upstream, "lib/docker:v2"), ref(target, "mirror/docker:v2"));
        }
        Manifest m = down.getManifest(RepositoryName.of("mirror/docker"), "v2");
        assertThat(m.mediaType()).isEqualTo(io.gatehouse.core.model.MediaTypes.DOCKER_MANIFEST_LIST);
        assertThat(m.bytes()).isEqualTo(list.index().bytes());
        assertThat(down.getManifest(RepositoryName.of("mirror/docker"), images.get(1).manifest().digest().toString()).mediaType())
                .isEqualTo(io.gatehouse.core.model.MediaTypes.DOCKER_MANIFEST);
    }

    @Test
    void sameRegistryMountsInsteadOfCopying() {
        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(20_000));
        img.push(up, RepositoryName.of("team-a/app"), "v1");
        try (CopyEngine engine = new CopyEngine(up, up, CopyOptions.defaults())) {
            CopyResult r = engine.copy(ref(upstream, "team-a/app:v1"), ref(upstream, "team-b/app:v1"));
            assertThat(r.blobsMounted()).isEqualTo(2);
            assertThat(r.bytesCopied()).isZero();
        }
        assertThat(up.headManifest(RepositoryName.of("team-b/app"), "v1")).isPresent();
    }

    @Test
    void copiesReferrersWithTheImage() {
        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(1000));
        RepositoryName repo = RepositoryName.of("lib/signed");
        img.push(up, repo, "v1");
        ModelTestImages.Image sig = ModelTestImages.artifact(img.manifest().descriptor(), "application/vnd.example.sig", "signature".getBytes());
        sig.push(up, repo, sig.manifest().digest().toString());
        try (CopyEngine engine = new CopyEngine(up, down, CopyOptions.defaults().withReferrers(true))) {
            CopyResult r = engine.copy(ref(upstream, "lib/signed:v1"), ref(target, "mirror/signed:v1"));
            assertThat(r.referrers()).isEqualTo(1);
        }
        assertThat(down.referrers(RepositoryName.of("mirror/signed"), img.manifest().digest(), null).manifests())
                .extracting(Descriptor::digest).containsExactly(sig.manifest().digest());
    }

    @Test
    void corruptUpstreamBlobLeavesNoImageOnTheTarget() {
        ModelTestImages.Blob layer = ModelTestImages.randomLayer(50_000);
        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", layer);
        img.push(up, RepositoryName.of("bad/corrupt"), "v1");
        byte[] bad = layer.bytes().clone();
        bad[100] ^= 1;
        proxy.rule((ex, m, p) -> {
            if (!p.endsWith(layer.digest().toString()) || !m.equals("GET")) return false;
            ex.sendResponseHeaders(200, bad.length);
            ex.getResponseBody().write(bad);
            return true;
        });
        try (CopyEngine engine = new CopyEngine(proxied(), down, CopyOptions.defaults())) {
            assertThatThrownBy(() -> engine.copy(ImageReference.parse(proxy.hostPort() + "/bad/corrupt:v1"), ref(target, "bad/corrupt:v1")))
                    .isInstanceOf(CopyException.class).hasMessageContaining("is corrupt").hasMessageContaining("does not match its digest");
        }
        assertThat(down.headManifest(RepositoryName.of("bad/corrupt"), "v1")).isEmpty();
        assertThat(down.headBlob(RepositoryName.of("bad/corrupt"), layer.digest())).isEmpty();
    }

    @Test
    void truncatedBlobIsRetriedThenFailsCleanly() {
        ModelTestImages.Blob layer = ModelTestImages.randomLayer(50_000);
        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", layer);
        img.push(up, RepositoryName.of("bad/cut"), "v1");
        proxy.rule((ex, m, p) -> {
            if (!p.endsWith(layer.digest().toString()) || !m.equals("GET")) return false;
            ex.sendResponseHeaders(200, layer.bytes().length);
            ex.getResponseBody().write(layer.bytes(), 0, 10_000);
            ex.getResponseBody().flush();
            throw new java.io.IOException("cut on purpose");
        });
        try (CopyEngine engine = new CopyEngine(proxied(), down, CopyOptions.defaults())) {
            assertThatThrownBy(() -> engine.copy(ImageReference.parse(proxy.hostPort() + "/bad/cut:v1"), ref(target, "bad/cut:v1")))
                    .isInstanceOf(CopyException.class).hasMessageContaining(layer.digest().toString());
        }
        assertThat(down.headManifest(RepositoryName.of("bad/cut"), "v1")).isEmpty();
        assertThat(down.headBlob(RepositoryName.of("bad/cut"), layer.digest())).isEmpty();
    }

    @Test
    void indexPointingAtAMissingManifestCopiesNothing() {
        ModelTestImages.MultiPlatform mp = ModelTestImages.multiPlatform(List.of(), 500, "linux/amd64", "linux/arm64");
        mp.push(up, RepositoryName.of("bad/index"), "v1");
        String missing = mp.image("linux/arm64").manifest().digest().toString();
        proxy.rule((ex, m, p) -> {
            if (!p.endsWith("/manifests/" + missing)) return false;
            RegistryProxy.send(ex, 404, "application/json", "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
            return true;
        });
        try (CopyEngine engine = new CopyEngine(proxied(), down, CopyOptions.defaults())) {
            assertThatThrownBy(() -> engine.copy(ImageReference.parse(proxy.hostPort() + "/bad/index:v1"), ref(target, "bad/index:v1")))
                    .isInstanceOf(CopyException.class).hasMessageContaining("does not have").hasMessageContaining(missing)
                    .hasMessageContaining("linux/arm64");
        }
        assertThat(down.headManifest(RepositoryName.of("bad/index"), "v1")).isEmpty();
        assertThat(down.headManifest(RepositoryName.of("bad/index"), mp.image("linux/amd64").manifest().digest().toString())).isEmpty();
    }

    @Test
    void malformedManifestAndUnreachableUpstream() {
        proxy.rule((ex, m, p) -> {
            if (!p.contains("/manifests/")) return false;
            RegistryProxy.send(ex, 200, "application/vnd.oci.image.index.v1+json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\"}]}");
            return true;
        });
        try (CopyEngine engine = new CopyEngine(proxied(), down, CopyOptions.defaults())) {
            assertThatThrownBy(() -> engine.copy(ImageReference.parse(proxy.hostPort() + "/bad/malformed:v1"), ref(target, "bad/malformed:v1")))
                    .isInstanceOf(CopyException.class).hasMessageContaining("malformed manifest").hasMessageContaining("without digest");
        }
        String dead = "127.0.0.1:" + FreePort.pick();
        try (CopyEngine engine = new CopyEngine(RegistryClient.builder(dead).retry(FAST).build(), down, CopyOptions.defaults())) {
            assertThatThrownBy(() -> engine.copy(ImageReference.parse(dead + "/x/y:v1"), ref(target, "bad/unreachable:v1")))
                    .isInstanceOf(CopyException.class).hasMessageContaining("cannot reach " + dead);
        }
        assertThat(down.headManifest(RepositoryName.of("bad/malformed"), "v1")).isEmpty();
    }
}
