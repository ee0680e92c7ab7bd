package io.gatehouse.registry.content;

import io.gatehouse.core.reference.Digest;

/**
 * A manifest exactly as it was pushed (the bytes are never re-serialised).
 *
 * @param artifactType the manifest's artifactType, else the config media type of an image manifest, else null
 * @param subject      the {@code subject} descriptor's digest, or null
 */
public record StoredManifest(String repository, Digest digest, String mediaType, byte[] bytes,
                             String artifactType, Digest subject) {
    public long size() {
        return bytes.length;
    }
}
