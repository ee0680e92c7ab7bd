package io.gatehouse.registry.scan;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.core.report.Severity;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import io.gatehouse.registry.scan.service.ScanIndex;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.scan.service.ScanStatus;
import io.gatehouse.registry.scan.vulndb.NvdImporter;
import io.gatehouse.registry.scan.vulndb.VulnDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.gatehouse.registry.scan.TestLayer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Scanning inside a running registry: images pushed over HTTP, reports stored as referrers, status, rescans. */
class RegistryScanTest {
    @TempDir
    static Path shared;
    static VulnDb db;

    @TempDir
    Path dir;
    ScanningRegistry registry;
    RegistryServer server;
    ScanService scans;
    RegistryClient client;

    @BeforeAll
    static void database() throws IOException {
        db = TestData.copyOfShared(shared);
    }

    @BeforeEach
    void start() {
        registry = new ScanningRegistry(dir, db, ScanLimits.defaults());
        server = registry.server;
        scans = registry.scans;
        client = registry.client;
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    Digest push(String repo, String tag, byte[]... layers) {
        return registry.push(repo, tag, layers);
    }

    ScanStatus awaitFinished(String repo, Digest d) {
        return registry.awaitFinished(repo, d);
    }

    static byte[] debianLayer() {
        return new TestLayer().file("var/lib/dpkg/status", TestLayer.gunzip(resource("/vuln/debian12/host-status.gz")))
                .file("etc/os-release", resource("/vuln/debian12/os-release")).gzip();
    }

    static byte[] appLayer() {
        return new TestLayer().file("app/lib/log4j-core-2.14.1.jar", TestLayer.testJar("log4j-core-2.14.1.jar"))
                .file("app/lib/commons-text-1.9.jar", TestLayer.testJar("commons-text-1.9.jar")).gzip();
    }

    @Test
    void scanOnPushStoresReportAndSbomAsReferrersAndAnswersRescansFromTheStoredReport() throws IOException {
        Digest image = push("team/app", "1.0", debianLayer(), appLayer());
        ScanStatus done = awaitFinished("team/app", image);
        assertThat(done.state()).isEqualTo(ScanStatus.State.DONE);
        assertThat(done.databaseVersion()).isEqualTo(db.version());

        ScanReport report = scans.report("team/app", image).orElseThrow();
        assertThat(report.imageDigest()).isEqualTo(image.toString());
        assertThat(report.findings()).extracting(Finding::vulnerabilityId)
                .contains("CVE-2021-44228", "CVE-2021-45046", "CVE-2022-42889", "CVE-2023-52425");
        assertThat(report.summary().total()).isEqualTo(243 + 3);
        assertThat(report.summary().count(Severity.CRITICAL)).isEqualTo(3);

        // the referrers API finds the report and the SBOM, and filters by artifactType
        JsonNode referrers = RegistryClient.json(client.get("/v2/team/app/referrers/" + image));
        assertThat(referrers.path("manifests")).extracting(m -> m.path("artifactType").asText())
                .containsExactlyInAnyOrder(ScanService.REPORT_ARTIFACT_TYPE, ScanService.SBOM_ARTIFACT_TYPE);
        JsonNode onlyReports = RegistryClient.json(client.get("/v2/team/app/referrers/" + image + "?artifactType="
                + ScanService.REPORT_ARTIFACT_TYPE.replace("+", "%2B")));
        assertThat(onlyReports.path("manifests")).hasSize(1);
        String reportManifest = onlyReports.path("manifests").get(0).path("digest").asText();
        assertThat(reportManifest).isEqualTo(done.reportDigest());

        // any OCI client can fetch it: manifest → layer → the report JSON
        JsonNode artifact = RegistryClient.json(client.get("/v2/team/app/manifests/" + reportManifest,
                "Accept", MediaTypes.OCI_MANIFEST));
        assertThat(artifact.path("subject").path("digest").asText()).isEqualTo(image.toString());
        assertThat(artifact.path("annotations").path("io.gatehouse.scan.critical").asText()).isEqualTo("3");
        HttpResponse<byte[]> blob = client.get("/v2/team/app/blobs/" + artifact.path("layers").get(0).path("digest")
                .asText());
        assertThat(RegistryClient.JSON.readTree(blob.body()).path("findings")).hasSize(246);
        JsonNode sbom = RegistryClient.JSON.readTree(scans.sbom("team/app", image).orElseThrow());
        assertThat(sbom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(sbom.path("components").size()).isEqualTo(1 + 1047 + 2); // OS + dpkg + jars
        JsonNode trivy = RegistryClient.JSON.readTree(scans.trivyReport("team/app", image).orElseThrow());
        assertThat(trivy.path("Results")).hasSize(3); // os-pkgs + one per jar

        // indexed for queries
        ScanIndex.IndexedReport row = scans.index().report("team/app", image.toString()).orElseThrow();
        assertThat(row.critical()).isEqualTo(3);
        assertThat(row.fixable()).isEqualTo(246);
        assertThat(scans.index().imagesAffectedBy("CVE-2021-44228")).extracting(r -> r[1])
                .containsExactly(image.toString());
        assertThat(scans.index().imagesWith(Severity.CRITICAL, true)).hasSize(1);

        // unchanged image, unchanged database: the stored report answers, nothing is queued
        ScanStatus again = scans.scan("team/app", image, false, null);
        assertThat(again.state()).isEqualTo(ScanStatus.State.DONE);
        assertThat(again.reportDigest()).isEqualTo(done.reportDigest());

        // the database changes: the image is rescanned and the new report replaces the old one
        scans.importVulnData(new NvdImporter(), TestData.path("/vuln/nvd/single-entry.json"));
        await().atMost(Duration.ofSeconds(60)).until(() -> scans.status("team/app", image)
                .map(s -> s.state() == ScanStatus.State.DONE && db.version().equals(s.databaseVersion()))
                .orElse(false));
        ScanStatus rescanned = scans.status("team/app", image).orElseThrow();
        assertThat(rescanned.reportDigest()).isNotEqualTo(done.reportDigest());
        assertThat(RegistryClient.json(client.get("/v2/team/app/referrers/" + image)).path("manifests")).hasSize(2);
        assertThat(client.get("/v2/team/app/manifests/" + done.reportDigest()).statusCode()).isEqualTo(404);
    }

    @Test
    void scanOnPushCanBeTurnedOffPerRepositoryAndScansRunOnDemand() {
        scans.setScanOnPush("quiet/app", false);
        Digest image = push("quiet/app", "1", appLayer());
        assertThat(scans.status("quiet/app", image)).isEmpty();
        ScanStatus queued = scans.scan("quiet/app", image, false, null);
        assertThat(queued.state()).isIn(ScanStatus.State.QUEUED, ScanStatus.State.RUNNING, ScanStatus.State.DONE);
        assertThat(awaitFinished("quiet/app", image).state()).isEqualTo(ScanStatus.State.DONE);
        assertThat(scans.report("quiet/app", image).orElseThrow().findings()).extracting(Finding::vulnerabilityId)
                .containsExactlyInAnyOrder("CVE-2021-44228", "CVE-2021-45046", "CVE-2022-42889");
    }

    @Test
    void aPushedIndexHasEachPlatformImageScanned() {
        Digest child = push("multi/app", "amd64-only", appLayer());
        // the child was scanned when pushed; the index push asks again and is answered from that stored report
        ScanStatus first = awaitFinished("multi/app", child);
        byte[] childBytes = client.get("/v2/multi/app/manifests/" + child, "Accept", MediaTypes.OCI_MANIFEST).body();
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{"
                + "\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + child + "\",\"size\":"
                + childBytes.length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(client.putManifest("multi/app", "1.0", index, MediaTypes.OCI_INDEX).statusCode()).isEqualTo(201);
        Digest indexDigest = Digest.sha256(index);
        assertThat(awaitFinished("multi/app", indexDigest).reason()).isEqualTo("1 platform images scanned separately");
        assertThat(awaitFinished("multi/app", child).reportDigest()).isEqualTo(first.reportDigest());
        assertThat(scans.report("multi/app", child).orElseThrow().findings()).hasSize(3);
    }

    @Test
    void aMalformedLayerFailsTheScanWithAReasonAndTheRegistryKeepsServing() {
        byte[] good = debianLayer();
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        Digest image = push("bad/app", "1", truncated);
        ScanStatus failed = awaitFinished("bad/app", image);
        assertThat(failed.state()).isEqualTo(ScanStatus.State.FAILED);
        assertThat(failed.reason()).contains("truncated");
        assertThat(scans.report("bad/app", image)).isEmpty();
        assertThat(client.get("/v2/").statusCode()).isEqualTo(200);
        // and the next image scans fine
        Digest ok = push("bad/app", "2", appLayer());
        assertThat(awaitFinished("bad/app", ok).state()).isEqualTo(ScanStatus.State.DONE);
    }

    /**
     * An Error (here a simulated OutOfMemoryError, thrown by the scan engine's clock) is not swallowed as if it were a
     * bad image: the scan is recorded as failed, the error ends the worker and is logged as such, and the pool goes on
     * with a new worker.
     */
    @Test
    void anErrorInAScanIsRecordedAndEndsTheWorkerInsteadOfBeingSwallowed() {
        scans.setScanOnPush("oom/app", false);
        Digest image = push("oom/app", "1", appLayer());
        AtomicBoolean thrown = new AtomicBoolean();
        Clock failsOnce = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                if (thrown.compareAndSet(false, true)) throw new OutOfMemoryError("simulated");
                return Instant.now();
            }
        };
        Logger log = (Logger) LoggerFactory.getLogger(ScanService.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        log.addAppender(logs);
        try (ScanService failing = new ScanService(server.content(), new ScanIndex(server.jdbi()),
                new ScanEngine(db, ScanLimits.defaults(), failsOnce), Clock.systemUTC(), 1, false, Duration.ZERO)) {
            failing.scan("oom/app", image, true, null);
            ScanStatus failed = awaitFinished("oom/app", image);
            assertThat(failed.state()).isEqualTo(ScanStatus.State.FAILED);
            assertThat(failed.reason()).contains("OutOfMemoryError");
            await().atMost(Duration.ofSeconds(30)).until(() -> List.copyOf(logs.list).stream().anyMatch(e ->
                    e.getLevel() == Level.ERROR && e.getThrowableProxy() != null
                            && e.getThrowableProxy().getClassName().equals(OutOfMemoryError.class.getName())));
            // the pool replaced the worker the error ended
            failing.scan("oom/app", image, true, null);
            assertThat(awaitFinished("oom/app", image).state()).isEqualTo(ScanStatus.State.DONE);
        } finally {
            log.detachAppender(logs);
        }
    }
}
