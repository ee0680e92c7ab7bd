package io.gatehouse.jenkins.service;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.InvalidNameException;
import io.gatehouse.core.reference.RepositoryName;

/**
 * An image argument of a step: {@code [registry/]repository[:tag][@digest]}. A bare repository
 * ({@code mirror/alpine:3.20}) means "in the configured registry", as the issue asks; a first path component
 * with a dot or a port, or {@code localhost}, names a registry, exactly like docker's rule.
 * No tag and no digest means {@code latest}.
 */
public record ImageArgument(String registry, String repository, String tag, Digest digest) {
    /** docker's domain grammar: DNS labels separated by dots, or a bracketed IPv6 address, and an optional port. */
    private static final java.util.regex.Pattern DOMAIN = java.util.regex.Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?");

    public static ImageArgument parse(String text, String defaultRegistry) {
        if (text == null || text.isBlank()) {
            throw new InvalidNameException("image is empty");
        }
        String rest = text.trim();
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String registry = defaultRegistry;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                if (!DOMAIN.matcher(first).matches()) {
                    throw new InvalidNameException("invalid registry host '" + first + "' in image '" + text + "'");
                }
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!RepositoryName.isValidTag(tag)) {
                throw new InvalidNameException("invalid tag '" + tag + "' in image '" + text + "'");
            }
        }
        RepositoryName.of(rest);
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new ImageArgument(registry, rest, tag, digest);
    }

    /** The tag if there is one, else the digest: what goes after /manifests/ in the OCI API. */
    public String reference() {
        return digest != null ? digest.toString() : tag;
    }

    @Override
    public String toString() {
        return (registry == null ? "" : registry + "/") + repository + (tag == null ? "" : ":" + tag)
                + (digest == null ? "" : "@" + digest);
    }
}
