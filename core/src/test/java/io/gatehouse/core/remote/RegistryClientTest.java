package io.gatehouse.core.remote;

import io.gatehouse.core.model.Descriptor;
import io.gatehouse.core.model.Manifest;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.FreePort;
import io.gatehouse.testing.RegistryProxy;
import io.gatehouse.testing.ModelTestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry client against CNCF Distribution 2.8 (open), directly and through the fault-injecting proxy. */
class RegistryClientTest {
    @TempDir
    static Path dir;
    static DistributionRegistry distribution;
    static RegistryClient client;
    static RegistryProxy proxy;
    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5), 3);

    @BeforeAll
    static void start() {
        distribution = DistributionRegistry.start(dir);
        client = RegistryClient.builder(distribution.hostPort()).retry(FAST).build();
        proxy = RegistryProxy.start(distribution.url());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) proxy.close();
        if (distribution != null) distribution.close();
    }

    @AfterEach
    void clean() {
        proxy.clearRules();
    }

    RegistryClient viaProxy() {
        return RegistryClient.builder(proxy.hostPort()).retry(FAST).build();
    }

    @Test
    void pushesAndPullsAMultiPlatformImage() throws Exception {
        RepositoryName repo = RepositoryName.of("client/multi");
        ModelTestImages.MultiPlatform mp = ModelTestImages.multiPlatform(List.of(ModelTestImages.randomLayer(2000)), 1000, "linux/amd64", "linux/arm64/v8");
        mp.push(client, repo, "v1");
        client.ping();

        Descriptor head = client.headManifest(repo, "v1").orElseThrow();
        assertThat(head.digest()).isEqualTo(mp.index().digest());
        assertThat(head.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
        // conditional on a known digest: 304 for the same one (Distribution honours If-None-Match), the real digest
        // for another, nothing for a missing tag
        assertThat(client.manifestDigest(repo, "v1", head.digest())).contains(head.digest());
        assertThat(client.manifestDigest(repo, "v1", io.gatehouse.core.reference.Digest.sha256("other".getBytes())))
                .contains(head.digest());
        assertThat(client.manifestDigest(repo, "nope", head.digest())).isEmpty();
        assertThat(client.manifestDigest(repo, "v1", null)).contains(head.digest());
        Manifest got = client.getManifest(repo, "v1");
        assertThat(got.bytes()).isEqualTo(mp.index().bytes());
        Manifest child = client.getManifest(repo, mp.image("linux/arm64").manifest().digest().toString());
        assertThat(child.image().layers()).hasSize(2);

        ModelTestImages.Blob layer = mp.images().get(0).layers().get(0);
        try (InputStream in = client.openBlob(repo, layer.digest(), layer.bytes().length)) {
            assertThat(in.readAllBytes()).isEqualTo(layer.bytes());
        }
        Path file = dir.resolve("dl/layer");
        client.downloadBlob(repo, layer.digest(), -1, file);
        assertThat(Files.readAllBytes(file)).isEqualTo(layer.bytes());
        assertThat(client.headBlob(repo, layer.digest())).contains((long) layer.bytes().length);
        assertThat(client.headManifest(repo, "nope")).isEmpty();
        assertThatThrownBy(() -> client.getManifest(repo, "nope")).isInstanceOf(RegistryException.class)
                .hasMessageContaining("404").hasMessageContaining("MANIFEST_UNKNOWN");
    }

    @Test
    void chunkedUploadMountTagsCatalogAndDelete() throws Exception {
        RepositoryName a = RepositoryName.of("client/chunks");
        RepositoryName b = RepositoryName.of("client/mounted");
        byte[] data = new byte[300_000];
        new java.util.Random(1).nextBytes(data);
        Digest d = Digest.sha256(data);
        AtomicInteger progress = new AtomicInteger();
        client.uploadBlobChunked(a, d, data.length, new ByteArrayInputStream(data), 64 * 1024, n -> progress.addAndGet((int) n));
        assertThat(progress.get()).isEqualTo(data.length);
        assertThat(client.headBlob(a, d)).contains((long) data.length);

        assertThat(client.mountBlob(b, d, a)).isTrue();
        assertThat(client.headBlob(b, d)).isPresent();
        Digest absent = Digest.sha256("absent".getBytes());
        assertThat(client.mountBlob(b, absent, a)).isFalse();

        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(100));
        for (int i = 0; i < 5; i++) img.push(client, a, "t" + i);
        assertThat(client.listTags(a, 2)).containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4");
        assertThat(client.catalog(1)).contains("client/chunks", "client/mounted");

        assertThat(client.deleteManifest(a, img.manifest().digest())).isTrue();
        assertThat(client.headManifest(a, "t0")).isEmpty();
    }

    @Test
    void referrersFallBackToTheTagSchemaOnDistribution() {
        RepositoryName repo = RepositoryName.of("client/referred");
        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(100));
        img.push(client, repo, "v1");
        ModelTestImages.Image sig = ModelTestImages.artifact(img.manifest().descriptor(), "application/vnd.example.signature", "sig".getBytes());
        ModelTestImages.Image sbom = ModelTestImages.artifact(img.manifest().descriptor(), "application/spdx+json", "{}".getBytes());
        sig.push(client, repo, sig.manifest().digest().toString());
        sbom.push(client, repo, sbom.manifest().digest().toString());

        RegistryClient.Referrers all = client.referrers(repo, img.manifest().digest(), null);
        assertThat(all.fromApi()).isFalse();
        assertThat(all.manifests()).extracting(Descriptor::digest).containsExactlyInAnyOrder(sig.manifest().digest(), sbom.manifest().digest());
        assertThat(client.referrers(repo, img.manifest().digest(), "application/spdx+json").manifests()).hasSize(1);
        assertThat(client.headManifest(repo, img.manifest().digest().toTagForm())).isPresent();
    }

    @Test
    void corruptBlobIsRefusedBeforeItsLastByte() throws Exception {
        RepositoryName repo = RepositoryName.of("client/corrupt");
        ModelTestImages.Blob layer = ModelTestImages.randomLayer(5000);
        client.uploadBlob(repo, layer.digest(), layer.bytes());
        byte[] bad = layer.bytes().clone();
        bad[bad.length / 2] ^= 1;
        proxy.rule((ex, m, p) -> {
            if (!p.endsWith(layer.digest().toString()) || !m.equals("GET")) return false;
            ex.sendResponseHeaders(200, bad.length);
            ex.getResponseBody().write(bad);
            return true;
        });
        RegistryClient c = viaProxy();
        Path target = dir.resolve("corrupt/blob");
        assertThatThrownBy(() -> c.downloadBlob(repo, layer.digest(), layer.bytes().length, target))
                .isInstanceOf(BlobVerificationException.class).hasMessageContaining("does not match its digest");
        assertThat(target).doesNotExist();
        assertThat(Files.list(target.getParent())).isEmpty();
    }

    @Test
    void truncatedBlobIsDetected() {
        RepositoryName repo = RepositoryName.of("client/truncated");
        ModelTestImages.Blob layer = ModelTestImages.randomLayer(5000);
        client.uploadBlob(repo, layer.digest(), layer.bytes());
        proxy.rule((ex, m, p) -> {
            if (!p.endsWith(layer.digest().toString()) || !m.equals("GET")) return false;
            ex.sendResponseHeaders(200, layer.bytes().length);
            ex.getResponseBody().write(layer.bytes(), 0, 1000);
            ex.getResponseBody().flush();
            throw new java.io.IOException("cut");
        });
        assertThatThrownBy(() -> {
            try (InputStream in = viaProxy().openBlob(repo, layer.digest(), layer.bytes().length)) {
                in.readAllBytes();
            }
        }).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void retriesServerErrorsThenSucceeds() {
        RepositoryName repo = RepositoryName.of("client/flaky");
        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(100));
        img.push(client, repo, "v1");
        AtomicInteger failures = new AtomicInteger(2);
        proxy.rule((ex, m, p) -> {
            if (!p.contains("/manifests/") || failures.getAndDecrement() <= 0) return false;
            RegistryProxy.send(ex, 503, "text/plain", "busy");
            return true;
        });
        assertThat(viaProxy().getManifest(repo, "v1").digest()).isEqualTo(img.manifest().digest());
        assertThat(failures.get()).isLessThan(0);
    }

    @Test
    void redirectLoopAndUnreachableRegistryGiveClearErrors() {
        proxy.rule((ex, m, p) -> {
            ex.getResponseHeaders().add("Location", p);
            ex.sendResponseHeaders(307, -1);
            return true;
        });
        assertThatThrownBy(() -> viaProxy().getManifest(RepositoryName.of("a/b"), "v1"))
                .isInstanceOf(RegistryException.class).hasMessageContaining("redirected too many times");

        RegistryClient dead = RegistryClient.builder("127.0.0.1:" + FreePort.pick()).retry(FAST).build();
        assertThatThrownBy(() -> dead.headManifest(RepositoryName.of("a/b"), "v1"))
                .isInstanceOf(RegistryException.class).hasMessageContaining("cannot reach").hasMessageContaining("3 attempts");
    }

    @Test
    void bearerTokensAreCachedPerScopeUntilTheyExpire() {
        RepositoryName repo = RepositoryName.of("client/tokens");
        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(100));
        img.push(client, repo, "v1");
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now = new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.now());
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        try (RegistryProxy hub = RegistryProxy.start(distribution.url()).dockerHub(1000, 1)) {
            RegistryClient c = RegistryClient.builder(hub.hostPort()).retry(FAST).clock(clock).build();
            for (int i = 0; i < 5; i++) assertThat(c.headManifest(repo, "v1")).isPresent();
            assertThat(hub.tokenRequests.get()).isEqualTo(1);
            assertThat(c.rateLimit()).get().extracting(RateLimitStatus::limit).isEqualTo(1000L);
            now.set(now.get().plusSeconds(301)); // the look-alike's tokens live 300 s
            assertThat(c.headManifest(repo, "v1")).isPresent();
            assertThat(hub.tokenRequests.get()).isEqualTo(2);
        }
    }

    @Test
    void malformedManifestFromRegistry() {
        proxy.rule((ex, m, p) -> {
            if (!p.contains("/manifests/")) return false;
            RegistryProxy.send(ex, 200, MediaTypes.OCI_MANIFEST, "{\"schemaVersion\":2,\"config\":{\"digest\":\"nope\"}");
            return true;
        });
        assertThatThrownBy(() -> viaProxy().getManifest(RepositoryName.of("a/b"), "v1"))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void manifestNotMatchingItsDigestIsRefused() {
        RepositoryName repo = RepositoryName.of("client/lying");
        ModelTestImages.Image img = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(100));
        img.push(client, repo, "v1");
        ModelTestImages.Image other = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(100));
        proxy.rule((ex, m, p) -> {
            if (!p.contains("/manifests/")) return false;
            RegistryProxy.send(ex, 200, MediaTypes.OCI_MANIFEST, new String(other.manifest().bytes(), StandardCharsets.UTF_8));
            return true;
        });
        assertThatThrownBy(() -> viaProxy().getManifest(repo, img.manifest().digest().toString()))
                .hasMessageContaining("does not match its digest");
    }
}
