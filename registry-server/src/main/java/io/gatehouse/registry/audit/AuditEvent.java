package io.gatehouse.registry.audit;

import java.time.Instant;

/**
 * One entry of the audit log: who ({@code actor}, {@code actorKind}) did what ({@code action} on {@code target}),
 * when, from where, and how it ended. {@code detail} is free text for humans and must never hold a secret.
 *
 * @param id 0 until stored
 */
public record AuditEvent(long id, Instant at, String actor, String actorKind, String action, String target,
                         String sourceAddress, Outcome outcome, String detail) {

    public enum Outcome { SUCCESS, FAILURE, DENIED }

    // Action names used by the registry itself; other capabilities add their own (e.g. "image.promote", "image.sign").
    public static final String LOGIN = "login";
    public static final String LOGIN_FAILED = "login.failed";
    public static final String LOGIN_THROTTLED = "login.throttled";
    /** An authenticated caller refused on /v2 or /api/v1 (target: the scope asked for); see {@code DenialAudit}. */
    public static final String ACCESS_DENIED = "access.denied";
    public static final String MANIFEST_PUSH = "manifest.push";
    public static final String MANIFEST_DELETE = "manifest.delete";
    public static final String TAG_DELETE = "tag.delete";
    public static final String BLOB_DELETE = "blob.delete";
    public static final String PERMISSION_GRANT = "permission.grant";
    public static final String PERMISSION_REVOKE = "permission.revoke";
    public static final String VISIBILITY_CHANGE = "repository.visibility";
    public static final String CURATOR_ADD = "curator.add";
    public static final String CURATOR_REMOVE = "curator.remove";

    public AuditEvent {
        actor = nz(actor);
        actorKind = nz(actorKind);
        target = nz(target);
        sourceAddress = nz(sourceAddress);
        detail = nz(detail);
        if (action == null || action.isBlank()) throw new IllegalArgumentException("action is required");
        if (outcome == null) throw new IllegalArgumentException("outcome is required");
        if (at == null) throw new IllegalArgumentException("time is required");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
