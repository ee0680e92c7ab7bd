package io.gatehouse.registry.accounts;

import io.gatehouse.core.reference.RepositoryName;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import static io.gatehouse.registry.accounts.AccountException.Reason.INVALID;
import static io.gatehouse.registry.accounts.AccountException.Reason.NOT_FOUND;

/** Grants on organizations and repositories, repository visibility and the curators of restricted repositories. */
public final class Permissions {

    /**
     * A repository name no grant can have (names never hold a space), for "the organization's role only". Not a NUL
     * character: PostgreSQL refuses NUL in text, even as a query parameter.
     */
    public static final String NO_REPOSITORY = " no repository ";

    private final Jdbi jdbi;
    private final AccessChanges changes;

    public Permissions(Jdbi jdbi, AccessChanges changes) {
        this.jdbi = jdbi;
        this.changes = changes;
    }

    /** Sets (creates or replaces) the role {@code grantee} holds on the target. */
    public void grant(Grant g) {
        validateTarget(g.targetKind(), g.target());
        write(h -> {
            requireGrantee(h, g.granteeKind(), g.grantee());
            h.createUpdate("INSERT INTO auth_grants(target_kind, target, grantee_kind, grantee, role) VALUES (?,?,?,?,?) "
                            + "ON CONFLICT (target_kind, target, grantee_kind, grantee) DO UPDATE SET role = excluded.role")
                    .bind(0, kind(g.targetKind())).bind(1, g.target()).bind(2, g.granteeKind().wireName()).bind(3, g.grantee())
                    .bind(4, g.role().wireName()).execute();
        });
    }

    /** @return whether a grant was there to remove */
    public boolean revoke(Grant.TargetKind targetKind, String target, Grant.GranteeKind granteeKind, String grantee) {
        boolean[] removed = {false};
        write(h -> removed[0] = h.createUpdate("DELETE FROM auth_grants WHERE target_kind = ? AND target = ? AND grantee_kind = ? AND grantee = ?")
                .bind(0, kind(targetKind)).bind(1, target).bind(2, granteeKind.wireName()).bind(3, grantee).execute() > 0);
        return removed[0];
    }

