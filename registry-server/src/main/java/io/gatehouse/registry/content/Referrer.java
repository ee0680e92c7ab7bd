package io.gatehouse.registry.content;

import io.gatehouse.core.reference.Digest;

import java.util.Map;

/** A descriptor in a referrers index: a manifest whose {@code subject} is the asked-for digest. */
public record Referrer(String mediaType, Digest digest, long size, String artifactType, Map<String, String> annotations) {
    public Referrer {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
