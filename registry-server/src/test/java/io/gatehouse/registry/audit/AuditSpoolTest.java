package io.gatehouse.registry.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.config.RegistryConfig;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A management API change commits before its audit record is written, so a record the database refuses must not be
 * lost: it is queued durably in {@code <data dir>/audit/spool.jsonl} (the API answers success) and replayed into the
 * database, exactly once, when the database accepts writes again, also after a restart. Only when the spool cannot be
 * written either does the API answer 503.
 */
class AuditSpoolTest {

    private static final String TRIGGER = "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
            + "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END";
    private static final String USER = "{\"name\":\"zed\",\"password\":\"zed-password-1\"}";

    @TempDir
    Path dir;

    @Test
    void aRefusedRecordIsSpooledAndReplayedExactlyOnce() throws IOException {
        try (SecuredRegistry reg = new SecuredRegistry(dir, false)) {
            Http http = new Http(reg.base);
            reg.server.jdbi().useHandle(h -> h.execute(TRIGGER));

            Http.Reply created = http.json("POST", "/api/v1/users", SecuredRegistry.admin(), USER);
            assertThat(created.status()).isEqualTo(201);
            Path spool = dir.resolve("audit").resolve("spool.jsonl");
            assertThat(Files.readString(spool)).contains("\"user.create\"").contains("\"zed\"").doesNotContain("zed-password-1");
            assertThat(Files.getPosixFilePermissions(spool)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(reg.server.metrics().scrape()).containsPattern("gatehouse_audit_spooled [1-9]").containsPattern("gatehouse_audit_spooled_events_total [1-9]");
            assertThat(userCreations(http, "zed")).isEmpty();

            reg.server.jdbi().useHandle(h -> h.execute("DROP TRIGGER audit_down"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(userCreations(http, "zed")).hasSize(1));
            assertThat(userCreations(http, "zed").get(0).path("actor").asText()).isEqualTo("admin");
            assertThat(spool).doesNotExist();
            assertThat(dir.resolve("audit").resolve("spool.replaying.jsonl")).doesNotExist();
            assertThat(reg.server.metrics().scrape()).contains("gatehouse_audit_spooled 0.0");

            // the next writes go straight to the database, and the replayed event is not stored again
            assertThat(http.json("POST", "/api/v1/users", SecuredRegistry.admin(), "{\"name\":\"amy\",\"password\":\"amy-password-1\"}").status())
                    .isEqualTo(201);
            assertThat(userCreations(http, "amy")).hasSize(1);
            assertThat(userCreations(http, "zed")).hasSize(1);
        }
    }

    @Test
    void aRestartReplaysWhatTheSpoolHolds() {
        try (SecuredRegistry reg = new SecuredRegistry(dir, false)) {
            reg.server.jdbi().useHandle(h -> h.execute(TRIGGER));
            assertThat(new Http(reg.base).json("POST", "/api/v1/users", SecuredRegistry.admin(), USER).status()).isEqualTo(201);
        }
        assertThat(dir.resolve("audit").resolve("spool.jsonl")).exists();
        Jdbi db = AuthFixture.migratedDatabase(RegistryConfig.forTesting(dir).database());
        db.useHandle(h -> h.execute("DROP TRIGGER audit_down"));

        try (SecuredRegistry reg = new SecuredRegistry(dir, false)) {
            Http http = new Http(reg.base);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(userCreations(http, "zed")).hasSize(1));
            assertThat(dir.resolve("audit").resolve("spool.jsonl")).doesNotExist();
        }
    }

    @Test
    void theApiAnswers503WhenNeitherTheDatabaseNorTheSpoolCanBeWritten() throws IOException {
        try (SecuredRegistry reg = new SecuredRegistry(dir, false)) {
            // a file where the spool's directory should be: unwritable even for root (chmod would not stop root)
            Files.writeString(dir.resolve("audit"), "not a directory");
            reg.server.jdbi().useHandle(h -> h.execute(TRIGGER));

            Http.Reply created = new Http(reg.base).json("POST", "/api/v1/users", SecuredRegistry.admin(), USER);
            assertThat(created.status()).isEqualTo(503);
            assertThat(created.json().path("errors").path(0).path("code").asText()).isEqualTo("UNAVAILABLE");
        }
    }

    private static java.util.List<JsonNode> userCreations(Http http, String name) {
        Http.Reply r = http.get("/api/v1/audit?action=user.create&target=" + name, SecuredRegistry.admin());
        assertThat(r.status()).isEqualTo(200);
        java.util.List<JsonNode> events = new java.util.ArrayList<>();
        r.json().path("events").forEach(events::add);
        return events;
    }
}
