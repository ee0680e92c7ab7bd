package io.gatehouse.registry.audit;

import java.time.Instant;

/**
 * A filter over the audit log; null fields match everything. {@code target} matches exactly or as a prefix when
 * it ends with {@code *} (e.g. {@code team/*} for an organization's repositories). Newest first.
 */
public record AuditQuery(String actor, String action, String target, Instant since, Instant until, int limit, long beforeId) {

    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        if (limit <= 0) limit = 100;
        limit = Math.min(limit, MAX_LIMIT);
    }

    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null, 100, 0);
    }
}
