package io.gatehouse.registry.trust;

import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.sign.Keys;
import io.gatehouse.core.sign.TrustedKey;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Public keys the registry trusts, per scope: {@code global}, {@code org:<namespace>} or {@code repo:<name>}.
 * A repository trusts its own keys, its organization's and the global ones. Keys are stored as the PEM the user
 * gave (after parsing it: only P-256 SubjectPublicKeyInfo is accepted).
 */
public final class TrustedKeys {
    public record Entry(String scope, String keyId, String name, String publicKeyPem, long createdAt, String createdBy) {
        public TrustedKey key() {
            return Keys.readPublicKey(publicKeyPem);
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public TrustedKeys(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public static String globalScope() {
        return "global";
    }

    public static String orgScope(String namespace) {
        return "org:" + namespace;
    }

    public static String repoScope(String repository) {
        return "repo:" + RepositoryName.of(repository).value();
    }

    /** Adds (or renames) a key; {@link io.gatehouse.core.sign.KeyFormatException} for anything but a P-256 public key. */
    public Entry add(String scope, String name, String publicKeyPem, String actor) {
        checkScope(scope);
        TrustedKey key = Keys.readPublicKey(publicKeyPem);
        String pem = key.toPem();
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO trusted_keys (scope, key_id, name, public_key_pem, created_at, created_by)
                        VALUES (:scope, :id, :name, :pem, :now, :actor)
                        ON CONFLICT (scope, key_id) DO UPDATE SET name = excluded.name""")
                .bind("scope", scope).bind("id", key.keyId()).bind("name", name).bind("pem", pem)
                .bind("now", now).bind("actor", actor).execute());
        return list(scope).stream().filter(e -> e.keyId().equals(key.keyId())).findFirst().orElseThrow();
    }

    public boolean remove(String scope, String keyId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM trusted_keys WHERE scope = :scope AND key_id = :id")
                .bind("scope", scope).bind("id", keyId).execute()) > 0;
    }

    public List<Entry> list(String scope) {
        return jdbi.withHandle(h -> h.createQuery("SELECT scope, key_id, name, public_key_pem, created_at, created_by FROM trusted_keys WHERE scope = :scope ORDER BY created_at, key_id")
                .bind("scope", scope)
                .map((rs, ctx) -> new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6)))
                .list());
    }

    /** Every key {@code repository} trusts (its own, its organization's, global), each once. */
    public List<TrustedKey> forRepository(String repository) {
        RepositoryName name = RepositoryName.of(repository);
        Map<String, TrustedKey> keys = new LinkedHashMap<>();
        List<String> scopes = new ArrayList<>(List.of(repoScope(repository), orgScope(name.namespace()), globalScope()));
        for (String s : scopes) {
            for (Entry e : list(s)) keys.putIfAbsent(e.keyId(), e.key());
        }
        return List.copyOf(keys.values());
    }

    private static void checkScope(String scope) {
        if (scope.equals("global")) return;
        if (scope.startsWith("org:") && RepositoryName.isValid(scope.substring(4)) && !scope.substring(4).contains("/")) return;
        if (scope.startsWith("repo:") && RepositoryName.isValid(scope.substring(5))) return;
        throw new IllegalArgumentException("scope must be 'global', 'org:<namespace>' or 'repo:<repository>'");
    }
}
