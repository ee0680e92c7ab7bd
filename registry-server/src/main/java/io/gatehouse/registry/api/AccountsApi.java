package io.gatehouse.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Permissions;
import io.gatehouse.registry.accounts.ServiceAccount;
import io.gatehouse.registry.accounts.User;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditLog;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.gatehouse.registry.api.ApiCall.optBool;
import static io.gatehouse.registry.api.ApiCall.optText;
import static io.gatehouse.registry.api.ApiCall.text;

/** Management API for identities: the caller itself, users, service accounts, organizations and their teams. */
public final class AccountsApi {

    private final Accounts accounts;
    private final Permissions permissions;
    private final AuditLog audit;
    private final Clock clock;
    private final TargetGrants orgGrants;

    public AccountsApi(Accounts accounts, Permissions permissions, AuditLog audit, Clock clock) {
        this.accounts = accounts;
        this.permissions = permissions;
        this.audit = audit;
        this.clock = clock;
        this.orgGrants = new TargetGrants(Grant.TargetKind.ORG, permissions, audit);
    }

    public void register(ApiRouter r) {
        Scope admin = Scope.systemAdmin();
        r.add("GET", "/me", Scope.self(), this::me, "Who am I: name, kind, system admin, teams, owned organizations");
        r.add("PUT", "/me/password", Scope.self(), this::changeOwnPassword, "Change my password (users only)");

        r.add("GET", "/users", admin, c -> ApiResult.ok(Map.of("users", accounts.users().stream().map(Views::user).toList())), "List users");
        r.add("POST", "/users", admin, this::createUser, "Create a user");
        r.add("GET", "/users/{name}", admin, c -> ApiResult.ok(Views.user(accounts.user(c.path("name"))
                .orElseThrow(() -> ApiException.notFound("no such user")))), "Show a user");
        r.add("PATCH", "/users/{name}", admin, this::updateUser, "Change a user's password, system-admin flag or disabled flag");
        r.add("DELETE", "/users/{name}", admin, this::deleteUser, "Delete a user and every grant, membership and ownership they held");

        r.add("GET", "/service-accounts", admin, c -> ApiResult.ok(Map.of("serviceAccounts",
                accounts.serviceAccounts().stream().map(Views::serviceAccount).toList())), "List service accounts");
        r.add("POST", "/service-accounts", admin, this::createServiceAccount, "Create a service account; its token is in this response only");
        r.add("GET", "/service-accounts/{name}", admin, c -> ApiResult.ok(Views.serviceAccount(accounts.serviceAccount(c.path("name"))
                .orElseThrow(() -> ApiException.notFound("no such service account")))), "Show a service account");
        r.add("DELETE", "/service-accounts/{name}", admin, this::revokeServiceAccount,
                "Revoke a service account (its token and bearer tokens stop working); with ?purge=true delete it with its grants");
        r.add("POST", "/service-accounts/{name}/token", admin, this::rotateToken, "Rotate a service account's token; the new one is in this response only");

        r.add("GET", "/orgs", Scope.self(), this::listOrgs, "List organizations (all for system admins, else those I own or belong to)");
        r.add("POST", "/orgs", admin, this::createOrg, "Create an organization");
        r.add("GET", "/orgs/{org}", p -> Scope.org(p.get("org"), "read"), this::showOrg, "Show an organization: owners and teams");
        r.add("DELETE", "/orgs/{org}", admin, this::deleteOrg, "Delete an organization, its teams and its organization-level grants");
        r.add("PUT", "/orgs/{org}/owners/{principal}", p -> Scope.org(p.get("org"), Scope.ADMIN), this::addOwner, "Make a principal an owner");
        r.add("DELETE", "/orgs/{org}/owners/{principal}", p -> Scope.org(p.get("org"), Scope.ADMIN), this::removeOwner, "Remove an owner");

        r.add("GET", "/orgs/{org}/teams", p -> Scope.org(p.get("org"), "read"), c -> ApiResult.ok(Map.of("teams", accounts.teams(org(c)))), "List an organization's teams");
        r.add("POST", "/orgs/{org}/teams", p -> Scope.org(p.get("org"), Scope.ADMIN), this::createTeam, "Create a team");
        r.add("DELETE", "/orgs/{org}/teams/{team}", p -> Scope.org(p.get("org"), Scope.ADMIN), this::deleteTeam, "Delete a team and its grants");
        r.add("GET", "/orgs/{org}/teams/{team}/members", p -> Scope.org(p.get("org"), "read"), this::members, "List a team's members");
        r.add("PUT", "/orgs/{org}/teams/{team}/members/{principal}", p -> Scope.org(p.get("org"), Scope.ADMIN), this::addMember, "Add a member");
        r.add("DELETE", "/orgs/{org}/teams/{team}/members/{principal}", p -> Scope.org(p.get("org"), Scope.ADMIN), this::removeMember, "Remove a member");

        r.add("GET", "/orgs/{org}/permissions", p -> Scope.org(p.get("org"), Scope.ADMIN),
                c -> orgGrants.list(org(c)),
                "List organization-level grants (they apply to every repository of the organization)");
        r.add("PUT", "/orgs/{org}/permissions", p -> Scope.org(p.get("org"), Scope.ADMIN), c -> orgGrants.grant(c, org(c)), "Grant read, write or admin on every repository of the organization");
        r.add("DELETE", "/orgs/{org}/permissions/{granteeKind}/{grantee*}", p -> Scope.org(p.get("org"), Scope.ADMIN), c -> orgGrants.revoke(c, org(c)), "Revoke an organization-level grant");

        r.add("GET", "/permissions", admin, c -> ApiResult.ok(Map.of("permissions", permissions.allGrants().stream().map(Views::targetGrant).toList())),
                "List every grant, organization-level and repository-level");
    }

