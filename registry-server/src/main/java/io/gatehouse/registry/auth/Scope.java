package io.gatehouse.registry.auth;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A resource and the actions wanted on it, as in Docker's token auth spec:
 * {@code repository:team/app:pull,push}, {@code registry:catalog:*}. The management API uses the same shape
 * with its own resource types: {@code api:system:admin}, {@code api:self:read}, {@code org:<org>:read|admin}, and
 * {@code repository:<name>:admin} for a repository's settings.
 */
public record Scope(String type, String name, Set<String> actions) {

    public static final String REPOSITORY = "repository";
    public static final String REGISTRY = "registry";
    public static final String ORG = "org";
    public static final String API = "api";
    public static final String PULL = "pull";
    public static final String PUSH = "push";
    public static final String DELETE = "delete";
    /** Our own repository action: change a repository's visibility, permissions and curators. */
    public static final String ADMIN = "admin";
    public static final String ALL = "*";
    /** Longest scope string we parse: a 255-character repository name plus type and actions, with room to spare. */
    public static final int MAX_LENGTH = 512;

    public Scope {
        actions = Set.copyOf(actions);
    }

    public static Scope repository(String name, String... actions) {
        return new Scope(REPOSITORY, name, Set.of(actions));
    }

    /** The {@code /v2/_catalog} listing: every caller may ask; the result is filtered by {@link AccessController#mayRead}. */
    public static Scope catalog() {
        return new Scope(REGISTRY, "catalog", Set.of("*"));
    }

    /** The bare {@code /v2/} check, which only asks "who are you?". */
    public static Scope base() {
        return new Scope(REGISTRY, "base", Set.of());
    }

    /** Management API: anything only a system administrator may do. */
    public static Scope systemAdmin() {
        return new Scope(API, "system", Set.of(ADMIN));
    }

    /** Management API: any authenticated (not anonymous) caller, about themselves. */
    public static Scope self() {
        return new Scope(API, "self", Set.of("read"));
    }

    /** Management API: an organization, {@code read} for its members, {@code admin} for its owners. */
    public static Scope org(String org, String action) {
        return new Scope(ORG, org, Set.of(action));
    }

    public boolean isBase() {
        return REGISTRY.equals(type) && "base".equals(name);
    }

    /**
     * Parses one resource scope by the grammar of distribution's scope.md:
     * {@code type[(class)]:name:action[,action]*}. The name may itself hold one ':' (a registry host with a port),
     * so the type ends at the first ':' and the actions start after the last one. The resource class is
     * deprecated and ignored, as the spec asks.
     *
     * @throws IllegalArgumentException for anything that does not follow the grammar
     */
    public static Scope parse(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) throw new IllegalArgumentException("invalid scope");
        int first = s.indexOf(':');
        int last = s.lastIndexOf(':');
        if (first <= 0 || last == first) throw new IllegalArgumentException("invalid scope: expected type:name:actions");
        String type = s.substring(0, first);
        int paren = type.indexOf('(');
        if (paren >= 0) {
            if (!type.endsWith(")")) throw new IllegalArgumentException("invalid scope type");
            type = type.substring(0, paren);
        }
        if (!type.matches("[a-z0-9]+")) throw new IllegalArgumentException("invalid scope type");
        String name = s.substring(first + 1, last);
        if (name.isEmpty()) throw new IllegalArgumentException("invalid scope: empty resource name");
        Set<String> actions = new LinkedHashSet<>();
        for (String a : s.substring(last + 1).split(",")) {
            if (a.isEmpty()) continue;
            if (!a.matches("[a-z*]+")) throw new IllegalArgumentException("invalid scope action");
            actions.add(a);
        }
        return new Scope(type, name, actions);
    }

    /** Whether {@code granted} (a set of actions on this resource) includes every action this scope asks for. */
    public boolean satisfiedBy(Set<String> granted) {
        if (granted.contains(ALL)) return true;
        return granted.containsAll(actions);
    }

    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", actions.stream().sorted().toList());
    }
}
