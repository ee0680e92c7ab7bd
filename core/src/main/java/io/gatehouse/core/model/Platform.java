package io.gatehouse.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/** The platform an index entry runs on (image-spec index.md). Parsed from the docker CLI form {@code os/arch[/variant]}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Platform(
        @JsonProperty("architecture") String architecture,
        @JsonProperty("os") String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("os.features") List<String> osFeatures,
        @JsonProperty("variant") String variant,
        @JsonProperty("features") List<String> features) {

    public Platform {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(os, "os");
        // Empty values would be dropped when written, and the written index would then not parse again.
        if (architecture.isEmpty() || os.isEmpty()) throw new IllegalArgumentException("platform os and architecture must not be empty");
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
        features = features == null ? List.of() : List.copyOf(features);
    }

    public static Platform of(String os, String architecture, String variant) {
        return new Platform(architecture, os, null, null, variant, null);
    }

    /** {@code linux/amd64}, {@code linux/arm64/v8}, {@code linux/arm/v7}. */
    public static Platform parse(String text) {
        String[] p = text.strip().split("/");
        if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
            throw new IllegalArgumentException("platform must be os/arch[/variant], e.g. linux/amd64 or linux/arm/v7; got '" + text + "'");
        }
        return of(p[0], p[1], p.length == 3 ? p[2] : null);
    }

    /** Parses a comma-separated list such as {@code linux/amd64,linux/arm64}. */
    public static List<Platform> parseList(String text) {
        if (text == null || text.isBlank()) return List.of();
        return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Platform::parse).toList();
    }

    /**
     * Whether this (an index entry's platform) satisfies the wanted platform: os and architecture equal, and the
     * variant equal when the wanted one names a variant (so {@code linux/arm64} matches {@code linux/arm64/v8},
     * as docker's platform matcher does for the default variant).
     */
    public boolean satisfies(Platform wanted) {
        if (!os.equals(wanted.os) || !architecture.equals(wanted.architecture)) return false;
        return wanted.variant == null || wanted.variant.equals(variant);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant != null ? "/" + variant : "");
    }
}