    public List<Grant> grantsOn(Grant.TargetKind targetKind, String target) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM auth_grants WHERE target_kind = ? AND target = ? ORDER BY grantee_kind, grantee")
                .bind(0, kind(targetKind)).bind(1, target).map((rs, ctx) -> new Grant(targetKind, rs.getString("target"),
                        Grant.GranteeKind.parse(rs.getString("grantee_kind")), rs.getString("grantee"), Role.parse(rs.getString("role")))).list());
    }

    /** Every grant, organization-level and repository-level, ordered by target and grantee. */
    public List<Grant> allGrants() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM auth_grants ORDER BY target_kind, target, grantee_kind, grantee")
                .map((rs, ctx) -> new Grant(Grant.TargetKind.valueOf(rs.getString("target_kind").toUpperCase(Locale.ROOT)), rs.getString("target"),
                        Grant.GranteeKind.parse(rs.getString("grantee_kind")), rs.getString("grantee"), Role.parse(rs.getString("role")))).list());
    }

    /**
     * The strongest role the principal (directly or through one of {@code teams}) holds on {@code org} and on
     * {@code repo}, in one query: this is on the authorization path (cached above it).
     */
    public Optional<Role> strongestRole(String principal, List<String> teams, String org, String repo) {
        List<String> roles = jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT role FROM auth_grants WHERE ((target_kind = 'org' AND target = :org) OR (target_kind = 'repo' AND target = :repo))"
                    + " AND ((grantee_kind = 'principal' AND grantee = :p)");
            if (!teams.isEmpty()) sql.append(" OR (grantee_kind = 'team' AND grantee IN (<teams>))");
            sql.append(")");
            var q = h.createQuery(sql.toString()).bind("org", org).bind("repo", repo).bind("p", principal);
            if (!teams.isEmpty()) q.bindList("teams", teams);
            return q.mapTo(String.class).list();
        });
        Role best = null;
        for (String r : roles) best = Role.max(best, Role.parse(r));
        return Optional.ofNullable(best);
    }

    // ---------------------------------------------------------------- visibility and curators

    public void setVisibility(String repo, Visibility v) {
        validateTarget(Grant.TargetKind.REPO, repo);
        write(h -> h.createUpdate("INSERT INTO auth_repo_settings(name, visibility) VALUES (?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET visibility = excluded.visibility")
                .bind(0, repo).bind(1, v.wireName()).execute());
    }

    /** The repository's visibility; {@link Visibility#PRIVATE} when nobody set one. */
    public Visibility visibility(String repo) {
        return explicitVisibility(repo).orElse(Visibility.PRIVATE);
    }

    public Optional<Visibility> explicitVisibility(String repo) {
        return jdbi.withHandle(h -> h.createQuery("SELECT visibility FROM auth_repo_settings WHERE name = ?")
                .bind(0, repo).mapTo(String.class).findOne()).map(Visibility::parse);
    }

    /** Repositories with settings of their own (visibility, grants or curators): what the management API can list. */
    public List<String> configuredRepositories() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM auth_repo_settings UNION SELECT target FROM auth_grants WHERE target_kind = 'repo'"
                + " UNION SELECT repo FROM auth_curators ORDER BY 1").mapTo(String.class).list());
    }

    public void addCurator(String repo, Grant.GranteeKind kind, String grantee) {
        validateTarget(Grant.TargetKind.REPO, repo);
        write(h -> {
            requireGrantee(h, kind, grantee);
            h.createUpdate("INSERT INTO auth_curators(repo, grantee_kind, grantee) VALUES (?,?,?) ON CONFLICT DO NOTHING")
                    .bind(0, repo).bind(1, kind.wireName()).bind(2, grantee).execute();
        });
    }

    public boolean removeCurator(String repo, Grant.GranteeKind kind, String grantee) {
        boolean[] removed = {false};
        write(h -> removed[0] = h.createUpdate("DELETE FROM auth_curators WHERE repo = ? AND grantee_kind = ? AND grantee = ?")
                .bind(0, repo).bind(1, kind.wireName()).bind(2, grantee).execute() > 0);
        return removed[0];
    }

    /** Curators as {@code principal:name} or {@code team:org/team}. */
    public List<String> curators(String repo) {
        return jdbi.withHandle(h -> h.createQuery("SELECT grantee_kind || ':' || grantee FROM auth_curators WHERE repo = ? ORDER BY 1")
                .bind(0, repo).mapTo(String.class).list());
    }

    public boolean isCurator(String repo, String principal, List<String> teams) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM auth_curators WHERE repo = :repo AND ((grantee_kind = 'principal' AND grantee = :p)");
            if (!teams.isEmpty()) sql.append(" OR (grantee_kind = 'team' AND grantee IN (<teams>))");
            sql.append(")");
            var q = h.createQuery(sql.toString()).bind("repo", repo).bind("p", principal);
            if (!teams.isEmpty()) q.bindList("teams", teams);
            return q.mapTo(Integer.class).one() > 0;
        });
    }

    // ---------------------------------------------------------------- helpers

    private static String kind(Grant.TargetKind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }

    private static void validateTarget(Grant.TargetKind kind, String target) {
        if (kind == Grant.TargetKind.ORG) {
            Names.requireOrg(target);
        } else if (!RepositoryName.isValid(target)) {
            throw new AccountException(INVALID, "invalid repository name");
        }
    }

    private static void requireGrantee(Handle h, Grant.GranteeKind kind, String grantee) {
        int n;
        if (kind == Grant.GranteeKind.TEAM) {
            int slash = grantee == null ? -1 : grantee.indexOf('/');
            if (slash < 0) throw new AccountException(INVALID, "a team grantee is written org/team");
            n = h.createQuery("SELECT COUNT(*) FROM auth_teams WHERE org = ? AND name = ?")
                    .bind(0, grantee.substring(0, slash)).bind(1, grantee.substring(slash + 1)).mapTo(Integer.class).one();
            if (n == 0) throw new AccountException(NOT_FOUND, "no such team");
        } else {
            n = h.createQuery("SELECT (SELECT COUNT(*) FROM auth_users WHERE name = :n) + (SELECT COUNT(*) FROM auth_service_accounts WHERE name = :n)")
                    .bind("n", grantee).mapTo(Integer.class).one();
            if (n == 0) throw new AccountException(NOT_FOUND, "no such user or service account");
        }
    }

    private void write(Consumer<Handle> body) {
        try {
            jdbi.useTransaction(body::accept);
        } finally {
            changes.fire();
        }
    }
}
