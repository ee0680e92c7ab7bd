package io.gatehouse.registry.api;

import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.ServiceAccount;
import io.gatehouse.registry.accounts.User;
import io.gatehouse.registry.audit.AuditEvent;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The JSON shapes of the management API (documented in docs/api.md); times as RFC 3339 strings. */
final class Views {

    private Views() {
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    static Map<String, Object> user(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", u.name());
        m.put("kind", "user");
        m.put("systemAdmin", u.systemAdmin());
        m.put("disabled", u.disabled());
        m.put("createdAt", time(u.createdAt()));
        return m;
    }

    static Map<String, Object> serviceAccount(ServiceAccount a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("kind", "service-account");
        m.put("description", a.description());
        m.put("systemAdmin", a.systemAdmin());
        m.put("expiresAt", time(a.expiresAt()));
        m.put("revokedAt", time(a.revokedAt()));
        m.put("createdBy", a.createdBy());
        m.put("createdAt", time(a.createdAt()));
        return m;
    }

    static Map<String, Object> grant(Grant g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("granteeKind", g.granteeKind().wireName());
        m.put("grantee", g.grantee());
        m.put("role", g.role().wireName());
        return m;
    }

    /** A grant with its target: {@code targetKind} is {@code org} or {@code repository}. */
    static Map<String, Object> targetGrant(Grant g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targetKind", g.targetKind() == Grant.TargetKind.ORG ? "org" : "repository");
        m.put("target", g.target());
        m.putAll(grant(g));
        return m;
    }

    static Map<String, Object> audit(AuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("at", time(e.at()));
        m.put("actor", e.actor());
        m.put("actorKind", e.actorKind());
        m.put("action", e.action());
        m.put("target", e.target());
        m.put("sourceAddress", e.sourceAddress());
        m.put("outcome", e.outcome().name().toLowerCase(Locale.ROOT));
        m.put("detail", e.detail());
        return m;
    }
}
