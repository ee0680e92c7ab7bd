package io.gatehouse.registry.accounts;

import java.util.Locale;
import java.util.Set;

/** What a grant on an organization or a repository allows, each role including the ones before it. */
public enum Role {
    /** pull */
    READ(Set.of("pull")),
    /** pull, push (and so tag) */
    WRITE(Set.of("pull", "push")),
    /** everything, including delete and the repository's settings and permissions */
    ADMIN(Set.of("pull", "push", "delete", "admin", "*"));

    private final Set<String> actions;

    Role(Set<String> actions) {
        this.actions = actions;
    }

    /** The Docker-scope actions this role grants on a repository ({@code admin} is ours: settings and permissions). */
    public Set<String> actions() {
        return actions;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
        if (s != null) {
            for (Role r : values()) {
                if (r.wireName().equals(s.toLowerCase(Locale.ROOT))) return r;
            }
        }
        throw new IllegalArgumentException("role must be one of read, write, admin");
    }

    public static Role max(Role a, Role b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
