package io.gatehouse.core.reference;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A fully normalised image reference: {@code registry/repository[:tag][@digest]}, parsed exactly as docker
 * (distribution/reference's ParseNormalizedNamed + TagNameOnly) does:
 * <ul>
 *   <li>{@code alpine} → {@code docker.io/library/alpine:latest}; {@code user/app} → {@code docker.io/user/app:latest}</li>
 *   <li>the first path part is a registry only when it contains a '.' or ':' or is {@code localhost}
 *       (so {@code localhost/x} names the local registry, {@code foo/x} a Docker Hub user)</li>
 *   <li>{@code index.docker.io} is the legacy spelling of {@code docker.io}</li>
 *   <li>a reference with a digest keeps its tag (if given) but gets no default tag</li>
 * </ul>
 * {@code docker.io} is the name users see; the host to talk HTTP to is {@link #registryHost()}.
 */
public record ImageReference(String registry, RepositoryName repository, String tag, Digest digest) {

    public static final String DOCKER_HUB = "docker.io";
    public static final String DOCKER_HUB_LEGACY = "index.docker.io";
    public static final String DOCKER_HUB_HOST = "registry-1.docker.io";
    public static final String DEFAULT_TAG = "latest";
    /** distribution/reference caps the whole name (registry + "/" + path) at 255 characters. */
    public static final int NAME_TOTAL_LENGTH_MAX = 255;

    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (!DOMAIN.matcher(registry).matches()) throw new InvalidNameException("invalid registry host '" + clip(registry) + "'");
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new InvalidNameException("invalid tag '" + clip(tag) + "': up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
        }
        if (tag == null && digest == null) throw new InvalidNameException("an image reference needs a tag or a digest");
        if (registry.length() + 1 + repository.value().length() > NAME_TOTAL_LENGTH_MAX) {
            throw new InvalidNameException("repository name must not be more than " + NAME_TOTAL_LENGTH_MAX + " characters");
        }
    }

    /** Parses and normalises like {@code docker pull}; throws {@link InvalidNameException} with the reason. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) throw new InvalidNameException("image reference is empty");
        String s = text.strip();
        if (IDENTIFIER.matcher(s).matches()) {
            throw new InvalidNameException("invalid reference '" + clip(s) + "': cannot specify 64-byte hexadecimal strings (use name@sha256:…)");
        }
        // split off the registry exactly as docker's splitDockerDomain does
        String registry;
        String remainder;
        int slash = s.indexOf('/');
        String first = slash < 0 ? "" : s.substring(0, slash);
        if (slash < 0 || (!first.contains(".") && !first.contains(":") && !first.equals("localhost")
                && first.toLowerCase(Locale.ROOT).equals(first))) {
            registry = DOCKER_HUB;
            remainder = s;
        } else {
            registry = first;
            remainder = s.substring(slash + 1);
        }
        if (registry.equals(DOCKER_HUB_LEGACY)) registry = DOCKER_HUB;

        Digest digest = null;
        int at = remainder.indexOf('@');
        if (at >= 0) {
            String d = remainder.substring(at + 1);
            remainder = remainder.substring(0, at);
            try {
                digest = Digest.parse(d);
            } catch (InvalidDigestException e) {
                throw new InvalidNameException("invalid digest in reference '" + clip(s) + "': " + e.getMessage());
            }
        }
        String tag = null;
        int colon = remainder.lastIndexOf(':');
        if (colon >= 0) {
            tag = remainder.substring(colon + 1);
            remainder = remainder.substring(0, colon);
            if (tag.isEmpty()) throw new InvalidNameException("invalid reference '" + clip(s) + "': empty tag");
        }
        if (remainder.isEmpty()) throw new InvalidNameException("invalid reference '" + clip(s) + "': repository name is missing");
        if (registry.equals(DOCKER_HUB) && !remainder.contains("/")) remainder = "library/" + remainder;
        if (!remainder.toLowerCase(Locale.ROOT).equals(remainder) && RepositoryName.isValid(remainder.toLowerCase(Locale.ROOT))) {
            throw new InvalidNameException("invalid reference '" + clip(s) + "': repository name must be lowercase");
        }
        RepositoryName repo;
        try {
            repo = RepositoryName.of(remainder);
        } catch (InvalidNameException e) {
            throw new InvalidNameException("invalid reference '" + clip(s) + "': " + e.getMessage());
        }
        if (tag == null && digest == null) tag = DEFAULT_TAG;
        return new ImageReference(registry, repo, tag, digest);
    }

    public static ImageReference of(String registry, String repository, String tag) {
        return new ImageReference(registry, RepositoryName.of(repository), tag, null);
    }

    /** The host (and port) to send HTTP requests to: Docker Hub's API lives at registry-1.docker.io. */
    public String registryHost() {
        return DOCKER_HUB.equals(registry) ? DOCKER_HUB_HOST : registry;
    }

    /** What to put after /manifests/: the digest when there is one (it pins the content), else the tag. */
    public String identifier() {
        return digest != null ? digest.toString() : tag;
    }

    public ImageReference withTag(String newTag) {
        return new ImageReference(registry, repository, newTag, null);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, null, newDigest);
    }

    /** Same registry and repository, keeping the tag and pinning the digest. */
    public ImageReference pinned(Digest newDigest) {
        return new ImageReference(registry, repository, tag, newDigest);
    }

    public ImageReference withRepository(String registryHost, RepositoryName repo) {
        return new ImageReference(registryHost, repo, tag, digest);
    }

    /** {@code registry/repository} */
    public String name() {
        return registry + "/" + repository.value();
    }

    @Override
    public String toString() {
        return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
