package io.gatehouse.registry.accounts;

import java.util.Locale;

/** Who may see a repository at all. */
public enum Visibility {
    /** Anyone authenticated may pull; anonymous callers too where the administrator enables anonymous access. */
    PUBLIC,
    /** Only holders of a grant on the repository or its organization. The default. */
    PRIVATE,
    /**
     * Only the named curators (plus organization owners and system admins) see or pull it at all; everyone else
     * gets the answer a non-existent repository gets. Mirrors land unvetted images here.
     */
    RESTRICTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Visibility parse(String s) {
        if (s != null) {
            for (Visibility v : values()) {
                if (v.wireName().equals(s.toLowerCase(Locale.ROOT))) return v;
            }
        }
        throw new IllegalArgumentException("visibility must be one of public, private, restricted");
    }
}
