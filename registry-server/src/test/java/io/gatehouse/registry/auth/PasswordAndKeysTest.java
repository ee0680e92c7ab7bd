package io.gatehouse.registry.auth;

import io.gatehouse.registry.accounts.PasswordHasher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Argon2id hashes and the token signing key kept in the data directory. */
class PasswordAndKeysTest {

    @TempDir
    Path dir;

    @Test
    void argon2idHashesVerifyAndNeverContainThePassword() {
        PasswordHasher h = new PasswordHasher(1024, 1, 1);
        String hash = h.hash("correct horse".toCharArray());
        assertThat(hash).startsWith("$argon2id$v=19$m=1024,t=1,p=1$").doesNotContain("correct");
        assertThat(h.verify("correct horse".toCharArray(), hash)).isTrue();
        assertThat(h.verify("correct horsE".toCharArray(), hash)).isFalse();
        assertThat(h.hash("correct horse".toCharArray())).isNotEqualTo(hash); // salted
        // Parameters travel with the hash: a hasher with other defaults still verifies it.
        assertThat(new PasswordHasher(2048, 2, 1).verify("correct horse".toCharArray(), hash)).isTrue();
        for (String bad : List.of("", "$argon2id$", "$argon2i$v=19$m=1024,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x,t=1,p=1$AAAA$AAAA", "plain")) {
            assertThat(h.verify("x".toCharArray(), bad)).as(bad).isFalse();
        }
    }

    @Test
    void theSigningKeyIsCreatedOnceAndKeptPrivate() throws Exception {
        TokenKeys first = TokenKeys.loadOrCreate(dir);
        Path file = dir.resolve("auth/token-signing-key.json");
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        TokenKeys again = TokenKeys.loadOrCreate(dir);
        assertThat(again.keyId()).isEqualTo(first.keyId()).matches("([A-Z2-7]{4}:){11}[A-Z2-7]{4}");
        // A token from before a restart still verifies after it.
        AuthFixture.MutableClock clock = new AuthFixture.MutableClock(java.time.Instant.now());
        String token = new TokenService(first, "i", "s", Duration.ofMinutes(5), clock).issue(Principal.user("alice", false), List.of(Scope.repository("a/b", "pull"))).token();
        assertThat(new TokenService(again, "i", "s", Duration.ofMinutes(5), clock).verify(token)).hasValueSatisfying(v -> {
            assertThat(v.subject()).isEqualTo("alice");
            assertThat(v.actions("repository", "a/b")).containsExactly("pull");
        });
        assertThat(new TokenService(TokenKeys.ephemeral(), "i", "s", Duration.ofMinutes(5), clock).verify(token)).isEmpty();
        // Wrong audience or issuer with the right key.
        assertThat(new TokenService(again, "i", "other", Duration.ofMinutes(5), clock).verify(token)).isEmpty();
        assertThat(new TokenService(again, "other", "s", Duration.ofMinutes(5), clock).verify(token)).isEmpty();
        // Lifetimes under the spec's 60 s minimum are raised to it.
        assertThat(new TokenService(first, "i", "s", Duration.ofSeconds(5), clock).issue(Principal.ANONYMOUS, List.of()).expiresInSeconds()).isEqualTo(60);
    }

    @Test
    void bootstrapAdminFromTheEnvironmentOrGenerated() {
        AuthFixture withEnv = new AuthFixture(createDir(dir.resolve("a")), false);
        assertThat(withEnv.auth.accounts().verifyPassword("admin", AuthFixture.ADMIN_PASSWORD.toCharArray())).isPresent();
        assertThat(withEnv.auth.accounts().user("admin").orElseThrow().systemAdmin()).isTrue();

        // Without the variable a password is generated (and logged once); a second start does not recreate the admin.
        Path d = dir.resolve("b");
        var jdbi = AuthFixture.migratedDatabase(createDir(d).resolve("registry.db"));
        AuthConfig noEnv = AuthConfig.defaults(() -> "http://x/auth/token").withEnv(k -> null);
        AuthModule m1 = AuthModule.create(jdbi, TokenKeys.ephemeral(), noEnv, java.time.Clock.systemUTC(), AuthFixture.FAST_HASHER,
                LoginThrottle.defaults(java.time.Clock.systemUTC()), r -> false);
        assertThat(m1.accounts().users()).hasSize(1);
        assertThat(m1.accounts().verifyPassword("admin", "".toCharArray())).isEmpty();
        AuthModule m2 = AuthModule.create(jdbi, TokenKeys.ephemeral(), noEnv.withEnv(k -> "changed-later-123"), java.time.Clock.systemUTC(),
                AuthFixture.FAST_HASHER, LoginThrottle.defaults(java.time.Clock.systemUTC()), r -> false);
        assertThat(m2.accounts().verifyPassword("admin", "changed-later-123".toCharArray())).isEmpty();
    }

    private static Path createDir(Path d) {
        try {
            return Files.createDirectories(d);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
