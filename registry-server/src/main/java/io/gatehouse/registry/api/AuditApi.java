package io.gatehouse.registry.api;

import io.gatehouse.registry.audit.AuditLog;
import io.gatehouse.registry.audit.AuditQuery;
import io.gatehouse.registry.auth.Scope;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Management API for the audit log: a filtered, paged query, newest first. System admins only. */
public final class AuditApi {

    private final AuditLog audit;

    public AuditApi(AuditLog audit) {
        this.audit = audit;
    }

    public void register(ApiRouter r) {
        r.add("GET", "/audit", Scope.systemAdmin(), this::query,
                "Query the audit log: actor, action (prefix*), target (prefix*), since, until (RFC 3339), limit (≤1000), before (id, for paging)");
    }

    private ApiResult query(ApiCall c) {
        String before = c.query("before");
        long beforeId;
        try {
            beforeId = before == null ? 0 : Long.parseLong(before);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'before' must be an event id");
        }
        int limit = c.queryInt("limit", 100);
        if (limit < 1 || limit > AuditQuery.MAX_LIMIT) throw ApiException.badRequest("'limit' must be between 1 and " + AuditQuery.MAX_LIMIT);
        AuditQuery q = new AuditQuery(c.query("actor"), c.query("action"), c.query("target"), time(c, "since"), time(c, "until"), limit, beforeId);
        var events = audit.query(q).stream().map(Views::audit).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", events);
        if (events.size() == q.limit()) m.put("next", events.get(events.size() - 1).get("id"));
        return ApiResult.ok(m);
    }

    private static Instant time(ApiCall c, String name) {
        String v = c.query(name);
        if (v == null) return null;
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + name + "' must be an RFC 3339 time such as 2026-11-29T06:00:00Z");
        }
    }
}
