package io.gatehouse.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.accounts.Grant;
import io.gatehouse.registry.accounts.Permissions;
import io.gatehouse.registry.accounts.Visibility;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditLog;
import io.gatehouse.registry.auth.AccessRules;
import io.gatehouse.registry.auth.Scope;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import static io.gatehouse.registry.api.ApiCall.text;

/**
 * Management API for repositories' access settings: visibility, grants and curators. Reading a repository's
 * settings needs {@code pull} on it; changing them needs {@code admin}. A repository hidden from the caller, or one
 * that neither exists in the registry nor has settings, answers 404 {@code NAME_UNKNOWN} alike.
 */
public final class RepositoriesApi {

    private final Permissions permissions;
    private final AccessRules rules;
    private final AuditLog audit;
    private final Predicate<String> repositoryExists;
    private final TargetGrants repoGrants;

    /** @param repositoryExists whether the registry holds content for a repository name (from its metadata) */
    public RepositoriesApi(Permissions permissions, AccessRules rules, AuditLog audit, Predicate<String> repositoryExists) {
        this.permissions = permissions;
        this.rules = rules;
        this.audit = audit;
        this.repositoryExists = repositoryExists;
        this.repoGrants = new TargetGrants(Grant.TargetKind.REPO, permissions, audit);
    }

    public void register(ApiRouter r) {
        r.add("GET", "/repositories", Scope.self(), this::list, "List repositories with access settings that I may read");
        r.add("GET", "/repositories/{repo*}", p -> Scope.repository(p.get("repo"), Scope.PULL), this::show, "Show a repository's visibility (and, for its admins, grants and curators)");
        r.add("PUT", "/repositories/{repo*}/visibility", p -> Scope.repository(p.get("repo"), Scope.ADMIN), this::setVisibility, "Set visibility: public, private or restricted");
        r.add("GET", "/repositories/{repo*}/permissions", p -> Scope.repository(p.get("repo"), Scope.ADMIN),
                c -> repoGrants.list(repo(c)),
                "List repository-level grants");
        r.add("PUT", "/repositories/{repo*}/permissions", p -> Scope.repository(p.get("repo"), Scope.ADMIN), c -> repoGrants.grant(c, repo(c)), "Grant read, write or admin on the repository");
        r.add("DELETE", "/repositories/{repo*}/permissions/{granteeKind}/{grantee*}", p -> Scope.repository(p.get("repo"), Scope.ADMIN), c -> repoGrants.revoke(c, repo(c)), "Revoke a repository-level grant");
        r.add("GET", "/repositories/{repo*}/curators", p -> Scope.repository(p.get("repo"), Scope.ADMIN),
                c -> ApiResult.ok(Map.of("curators", permissions.curators(repo(c)))), "List the curators of a (restricted) repository");
        r.add("PUT", "/repositories/{repo*}/curators", p -> Scope.repository(p.get("repo"), Scope.ADMIN), this::addCurator, "Add a curator");
        r.add("DELETE", "/repositories/{repo*}/curators/{granteeKind}/{grantee*}", p -> Scope.repository(p.get("repo"), Scope.ADMIN), this::removeCurator, "Remove a curator");
    }

    private ApiResult list(ApiCall c) {
        var repos = permissions.configuredRepositories().stream().filter(n -> rules.mayRead(c.principal(), n))
                .map(n -> Map.of("name", n, "visibility", permissions.visibility(n).wireName())).toList();
        return ApiResult.ok(Map.of("repositories", repos));
    }

    private ApiResult show(ApiCall c) {
        String repo = c.path("repo");
        if (!RepositoryName.isValid(repo)) throw new ApiException(400, "NAME_INVALID", "invalid repository name");
        if (!repositoryExists.test(repo) && !permissions.configuredRepositories().contains(repo)) {
            throw new ApiException(404, "NAME_UNKNOWN", "repository name not known to registry");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", repo);
        m.put("visibility", permissions.visibility(repo).wireName());
        if (rules.allowed(c.principal(), Scope.repository(repo, Scope.ADMIN)).contains(Scope.ADMIN)) {
            m.put("permissions", permissions.grantsOn(Grant.TargetKind.REPO, repo).stream().map(Views::grant).toList());
            m.put("curators", permissions.curators(repo));
        }
        return ApiResult.ok(m);
    }

    private ApiResult setVisibility(ApiCall c) {
        String repo = repo(c);
        Visibility v = Visibility.parse(text(c.json(), "visibility"));
        Visibility before = permissions.visibility(repo);
        permissions.setVisibility(repo, v);
        audit.record(c.principal(), AuditEvent.VISIBILITY_CHANGE, repo, c.remoteAddress(), AuditEvent.Outcome.SUCCESS,
                before.wireName() + " -> " + v.wireName());
        return ApiResult.ok(Map.of("name", repo, "visibility", v.wireName()));
    }

    private ApiResult addCurator(ApiCall c) {
        String repo = repo(c);
        JsonNode b = c.json();
        Grant.GranteeKind kind = Grant.GranteeKind.parse(text(b, "granteeKind"));
        String grantee = text(b, "grantee");
        permissions.addCurator(repo, kind, grantee);
        audit.record(c.principal(), AuditEvent.CURATOR_ADD, repo, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, kind.wireName() + " " + grantee);
        return ApiResult.noContent();
    }

    private ApiResult removeCurator(ApiCall c) {
        String repo = repo(c);
        Grant.GranteeKind kind = Grant.GranteeKind.parse(c.path("granteeKind"));
        if (!permissions.removeCurator(repo, kind, c.path("grantee"))) throw ApiException.notFound("no such curator");
        audit.record(c.principal(), AuditEvent.CURATOR_REMOVE, repo, c.remoteAddress(), AuditEvent.Outcome.SUCCESS, kind.wireName() + " " + c.path("grantee"));
        return ApiResult.noContent();
    }

    private static String repo(ApiCall c) {
        String repo = c.path("repo");
        if (!RepositoryName.isValid(repo)) throw new ApiException(400, "NAME_INVALID", "invalid repository name");
        return repo;
    }
}
