package io.gatehouse.registry.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.testing.ImagePusher;
import io.gatehouse.testing.TestImages;
import io.gatehouse.testing.TestImages.Format;
import io.gatehouse.testing.TestImages.Image;
import io.gatehouse.testing.TestImages.ImageIndex;
import io.gatehouse.testing.TestImages.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the registry process in the middle of a large chunked push (and of a monolithic one), then a restart
 * on the same data folder: nothing served is corrupt, nothing half-written is visible, no tag points at a missing
 * manifest, what was pushed before the crash is all there, and the interrupted upload is resumed (GET its status,
 * PATCH on from the reported offset) — or, for registries that cannot resume across restarts, restarted.
 * The large blob is generated while it is sent (never held in memory).
 */
abstract class CrashContract {

    /** A registry running as its own OS process, so that it can be killed without a chance to clean up. */
    interface Server {
        String url();

        /** SIGKILL, and wait until the process is gone. */
        void kill9();
    }

    /** Starts the registry on {@code dataDir} (the same folder again after a crash) and waits until it answers. */
    protected abstract Server start(Path dataDir, Path workDir) throws Exception;

    /** Whether an upload interrupted by the crash must be resumable after the restart (else it may be restarted). */
    protected abstract boolean resumesAfterRestart();

    /**
     * Whether this registry is known to leave a tag pointing at a missing manifest after kill -9 in the middle of
     * small pushes. Only the reference may say so (its problems are printed, not asserted); ours must not.
     */
    protected boolean mayLeaveDanglingTagsAfterKill() {
        return false;
    }

    static final long SIZE = 256L * 1024 * 1024;
    static final int CHUNK = 32 * 1024 * 1024;
    static final int ACKNOWLEDGED_CHUNKS = 3;
    static final long SEED = 4242;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern RANGE = Pattern.compile("^(?:bytes=)?0-(\\d+)$");

    /** Every process a test started, killed after it whatever happened (kill -9 of a dead process is harmless). */
    private final List<Server> launched = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Server launch(Path data, Path dir) throws Exception {
        Server s = start(data, dir);
        launched.add(s);
        return s;
    }

    @org.junit.jupiter.api.AfterEach
    void killEverythingStarted() {
        for (Server s : launched) s.kill9();
        launched.clear();
    }

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void killDuringLargePushesLosesNothingAndTheUploadResumes(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        long t0 = System.nanoTime();
        String digest = TestImages.sha256(TestImages.randomStream(SEED, SIZE));
        String monoDigest = TestImages.sha256(TestImages.randomStream(SEED + 1, 64L * 1024 * 1024));

        phase("hashing the test blobs", t0);
        // 1. content that must survive the crash
        Server first = launch(data, dir);
        ImagePusher pusher = new ImagePusher(first.url());
        Image keep = TestImages.image(301);
        Image keepDocker = TestImages.image(302, Format.DOCKER, Platform.LINUX_AMD64, 2, 4096);
        ImageIndex keepIndex = TestImages.index(303, Format.OCI, List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64), 1, 4096);
        pusher.push("crash/keep", "1", keep);
        pusher.push("crash/keep", "docker", keepDocker);
        pusher.push("crash/keep-multi", "1", keepIndex);

