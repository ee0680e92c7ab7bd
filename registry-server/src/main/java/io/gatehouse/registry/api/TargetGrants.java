package io.gatehouse.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Permissions;
import io.gatehouse.registry.accounts.Role;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditLog;

import java.util.Map;

import static io.gatehouse.registry.api.ApiCall.text;

/**
 * Listing, granting and revoking roles on one kind of target (organizations or repositories). The request body, the
 * audit record and the answers are the same for both kinds, so {@link AccountsApi} and {@link RepositoriesApi} share
 * them here; each API resolves and checks its own target (404 when it does not exist) before calling in.
 */
final class TargetGrants {
    private final Grant.TargetKind kind;
    private final Permissions permissions;
    private final AuditLog audit;

    TargetGrants(Grant.TargetKind kind, Permissions permissions, AuditLog audit) {
        this.kind = kind;
        this.permissions = permissions;
        this.audit = audit;
    }

    ApiResult list(String target) {
        return ApiResult.ok(Map.of("permissions", permissions.grantsOn(kind, target).stream().map(Views::grant).toList()));
    }

    /** Body {@code {granteeKind, grantee, role}}; answers with the grant. */
    ApiResult grant(ApiCall c, String target) {
        JsonNode b = c.json();
        Grant g = new Grant(kind, target, Grant.GranteeKind.parse(text(b, "granteeKind")), text(b, "grantee"), Role.parse(text(b, "role")));
        permissions.grant(g);
        audit.record(c.principal(), AuditEvent.PERMISSION_GRANT, target, c.remoteAddress(), AuditEvent.Outcome.SUCCESS,
                g.granteeKind().wireName() + " " + g.grantee() + " " + g.role().wireName());
        return ApiResult.ok(Views.grant(g));
    }

    /** Path {@code …/{granteeKind}/{grantee*}}; 404 when there is no such grant. */
    ApiResult revoke(ApiCall c, String target) {
        Grant.GranteeKind granteeKind = Grant.GranteeKind.parse(c.path("granteeKind"));
        if (!permissions.revoke(kind, target, granteeKind, c.path("grantee"))) throw ApiException.notFound("no such grant");
        audit.record(c.principal(), AuditEvent.PERMISSION_REVOKE, target, c.remoteAddress(), AuditEvent.Outcome.SUCCESS,
                granteeKind.wireName() + " " + c.path("grantee"));
        return ApiResult.noContent();
    }
}
