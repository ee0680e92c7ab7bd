package io.gatehouse.registry.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.cluster.PostgresServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.scan.TestData;
import io.gatehouse.registry.scan.TestLayer;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import io.gatehouse.testing.FreePort;
import io.gatehouse.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Work a replica holds when it is killed (kill -9, each replica its own JVM) is finished or ended by another, for
 * real rather than with a planted claim: replicas on one PostgreSQL and one S3 bucket (S3Proxy), as in
 * {@link ClusterReplicasTest}.
 * <ul>
 *   <li>a scan claimed by replica A, held in the middle of the scan (the test-only property
 *       {@code gatehouse.test.scan_hold}: a real scan takes milliseconds), A killed; replica B takes the job over once
 *       A's lease has run out and stores the report, once;</li>
 *   <li>a server-side mirror run on replica C, in the middle of reading its upstream (an upstream that does not answer
 *       until the test lets it), C killed; the run is marked INTERRUPTED ("replica stopped") by B once its lease has run
 *       out, and a new run into the same repository succeeds.</li>
 * </ul>
 * No timing is asserted: the leases are short (3 s) so that the waits are.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaTakeoverTest {
    static final String ADMIN_PW = "takeover-admin-pw";
    static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PW).getBytes(StandardCharsets.UTF_8));

    Path dir;
    PostgresServer pg;
    S3ProxyServer storage;
    String bucket;
    Path vulndb;
    Path scanHold;
    final List<ReplicaProcess> replicas = new ArrayList<>();
    HttpServer stalledUpstream;
    final CountDownLatch upstreamAsked = new CountDownLatch(1);
    final CountDownLatch upstreamReleased = new CountDownLatch(1);
    Digest scanned;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("gatehouse-takeover-");
        pg = PostgresServer.launch();
        storage = S3ProxyServer.start(dir.resolve("s3proxy"));
        bucket = storage.createBucket("takeover");
        try (VulnDb db = TestData.filledDatabase(Files.createDirectories(dir.resolve("vulndb")))) {
            vulndb = dir.resolve("vulndb").resolve("vulndb.sqlite");
        }
        scanHold = Files.createDirectories(dir.resolve("scan-hold"));
    }

    @AfterAll
    void stop() throws Exception {
        upstreamReleased.countDown();
        if (stalledUpstream != null) stalledUpstream.stop(0);
        for (ReplicaProcess r : replicas) r.kill9();
        if (storage != null) storage.close();
        if (pg != null) pg.close();
        if (dir != null) RealClientsContract.deleteTree(dir);
    }

    @Test
    @Order(1)
    void aScanWhoseReplicaIsKilledInTheMiddleIsFinishedByAnotherAndStoredOnce() throws Exception {
        Files.writeString(scanHold.resolve("hold"), "");
        ReplicaProcess a = replica(List.of("-Dgatehouse.test.scan_hold=" + scanHold));
        RegistryClient onA = new RegistryClient(a.url(), "Authorization", ADMIN);
        byte[] debian = new TestLayer().file("var/lib/dpkg/status", TestLayer.gunzip(TestLayer.resource("/vuln/debian12/host-status.gz")))
                .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n").gzip();
        scanned = onA.pushImage("scan/app", "1", debian);
        HttpResponse<byte[]> asked = onA.send("POST", "/api/v1/repositories/scan/app/scans/" + scanned, null);
        assertThat(asked.statusCode()).as(new String(asked.body(), StandardCharsets.UTF_8)).isEqualTo(202);

        // A's worker has claimed the job and is in the middle of it; then A dies
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(scanHold.resolve("scanning"))
                && !Files.readString(scanHold.resolve("scanning")).isBlank());
        String nodeA = a.nodeId();
        assertThat(Files.readString(scanHold.resolve("scanning"))).isEqualTo(nodeA);
        assertThat(scanJob()).containsExactly("RUNNING", nodeA);
        a.kill9();
        assertThat(a.process.isAlive()).isFalse();

        // B (without the hold) takes the job over once A's lease has run out, and finishes it
        ReplicaProcess b = replica(List.of());
        String nodeB = b.nodeId();
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(scanJob()).containsExactly("DONE", nodeB));

        // stored once: one report and one SBOM refer to the image, and the report is served
        RegistryClient onB = new RegistryClient(b.url(), "Authorization", ADMIN);
        JsonNode referrers = RegistryClient.json(onB.get("/v2/scan/app/referrers/" + scanned));
        List<String> types = new ArrayList<>();
        referrers.path("manifests").forEach(m -> types.add(m.path("artifactType").asText()));
        assertThat(types).containsExactlyInAnyOrder(ScanService.REPORT_ARTIFACT_TYPE, ScanService.SBOM_ARTIFACT_TYPE);
        assertThat(count("SELECT count(*) FROM scan_report WHERE repository = 'scan/app' AND manifest_digest = '" + scanned + "'")).isEqualTo(1);
        HttpResponse<byte[]> report = onB.get("/api/v1/repositories/scan/app/scans/" + scanned + "/report");
        assertThat(report.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aMirrorRunWhoseReplicaIsKilledIsMarkedInterruptedAndTheTargetTakesANewRun() throws Exception {
        ReplicaProcess b = replicas.get(1);
        ReplicaProcess c = replica(List.of());
        String nodeC = c.nodeId();
        int upstreamPort = startStalledUpstream();

        // C runs a mirror into mirror/app and is in the middle of asking its upstream when it dies
        CompletableFuture<HttpResponse<byte[]>> run = CompletableFuture.supplyAsync(() -> new RegistryClient(c.url(), "Authorization", ADMIN)
                .send("POST", "/api/v1/mirrors/mirror/app", """
                        {"upstream": "127.0.0.1:%d/library/app", "tags": ".*", "plainHttp": true}""".formatted(upstreamPort)
                        .getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json"));
        assertThat(upstreamAsked.await(60, TimeUnit.SECONDS)).as("the run reached its upstream").isTrue();
        long id = count("SELECT max(id) FROM mirror_runs WHERE target = 'mirror/app'");
        assertThat(mirrorRun(id)).containsExactly("RUNNING", nodeC);
        c.kill9();
        assertThat(run).failsWithin(Duration.ofSeconds(30)); // its caller saw the connection drop

        // B notices the lease ran out: INTERRUPTED, saying the replica stopped and when
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(mirrorRun(id).get(0)).isEqualTo("INTERRUPTED"));
        RegistryClient onB = new RegistryClient(b.url(), "Authorization", ADMIN);
        JsonNode recorded = RegistryClient.json(onB.get("/api/v1/mirrors/" + id));
        assertThat(recorded.path("status").asText()).isEqualTo("INTERRUPTED");
        assertThat(recorded.path("summary").asText()).startsWith("replica stopped (" + nodeC + ")").contains(b.nodeId());
        assertThat(recorded.path("finishedAt").isTextual()).isTrue();

        // the target takes a new run (from B's own scan/app, pushed above), which succeeds
        HttpResponse<byte[]> again = onB.send("POST", "/api/v1/mirrors/mirror/app", """
                {"upstream": "127.0.0.1:%d/scan/app", "tags": "1", "plainHttp": true,
                 "credentials": {"username": "admin", "password": "%s"}}""".formatted(b.port, ADMIN_PW)
                .getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
        assertThat(again.statusCode()).as(new String(again.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        long second = RegistryClient.json(again).path("id").asLong();
        assertThat(second).isGreaterThan(id);
        assertThat(mirrorRun(second).get(0)).isEqualTo("SUCCEEDED");
        assertThat(onB.get("/v2/mirror/app/manifests/1", "Accept", "application/vnd.oci.image.manifest.v1+json").statusCode()).isEqualTo(200);
        assertThat(mirrorRun(id).get(0)).as("the interrupted run stays interrupted").isEqualTo("INTERRUPTED");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A new replica on the shared database and bucket, started and ready. */
    ReplicaProcess replica(List<String> jvmOptions) throws IOException {
        ReplicaProcess r = new ReplicaProcess(replicas.size(), FreePort.pick(), dir);
        replicas.add(r);
        Map<String, String> env = new HashMap<>();
        env.put("GATEHOUSE_ADMIN_PASSWORD", ADMIN_PW);
        env.put("GATEHOUSE_GC_INTERVAL", "0");
        env.put("GATEHOUSE_SCAN_ON_PUSH", "false");
        env.put("GATEHOUSE_SCAN_LEASE", "3s");
        env.put("GATEHOUSE_MIRROR_LEASE", "3s");
        env.put("GATEHOUSE_SCAN_VULNDB", vulndb.toString());
        env.put("GATEHOUSE_DATABASE", pg.jdbcUrl());
        env.put("GATEHOUSE_DATABASE_USER", pg.user());
        for (Map.Entry<String, String> e : storage.registrySettings(bucket).entrySet()) {
            String variable = RegistryConfig.SETTINGS.stream().filter(s -> s.key().equals(e.getKey())).findFirst().orElseThrow().env();
            env.put(variable, e.getValue());
        }
        r.start(env, jvmOptions);
        r.awaitReady();
        return r;
    }

    /** An upstream registry that takes every request and answers none until the test ends. */
    int startStalledUpstream() throws IOException {
        stalledUpstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stalledUpstream.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stalled-upstream");
            t.setDaemon(true);
            return t;
        }));
        stalledUpstream.createContext("/", exchange -> {
            upstreamAsked.countDown();
            try {
                upstreamReleased.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        stalledUpstream.start();
        return stalledUpstream.getAddress().getPort();
    }

    /** The scanned image's job: status and the replica holding it. */
    List<String> scanJob() throws Exception {
        return row("SELECT status, claimed_by FROM scan_job WHERE repository = 'scan/app' AND manifest_digest = '" + scanned + "'");
    }

    /** A mirror run's status and the replica holding it. */
    List<String> mirrorRun(long id) throws Exception {
        return row("SELECT status, claimed_by FROM mirror_runs WHERE id = " + id);
    }

    List<String> row(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as(sql).isTrue();
            return List.of(rs.getString(1), rs.getString(2));
        }
    }

    long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "");
             PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
