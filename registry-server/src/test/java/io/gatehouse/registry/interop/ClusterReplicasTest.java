package io.gatehouse.registry.interop;

import io.gatehouse.registry.cluster.PostgresServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.ExternalTools;
import io.gatehouse.testing.FreePort;
import io.gatehouse.testing.S3ProxyServer;
import io.gatehouse.testing.TestImages;
import io.gatehouse.testing.TestImages.Image;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three replicas ({@code gatehouse serve}, each its own JVM and data directory) on one PostgreSQL and one S3 bucket
 * (S3Proxy), behind HAProxy in round robin without stickiness (a new server connection per request, so consecutive
 * requests of one client land on different replicas), driven by the real clients:
 * <ul>
 *   <li>a chunked push whose requests land on different replicas, then pulls (skopeo, podman, docker manifest inspect)
 *       from each replica directly;</li>
 *   <li>a tag moved on one replica, served new by the others as soon as the push was acknowledged;</li>
 *   <li>a grant revoked on one replica, refused on the others within the cluster's bound;</li>
 *   <li>GC running every second on one replica while the others take pushes: nothing pushed is lost, garbage goes;</li>
 *   <li>kill -9 of a replica in the middle of pushes: the clients' retries through the balancer complete, everything
 *       acknowledged is there, no partial blob is ever served; the scan the dead replica had claimed is finished by
 *       another once its lease ends.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterReplicasTest {
    static final String ADMIN_PW = "cluster-admin-pw";
    static final Duration GC_GRACE = Duration.ofSeconds(8);

    Path dir;
    PostgresServer pg;
    S3ProxyServer storage;
    String bucket;
    final List<Replica> replicas = new ArrayList<>();
    Process haproxy;
    int lbPort;
    String lb;
    Clients clients;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        Path haproxyBin = ExternalTools.require("haproxy");
        ExternalTools.require("skopeo");
        dir = Files.createTempDirectory("gatehouse-cluster-");
        pg = PostgresServer.launch();
        storage = S3ProxyServer.start(dir.resolve("s3proxy"));
        bucket = storage.createBucket("cluster");
        lbPort = FreePort.pick();
        lb = "127.0.0.1:" + lbPort;
        for (int i = 0; i < 3; i++) replicas.add(new Replica(i, FreePort.pick()));
        // one replica first: it migrates the database and creates the keys, the two others start together after it
        replicas.get(0).start();
        replicas.get(0).awaitReady();
        replicas.get(1).start();
        replicas.get(2).start();
        replicas.get(1).awaitReady();
        replicas.get(2).awaitReady();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, haproxyConfig());
        haproxy = new ProcessBuilder(haproxyBin.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> status(get("http://" + lb + "/v2/", null)) == 401);
        clients = new Clients(Files.createDirectories(dir.resolve("clients")));
    }

    String haproxyConfig() {
        StringBuilder b = new StringBuilder("""
                global
                    maxconn 2000
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 120s
                    timeout server 120s
                    # a request to a replica that refuses connections (killed) goes to another one
                    option redispatch
                    retries 3
                    # no stickiness: a new server connection per request, so round robin spreads every request
                    option http-server-close
                    option forwardfor
                frontend registry
                    bind 127.0.0.1:%d
                    default_backend replicas
                backend replicas
                    balance roundrobin
                    option httpchk GET /readyz
                    http-check expect status 200
                    default-server inter 500ms fall 1 rise 2
                """.formatted(lbPort));
        for (Replica r : replicas) b.append("    server r").append(r.index).append(" 127.0.0.1:").append(r.port).append(" check\n");
        return b.toString();
    }

    @AfterAll
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.waitFor(10, TimeUnit.SECONDS);
        }
        for (Replica r : replicas) r.kill9();
        if (storage != null) storage.close();
        if (pg != null) pg.close();
        if (clients != null) clients.close();
        if (dir != null) RealClientsContract.deleteTree(dir);
    }

    // ------------------------------------------------------------------------------------------------ the tests

    @Test
    @Order(1)
    void aChunkedPushSpreadOverTheReplicasIsServedByEachOfThem() throws Exception {
        Map<Replica, Double> before = new HashMap<>();
        for (Replica r : replicas) before.put(r, r.uploadRequests());
        Image image = TestImages.image(1401, TestImages.Format.OCI, TestImages.Platform.LINUX_AMD64, 1, 3 << 20);
        byte[] layer = image.layers().get(0).bytes();
        // POST, then PATCH 1 MiB chunks, then PUT: each a new request through the balancer
        HttpResponse<String> started = send("POST", "http://" + lb + "/v2/cluster/chunked/blobs/uploads/", null, null);
        assertThat(started.statusCode()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        int chunk = 1 << 20;
        for (int off = 0; off < layer.length; off += chunk) {
            int end = Math.min(layer.length, off + chunk);
            HttpResponse<String> patched = send("PATCH", absolute(location), java.util.Arrays.copyOfRange(layer, off, end),
                    Map.of("Content-Type", "application/octet-stream", "Content-Range", off + "-" + (end - 1)));
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(202);
            location = patched.headers().firstValue("Location").orElseThrow();
        }
        String digest = image.layers().get(0).digest();
        HttpResponse<String> done = send("PUT", absolute(location) + (location.contains("?") ? "&" : "?") + "digest=" + digest, null, null);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        pushSmallBlob("cluster/chunked", image.config().bytes());
        HttpResponse<String> manifest = send("PUT", "http://" + lb + "/v2/cluster/chunked/manifests/1", image.manifest().bytes(),
                Map.of("Content-Type", image.manifest().mediaType()));
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(201);
        int served = 0;
        for (Replica r : replicas) if (r.uploadRequests() > before.get(r)) served++;
        assertThat(served).as("replicas that took part of the upload").isGreaterThanOrEqualTo(2);

        // each replica serves it, to each real client
        for (Replica r : replicas) {
            String hp = "127.0.0.1:" + r.port;
            assertThat(clients.skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "admin:" + ADMIN_PW,
                    "docker://" + hp + "/cluster/chunked:1")).isEqualTo(image.manifest().text());
            Path out = dir.resolve("pulled-" + r.index);
            clients.skopeo("copy", "--src-tls-verify=false", "--src-creds", "admin:" + ADMIN_PW,
                    "docker://" + hp + "/cluster/chunked:1", "dir:" + out);
            assertThat(TestImages.sha256(Files.readAllBytes(out.resolve(image.layers().get(0).hex())))).isEqualTo("sha256:" + image.layers().get(0).hex());
            clients.podman("pull", "--tls-verify=false", "--creds", "admin:" + ADMIN_PW, hp + "/cluster/chunked:1");
            clients.docker("login", "-u", "admin", "-p", ADMIN_PW, hp);
            assertThat(clients.docker("manifest", "inspect", "--insecure", hp + "/cluster/chunked:1")).contains(image.config().digest());
        }
    }

    /**
     * Every replica caches tags (under its read lease); a tag moved by a push on one replica is served with its new
     * digest by every other replica as soon as that push was acknowledged: not within a bound, at once.
     */
    @Test
    @Order(2)
    void aTagMovedOnOneReplicaIsServedNewByEveryOtherTheMomentItsPushIsAcknowledged() throws Exception {
        Image image = TestImages.image(1405);
        for (var layer : image.layers()) pushSmallBlob("cluster/moving", layer.bytes());
        pushSmallBlob("cluster/moving", image.config().bytes());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int round = 0; round < 12; round++) {
            var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(image.manifest().bytes());
            manifest.putObject("annotations").put("round", Integer.toString(round));
            byte[] bytes = json.writeValueAsBytes(manifest);
            String digest = TestImages.sha256(bytes);
            Replica writer = replicas.get(round % 3);
            HttpResponse<String> put = send("PUT", writer.url() + "/v2/cluster/moving/manifests/latest", bytes,
                    Map.of("Content-Type", image.manifest().mediaType()));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
            for (Replica r : replicas) {
                // twice: the first answer may come from the database, the second from the cache it filled
                for (int i = 0; i < 2; i++) {
                    HttpResponse<String> got = get(r.url() + "/v2/cluster/moving/manifests/latest", basic("admin", ADMIN_PW));
                    assertThat(got.statusCode()).isEqualTo(200);
                    assertThat(got.headers().firstValue("Docker-Content-Digest")).as("round %d on replica %d", round, r.index)
                            .contains(digest);
                }
            }
        }
    }

    @Test
    @Order(3)
    void aGrantRevokedOnOneReplicaIsRefusedOnTheOthersWithinTheBound() throws Exception {
        Image image = TestImages.image(1402);
        Path layout = TestImages.writeOciLayout(dir.resolve("grant-layout"), "img", image);
        clients.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "admin:" + ADMIN_PW, "oci:" + layout + ":img",
                "docker://" + lb + "/grants/app:1");
        Replica first = replicas.get(0);
        assertThat(first.api("POST", "/api/v1/users", "{\"name\":\"bob\",\"password\":\"bob-password-1\"}")).isEqualTo(201);
        assertThat(first.api("PUT", "/api/v1/repositories/grants/app/permissions",
                "{\"granteeKind\":\"principal\",\"grantee\":\"bob\",\"role\":\"read\"}")).isBetween(200, 204);
        for (Replica r : replicas) {
            // every replica answers bob now (and so caches his rights)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(status(get(r.url() + "/v2/grants/app/manifests/1", basic("bob", "bob-password-1")))).isEqualTo(200));
        }
        assertThat(first.api("DELETE", "/api/v1/repositories/grants/app/permissions/principal/bob", null)).isEqualTo(204);
        Instant revoked = Instant.now();
        for (Replica r : replicas.subList(1, 3)) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(status(get(r.url() + "/v2/grants/app/manifests/1", basic("bob", "bob-password-1")))).isIn(401, 403, 404));
        }
        // the documented bound is about a second; a loaded CI machine gets slack, not a different answer
        assertThat(Duration.between(revoked, Instant.now())).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    @Order(4)
    void gcOnOneReplicaWhileTheOthersTakePushesLosesNothing() throws Exception {
        // garbage: a blob no manifest will reference; replica 0 collects every second, after the grace period
        byte[] garbage = TestImages.randomBytes(1403, 4096);
        String garbageDigest = TestImages.sha256(garbage);
        pushSmallBlob("gc/garbage", garbage);
        List<String> pushed = pushConcurrently("gc/app", 4, 1500, replicas.subList(1, 3));
        // a HEAD of a blob touches it (a client checking a layer is about to reference it: ContentService.touch),
        // so the probe must come less often than the grace period, or it keeps the garbage alive by itself
        await().pollDelay(GC_GRACE.plusSeconds(3)).pollInterval(GC_GRACE.plusSeconds(3))
                .atMost(GC_GRACE.plusSeconds(3).multipliedBy(4)).untilAsserted(() ->
                assertThat(status(head(replicas.get(1).url() + "/v2/gc/garbage/blobs/" + garbageDigest))).isEqualTo(404));
        // well past the grace period, with GC having run many times: every pushed image is whole, on every replica
        for (String ref : pushed) assertWhole(ref, replicas);
    }

    @Test
    @Order(5)
    void killingAReplicaInTheMiddleOfPushesLosesNothingAcknowledgedAndItsScanIsFinishedElsewhere() throws Exception {
        Replica victim = replicas.get(2);
        List<Replica> survivors = replicas.subList(0, 2);
        // the victim holds a scan's claim when it dies (planted: a scan of a test image takes milliseconds, too
        // short to kill a replica in the middle of one; ReplicaTakeoverTest holds a real scan half-way and kills its replica)
        Image scanned = TestImages.image(1404);
        Path layout = TestImages.writeOciLayout(dir.resolve("scan-layout"), "img", scanned);
        clients.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "admin:" + ADMIN_PW, "oci:" + layout + ":img",
                "docker://" + lb + "/scan/app:1");
        String node = victim.nodeId();
        long now = System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
             PreparedStatement ps = c.prepareStatement("INSERT INTO scan_job (repository, manifest_digest, status, requested_by, queued_at, "
                     + "started_at, claimed_by, lease_until) VALUES ('scan/app', ?, 'RUNNING', 'admin', ?, ?, ?, ?)")) {
            ps.setString(1, scanned.digest());
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.setString(4, node);
            ps.setLong(5, now + 3_000);
            ps.executeUpdate();
        }

        ExecutorService killer = Executors.newSingleThreadExecutor();
        Future<?> killed = killer.submit(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            victim.kill9();
        });
        List<String> pushed = pushConcurrently("kill/app", 6, 1600, replicas);
        killed.get(60, TimeUnit.SECONDS);
        killer.shutdown();
        assertThat(victim.process.isAlive()).isFalse();
        // every push the clients saw succeed (with their retries through the balancer) is whole on the survivors
        assertThat(pushed).hasSize(6);
        for (String ref : pushed) assertWhole(ref, survivors);

        // the planted claim ran out and another replica finished the job
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
                 PreparedStatement ps = c.prepareStatement("SELECT status, claimed_by FROM scan_job WHERE repository = 'scan/app' AND manifest_digest = ?")) {
                ps.setString(1, scanned.digest());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isIn("DONE", "FAILED");
                    assertThat(rs.getString(2)).isNotEqualTo(node);
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * Pushes {@code n} images at once with skopeo (its own retries on), through the balancer; returns the references
     * whose push the client reported done, retrying a failed one by hand once more (a client's retry) first.
     */
    List<String> pushConcurrently(String repo, int n, long seed, List<Replica> unused) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    Image img = TestImages.image(seed + k, TestImages.Format.OCI, TestImages.Platform.LINUX_AMD64, 3, 512 << 10);
                    Path layout = TestImages.writeOciLayout(dir.resolve(repo.replace('/', '-') + "-" + k), "img", img);
                    String ref = "docker://" + lb + "/" + repo + ":" + k;
                    for (int attempt = 0; attempt < 4; attempt++) {
                        Clients.Result r = clients.run(ExternalTools.require("skopeo"), "copy", "--retry-times", "5",
                                "--dest-tls-verify=false", "--dest-creds", "admin:" + ADMIN_PW, "oci:" + layout + ":img", ref);
                        if (r.exitCode() == 0) return repo + ":" + k + "@" + img.digest();
                        Thread.sleep(1000);
                    }
                    return null;
                }));
            }
            List<String> done = new ArrayList<>();
            for (Future<String> f : futures) {
                String r = f.get(5, TimeUnit.MINUTES);
                if (r != null) done.add(r);
            }
            return done;
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code repo:tag@digest} is there, by tag, on each replica, with every blob whole (skopeo verifies digests). */
    void assertWhole(String ref, List<Replica> on) throws Exception {
        String nameTag = ref.substring(0, ref.indexOf('@'));
        String digest = ref.substring(ref.indexOf('@') + 1);
        for (Replica r : on) {
            String hp = "127.0.0.1:" + r.port;
            String inspected = clients.skopeo("inspect", "--tls-verify=false", "--creds", "admin:" + ADMIN_PW, "docker://" + hp + "/" + nameTag);
            assertThat(inspected).as(nameTag + " on replica " + r.index).contains(digest);
            Path out = Files.createTempDirectory(dir, "whole");
            clients.skopeo("copy", "--src-tls-verify=false", "--src-creds", "admin:" + ADMIN_PW, "docker://" + hp + "/" + nameTag, "dir:" + out);
            try (var files = Files.list(out)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.matches("[0-9a-f]{64}")) {
                        assertThat(TestImages.sha256(Files.readAllBytes(f))).as("blob " + name + " of " + nameTag).isEqualTo("sha256:" + name);
                    }
                }
            }
            RealClientsContract.deleteTree(out);
        }
    }

    void pushSmallBlob(String repo, byte[] bytes) throws Exception {
        String digest = TestImages.sha256(bytes);
        HttpResponse<String> r = send("POST", "http://" + lb + "/v2/" + repo + "/blobs/uploads/?digest=" + digest, bytes,
                Map.of("Content-Type", "application/octet-stream"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    String absolute(String location) {
        return location.startsWith("http") ? location : "http://" + lb + location;
    }

    HttpResponse<String> send(String method, String url, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", basic("admin", ADMIN_PW))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers != null) headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) b.header("Authorization", authorization);
        b.header("Accept", "application/vnd.oci.image.manifest.v1+json");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> head(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic("admin", ADMIN_PW)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static int status(HttpResponse<?> r) {
        return r.statusCode();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** One {@code gatehouse serve} process with its own data directory, on the shared database and bucket. */
    final class Replica extends ReplicaProcess {

        Replica(int index, int port) throws IOException {
            super(index, port, dir);
        }

        void start() throws IOException {
            Map<String, String> env = new HashMap<>();
            env.put("GATEHOUSE_PUBLIC_URL", "http://" + lb);
            env.put("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1");
            env.put("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PW);
            env.put("GATEHOUSE_GC_INTERVAL", index == 0 ? "1s" : "0");
            env.put("GATEHOUSE_GC_GRACE_PERIOD", GC_GRACE.toSeconds() + "s");
            env.put("GATEHOUSE_SCAN_ON_PUSH", "false");
            env.put("GATEHOUSE_SCAN_LEASE", "3s");
            env.put("GATEHOUSE_SCAN_VULNDB", dir.resolve("vulndb.sqlite").toString());
            env.putAll(sharedParts());
            // replica 0 runs as `java -jar` does (the JDK's SHA-256 for resumable upload digests), the others without
            // the opened packages (Bouncy Castle's): the chunked push that crosses replicas crosses both kinds
            start(env, index == 0 ? io.gatehouse.registry.storage.RunningDigest.JDK_DIGEST_OPTIONS : List.of());
        }

        /** Requests this replica served on the upload routes (its /metrics). */
        double uploadRequests() throws Exception {
            double n = 0;
            for (String line : get(url() + "/metrics", null).body().lines().toList()) {
                if (line.startsWith("gatehouse_http_requests_seconds_count{") && line.contains("route=\"upload")) {
                    n += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return n;
        }

        int api(String method, String path, String json) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", basic("admin", ADMIN_PW)).header("Content-Type", "application/json")
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    /** Settings every replica shares, as environment variables: the PostgreSQL database and the S3 bucket. */
    Map<String, String> sharedParts() {
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_DATABASE", pg.jdbcUrl());
        env.put("GATEHOUSE_DATABASE_USER", pg.user());
        for (Map.Entry<String, String> e : storage.registrySettings(bucket).entrySet()) {
            String variable = RegistryConfig.SETTINGS.stream().filter(s -> s.key().equals(e.getKey())).findFirst().orElseThrow().env();
            env.put(variable, e.getValue());
        }
        return env;
    }
}