    private ApiResult me(ApiCall c) {
        Principal p = c.principal();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("kind", p.kind() == Principal.Kind.USER ? "user" : "service-account");
        m.put("systemAdmin", p.systemAdmin());
        m.put("teams", accounts.teamsOf(p.name()));
        m.put("ownedOrgs", accounts.ownedOrgs(p.name()));
        return ApiResult.ok(m);
    }

    private ApiResult changeOwnPassword(ApiCall c) {
        if (c.principal().kind() != Principal.Kind.USER) throw ApiException.badRequest("only users have passwords");
        JsonNode b = c.json();
        char[] pw = text(b, "password").toCharArray();
        try {
            accounts.setPassword(c.principal().name(), pw);
        } finally {
            Arrays.fill(pw, '\0');
        }
        audit.record(c.principal(), "user.password", c.principal().name(), c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
        return ApiResult.noContent();
    }

    private ApiResult createUser(ApiCall c) {
        JsonNode b = c.json();
        String name = text(b, "name");
        char[] pw = text(b, "password").toCharArray();
        Boolean sa = optBool(b, "systemAdmin");
        try {
            User u = accounts.createUser(name, pw, sa != null && sa);
            audit.record(c.principal(), "user.create", name, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, u.systemAdmin() ? "system admin" : "");
            return ApiResult.created(Views.user(u));
        } finally {
            Arrays.fill(pw, '\0');
        }
    }

    private ApiResult updateUser(ApiCall c) {
        String name = c.path("name");
        if (accounts.user(name).isEmpty()) throw ApiException.notFound("no such user");
        JsonNode b = c.json();
        String pw = optText(b, "password");
        Boolean admin = optBool(b, "systemAdmin");
        Boolean disabled = optBool(b, "disabled");
        if (pw != null) {
            char[] p = pw.toCharArray();
            try {
                accounts.setPassword(name, p);
            } finally {
                Arrays.fill(p, '\0');
            }
        }
        if (admin != null) {
            if (!admin && name.equals(c.principal().name())) throw ApiException.badRequest("you cannot remove your own system-admin flag");
            accounts.setSystemAdmin(name, admin);
        }
        if (disabled != null) {
            if (disabled && name.equals(c.principal().name())) throw ApiException.badRequest("you cannot disable yourself");
            accounts.setDisabled(name, disabled);
        }
        audit.record(c.principal(), "user.update", name, c.remoteAddress(), AuditEvent.Outcome.SUCCESS,
                (pw != null ? "password " : "") + (admin != null ? "systemAdmin=" + admin + " " : "") + (disabled != null ? "disabled=" + disabled : ""));
        return ApiResult.ok(Views.user(accounts.user(name).orElseThrow()));
    }

    private ApiResult deleteUser(ApiCall c) {
        String name = c.path("name");
        if (name.equals(c.principal().name())) throw ApiException.badRequest("you cannot delete yourself");
        accounts.deleteUser(name);
        audit.record(c.principal(), "user.delete", name, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
        return ApiResult.noContent();
    }

    private ApiResult createServiceAccount(ApiCall c) {
        JsonNode b = c.json();
        String name = text(b, "name");
        String description = optText(b, "description");
        Boolean sa = optBool(b, "systemAdmin");
        Instant expires = null;
        String exp = optText(b, "expiresAt");
        if (exp != null) {
            try {
                expires = Instant.parse(exp);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("expiresAt must be an RFC 3339 time such as 2027-01-31T00:00:00Z");
            }
        }
        JsonNode days = b.get("expiresInDays");
        if (days != null && !days.isNull()) {
            if (!days.canConvertToInt() || days.asInt() <= 0) throw ApiException.badRequest("expiresInDays must be a positive integer");
            expires = clock.instant().plus(Duration.ofDays(days.asInt()));
        }
        if (expires != null && !expires.isAfter(clock.instant())) throw ApiException.badRequest("the expiry is in the past");
        ServiceAccount.Created created = accounts.createServiceAccount(name, description, expires, sa != null && sa, c.principal().name());
        audit.record(c.principal(), "service-account.create", name, c.remoteAddress(), AuditEvent.Outcome.SUCCESS,
                expires == null ? "no expiry" : "expires " + expires);
        Map<String, Object> m = Views.serviceAccount(created.account());
        m.put("token", created.token());
        return ApiResult.created(m);
    }

    private ApiResult revokeServiceAccount(ApiCall c) {
        String name = c.path("name");
        ServiceAccount a = accounts.serviceAccount(name).orElseThrow(() -> ApiException.notFound("no such service account"));
        String purge = c.query("purge");
        if (purge != null && !purge.equals("true") && !purge.equals("false")) throw ApiException.badRequest("purge must be true or false");
        if ("true".equals(purge)) {
            // gone for good: the name is free again, and a new account of that name inherits nothing (a new generation)
            accounts.deleteServiceAccount(name);
            audit.record(c.principal(), "service-account.delete", name, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
            return ApiResult.noContent();
        }
        if (a.revokedAt() == null) accounts.revokeServiceAccount(name);
        audit.record(c.principal(), "service-account.revoke", name, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
        return ApiResult.noContent();
    }

    private ApiResult rotateToken(ApiCall c) {
        String name = c.path("name");
        ServiceAccount.Created rotated = accounts.rotateToken(name);
        audit.record(c.principal(), "service-account.rotate", name, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
        Map<String, Object> m = Views.serviceAccount(rotated.account());
        m.put("token", rotated.token());
        return ApiResult.ok(m);
    }

    private ApiResult listOrgs(ApiCall c) {
        Principal p = c.principal();
        List<String> orgs = accounts.orgs();
        if (!p.systemAdmin()) {
            List<String> mine = accounts.ownedOrgs(p.name());
            List<String> teamOrgs = accounts.teamsOf(p.name()).stream().map(t -> t.substring(0, t.indexOf('/'))).toList();
            orgs = orgs.stream().filter(o -> mine.contains(o) || teamOrgs.contains(o)).toList();
        }
        return ApiResult.ok(Map.of("orgs", orgs));
    }

    private ApiResult createOrg(ApiCall c) {
        JsonNode b = c.json();
        String name = text(b, "name");
        JsonNode owners = b.get("owners");
        if (owners != null && !owners.isNull() && !owners.isArray()) throw ApiException.badRequest("owners must be a list of names");
        List<String> ownerNames = owners == null || owners.isNull() ? List.of() : java.util.stream.StreamSupport.stream(owners.spliterator(), false).map(JsonNode::asText).toList();
        // checked before the organization exists, so a wrong owner leaves nothing half made
        for (String o : ownerNames) {
            if (!accounts.principalExists(o)) throw ApiException.notFound("no such user or service account: " + o);
        }
        accounts.createOrg(name);
        for (String o : ownerNames) accounts.addOwner(name, o);
        audit.record(c.principal(), "org.create", name, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
        return ApiResult.created(orgView(name));
    }

    private ApiResult showOrg(ApiCall c) {
        String org = org(c);
        return ApiResult.ok(orgView(org));
    }

    private Map<String, Object> orgView(String org) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", org);
        m.put("owners", accounts.owners(org));
        m.put("teams", accounts.teams(org));
        return m;
    }

    private ApiResult deleteOrg(ApiCall c) {
        String org = c.path("org");
        accounts.deleteOrg(org);
        audit.record(c.principal(), "org.delete", org, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
        return ApiResult.noContent();
    }

    private ApiResult addOwner(ApiCall c) {
        String org = org(c);
        accounts.addOwner(org, c.path("principal"));
        audit.record(c.principal(), AuditEvent.PERMISSION_GRANT, org, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "owner " + c.path("principal"));
        return ApiResult.noContent();
    }

    private ApiResult removeOwner(ApiCall c) {
        String org = org(c);
        String who = c.path("principal");
        if (accounts.owners(org).size() == 1 && accounts.owners(org).contains(who) && !c.principal().systemAdmin()) {
            throw ApiException.badRequest("an organization keeps at least one owner (a system admin may remove the last)");
        }
        accounts.removeOwner(org, who);
        audit.record(c.principal(), AuditEvent.PERMISSION_REVOKE, org, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "owner " + who);
        return ApiResult.noContent();
    }

    private ApiResult createTeam(ApiCall c) {
        String org = org(c);
        String team = text(c.json(), "name");
        accounts.createTeam(org, team);
        audit.record(c.principal(), "team.create", org + "/" + team, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
        return ApiResult.created(Map.of("org", org, "name", team, "members", List.of()));
    }

    private ApiResult deleteTeam(ApiCall c) {
        String org = org(c);
        accounts.deleteTeam(org, c.path("team"));
        audit.record(c.principal(), "team.delete", org + "/" + c.path("team"), c.remoteAddress(), AuditEvent.Outcome.SUCCESS, "");
        return ApiResult.noContent();
    }

    private ApiResult members(ApiCall c) {
        String org = org(c);
        if (!accounts.teamExists(org, c.path("team"))) throw ApiException.notFound("no such team");
        return ApiResult.ok(Map.of("members", accounts.members(org, c.path("team"))));
    }

    private ApiResult addMember(ApiCall c) {
        String org = org(c);
        accounts.addMember(org, c.path("team"), c.path("principal"));
        audit.record(c.principal(), "team.member.add", org + "/" + c.path("team"), c.remoteAddress(), AuditEvent.Outcome.SUCCESS, c.path("principal"));
        return ApiResult.noContent();
    }

    private ApiResult removeMember(ApiCall c) {
        String org = org(c);
        accounts.removeMember(org, c.path("team"), c.path("principal"));
        audit.record(c.principal(), "team.member.remove", org + "/" + c.path("team"), c.remoteAddress(), AuditEvent.Outcome.SUCCESS, c.path("principal"));
        return ApiResult.noContent();
    }

    /** The path's organization, which must exist (404 otherwise). */
    private String org(ApiCall c) {
        String org = c.path("org");
        if (!accounts.orgExists(org)) throw ApiException.notFound("no such organization");
        return org;
    }
}
