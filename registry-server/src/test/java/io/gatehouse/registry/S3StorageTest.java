package io.gatehouse.registry;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.AuthFixture.MutableClock;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.gc.GarbageCollector;
import io.gatehouse.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.gatehouse.registry.RegistryClient.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * storage.driver: s3 across replicas and faults: two registries on one database file and one bucket, one in this JVM
 * and one a separate {@code gatehouse serve} process (two replicas behind a load balancer without sticky sessions),
 * an S3 outage in the middle of a push, presigned redirects, GC.
 */
class S3StorageTest {
    private static final int PART = 5 << 20;

    @TempDir
    static Path dir;
    static S3ProxyServer s3proxy;
    static MutableClock clock = new MutableClock(Instant.now());
    static RegistryServer a;
    static RegistryProcess b;
    static RegistryClient ca;
    static RegistryClient cb;

    @BeforeAll
    static void start() {
        s3proxy = S3ProxyServer.start(dir.resolve("s3proxy"));
        RegistryConfig config = S3BlobApiTest.onS3(RegistryConfig.forTesting(dir.resolve("shared")), s3proxy, s3proxy.createBucket("replicas"))
                .with("gc.grace_period", "10m");
        a = RegistryServer.builder(config).clock(clock).build().start();
        java.util.Map<String, String> env = new java.util.HashMap<>();
        for (RegistryConfig.Setting s : RegistryConfig.SETTINGS) {
            String v = config.values().get(s.key());
            if (v != null && s.key().startsWith("storage.")) env.put(s.env(), v);
        }
        env.put("GATEHOUSE_AUTH_ENABLED", "false");
        env.put("GATEHOUSE_SCAN_ON_PUSH", "false");
        b = RegistryProcess.start(env, dir.resolve("replica-b.log"));
        ca = new RegistryClient(a.baseUrl());
        cb = new RegistryClient(b.baseUrl());
    }

