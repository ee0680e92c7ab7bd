package io.gatehouse.jenkins.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.SignatureStore;
import io.gatehouse.jenkins.NamedPolicy;
import io.gatehouse.jenkins.scan.ScanReportAction;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.jenkins.TestRegistries;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.scan.api.ScanApi;
import io.gatehouse.registry.trust.Trust;
import io.gatehouse.testing.TestImages;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * scanImage asking our registry to scan on demand ({@code POST /api/v1/repositories/{repo}/scans/{digest}}, status
 * polled, report read from {@code …/report}), with auth, scanning and trust wired as the registry's Main does.
 * Only Jenkins is mocked.
 */
class ScanOnDemandTest {
    @RegisterExtension
    static final LoopbackResources resources = new LoopbackResources();
    @TempDir
    static Path dir;
    static RegistryServer server;
    static String token;
    static TestImages.Image image;
    StepHarness h;

    @BeforeAll
    static void start() throws Exception {
        RegistryConfig config = RegistryConfig.forTesting(dir);
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthWiring w = TestRegistries.installAuth(b, config);
        ScanApi.install(b, s -> w.module());
        Trust.install(b, s -> w.module().api(), s -> w.module().auditLog());
        server = resources.closeAfterAll(b.build().start());
        token = w.module().accounts().createServiceAccount("jenkins", "Jenkins CI", null, true, "test").token();
        SignatureStore push = new RegistryGatehouseService(new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(5)),
                new RegistryAuth("jenkins", token.toCharArray())).signatureStore();
        image = TestImages.image(61);
        List<TestImages.Blob> blobs = new ArrayList<>(image.layers());
        blobs.add(image.config());
        for (TestImages.Blob blob : blobs) {
            push.putBlob("mirror/busybox", Digest.parse(blob.digest()), blob.bytes());
        }
        push.putManifest("mirror/busybox", "1.36", image.manifest().mediaType(), image.manifest().bytes());
        importVulnerabilityData();
    }

    /**
     * One real-shaped OSV advisory for a package the image does not hold: the registry refuses to scan without any
     * vulnerability data (a scan without data is never reported clean), and with it the image's report is empty.
     */
    static void importVulnerabilityData() throws Exception {
        String osv = "{\"id\":\"GHSA-gate-0000-0001\",\"modified\":\"2026-01-01T00:00:00Z\",\"summary\":\"test advisory\","
                + "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},"
                + "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}]}]}]}";
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/vulndb/imports?format=osv"))
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                ("jenkins:" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(osv)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void asksTheRegistryToScanWaitsForItAndReadsTheReport() throws Exception {
        h = resources.harness(server.baseUrl(), "jenkins", token);
        h.config.setPolicies(List.of(new NamedPolicy("no-critical", TestRegistries.NO_CRITICAL_POLICY)));
        ScanImageStep s = new ScanImageStep("mirror/busybox:1.36");
        s.setPolicy("no-critical");
        s.setWait("60s");
        Map<String, Object> result = new ScanImageStep.Execution(s, h.context, h.environment(RegistryGatehouseService::new)).run();
        // vulnerability data that does not concern the image: a real, empty report from the registry's scanner
        assertThat(result).containsEntry("digest", image.manifest().digest()).containsEntry("total", 0).containsEntry("passed", true);
        assertThat(h.log()).contains("CRITICAL 0, HIGH 0").doesNotContain(token);
        verify(h.run).addAction(any(ScanReportAction.class));
        assertThat(h.archived).singleElement().satisfies(a -> assertThat(a[1]).contains(image.manifest().digest()));
    }
}
