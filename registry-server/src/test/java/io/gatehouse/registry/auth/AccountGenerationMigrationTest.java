package io.gatehouse.registry.auth;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** Accounts created before account generations existed (V23) keep working, each with a generation of its own. */
class AccountGenerationMigrationTest {

    @TempDir
    Path dir;

    @Test
    void existingAccountsGetDistinctGenerationsAndStillLogIn() {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("registry.db"));
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/common", "classpath:db/migration/sqlite").target("22").load().migrate();
        Jdbi old = Jdbi.create(ds);
        String hash = AuthFixture.FAST_HASHER.hash("password-123".toCharArray());
        for (String name : new String[]{"admin", "olduser"}) {
            old.useHandle(h -> h.execute("INSERT INTO auth_users(name, password_hash, system_admin, disabled, created_at) VALUES (?,?,0,0,0)", name, hash));
        }
        old.useHandle(h -> h.execute("INSERT INTO auth_service_accounts(name, description, token_hash, system_admin, created_by, created_at) VALUES ('oldbot','','x',0,'admin',0)"));

        Jdbi jdbi = AuthFixture.migratedDatabase(dir.resolve("registry.db"));
        AuthModule m = AuthModule.create(jdbi, TokenKeys.ephemeral(), AuthConfig.defaults(() -> "http://x/auth/token").withEnv(k -> null),
                Clock.systemUTC(), AuthFixture.FAST_HASHER, LoginThrottle.defaults(Clock.systemUTC()), r -> false);
        var user = m.accounts().verifyPassword("olduser", "password-123".toCharArray()).orElseThrow();
        var admin = m.accounts().user("admin").orElseThrow();
        var bot = m.accounts().serviceAccount("oldbot").orElseThrow();
        assertThat(user.generation()).hasSize(32).isNotEqualTo(admin.generation()).isNotEqualTo(bot.generation());
        assertThat(m.rules().activePrincipal("olduser", user.generation())).isPresent();
    }
}
