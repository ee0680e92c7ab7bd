package io.gatehouse.registry.trust;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.sign.Keys;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.config.RegistryConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The trust routes of the management API, behind the real auth wiring (as Main installs both). */
class TrustApiHttpTest {
    @TempDir
    static Path dir;
    static RegistryServer server;
    static AuthWiring wiring;
    static Http http;
    static String admin = SecuredRegistry.admin();

    @BeforeAll
    static void start() {
        RegistryConfig config = io.gatehouse.registry.TestDatabase.forTesting(dir);
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthFixture.MutableClock clock = new AuthFixture.MutableClock(java.time.Instant.now());
        AuthWiring w = SecuredRegistry.installAuth(b, config, clock, UnaryOperator.identity());
        Trust.install(b, s -> w.module().api(), s -> w.module().auditLog());
        wiring = w;
        server = b.build().start();
        http = new Http(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static Http.Reply api(String method, String path, String auth, String body) {
        return http.json(method, "/api/v1" + path, auth, body);
    }

    @Test
    void policiesKeysPromotionSignaturesAndGatesOverHttp() throws Exception {
        // a malformed policy is refused with JSON paths
        Http.Reply bad = api("POST", "/policies", admin, "{\"schemaVersion\":1,\"name\":\"p\",\"conditions\":{\"vulnerabilities\":{\"maxCounts\":{\"critical\":-1}}}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("POLICY_INVALID", "$.conditions.vulnerabilities.maxCounts.critical");
        // anonymous callers may not save policies
        assertThat(api("POST", "/policies", null, "{\"schemaVersion\":1,\"name\":\"p\"}").status()).isEqualTo(401);

        Http.Reply saved = api("POST", "/policies", admin, """
                {"schemaVersion": 1, "name": "release", "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}},
                 "promotion": {"targetRepository": "prod/api", "tagTemplate": "%n"}}""");
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        assertThat(saved.json().path("version").asInt()).isEqualTo(1);

        // keys: an RSA key is refused, the registry's own key is trusted globally
        Http.Reply rsa = api("POST", "/keys/global", admin, "{\"name\":\"rsa\",\"publicKey\":\"-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\\n-----END PUBLIC KEY-----\\n\"}");
        assertThat(rsa.status()).isEqualTo(400);
        assertThat(rsa.body()).contains("unsupported key");
        String registryPub = Files.readString(dir.resolve("trust/signing.pub"));
        Http.Reply key = api("POST", "/keys/global", admin, "{\"name\":\"registry\",\"publicKey\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(registryPub) + "}");
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        String keyId = key.json().path("keyId").asText();
        assertThat(keyId).isEqualTo(Keys.readPublicKey(registryPub).keyId());

        // the target is protected; promotion without a scan report is refused with the reason, not an error
        assertThat(api("PUT", "/repositories/prod/api/gates", admin, "{\"protected\":true,\"immutableTags\":true}").status()).isEqualTo(200);
        Digest image = PromotionAndGatesTest.pushImageWith(new io.gatehouse.registry.RegistryClient(server.baseUrl()), admin, "team/api", "2.1");
        Http.Reply refused = api("POST", "/repositories/team/api/promotions", admin, "{\"reference\":\"2.1\",\"policy\":\"release\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(200);
        assertThat(refused.json().path("promoted").asBoolean()).isFalse();
        assertThat(refused.json().path("explanation").asText()).contains("FAIL vulnerabilities.critical", "not been scanned");

        // with a clean report stored next to the image it is promoted, signed and has provenance
        PromotionAndGatesTest.pushReportWith(new io.gatehouse.registry.RegistryClient(server.baseUrl()), admin, "team/api", image, java.time.Instant.now());
        Http.Reply ok = api("POST", "/repositories/team/api/promotions", admin, "{\"reference\":\"2.1\",\"policy\":\"release\"}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.json().path("targetTag").asText()).isEqualTo("2.1");
        assertThat(ok.json().path("signedBy").asText()).isEqualTo(keyId);
        Http.Reply sigs = http.get("/api/v1/repositories/prod/api/signatures/" + image, admin);
        assertThat(sigs.status()).isEqualTo(200);
        assertThat(sigs.json().path("keyIds").get(0).asText()).isEqualTo(keyId);
        assertThat(http.get("/api/v1/repositories/team/api/signatures/" + image, admin).json().path("signed").asBoolean()).isFalse();
        assertThat(http.get("/api/v1/repositories/prod/api/gates", admin).json().path("protected").asBoolean()).isTrue();
        assertThat(api("POST", "/repositories/team/api/promotions", admin, "{\"reference\":\"9.9\",\"policy\":\"release\"}").status()).isEqualTo(404);
        Http.Reply audit = http.get("/api/v1/audit?action=image.promote", admin);
        assertThat(audit.body()).contains("refused by policy release: vulnerabilities.critical", "promoted to prod/api:2.1 by policy release");
        assertThat(api("POST", "/repositories/team/api/promotions", null, "{\"reference\":\"2.1\",\"policy\":\"release\"}").status()).isEqualTo(401);
    }

    @Test
    void everyRouteIsDocumentedInApiMdAndOpenapi() throws Exception {
        String apiMd = Files.readString(Path.of("..", "docs", "api.md"));
        String openapi = Files.readString(Path.of("..", "docs", "openapi.yaml"));
        var routes = wiring.module().api().routes();
        assertThat(routes).anySatisfy(r -> assertThat(r.path()).isEqualTo("/repositories/{repo*}/promotions"));
        for (var r : routes) {
            assertThat(apiMd).as("docs/api.md documents %s %s", r.method(), r.path()).contains("`" + r.method() + " /api/v1" + r.path() + "`");
            assertThat(openapi).as("openapi.yaml has %s", r.path()).contains("/api/v1" + r.path().replace("*}", "}") + ":");
        }
    }
}
