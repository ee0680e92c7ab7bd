package io.gatehouse.registry.scan.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.cli.Cli;
import io.gatehouse.registry.scan.TestData;
import io.gatehouse.registry.scan.TestLayer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #13: a registry started without vulnerability data, then filled by `gatehouse vulndb import` (the real CLI,
 * its own connections, as another process has) into the file the registry has open. A scan without data is a
 * failure, never "0 vulnerabilities"; a new database version is noticed within seconds (not the old 15 minutes):
 * the API shows it, and images are rescanned and labelled with it.
 */
class LiveDatabaseTest {
    @TempDir
    java.nio.file.Path dir;
    SecuredRegistry reg;
    Http http;
    final String admin = SecuredRegistry.admin();

    void start() {
        reg = new SecuredRegistry(dir, false);
        http = new Http(reg.base);
    }

    @AfterEach
    void stop() {
        if (reg != null) reg.close();
    }

    /** An image holding log4j-core 2.14.1 (a distinct config per call, so a distinct digest). */
    Digest pushLog4jImage(String repo, String tag) {
        RegistryClient client = new RegistryClient(reg.base);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"},\"n\":"
                + System.nanoTime() + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = new TestLayer().file("app/lib/log4j-core-2.14.1.jar", TestLayer.testJar("log4j-core-2.14.1.jar")).gzip();
        Digest c = SecuredRegistry.pushBlob(client, repo, config, admin);
        Digest l = SecuredRegistry.pushBlob(client, repo, layer, admin);
        byte[] m = RegistryClient.imageManifest(c, config.length, List.of(l), List.of((long) layer.length), null, null, 0);
        assertThat(client.send("PUT", "/v2/" + repo + "/manifests/" + tag, m, "Content-Type", MediaTypes.OCI_MANIFEST,
                "Authorization", admin).statusCode()).isEqualTo(201);
        return Digest.sha256(m);
    }

    JsonNode scanStatus(String repo, Digest image) {
        return http.json("GET", "/api/v1/repositories/" + repo + "/scans/" + image, admin, null).json();
    }

    /** The version `vulndb import` printed: "PATH (osv): 6 advisories, 0 NVD entries; database version X". */
    static String importedVersion(Cli.Run r) {
        assertThat(r.code()).as(r.err()).isZero();
        return r.out().strip().replaceAll("(?s).*database version ", "");
    }

    /** `gatehouse vulndb import --data-dir DIR` (how serve was told), or `--db DIR/vulndb.sqlite` (the file itself). */
    String importWithCli(boolean byDataDir, String resource) {
        return importedVersion(byDataDir
                ? Cli.run("vulndb", "import", "--data-dir", dir.toString(), TestData.path(resource).toString())
                : Cli.run("vulndb", "import", "--db", dir.resolve("vulndb.sqlite").toString(), TestData.path(resource).toString()));
    }

    @Test
    void withoutDataAScanFailsAndIsScannedOnceACliImportBringsData() {
        start();
        Digest image = pushLog4jImage("team/app", "1.0");
        await().atMost(Duration.ofSeconds(60)).until(() -> "failed".equals(scanStatus("team/app", image).path("state").asText()));
        assertThat(scanStatus("team/app", image).path("reason").asText()).startsWith("no vulnerability data");

        // the CLI, pointed at the registry's data dir as serve was, imports into the open database
        String v1 = importWithCli(true, "/vuln/ghsa/GHSA-jfh8-c2jp-5v3q.json");
        // the image refused for want of data is scanned now that there is some, and labelled with the real version
        await().atMost(Duration.ofSeconds(30)).until(() -> v1.equals(scanStatus("team/app", image).path("databaseVersion").asText()));
        assertThat(scanStatus("team/app", image).path("state").asText()).isEqualTo("done");
        assertThat(scanStatus("team/app", image).path("summary").path("critical").asInt()).isEqualTo(1);
    }

    @Test
    void aCliImportIntoTheLiveDatabaseIsShownLabelledAndRescannedWithinSeconds() {
        String v1 = importWithCli(false, "/vuln/ghsa/GHSA-jfh8-c2jp-5v3q.json");
        start();
        Digest image = pushLog4jImage("team/app", "1.0");
        await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(scanStatus("team/app", image).path("state").asText()));
        assertThat(scanStatus("team/app", image).path("databaseVersion").asText()).isEqualTo(v1);

        String v2 = importWithCli(false, "/vuln/ghsa");
        assertThat(v2).isNotEqualTo(v1);
        JsonNode vulndb = http.json("GET", "/api/v1/vulndb", admin, null).json();
        assertThat(vulndb.path("version").asText()).isEqualTo(v2);
        assertThat(vulndb.path("advisories").asLong()).isEqualTo(6);
        // the stored report is outdated and rescanned by the timer, with no request to prompt it
        await().atMost(Duration.ofSeconds(30)).until(() -> v2.equals(scanStatus("team/app", image).path("databaseVersion").asText()));
        // and an image pushed now is labelled with the new version
        Digest next = pushLog4jImage("team/app", "2.0");
        await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(scanStatus("team/app", next).path("state").asText()));
        assertThat(scanStatus("team/app", next).path("databaseVersion").asText()).isEqualTo(v2);
    }
}