    @AfterAll
    static void stop() throws IOException {
        if (a != null) a.close();
        if (b != null) b.close();
        // the other replica's log, for a look after a failure (the temporary folder goes with the test)
        Path log = dir.resolve("replica-b.log");
        if (Files.exists(log)) Files.copy(log, Path.of("target", "S3StorageTest-replica-b.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (s3proxy != null) s3proxy.close();
    }

    static byte[] random(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Object keys in the bucket (S3Proxy's filesystem provider keeps one file per object). */
    static List<String> keys(String prefix) throws IOException {
        Path bucket = s3proxy.baseDir().resolve("replicas");
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile).map(p -> bucket.relativize(p).toString()).filter(k -> k.startsWith(prefix)).toList();
        }
    }

    static String range(int from, int to) {
        return from + "-" + (to - 1);
    }

    @Test
    void aSessionStartedOnOneReplicaContinuesOnTheOtherAndIsInvisibleUntilItsClosingPut() throws IOException {
        String repo = "replicas/app";
        byte[] data = random(PART + 3 * PART / 2 + 100, 1); // one part, a tail, then across the next part
        Digest d = Digest.sha256(data);
        String location = ca.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        int first = PART + 1000;
        int second = data.length - 100;
        assertThat(ca.send("PATCH", location, Arrays.copyOfRange(data, 0, first), "Content-Range", range(0, first)).statusCode()).isEqualTo(202);
        // the next request of the same push lands on the other replica
        HttpResponse<byte[]> status = cb.get(location);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-" + (first - 1));
        assertThat(cb.send("PATCH", location, Arrays.copyOfRange(data, first, second), "Content-Range", range(first, second)).statusCode()).isEqualTo(202);
        // a chunk sent again to the first replica, which last saw the session at `first`, is out of order there too
        HttpResponse<byte[]> stale = ca.send("PATCH", location, new byte[10], "Content-Range", range(first, first + 10));
        assertThat(stale.statusCode()).isEqualTo(416);
        assertThat(stale.headers().firstValue("Range")).hasValue("0-" + (second - 1));

        // half-finished: visible nowhere, under no key of the blob
        for (RegistryClient c : List.of(ca, cb)) {
            assertThat(c.head("/v2/" + repo + "/blobs/" + d).statusCode()).isEqualTo(404);
            assertThat(c.get("/v2/" + repo + "/blobs/" + d).statusCode()).isEqualTo(404);
        }
        assertThat(keys("blobs/")).noneMatch(k -> k.endsWith(d.hex()));
        // at most one part waits on a replica's local disk, and only while a request runs
        try (Stream<Path> buffers = Files.list(dir.resolve("shared").resolve("s3-buffers"))) {
            assertThat(buffers).isEmpty();
        }

        // the closing PUT (with the last bytes) on the first replica again
        HttpResponse<byte[]> put = ca.send("PUT", location + "?digest=" + d, Arrays.copyOfRange(data, second, data.length),
                "Content-Range", range(second, data.length));
        assertThat(put.statusCode()).isEqualTo(201);
        for (RegistryClient c : List.of(ca, cb)) {
            assertThat(Digest.sha256(c.get("/v2/" + repo + "/blobs/" + d).body())).isEqualTo(d);
        }
        assertThat(keys("blobs/")).contains("blobs/sha256/" + d.hex().substring(0, 2) + "/" + d.hex());
        String id = location.substring(location.lastIndexOf('/') + 1);
        assertThat(keys("uploads/" + id)).isEmpty(); // the multipart upload, tails and the completed upload object are gone
        HttpResponse<byte[]> part = cb.get("/v2/" + repo + "/blobs/" + d, "Range", "bytes=" + PART + "-" + (PART + 99));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(data, PART, PART + 100));

        // a cross-repository mount copies nothing
        int objects = keys("").size();
        HttpResponse<byte[]> mount = cb.send("POST", "/v2/replicas/other/blobs/uploads/?mount=" + d + "&from=" + repo, null);
        assertThat(mount.statusCode()).isEqualTo(201);
        assertThat(keys("")).hasSize(objects);
        assertThat(Digest.sha256(ca.get("/v2/replicas/other/blobs/" + d).body())).isEqualTo(d);
    }

    @Test
    void anS3OutageIsA503WithRetryAfterAndThePushResumesWhenS3IsBack() throws Exception {
        String repo = "outage/app";
        byte[] data = random(PART + 500_000, 2);
        Digest d = Digest.sha256(data);
        byte[] stored = random(4000, 3);
        Digest storedDigest = ca.pushBlob(repo, stored);
        String location = ca.send("POST", "/v2/" + repo + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        int first = 300_000;
        assertThat(ca.send("PATCH", location, Arrays.copyOfRange(data, 0, first), "Content-Range", range(0, first)).statusCode()).isEqualTo(202);

        s3proxy.stop();
        try {
            HttpResponse<byte[]> patch = cb.send("PATCH", location, Arrays.copyOfRange(data, first, data.length), "Content-Range", range(first, data.length));
            assertThat(patch.statusCode()).isEqualTo(503);
            assertThat(errorCode(patch)).isEqualTo("UNAVAILABLE");
            assertThat(patch.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<byte[]> get = ca.get("/v2/" + repo + "/blobs/" + storedDigest);
            assertThat(get.statusCode()).isEqualTo(503);
            assertThat(errorCode(get)).isEqualTo("UNAVAILABLE");
            HttpResponse<byte[]> single = ca.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(new byte[]{7}), new byte[]{7});
            assertThat(single.statusCode()).isEqualTo(503);
            // the session did not move
            assertThat(ca.get(location).headers().firstValue("Range")).hasValue("0-" + (first - 1));
            assertThat(ca.get("/readyz").statusCode()).isEqualTo(503); // storage unreachable: not ready

        } finally {
            s3proxy.restart();
        }
        assertThat(ca.get("/readyz").statusCode()).isEqualTo(200);
        // the client retries the same chunk, on either replica
        assertThat(cb.send("PATCH", location, Arrays.copyOfRange(data, first, data.length), "Content-Range", range(first, data.length)).statusCode())
                .isEqualTo(202);
        assertThat(ca.send("PUT", location + "?digest=" + d, null).statusCode()).isEqualTo(201);
        assertThat(cb.get("/v2/" + repo + "/blobs/" + d).body()).isEqualTo(data);
        assertThat(ca.head("/v2/" + repo + "/blobs/" + Digest.sha256(new byte[]{7})).statusCode()).isEqualTo(404); // nothing half-committed
    }

    @Test
    void withRedirectABlobGetIsA307ToAPresignedUrl() throws Exception {
        RegistryConfig config = S3BlobApiTest.onS3(RegistryConfig.forTesting(dir.resolve("redirecting")), s3proxy, s3proxy.createBucket("redirect"))
                .with("storage.s3.redirect", "true");
        try (RegistryServer r = RegistryServer.builder(config).build().start()) {
            RegistryClient c = new RegistryClient(r.baseUrl());
            byte[] data = random(100_000, 4);
            Digest d = c.pushBlob("redirect/app", data);
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(r.baseUrl() + "/v2/redirect/app/blobs/" + d)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(get.statusCode()).isEqualTo(307);
            URI to = URI.create(get.headers().firstValue("Location").orElseThrow());
            assertThat(to.toString()).startsWith(s3proxy.endpoint()).contains("X-Amz-Signature");
            HttpResponse<byte[]> fetched = http.send(HttpRequest.newBuilder(to).header("Range", "bytes=10-19").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(fetched.statusCode()).isEqualTo(206);
            assertThat(fetched.body()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
            // HEAD answers from the registry; an unknown blob is still BLOB_UNKNOWN, not a redirect
            assertThat(c.head("/v2/redirect/app/blobs/" + d).statusCode()).isEqualTo(200);
            assertThat(errorCode(c.get("/v2/redirect/app/blobs/" + Digest.sha256(new byte[]{1})))).isEqualTo("BLOB_UNKNOWN");
        }
    }

    @Test
    void gcDeletesUnreferencedBlobsFromTheBucket() throws IOException {
        byte[] data = random(20_000, 5);
        Digest d = ca.pushBlob("gc/app", data);
        String key = "blobs/sha256/" + d.hex().substring(0, 2) + "/" + d.hex();
        assertThat(keys("blobs/")).contains(key);
        assertThat(ca.send("DELETE", "/v2/gc/app/blobs/" + d, null).statusCode()).isEqualTo(202);
        clock.advance(Duration.ofMinutes(11));
        GarbageCollector.Report r = a.gc();
        assertThat(r.blobsDeleted()).isPositive();
        assertThat(keys("blobs/")).doesNotContain(key);
    }
}
