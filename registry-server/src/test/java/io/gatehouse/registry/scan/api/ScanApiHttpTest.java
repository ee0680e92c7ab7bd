package io.gatehouse.registry.scan.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.api.ApiRoute;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.scan.TestLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scanning over the management API with auth, trust and scan wired as {@code gatehouse serve} wires them
 * ({@link SecuredRegistry}): vulnerability data uploaded over HTTP, scan on push, status/report/SBOM routes, and
 * the trust engineer's {@code ReferrerScanReports} reading the scanner's reports for promotion and automatic
 * promotion.
 */
class ScanApiHttpTest {
    static final String LOG4J_GHSA = "/vuln/ghsa/GHSA-jfh8-c2jp-5v3q.json"; // CVE-2021-44228, critical

    @TempDir
    static Path dir;
    static SecuredRegistry reg;
    static Http http;
    static RegistryClient client;
    static final String admin = SecuredRegistry.admin();

    @BeforeAll
    static void start() {
        reg = new SecuredRegistry(dir, false);
        http = new Http(reg.base);
        client = new RegistryClient(reg.base);
    }

    @AfterAll
    static void stop() {
        if (reg != null) reg.close();
    }

    static Http.Reply api(String method, String path, String body) {
        return http.json(method, "/api/v1" + path, admin, body);
    }

