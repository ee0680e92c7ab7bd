package io.gatehouse.registry.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.registry.accounts.AccessChanges;
import io.gatehouse.registry.accounts.Accounts;
import io.gatehouse.registry.accounts.Permissions;
import io.gatehouse.registry.accounts.Role;
import io.gatehouse.registry.accounts.ServiceAccount;
import io.gatehouse.registry.accounts.User;
import io.gatehouse.registry.accounts.Visibility;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules: which actions a principal holds on a resource right now, from accounts, grants and visibility.
 * Both the token endpoint (to compute a grant) and the access controller (for Basic and anonymous callers) ask
 * here, so the two can never disagree. Answers are cached briefly and dropped on any change.
 *
 * <p>Repository rules, strongest first:
 * <ul>
 * <li>system admins and owners of the repository's organization: everything;</li>
 * <li>a {@code restricted} repository is visible only to its curators (who get at least {@code pull}, plus what
 *     their grants give); for anyone else it is <em>hidden</em> and the rights are computed as if it did not
 *     exist (organization grants only), so the token grant and the answer match a non-existent repository's;</li>
 * <li>otherwise the strongest grant on the organization or the repository, to the principal or a team of theirs;</li>
 * <li>{@code public} repositories: {@code pull} for every authenticated caller, and for anonymous callers when
 *     anonymous access is enabled.</li>
 * </ul>
 */
public final class AccessRules {

    private static final Duration CACHE_LIFE = Duration.ofSeconds(30);

    private final Accounts accounts;
    private final Permissions permissions;
    private final Clock clock;
    private final boolean anonymousPull;

    private record RepoKey(String principal, String repo) {
    }

    /** The answer for one principal on one repository. */
    public record RepoRights(Set<String> actions, boolean hidden) {
    }

    /** What we know about a principal that is still allowed to act; {@code expiresAt} for service accounts. */
    private record Active(Principal principal, Instant expiresAt) {
    }

    private final Cache<RepoKey, RepoRights> repoRights;
    private final Cache<String, Optional<Active>> principals;
    private final Cache<String, List<String>> teams;
    private final Cache<String, Visibility> visibility;

    public AccessRules(Accounts accounts, Permissions permissions, AccessChanges changes, Clock clock, boolean anonymousPull) {
        this.accounts = accounts;
        this.permissions = permissions;
        this.clock = clock;
        this.anonymousPull = anonymousPull;
        this.repoRights = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(CACHE_LIFE).build();
        this.principals = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(CACHE_LIFE).build();
        this.teams = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(CACHE_LIFE).build();
        this.visibility = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(CACHE_LIFE).build();
        changes.subscribe(this::invalidate);
    }

    public boolean anonymousPull() {
        return anonymousPull;
    }

    /**
     * Bumped by every {@link #invalidate()}: a load that was reading the database while a change arrived does not keep
     * its answer (it may predate the change, and invalidateAll cannot remove an entry still being computed).
     */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    private <K, V> V cached(Cache<K, V> cache, K key, java.util.function.Function<? super K, ? extends V> load) {
        long g = generation.get();
        V v = cache.get(key, load);
        if (generation.get() != g) cache.invalidate(key);
        return v;
    }

    /** Drops every cached answer; called on any change to accounts or permissions (on this replica or another). */
    public void invalidate() {
        generation.incrementAndGet();
        repoRights.invalidateAll();
        principals.invalidateAll();
        teams.invalidateAll();
        visibility.invalidateAll();
    }

    /**
     * The principal named {@code name} as it stands now (system-admin flag included), or empty when it does not
     * exist, is disabled, revoked or expired. Used to re-check the subject of every bearer token, so revoking a
     * service account also ends the tokens it already holds.
     */
    public Optional<Principal> activePrincipal(String name) {
        if (name == null || name.isEmpty()) return Optional.of(Principal.ANONYMOUS);
        Optional<Active> a = cached(principals, name, this::loadPrincipal);
        return a.filter(x -> x.expiresAt() == null || clock.instant().isBefore(x.expiresAt())).map(Active::principal);
    }

    /**
     * As {@link #activePrincipal(String)}, but only while the account is still in {@code generation}: the account a
     * token or a remembered login was issued to, not a later one of the same name, and not after its password
     * changed or it was disabled. As cheap as the name alone (the same cached lookup).
     */
    public Optional<Principal> activePrincipal(String name, String generation) {
        if (generation == null) return Optional.empty();
        return activePrincipal(name).filter(p -> p.generation().equals(generation));
    }

