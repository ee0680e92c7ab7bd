package io.gatehouse.registry.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A bearer token whose signature, issuer, audience and times were checked: its subject, the subject account's
 * generation when it was issued (null when the token has none), and its access entries.
 */
public record VerifiedToken(String subject, String generation, Map<String, Set<String>> access, Instant expiresAt) {

    public VerifiedToken {
        access = Map.copyOf(access);
    }

    /** The actions granted on {@code type:name} ({@code repository(plugin)} counts as {@code repository}). */
    public Set<String> actions(String type, String name) {
        return access.getOrDefault(type + ":" + name, Set.of());
    }

    static String key(String type, String name) {
        return type + ":" + name;
    }

    public static VerifiedToken of(String subject, String generation, List<Scope> granted, Instant expiresAt) {
        Map<String, Set<String>> m = new java.util.HashMap<>();
        for (Scope s : granted) {
            m.merge(key(s.type(), s.name()), s.actions(), (a, b) -> {
                Set<String> u = new java.util.HashSet<>(a);
                u.addAll(b);
                return Set.copyOf(u);
            });
        }
        return new VerifiedToken(subject, generation, m, expiresAt);
    }
}
