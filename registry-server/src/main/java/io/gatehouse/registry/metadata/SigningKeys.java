package io.gatehouse.registry.metadata;

import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The registry's private keys in the database (table {@code signing_keys}, migration V82), so that every replica
 * sharing a PostgreSQL database signs and verifies with the same ones. Generated once: each process that finds no
 * key offers one with {@code INSERT … ON CONFLICT DO NOTHING} and then uses whatever is stored, so when several
 * replicas start together the first insert wins and the others drop theirs.
 */
public final class SigningKeys {
    private SigningKeys() {
    }

    /**
     * The key material stored under {@code name}; when there is none, the content of {@code legacyFile} (where a
     * registry before V82 kept it, so its tokens and signatures stay valid), else a new one from {@code generate}.
     */
    public static String loadOrCreate(Jdbi jdbi, String name, Path legacyFile, Supplier<String> generate, Clock clock) {
        var stored = jdbi.withHandle(h -> h.createQuery("SELECT material FROM signing_keys WHERE name = ?")
                .bind(0, name).mapTo(String.class).findOne());
        if (stored.isPresent()) return stored.get();
        String offered;
        try {
            offered = legacyFile != null && Files.isRegularFile(legacyFile)
                    ? Files.readString(legacyFile, StandardCharsets.UTF_8) : generate.get();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + name + " key " + legacyFile, e);
        }
        return jdbi.inTransaction(h -> {
            h.createUpdate("INSERT INTO signing_keys (name, material, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")
                    .bind(0, name).bind(1, offered).bind(2, clock.millis()).execute();
            return h.createQuery("SELECT material FROM signing_keys WHERE name = ?").bind(0, name).mapTo(String.class).one();
        });
    }
}