    /** Pushes an image holding the log4j-core 2.14.1 jar (a distinct config per call, so a distinct digest). */
    static Digest pushLog4jImage(String repo, String tag) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"},\"n\":" + System.nanoTime() + "}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = new TestLayer().file("app/lib/log4j-core-2.14.1.jar", TestLayer.testJar("log4j-core-2.14.1.jar")).gzip();
        Digest c = SecuredRegistry.pushBlob(client, repo, config, admin);
        Digest l = SecuredRegistry.pushBlob(client, repo, layer, admin);
        byte[] m = RegistryClient.imageManifest(c, config.length, List.of(l), List.of((long) layer.length), null, null, 0);
        HttpResponse<byte[]> r = client.send("PUT", "/v2/" + repo + "/manifests/" + tag, m, "Content-Type", MediaTypes.OCI_MANIFEST, "Authorization", admin);
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(201);
        return Digest.sha256(m);
    }

    static JsonNode awaitDone(String repo, String reference) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Http.Reply s = api("GET", "/repositories/" + repo + "/scans/" + reference, null);
            return s.status() == 200 && List.of("done", "failed").contains(s.json().path("state").asText());
        });
        JsonNode s = api("GET", "/repositories/" + repo + "/scans/" + reference, null).json();
        assertThat(s.path("state").asText()).as(s.toString()).isEqualTo("done");
        return s;
    }

    @Test
    void scanOnPushThenPolicyRefusesAllowlistAdmitsAndAutoPromotionPromotes() throws Exception {
        // vulnerability data uploaded as the request body (streamed to a temporary file on the server)
        byte[] ghsa = TestLayer.resource(LOG4J_GHSA);
        HttpResponse<byte[]> imported = client.send("POST", "/api/v1/vulndb/imports?format=osv", ghsa,
                "Content-Type", "application/octet-stream", "Authorization", admin);
        assertThat(imported.statusCode()).as(new String(imported.body())).isEqualTo(201);
        JsonNode imp = RegistryClient.JSON.readTree(imported.body());
        assertThat(imp.path("advisories").asInt()).isEqualTo(1);
        JsonNode vulndb = api("GET", "/vulndb", null).json();
        assertThat(vulndb.path("version").asText()).isEqualTo(imp.path("version").asText());
        assertThat(vulndb.path("advisories").asLong()).isEqualTo(1);
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().startsWith("vulndb-upload-"))).isEmpty();

        // scanned on push; the status route answers by tag as by digest
        Digest image = pushLog4jImage("team/app", "1.0");
        JsonNode status = awaitDone("team/app", "1.0");
        assertThat(status.path("digest").asText()).isEqualTo(image.toString());
        assertThat(status.path("databaseVersion").asText()).isEqualTo(imp.path("version").asText());
        assertThat(status.path("summary").path("critical").asInt()).isEqualTo(1);
        assertThat(status.path("fixable").path("critical").asInt()).isEqualTo(1);
        assertThat(status.path("fixable").path("total").asInt()).isEqualTo(1);

        JsonNode report = api("GET", "/repositories/team/app/scans/" + image + "/report", null).json();
        assertThat(report.path("imageDigest").asText()).isEqualTo(image.toString());
        String vulnId = report.path("findings").get(0).path("vulnerabilityId").asText();
        assertThat(report.toString()).contains("CVE-2021-44228");
        JsonNode trivy = api("GET", "/repositories/team/app/scans/" + image + "/report?format=trivy", null).json();
        assertThat(trivy.path("Results")).isNotEmpty();
        assertThat(api("GET", "/repositories/team/app/scans/" + image + "/report?format=xml", null).status()).isEqualTo(400);
        JsonNode sbom = api("GET", "/repositories/team/app/scans/1.0/sbom", null).json();
        assertThat(sbom.path("bomFormat").asText()).isEqualTo("CycloneDX");

        // which images have it: the admin sees this one; a user with no permission sees none
        JsonNode affected = api("GET", "/vulnerabilities/" + vulnId + "/images", null).json();
        assertThat(affected.path("images").findValuesAsText("digest")).containsExactly(image.toString());
        reg.auth().accounts().createUser("nobody", "password-123".toCharArray(), false);
        JsonNode hidden = http.get("/api/v1/vulnerabilities/" + vulnId + "/images", Http.basic("nobody", "password-123")).json();
        assertThat(hidden.path("images")).isEmpty();

        // a policy allowing no critical refuses the promotion: the trust side reads the scanner's report
        assertThat(api("POST", "/policies", """
                {"schemaVersion": 1, "name": "release", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}},
                 "promotion": {"targetRepository": "prod/app", "tagTemplate": "%n"}}""").status()).isEqualTo(201);
        Http.Reply refused = api("POST", "/repositories/team/app/promotions", "{\"reference\":\"1.0\",\"policy\":\"release\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(200);
        assertThat(refused.json().path("promoted").asBoolean()).isFalse();
        assertThat(refused.json().path("explanation").asText()).contains("FAIL vulnerabilities.critical").contains("CVE-2021-44228")
                .doesNotContain("not been scanned");

        // the CVE allowlisted in a new version of the policy lets it through
        Http.Reply v2 = api("POST", "/policies", """
                {"schemaVersion": 1, "name": "release", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0},
                   "allowlist": [{"id": "CVE-2021-44228", "reason": "JNDI lookups disabled by configuration", "expires": "%s"}]}},
                 "promotion": {"targetRepository": "prod/app", "tagTemplate": "%%n"}}""".formatted(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusYears(1)));
        assertThat(v2.json().path("version").asInt()).as(v2.body()).isEqualTo(2);
        Http.Reply promoted = api("POST", "/repositories/team/app/promotions", "{\"reference\":\"1.0\",\"policy\":\"release\"}");
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(201);
        assertThat(promoted.json().path("targetTag").asText()).isEqualTo("1.0");

        // automatic promotion: when the scan of a new push completes, the attached policy promotes it
        assertThat(api("POST", "/repositories/team/app/auto-promotions", "{\"policy\":\"release\"}").status()).isEqualTo(201);
        Digest next = pushLog4jImage("team/app", "1.1");
        await().atMost(Duration.ofSeconds(60)).until(() -> client.send("HEAD", "/v2/prod/app/manifests/1.1", null,
                "Authorization", admin, "Accept", MediaTypes.OCI_MANIFEST).statusCode() == 200);
        assertThat(client.send("HEAD", "/v2/prod/app/manifests/1.1", null, "Authorization", admin, "Accept", MediaTypes.OCI_MANIFEST)
                .headers().firstValue("Docker-Content-Digest")).contains(next.toString());
        // only the report's arrival promoted it: its scan is done
        assertThat(awaitDone("team/app", next.toString()).path("summary").path("critical").asInt()).isEqualTo(1);
    }

    @Test
    void forcedRescanSettingsAndBadInput() {
        Digest image = reg.pushImage("team/plain", "1", admin);
        awaitDone("team/plain", image.toString());
        Http.Reply forced = api("POST", "/repositories/team/plain/scans/" + image + "?force=true", null);
        assertThat(forced.status()).as(forced.body()).isEqualTo(202);
        assertThat(forced.json().path("state").asText()).isIn("queued", "running", "done");
        assertThat(forced.header("Location")).isEqualTo("/api/v1/repositories/team/plain/scans/" + image);
        awaitDone("team/plain", image.toString());

        assertThat(api("PUT", "/repositories/team/plain/scan-settings", "{\"scanOnPush\":false}").json().path("scanOnPush").asBoolean()).isFalse();
        assertThat(api("GET", "/repositories/team/plain/scan-settings", null).json().path("scanOnPush").asBoolean()).isFalse();
        Digest unscanned = reg.pushImage("team/plain", "2", admin);
        assertThat(api("GET", "/repositories/team/plain/scans/" + unscanned, null).status()).isEqualTo(404);
        assertThat(api("PUT", "/repositories/team/plain/scan-settings", "{\"scanOnPush\":\"yes\"}").status()).isEqualTo(400);

        assertThat(api("POST", "/repositories/team/plain/scans/sha256:zz", null).status()).isEqualTo(400);
        assertThat(api("POST", "/repositories/team/plain/scans/no-such-tag", null).status()).isEqualTo(404);
        assertThat(api("GET", "/repositories/team/plain/scans/" + unscanned + "/report", null).status()).isEqualTo(404);
        assertThat(api("POST", "/vulndb/imports", "{\"path\":\"/no/such/file.json\"}").status()).isEqualTo(400);
        assertThat(api("POST", "/vulndb/imports?format=cobol", "{}").status()).isEqualTo(400);
        assertThat(api("POST", "/vulndb/imports?format=osv", "").status()).isEqualTo(400);
        Http.Reply garbage = http.send("POST", "/api/v1/vulndb/imports?format=osv", admin, "application/octet-stream", "{not json");
        assertThat(garbage.status()).as(garbage.body()).isEqualTo(400);
        // an upload whose chunked framing breaks halfway is the client's fault: 400, not 500
        assertThat(http.rawStatusLine("POST /api/v1/vulndb/imports?format=osv HTTP/1.1\r\nHost: x\r\nAuthorization: " + admin
                + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"id\"\r\nnot-hex\r\n")).contains(" 400 ");
        // the server still serves after all of that
        assertThat(api("GET", "/vulndb", null).status()).isEqualTo(200);
    }

    @Test
    void anImageWhoseOsIsNotDetectedIsDoneButNotCompleteAndTrivysShapePlacesLayers() throws Exception {
        // a real Debian 12 dpkg database, no os-release: inventoried, matched against nothing
        byte[] layer = new TestLayer().file("var/lib/dpkg/status", TestLayer.resource("/vuln/debian12/minbase-status")).gzip();
        String diffId = TestLayer.sha256(TestLayer.gunzip(layer));
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8);
        Digest c = SecuredRegistry.pushBlob(client, "team/noos", config, admin);
        Digest l = SecuredRegistry.pushBlob(client, "team/noos", layer, admin);
        byte[] m = RegistryClient.imageManifest(c, config.length, List.of(l), List.of((long) layer.length), null, null, 0);
        assertThat(client.send("PUT", "/v2/team/noos/manifests/1", m, "Content-Type", MediaTypes.OCI_MANIFEST,
                "Authorization", admin).statusCode()).isEqualTo(201);

        JsonNode status = awaitDone("team/noos", "1");
        assertThat(status.path("summary").path("total").asInt()).isZero();
        assertThat(status.path("complete").asBoolean(true)).isFalse();
        assertThat(status.path("warnings").get(0).asText()).startsWith("OS is not detected").contains("88 deb packages");
        JsonNode report = api("GET", "/repositories/team/noos/scans/1/report", null).json();
        assertThat(report.path("warnings").get(0).asText()).startsWith("OS is not detected");

        JsonNode trivy = api("GET", "/repositories/team/noos/scans/1/report?format=trivy", null).json();
        assertThat(trivy.path("Metadata").path("ImageID").asText()).isEqualTo(c.toString());
        assertThat(trivy.path("Metadata").path("DiffIDs").get(0).asText()).isEqualTo(diffId);
        assertThat(trivy.path("Metadata").path("ImageConfig").path("rootfs").path("diff_ids").get(0).asText())
                .isEqualTo(diffId);

        // an image judged in full says so too
        Digest plain = reg.pushImage("team/noos", "2", admin);
        JsonNode judged = awaitDone("team/noos", plain.toString());
        assertThat(judged.path("complete").asBoolean(false)).isTrue();
        assertThat(judged.path("warnings")).isEmpty();
    }

    @Test
    void everyScanRouteIsDocumented() throws Exception {
        String apiMd = Files.readString(Path.of("..", "docs", "api.md"));
        String openapi = Files.readString(Path.of("..", "docs", "openapi.yaml"));
        List<ApiRoute> routes = reg.auth().api().routes();
        assertThat(routes).anySatisfy(r -> assertThat(r.path()).isEqualTo("/vulndb/imports"));
        // Only scanning's own routes: other capabilities (mirrors share one OpenAPI path for two route templates)
        // check theirs in their own tests.
        for (ApiRoute r : routes.stream().filter(r -> r.path().contains("/scan") || r.path().startsWith("/vulndb")
                || r.path().startsWith("/vulnerabilities")).toList()) {
            assertThat(apiMd).as("docs/api.md documents %s %s", r.method(), r.path()).contains("`" + r.method() + " /api/v1" + r.path() + "`");
            assertThat(openapi).as("openapi.yaml has %s", r.path()).contains("/api/v1" + r.path().replace("*}", "}") + ":");
        }
    }
}
