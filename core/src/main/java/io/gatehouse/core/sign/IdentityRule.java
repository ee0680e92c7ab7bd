package io.gatehouse.core.sign;

import java.util.Objects;

/**
 * Which {@code docker-reference} a signature must claim. This is the replay defence: a valid signature for
 * {@code reg/team/app} copied into {@code reg/other/app} names the wrong repository and is rejected, even though the
 * digest matches. The tag or digest part of the signed reference is ignored (cosign signs the bare repository,
 * skopeo signs {@code repo:tag}); containers/image's {@code matchRepository} behaves the same.
 */
public final class IdentityRule {
    private final String repository;
    private final boolean ignoreHost;

    private IdentityRule(String repository, boolean ignoreHost) {
        this.repository = repository;
        this.ignoreHost = ignoreHost;
    }

    /** The signature must name exactly this repository, host included, e.g. {@code registry.example.com/team/app}. */
    public static IdentityRule repository(String fullName) {
        return new IdentityRule(normalize(Objects.requireNonNull(fullName, "fullName")), false);
    }

    /**
     * The signature must name this repository path on any registry host: for a registry that does not know the host
     * names its clients use (behind a proxy, several DNS names). Still stops replay between repositories.
     */
    public static IdentityRule repositoryPath(String path) {
        return new IdentityRule(Objects.requireNonNull(path, "path"), true);
    }

    public boolean matches(String dockerReference) {
        String name = normalize(dockerReference);
        return ignoreHost ? stripHost(name).equals(repository) : name.equals(repository);
    }

    public String expected() {
        return ignoreHost ? "*/" + repository : repository;
    }

    /** The repository part of a docker reference: no tag, no digest; docker.io defaults made explicit. */
    static String normalize(String reference) {
        String r = reference.trim();
        int at = r.indexOf('@');
        if (at >= 0) r = r.substring(0, at);
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        if (colon > slash) r = r.substring(0, colon);
        int first = r.indexOf('/');
        String head = first < 0 ? "" : r.substring(0, first);
        boolean hasHost = first >= 0 && (head.contains(".") || head.contains(":") || head.equals("localhost"));
        if (!hasHost) {
            r = "docker.io/" + (r.contains("/") ? r : "library/" + r);
        } else if (head.equals("index.docker.io")) {
            r = "docker.io" + r.substring(first);
        }
        return r;
    }

    private static String stripHost(String normalized) {
        return normalized.substring(normalized.indexOf('/') + 1);
    }

    @Override
    public String toString() {
        return "IdentityRule[" + expected() + "]";
    }
}