    private Optional<Active> loadPrincipal(String name) {
        Optional<User> u = accounts.user(name);
        if (u.isPresent()) {
            return u.get().disabled() ? Optional.empty()
                    : Optional.of(new Active(Principal.user(name, u.get().systemAdmin(), u.get().generation()), null));
        }
        Optional<ServiceAccount> sa = accounts.serviceAccount(name);
        if (sa.isPresent() && sa.get().revokedAt() == null) {
            return Optional.of(new Active(Principal.serviceAccount(name, sa.get().systemAdmin(), sa.get().generation()), sa.get().expiresAt()));
        }
        return Optional.empty();
    }

    /** The actions {@code p} holds on the resource of {@code scope} (whatever actions the scope asks for). */
    public Set<String> allowed(Principal p, Scope scope) {
        return switch (scope.type()) {
            case Scope.REPOSITORY -> repository(p, scope.name()).actions();
            case Scope.REGISTRY -> registry(p, scope.name());
            case Scope.ORG -> org(p, scope.name());
            case Scope.API -> api(p, scope.name());
            default -> Set.of();
        };
    }

    /** Whether the repository is invisible to {@code p} (restricted and {@code p} is not one of its curators). */
    public boolean hidden(Principal p, String repo) {
        return repository(p, repo).hidden();
    }

    /** May {@code p} see and pull {@code repo}? Used to filter listings. */
    public boolean mayRead(Principal p, String repo) {
        RepoRights r = repository(p, repo);
        return !r.hidden() && (r.actions().contains(Scope.PULL) || r.actions().contains(Scope.ALL));
    }

    public RepoRights repository(Principal p, String repo) {
        if (!RepositoryName.isValid(repo)) return new RepoRights(Set.of(), false);
        return cached(repoRights, new RepoKey(p.isAnonymous() ? "" : p.name(), repo), k -> computeRepository(p, repo));
    }

    private RepoRights computeRepository(Principal p, String repo) {
        Visibility vis = cached(visibility, repo, permissions::visibility);
        if (p.isAnonymous()) {
            boolean pull = anonymousPull && vis == Visibility.PUBLIC;
            return new RepoRights(pull ? Role.READ.actions() : Set.of(), false);
        }
        String org = RepositoryName.of(repo).namespace();
        if (p.systemAdmin() || accounts.owners(org).contains(p.name())) {
            return new RepoRights(Role.ADMIN.actions(), false);
        }
        List<String> myTeams = cached(teams, p.name(), accounts::teamsOf);
        if (vis == Visibility.RESTRICTED) {
            if (permissions.isCurator(repo, p.name(), myTeams)) {
                Role role = Role.max(Role.READ, permissions.strongestRole(p.name(), myTeams, org, repo).orElse(null));
                return new RepoRights(role.actions(), false);
            }
            // Hidden: answer as for a repository that does not exist, where only organization grants count.
            Role orgRole = permissions.strongestRole(p.name(), myTeams, org, Permissions.NO_REPOSITORY).orElse(null);
            return new RepoRights(orgRole == null ? Set.of() : orgRole.actions(), true);
        }
        Role role = permissions.strongestRole(p.name(), myTeams, org, repo).orElse(null);
        if (vis == Visibility.PUBLIC) role = Role.max(role, Role.READ);
        return new RepoRights(role == null ? Set.of() : role.actions(), false);
    }

    private Set<String> registry(Principal p, String name) {
        if ("catalog".equals(name)) {
            // Everyone may ask for the catalog; what it lists is filtered by mayRead.
            return (!p.isAnonymous() || anonymousPull) ? Set.of(Scope.ALL) : Set.of();
        }
        return Set.of();
    }

    private Set<String> org(Principal p, String org) {
        if (p.isAnonymous()) return Set.of();
        if (p.systemAdmin() || accounts.owners(org).contains(p.name())) return Set.of("read", Scope.ADMIN);
        List<String> myTeams = cached(teams, p.name(), accounts::teamsOf);
        boolean member = myTeams.stream().anyMatch(t -> t.startsWith(org + "/"))
                || permissions.strongestRole(p.name(), myTeams, org, Permissions.NO_REPOSITORY).isPresent();
        return member ? Set.of("read") : Set.of();
    }

    private Set<String> api(Principal p, String name) {
        if (p.isAnonymous()) return Set.of();
        return switch (name) {
            case "self" -> Set.of("read");
            case "system" -> p.systemAdmin() ? Set.of(Scope.ADMIN, "read") : Set.of();
            default -> p.systemAdmin() ? Set.of(Scope.ALL) : Set.of();
        };
    }
}