        phase("start + seeding images", t0);
        // 2. a large chunked upload: three chunks acknowledged (202), the fourth cut off mid-stream by the kill
        String location = pusher.startUpload("crash/big");
        long acknowledged = 0;
        for (int i = 0; i < ACKNOWLEDGED_CHUNKS; i++) {
            HttpResponse<byte[]> r = patch(first.url(), location, acknowledged, CHUNK, slice(acknowledged, CHUNK, null));
            assertThat(r.statusCode()).as("PATCH %d: %s", i, body(r)).isEqualTo(202);
            location = r.headers().firstValue("Location").orElse(location);
            acknowledged += CHUNK;
        }
        Gate bigGate = new Gate(16L * 1024 * 1024);
        CompletableFuture<HttpResponse<byte[]>> cut = patchAsync(first.url(), location, acknowledged, CHUNK, slice(acknowledged, CHUNK, bigGate));
        //    and a monolithic PUT of 64 MiB cut off after 8 MiB
        String monoLocation = pusher.startUpload("crash/mono");
        Gate monoGate = new Gate(8L * 1024 * 1024);
        CompletableFuture<HttpResponse<byte[]>> monoCut = http.sendAsync(HttpRequest.newBuilder(resolve(first.url(), withDigest(monoLocation, monoDigest)))
                .header("Content-Type", "application/octet-stream")
                .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(
                        () -> monoGate.wrap(TestImages.randomStream(SEED + 1, 64L * 1024 * 1024))), 64L * 1024 * 1024))
                .build(), BodyHandlers.ofByteArray());
        assertThat(bigGate.reached.await(60, TimeUnit.SECONDS)).as("the fourth chunk started streaming").isTrue();
        assertThat(monoGate.reached.await(60, TimeUnit.SECONDS)).as("the monolithic PUT started streaming").isTrue();
        Thread.sleep(200); // let what was sent reach the server's socket and (maybe) its files

        phase("acknowledged chunks + cut-off pushes", t0);
        // 3. crash
        first.kill9();
        bigGate.release.countDown();
        monoGate.release.countDown();
        assertThat(cut).failsWithin(Duration.ofSeconds(30));
        assertThat(monoCut).failsWithin(Duration.ofSeconds(30));

        phase("kill", t0);
        // 4. restart on the same data and audit everything it serves
        Server second = launch(data, dir);
        try {
            ServedContentAudit.Report audit = ServedContentAudit.walk(second.url());
            assertThat(audit.problems()).as("after the crash").isEmpty();
            assertThat(audit.repositories()).contains("crash/keep", "crash/keep-multi");
            ImagePusher after = new ImagePusher(second.url());
            assertManifestIs(after, "crash/keep", "1", keep.manifest());
            assertManifestIs(after, "crash/keep", "docker", keepDocker.manifest());
            assertManifestIs(after, "crash/keep-multi", "1", keepIndex.index());
            // nothing half-written is visible
            assertThat(after.blobExists("crash/big", digest)).as("the interrupted chunked blob").isFalse();
            assertThat(after.blobExists("crash/mono", monoDigest)).as("the interrupted monolithic blob").isFalse();

        phase("restart + audit", t0);
            // 5. resume the chunked upload (or restart it, where the registry cannot resume)
            HttpResponse<byte[]> status = after.send(HttpRequest.newBuilder(resolve(second.url(), location)).GET());
            long offset;
            if (status.statusCode() == 204) {
                String range = status.headers().firstValue("Range").orElse("");
                Matcher m = RANGE.matcher(range);
                assertThat(m.matches()).as("Range header %s", range).isTrue();
                offset = Long.parseLong(m.group(1)) + 1;
                assertThat(offset).as("bytes the registry holds after the crash")
                        .isGreaterThanOrEqualTo(acknowledged).isLessThanOrEqualTo(acknowledged + CHUNK);
                location = status.headers().firstValue("Location").orElse(location);
                System.out.printf("crash test: upload resumed at byte %d (%d acknowledged before the kill)%n", offset, acknowledged);
            } else {
                System.out.printf("crash test: upload restarted; status after restart was %s%n", body(status));
                assertThat(resumesAfterRestart()).as("GET upload status after restart answered %d %s", status.statusCode(), body(status)).isFalse();
                assertThat(status.statusCode()).isIn(400, 404);
                location = after.startUpload("crash/big");
                offset = 0;
            }
            while (offset < SIZE) {
                int n = (int) Math.min(CHUNK, SIZE - offset);
                HttpResponse<byte[]> r = patch(second.url(), location, offset, n, slice(offset, n, null));
                assertThat(r.statusCode()).as("PATCH at %d after restart: %s", offset, body(r)).isEqualTo(202);
                location = r.headers().firstValue("Location").orElse(location);
                offset += n;
            }
            HttpResponse<byte[]> put = after.send(HttpRequest.newBuilder(resolve(second.url(), withDigest(location, digest))).PUT(BodyPublishers.noBody()));
            assertThat(put.statusCode()).as("closing the resumed upload: %s", body(put)).isEqualTo(201);

        phase("resumed upload", t0);
            // 6. the big blob is usable in an image, and everything still audits clean
            Image bigImage = imageWithLayer(digest);
            for (TestImages.Blob b : bigImage.blobs()) if (!b.digest().equals(digest)) after.pushBlob("crash/big", b);
            after.pushManifest("crash/big", "1", bigImage.manifest());
            ServedContentAudit.Report end = ServedContentAudit.walk(second.url());
            assertThat(end.problems()).as("after the resumed upload").isEmpty();
            assertThat(end.blobBytes()).isGreaterThanOrEqualTo(SIZE);
            phase("image push + final audit", t0);
        } finally {
            second.kill9();
        }
    }

    /**
     * Many small pushes (blobs, manifests, tags, an index) racing with kill -9 at three different moments: after each
     * restart no tag may point at a missing manifest and no manifest at a missing blob, and pushing again works.
     */
    @Test
    void killDuringManySmallPushesLeavesNoDanglingTagOrManifest(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        java.util.Random random = new java.util.Random(77);
        int seed = 500;
        Server server = launch(data, dir);
        try {
            for (int round = 0; round < 3; round++) {
                ImagePusher pusher = new ImagePusher(server.url());
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicInteger pushed = new java.util.concurrent.atomic.AtomicInteger();
                // Set just before the kill: an exception after it is the crash, one before it is a failed push.
                java.util.concurrent.atomic.AtomicBoolean killIssued = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicReference<RuntimeException> failedBeforeKill = new java.util.concurrent.atomic.AtomicReference<>();
                int base = seed;
                Thread[] writers = new Thread[2];
                for (int w = 0; w < writers.length; w++) {
                    int writer = w;
                    writers[w] = new Thread(() -> {
                        for (int i = 0; !stop.get() && i < 10_000; i++) {
                            try {
                                long s = base + writer * 10_000L + i;
                                if (i % 5 == 4) {
                                    pusher.push("crash/small-" + writer, "idx-" + (i % 7), TestImages.index(s, Format.OCI,
                                            List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64), 1, 512));
                                } else {
                                    pusher.push("crash/small-" + writer, "t-" + (i % 7), TestImages.image(s, Format.DOCKER, Platform.LINUX_AMD64, 2, 512));
                                }
                                pushed.incrementAndGet();
                            } catch (RuntimeException e) {
                                // After the kill the registry died under us: expected. Before it, the push failed.
                                if (!killIssued.get()) failedBeforeKill.compareAndSet(null, e);
                                return;
                            }
                        }
                    }, "crash-writer-" + w);
                    writers[w].start();
                }
                // kill after a random number of completed pushes plus a random moment into the next ones
                int target = 2 + random.nextInt(8);
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (pushed.get() < target && failedBeforeKill.get() == null && System.nanoTime() < giveUp) Thread.sleep(5);
                Thread.sleep(random.nextInt(300));
                killIssued.set(true);
                server.kill9();
                stop.set(true);
                for (Thread t : writers) t.join(30_000);
                assertThat(failedBeforeKill.get()).as("round %d: a push failed before the kill", round).isNull();
                seed += 100_000;

                // the restarted registry is audited, takes a push, and is the next round's victim
                server = launch(data, dir);
                ServedContentAudit.Report audit = ServedContentAudit.walk(server.url());
                if (mayLeaveDanglingTagsAfterKill() && !audit.problems().isEmpty()) {
                    System.out.printf("crash test (reference): round %d left %s%n", round, audit.problems());
                } else {
                    assertThat(audit.problems()).as("round %d, after %d completed pushes", round, pushed.get()).isEmpty();
                }
                assertThat(audit.tags()).isPositive();
                ImagePusher after = new ImagePusher(server.url());
                Image fresh = TestImages.image(seed);
                after.push("crash/small-0", "t-0", fresh);
                assertManifestIs(after, "crash/small-0", "t-0", fresh.manifest());
                System.out.printf("crash test: round %d killed after %d completed small pushes; %d tags audited%n",
                        round, pushed.get(), audit.tags());
            }
        } finally {
            server.kill9();
        }
    }

    // --------------------------------------------------------------------------------------------- helpers

    /** Where the time goes (for whoever looks at the test's output file; never asserted). */
    private static void phase(String name, long t0) {
        System.out.printf("crash test: %-40s done at %6d ms%n", name, (System.nanoTime() - t0) / 1_000_000);
    }

    /** An OCI manifest whose only layer is the big blob (its config made up to match; the layer is not a real tar). */
    private static Image imageWithLayer(String digest) {
        TestImages.Blob config = new TestImages.Blob("application/vnd.oci.image.config.v1+json",
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config.digest() + "\",\"size\":" + config.size() + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + digest + "\",\"size\":" + SIZE + "}]}";
        TestImages.Blob m = new TestImages.Blob("application/vnd.oci.image.manifest.v1+json", manifest.getBytes(StandardCharsets.UTF_8));
        return new Image(Format.OCI, Platform.LINUX_AMD64, m, config, List.of(), List.of());
    }

    private static void assertManifestIs(ImagePusher p, String repo, String ref, TestImages.Blob expected) {
        HttpResponse<byte[]> r = p.send(HttpRequest.newBuilder(p.uri("/v2/" + repo + "/manifests/" + ref)).header("Accept", expected.mediaType()));
        assertThat(r.statusCode()).as("%s:%s", repo, ref).isEqualTo(200);
        assertThat(r.body()).isEqualTo(expected.bytes());
    }

    /** Bytes [offset, offset+length) of the big blob, regenerated (skipping is generating). */
    private static java.util.function.Supplier<InputStream> slice(long offset, int length, Gate gate) {
        return () -> {
            InputStream in = TestImages.randomStream(SEED, offset + length);
            try {
                in.skipNBytes(offset);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return gate == null ? in : gate.wrap(in);
        };
    }

    private HttpResponse<byte[]> patch(String base, String location, long offset, int length, java.util.function.Supplier<InputStream> body) throws Exception {
        return patchAsync(base, location, offset, length, body).get(5, TimeUnit.MINUTES);
    }

    private CompletableFuture<HttpResponse<byte[]>> patchAsync(String base, String location, long offset, int length,
                                                             java.util.function.Supplier<InputStream> body) {
        return http.sendAsync(HttpRequest.newBuilder(resolve(base, location))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", offset + "-" + (offset + length - 1))
                .timeout(Duration.ofMinutes(5))
                .method("PATCH", BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(body), length))
                .build(), BodyHandlers.ofByteArray());
    }

    /**
     * The upload URL on {@code base}: a Location may be absolute (Distribution writes its own host:port), and the
     * restarted registry listens on another port, so only path and query are kept.
     */
    static java.net.URI resolve(String base, String location) {
        java.net.URI u = java.net.URI.create(location);
        return java.net.URI.create(base + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
    }

    static String withDigest(String location, String digest) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    }

    static String body(HttpResponse<byte[]> r) {
        String s = new String(r.body(), StandardCharsets.UTF_8);
        return r.statusCode() + " " + (s.length() > 400 ? s.substring(0, 400) : s);
    }

    /** Lets {@code after} bytes through, says so, then holds the stream until released (and fails it). */
    static final class Gate {
        final long after;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        Gate(long after) {
            this.after = after;
        }

        InputStream wrap(InputStream in) {
            return new FilterInputStream(in) {
                long sent;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (sent >= after) {
                        reached.countDown();
                        try {
                            release.await(2, TimeUnit.MINUTES);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new IOException("stream cut by the crash test");
                    }
                    int n = super.read(b, off, (int) Math.min(len, after - sent));
                    if (n > 0) sent += n;
                    return n;
                }

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }
            };
        }
    }
}
