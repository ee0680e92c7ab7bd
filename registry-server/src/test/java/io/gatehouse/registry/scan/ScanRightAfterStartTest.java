package io.gatehouse.registry.scan;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.scan.api.ScanApi;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.scan.service.ScanStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Start-up (issue #13 item 10): the registry answers {@code /v2/} before the scanner has opened its vulnerability
 * database (opening it is work the first answers do not need), and a scan asked for right after the start still
 * works: the database is opened by the first scan.
 */
class ScanRightAfterStartTest {
    @TempDir
    Path dir;

    @Test
    void registryAnswersBeforeTheVulnerabilityDatabaseIsOpenedAndAScanRightAfterStartSucceeds() throws Exception {
        Path vulnDb = dir.resolve("vuln").resolve("vulndb.sqlite");
        // no rescan timer: nothing but a scan may open the database in this test
        RegistryConfig config = RegistryConfig.forTesting(dir.resolve("data"))
                .with("scan.vulndb", vulnDb.toString()).with("scan.rescan_interval", "PT0S");
        RegistryServer.Builder b = RegistryServer.builder(config);
        AtomicReference<ScanService> scans = ScanApi.install(b, null); // as `serve` wires it with auth.enabled=false
        try (RegistryServer server = b.build().start()) {
            HttpResponse<Void> v2 = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v2/")).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(v2.statusCode()).isEqualTo(200);
            // opening the database creates its file (and its folder): not done by the start
            assertThat(vulnDb.getParent()).doesNotExist();

            // vulnerability data arrives (as `gatehouse vulndb import` would write it), then at once an image is
            // pushed and a scan asked for
            Files.createDirectories(vulnDb.getParent());
            TestData.sharedDatabase().copyTo(vulnDb);
            RegistryClient client = new RegistryClient(server.baseUrl());
            Digest image = push(client, "team/app", RegistryScanTest.debianLayer());
            ScanStatus asked = scans.get().scan("team/app", image, true, null);
            assertThat(asked.state()).isNotEqualTo(ScanStatus.State.FAILED);

            await().atMost(Duration.ofSeconds(60)).until(() -> scans.get().status("team/app", image)
                    .map(ScanStatus::finished).orElse(false));
            ScanStatus done = scans.get().status("team/app", image).orElseThrow();
            assertThat(done.state()).as(String.valueOf(done)).isEqualTo(ScanStatus.State.DONE);
            assertThat(done.databaseVersion()).isEqualTo(TestData.sharedDatabase().version());
            assertThat(scans.get().report("team/app", image).orElseThrow().findings()).isNotEmpty();
        } finally {
            if (scans.get() != null) scans.get().close();
        }
    }

    private static Digest push(RegistryClient client, String repo, byte[] layer) {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}".getBytes(StandardCharsets.UTF_8);
        Digest c = client.pushBlob(repo, config);
        Digest l = client.pushBlob(repo, layer);
        byte[] m = RegistryClient.imageManifest(c, config.length, List.of(l), List.of((long) layer.length), null, null, 0);
        assertThat(client.putManifest(repo, "1.0", m, MediaTypes.OCI_MANIFEST).statusCode()).isEqualTo(201);
        return Digest.sha256(m);
    }
}
