package io.gatehouse.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.gc.GarbageCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static io.gatehouse.registry.RegistryClient.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

/** Concurrency, restarts and GC: the storage guarantees of issue 2. */
class StorageSafetyTest {
    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void sixteenConcurrentPushesOfTheSameBlob() throws Exception {
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            byte[] data = random(3 << 20, 16);
            Digest d = Digest.sha256(data);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<CompletableFuture<Integer>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    String repo = i % 2 == 0 ? "same/repo" : "other/repo" + i;
                    boolean chunked = i % 3 == 0;
                    results.add(CompletableFuture.supplyAsync(() -> {
                        RegistryClient c = new RegistryClient(server.baseUrl());
                        String loc = c.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
                        if (chunked) {
                            c.send("PATCH", loc, Arrays.copyOfRange(data, 0, 1 << 20), "Content-Range", "0-" + ((1 << 20) - 1));
                            return c.send("PUT", loc + "?digest=" + d, Arrays.copyOfRange(data, 1 << 20, data.length)).statusCode();
                        }
                        return c.send("PUT", loc + "?digest=" + d, data).statusCode();
                    }, pool));
                }
                for (CompletableFuture<Integer> f : results) assertThat(f.get()).isEqualTo(201);
            } finally {
                pool.shutdownNow();
            }
            RegistryClient c = new RegistryClient(server.baseUrl());
            HttpResponse<byte[]> get = c.get("/v2/same/repo/blobs/" + d);
            assertThat(Digest.sha256(get.body())).isEqualTo(d);
            // stored once, no upload left behind
            Path blob = dir.resolve("blobs/sha256").resolve(d.hex().substring(0, 2)).resolve(d.hex());
            assertThat(Files.size(blob)).isEqualTo(data.length);
            try (Stream<Path> uploads = Files.list(dir.resolve("uploads"))) {
                assertThat(uploads.count()).isZero();
            }
        }
    }

    /**
     * Blobs larger than the write-behind step (background flushes start while the body still arrives), monolithic
     * and chunked, with fsync on (the default) and off: every one is committed whole, and no upload area is left.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void largeBlobsAreCommittedWholeWithAndWithoutFsync(boolean fsync) throws Exception {
        RegistryConfig config = RegistryConfig.forTesting(dir).with("storage.fsync", Boolean.toString(fsync));
        try (RegistryServer server = RegistryServer.builder(config).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            byte[] data = random(80 << 20, fsync ? 1 : 2);
            Digest d = Digest.sha256(data);
            String loc = c.send("POST", "/v2/big/mono/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
            assertThat(c.send("PUT", loc + "?digest=" + d, data).statusCode()).isEqualTo(201);

            byte[] other = random(70 << 20, fsync ? 3 : 4);
            Digest d2 = Digest.sha256(other);
            String up = c.send("POST", "/v2/big/chunked/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
            int half = 40 << 20;
            HttpResponse<byte[]> patch = c.send("PATCH", up, Arrays.copyOfRange(other, 0, half), "Content-Range", "0-" + (half - 1));
            assertThat(patch.statusCode()).isEqualTo(202);
            String next = patch.headers().firstValue("Location").orElseThrow();
            assertThat(c.send("PUT", next + "?digest=" + d2, Arrays.copyOfRange(other, half, other.length),
                    "Content-Range", half + "-" + (other.length - 1)).statusCode()).isEqualTo(201);

            assertThat(Digest.sha256(c.get("/v2/big/mono/blobs/" + d).body())).isEqualTo(d);
            assertThat(Digest.sha256(c.get("/v2/big/chunked/blobs/" + d2).body())).isEqualTo(d2);
        }
        try (Stream<Path> left = Files.list(dir.resolve("uploads"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void restartInTheMiddleOfAChunkedUploadAndResume() {
        byte[] data = random(2_500_000, 7);
        Digest d = Digest.sha256(data);
        String location;
        try (RegistryServer first = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            RegistryClient c = new RegistryClient(first.baseUrl());
            location = c.send("POST", "/v2/resume/me/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
            assertThat(c.send("PATCH", location, Arrays.copyOfRange(data, 0, 1_000_000), "Content-Range", "0-999999").statusCode()).isEqualTo(202);
        }
        try (RegistryServer second = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            RegistryClient c = new RegistryClient(second.baseUrl());
            HttpResponse<byte[]> status = c.get(location);
            assertThat(status.statusCode()).isEqualTo(204);
            assertThat(status.headers().firstValue("Range")).hasValue("0-999999");
            assertThat(c.send("PATCH", location, Arrays.copyOfRange(data, 1_000_000, 2_000_000), "Content-Range", "1000000-1999999")
                    .statusCode()).isEqualTo(202);
        }
        try (RegistryServer third = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            RegistryClient c = new RegistryClient(third.baseUrl());
            HttpResponse<byte[]> put = c.send("PUT", location + "?digest=" + d, Arrays.copyOfRange(data, 2_000_000, data.length),
                    "Content-Range", "2000000-2499999");
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(Digest.sha256(c.get("/v2/resume/me/blobs/" + d).body())).isEqualTo(d);
        }
    }

    @Test
    void uploadsExpire() {
        MutableClock clock = new MutableClock();
        RegistryConfig config = RegistryConfig.forTesting(dir).with("uploads.expiry", "1h");
        try (RegistryServer server = RegistryServer.builder(config).clock(clock).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            String loc = c.send("POST", "/v2/exp/repo/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
            c.send("PATCH", loc, new byte[100]);
            clock.advance(Duration.ofMinutes(61));
            assertThat(errorCode(c.get(loc))).isEqualTo("BLOB_UPLOAD_UNKNOWN");
            GarbageCollector.Report r = server.gc();
            assertThat(r.uploadsRemoved()).isEqualTo(1);
            String id = loc.substring(loc.lastIndexOf('/') + 1);
            assertThat(dir.resolve("uploads").resolve(id)).doesNotExist();
        }
    }

    @Test
    void gcDeletesOnlyWhatNothingNeeds() {
        MutableClock clock = new MutableClock();
        RegistryConfig config = RegistryConfig.forTesting(dir).with("gc.grace_period", "10m").with("gc.delete_untagged", "true");
        try (RegistryServer server = RegistryServer.builder(config).clock(clock).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            Digest kept = c.pushImage("gc/app", "keep", "kept layer".getBytes(StandardCharsets.UTF_8));
            Digest dropped = c.pushImage("gc/app", "drop", "dropped layer".getBytes(StandardCharsets.UTF_8));
            Digest stray = c.pushBlob("gc/app", "stray blob".getBytes(StandardCharsets.UTF_8));
            // a signature-like referrer of "keep" stays although untagged; one of "drop" goes with it
            Digest sigOfKept = pushReferrer(c, "gc/app", kept);
            Digest sigOfDropped = pushReferrer(c, "gc/app", dropped);
            assertThat(c.send("DELETE", "/v2/gc/app/manifests/drop", null).statusCode()).isEqualTo(202);

            // Within the grace period nothing goes.
            GarbageCollector.Report early = server.gc();
            assertThat(early.blobsDeleted()).isZero();
            assertThat(early.manifestsDeleted()).isZero();

            clock.advance(Duration.ofMinutes(11));
            GarbageCollector.Report r = server.gc();
            assertThat(r.manifestsDeleted()).isEqualTo(2); // the untagged "drop" image and its referrer
            assertThat(r.blobsDeleted()).isEqualTo(4); // its config and layer, its referrer's config, the stray blob
            assertThat(c.get("/v2/gc/app/manifests/" + sigOfKept).statusCode()).isEqualTo(200);
            assertThat(c.get("/v2/gc/app/manifests/" + sigOfDropped).statusCode()).isEqualTo(404);
            assertThat(c.get("/v2/gc/app/manifests/" + dropped).statusCode()).isEqualTo(404);
            assertThat(c.head("/v2/gc/app/blobs/" + stray).statusCode()).isEqualTo(404);
            assertThat(c.get("/v2/gc/app/manifests/keep").statusCode()).isEqualTo(200);
            assertThat(c.head("/v2/gc/app/blobs/" + Digest.sha256("kept layer".getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(200);
            assertThat(kept).isNotNull();
            Path strayFile = dir.resolve("blobs/sha256").resolve(stray.hex().substring(0, 2)).resolve(stray.hex());
            assertThat(strayFile).doesNotExist();
        }
    }

    @Test
    void gcRunningDuringPushesNeverLeavesAManifestWithoutItsBlobs() throws Exception {
        // Grace period zero: the harshest setting, every unreferenced blob is a candidate at once.
        RegistryConfig config = RegistryConfig.forTesting(dir).with("gc.grace_period", "0").with("gc.delete_untagged", "true");
        try (RegistryServer server = RegistryServer.builder(config).build().start()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> gcError = new AtomicReference<>();
            Thread gc = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        server.gc();
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Throwable t) {
                        gcError.set(t);
                    }
                }
            });
            gc.start();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<CompletableFuture<String[]>> pushes = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    int n = i;
                    pushes.add(CompletableFuture.supplyAsync(() -> {
                        RegistryClient c = new RegistryClient(server.baseUrl());
                        String repo = "gcrace/r" + (n % 4);
                        byte[] config1 = ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
                        byte[] layer = random(50_000 + n, n);
                        Digest cd = c.pushBlob(repo, config1);
                        Digest ld = c.pushBlob(repo, layer);
                        byte[] m = RegistryClient.imageManifest(cd, config1.length, List.of(ld), List.of((long) layer.length), null, null, 0);
                        HttpResponse<byte[]> r = c.putManifest(repo, "t" + n, m, MediaTypes.OCI_MANIFEST);
                        // With no grace period GC may legitimately win the race for the blobs; then the push must
                        // be refused cleanly. What must never happen is a 201 for a manifest whose blobs are gone.
                        if (r.statusCode() != 201) {
                            assertThat(errorCode(r)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
                            return null;
                        }
                        return new String[]{repo, "t" + n, cd.toString(), ld.toString()};
                    }, pool));
                }
                List<String[]> accepted = new ArrayList<>();
                for (CompletableFuture<String[]> f : pushes) {
                    String[] r = f.get();
                    if (r != null) accepted.add(r);
                }
                stop.set(true);
                gc.join();
                assertThat(gcError.get()).isNull();
                server.gc();
                RegistryClient c = new RegistryClient(server.baseUrl());
                for (String[] a : accepted) {
                    assertThat(c.get("/v2/" + a[0] + "/manifests/" + a[1]).statusCode()).isEqualTo(200);
                    for (String blob : new String[]{a[2], a[3]}) {
                        HttpResponse<byte[]> b = c.get("/v2/" + a[0] + "/blobs/" + blob);
                        assertThat(b.statusCode()).as(blob).isEqualTo(200);
                        assertThat(Digest.sha256(b.body()).toString()).isEqualTo(blob);
                    }
                }
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
        }
    }

    @Test
    void gcWithDefaultGraceNeverBreaksPushes() throws Exception {
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> gcError = new AtomicReference<>();
            AtomicInteger gcRuns = new AtomicInteger();
            Thread gc = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        server.gc();
                        gcRuns.incrementAndGet();
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Throwable t) {
                        // recorded, not swallowed: a GC that dies at once would otherwise leave nothing to find
                        gcError.compareAndSet(null, t);
                        return;
                    }
                }
            });
            gc.start();
            RegistryClient c = new RegistryClient(server.baseUrl());
            List<Digest> manifests = new ArrayList<>();
            try {
                for (int i = 0; i < 15; i++) {
                    manifests.add(c.pushImage("gcgrace/app", "v" + i, random(20_000, i))); // fails on any non-201
                }
            } finally {
                stop.set(true);
                gc.join();
            }
            assertThat(gcError.get()).as("GC thread failure").isNull();
            assertThat(gcRuns.get()).as("GC runs during the pushes").isPositive();
            server.gc();
            // everything pushed is still there, whole, after GC ran alongside and once more afterwards
            for (int i = 0; i < manifests.size(); i++) {
                HttpResponse<byte[]> m = c.get("/v2/gcgrace/app/manifests/v" + i);
                assertThat(m.statusCode()).as("manifest v%d", i).isEqualTo(200);
                assertThat(Digest.sha256(m.body())).isEqualTo(manifests.get(i));
                JsonNode manifest = RegistryClient.JSON.readTree(m.body());
                List<String> blobs = new ArrayList<>(List.of(manifest.path("config").path("digest").asText()));
                manifest.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
                assertThat(blobs).hasSize(2);
                for (String blob : blobs) {
                    HttpResponse<byte[]> b = c.get("/v2/gcgrace/app/blobs/" + blob);
                    assertThat(b.statusCode()).as("v%d blob %s", i, blob).isEqualTo(200);
                    assertThat(Digest.sha256(b.body()).toString()).isEqualTo(blob);
                }
            }
        }
    }

    private static Digest pushReferrer(RegistryClient c, String repo, Digest subject) {
        byte[] config = ("{\"sig\":\"" + subject + "\"}").getBytes(StandardCharsets.UTF_8);
        Digest cd = c.pushBlob(repo, config);
        byte[] m = RegistryClient.imageManifest(cd, config.length, List.of(), List.of(), "application/vnd.example.sig", subject, 100);
        assertThat(c.putManifest(repo, Digest.sha256(m).toString(), m, MediaTypes.OCI_MANIFEST).statusCode()).isEqualTo(201);
        return Digest.sha256(m);
    }

    /** A clock tests move forward. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
