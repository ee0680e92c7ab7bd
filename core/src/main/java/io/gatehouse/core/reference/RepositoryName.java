package io.gatehouse.core.reference;

import java.util.regex.Pattern;

/**
 * A repository name within one registry, by the OCI distribution-spec grammar:
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*}.
 * The spec allows registries to cap the length; like docker we cap the whole name at 255.
 */
public record RepositoryName(String value) {

    public static final int MAX_LENGTH = 255;
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");
    private static final Pattern NAME = Pattern.compile(COMPONENT.pattern() + "(?:/" + COMPONENT.pattern() + ")*");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public RepositoryName {
        if (value == null || value.isEmpty()) throw new InvalidNameException("repository name is empty");
        if (value.length() > MAX_LENGTH) throw new InvalidNameException("repository name is longer than " + MAX_LENGTH + " characters");
        if (!NAME.matcher(value).matches()) {
            throw new InvalidNameException("invalid repository name '" + (value.length() > 80 ? value.substring(0, 80) + "…" : value)
                    + "': path components must be lowercase letters and digits separated by '.', '_', '__' or '-'");
        }
    }

    public static RepositoryName of(String value) {
        return new RepositoryName(value);
    }

    public static boolean isValid(String value) {
        return value != null && !value.isEmpty() && value.length() <= MAX_LENGTH && NAME.matcher(value).matches();
    }

    public static boolean isValidTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    /** The first path component: the organization (namespace) that owns the repository. */
    public String namespace() {
        int slash = value.indexOf('/');
        return slash < 0 ? value : value.substring(0, slash);
    }

    @Override
    public String toString() {
        return value;
    }
}
