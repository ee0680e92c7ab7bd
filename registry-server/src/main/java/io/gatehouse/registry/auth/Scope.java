package io.gatehouse.registry.auth;

import java.util.Set;

/**
 * A resource and the actions wanted on it, as in Docker's token auth spec:
 * {@code repository:team/app:pull,push}, {@code registry:catalog:*}. The management API uses the same shape
 * with its own resource types (for example {@code api:users:admin}).
 */
public record Scope(String type, String name, Set<String> actions) {

    public static final String REPOSITORY = "repository";
    public static final String REGISTRY = "registry";
    public static final String PULL = "pull";
    public static final String PUSH = "push";
    public static final String DELETE = "delete";

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

    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", actions.stream().sorted().toList());
    }
}
