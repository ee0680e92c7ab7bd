package io.gatehouse.registry.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.SecuredRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Refusals of authenticated callers are audited, aggregated and capped; anonymous challenges are not. */
class DenialAuditTest {
    private static final String PW = "mallory-password-1";

    @TempDir
    Path dir;

    @Test
    void aUserDeniedOnARestrictedRepositoryIsAuditedWithActorTargetAndAddress() {
        try (SecuredRegistry reg = registryWithSecretAppAndMallory()) {
            Http http = new Http(reg.base);
            String mallory = Http.basic("mallory", PW);

            assertThat(http.get("/v2/secret/app/manifests/v1", mallory).status()).isEqualTo(403);
            String token = http.tokenFor("mallory", PW, "repository:secret/app:pull,push");
            assertThat(http.send("PUT", "/v2/secret/app/manifests/v2", Http.bearer(token), "application/vnd.oci.image.manifest.v1+json", "{}")
                    .status()).isEqualTo(401);
            assertThat(http.get("/api/v1/users", mallory).status()).isEqualTo(403);
            // the anonymous challenge that starts every docker login is not a denial worth recording
            assertThat(http.get("/v2/", null).status()).isEqualTo(401);
            assertThat(http.get("/v2/secret/app/manifests/v1", null).status()).isEqualTo(401);

            List<JsonNode> events = denials(http, "mallory", null);
            assertThat(events).extracting(e -> e.get("target").asText() + " " + e.get("detail").asText()).containsExactlyInAnyOrder(
                    "repository:secret/app:pull 403 DENIED",
                    "repository:secret/app:pull,push 401 UNAUTHORIZED",
                    "api:system:admin 403 DENIED");
            for (JsonNode e : events) {
                assertThat(e.get("actorKind").asText()).isEqualTo("user");
                assertThat(e.get("outcome").asText()).isEqualTo("denied");
                assertThat(e.get("sourceAddress").asText()).isEqualTo("127.0.0.1");
            }
            assertThat(denials(http, "anonymous", null)).isEmpty();
        }
    }

    @Test
    void aThousandRepeatedDenialsAreOneEventAndOneSummaryWithTheirCount() {
        try (SecuredRegistry reg = registryWithSecretAppAndMallory()) {
            Http http = new Http(reg.base);
            String mallory = Http.basic("mallory", PW);
            for (int i = 0; i < 1000; i++) assertThat(http.get("/v2/secret/app/manifests/v1", mallory).status()).isEqualTo(403);

            assertThat(denials(http, "mallory", "repository:secret/app:pull")).hasSize(1);
            reg.clock.advance(DenialAudit.DEFAULT_WINDOW.plusSeconds(1));
            reg.auth().denials().flush();
            List<JsonNode> events = denials(http, "mallory", "repository:secret/app:pull");
            assertThat(events).hasSize(2);
            assertThat(events.get(0).get("detail").asText()).startsWith("403: repeated 999 more times between ");
            assertThat(reg.auth().denials().denied()).isEqualTo(1000);
            assertThat(http.get("/metrics", null).body()).contains("gatehouse_access_denied_total 1000.0");
        }
    }

    @Test
    void beyondTheGlobalCapPerSecondDenialsAreOnlyCounted() {
        AuthFixture.MutableClock clock = new AuthFixture.MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
        JdbiAuditLog log = new JdbiAuditLog(AuthFixture.migratedDatabase(dir.resolve("audit.db")), clock);
        DenialAudit denials = new DenialAudit(log, clock, Duration.ofMinutes(1), 5);
        Principal mallory = Principal.user("mallory", false);
        for (int i = 0; i < 50; i++) denials.denied(mallory, "repository:probe/r" + i + ":pull", "10.0.0.9", 403, "DENIED");
        assertThat(log.query(AuditQuery.all())).hasSize(5);
        assertThat(denials.unaudited()).isEqualTo(45);

        clock.advance(Duration.ofSeconds(1));
        denials.denied(mallory, "repository:probe/next:pull", "10.0.0.9", 403, "DENIED");
        denials.denied(Principal.ANONYMOUS, "repository:probe/next:pull", "10.0.0.9", 401, "UNAUTHORIZED");
        assertThat(log.query(AuditQuery.all())).hasSize(6);
        assertThat(denials.denied()).isEqualTo(51);

        // the next refusal after the window closes writes the summary of the old window, then opens a new one
        denials.denied(mallory, "repository:probe/next:pull", "10.0.0.7", 403, "DENIED");
        clock.advance(Duration.ofMinutes(2));
        denials.denied(mallory, "repository:probe/next:pull", "10.0.0.8", 403, "DENIED");
        List<AuditEvent> next = log.query(new AuditQuery(null, null, "repository:probe/next:pull", null, null, 10, 0));
        assertThat(next).extracting(AuditEvent::detail).containsExactlyInAnyOrder(
                "403 DENIED", "403: repeated 1 more times between 2026-12-04T10:00:01Z and 2026-12-04T10:00:01Z", "403 DENIED");
        assertThat(next).extracting(AuditEvent::sourceAddress).contains("10.0.0.7", "10.0.0.8");
    }

    /** A registry with a private repository secret/app (pushed by admin) and a user mallory without any grant. */
    private SecuredRegistry registryWithSecretAppAndMallory() {
        SecuredRegistry reg = new SecuredRegistry(dir, false);
        reg.pushImage("secret/app", "v1", SecuredRegistry.admin());
        assertThat(new Http(reg.base).json("POST", "/api/v1/users", SecuredRegistry.admin(),
                "{\"name\":\"mallory\",\"password\":\"" + PW + "\"}").status()).isEqualTo(201);
        return reg;
    }

    private static List<JsonNode> denials(Http http, String actor, String target) {
        String q = "/api/v1/audit?action=" + AuditEvent.ACCESS_DENIED + "&actor=" + actor
                + (target == null ? "" : "&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
        Http.Reply r = http.get(q, SecuredRegistry.admin());
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().get("events").forEach(out::add);
        return out;
    }
}
