package io.gatehouse.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.core.reference.Digest;

import java.util.List;
import java.util.Map;

/** A content descriptor (image-spec descriptor.md): what a manifest says about a blob or another manifest. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Descriptor(
        @JsonProperty("mediaType") String mediaType,
        @JsonProperty("digest") Digest digest,
        @JsonProperty("size") long size,
        @JsonProperty("urls") List<String> urls,
        @JsonProperty("annotations") Map<String, String> annotations,
        @JsonProperty("data") String data,
        @JsonProperty("platform") Platform platform,
        @JsonProperty("artifactType") String artifactType) {

    public Descriptor {
        if (mediaType == null || mediaType.isEmpty()) throw new InvalidManifestException("descriptor without mediaType");
        if (digest == null) throw new InvalidManifestException("descriptor without digest");
        if (size < 0) throw new InvalidManifestException("descriptor " + digest + " has a negative size");
        urls = urls == null ? List.of() : List.copyOf(urls);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null, null);
    }

    public Descriptor withPlatform(Platform p) {
        return new Descriptor(mediaType, digest, size, urls, annotations, data, p, artifactType);
    }

    public Descriptor withArtifactType(String type) {
        return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, type);
    }

    public Descriptor withAnnotations(Map<String, String> a) {
        return new Descriptor(mediaType, digest, size, urls, a, data, platform, artifactType);
    }

    /** Foreign (non-distributable) layers live at their {@code urls}, not in the registry. */
    public boolean isForeign() {
        return !urls.isEmpty() || mediaType.contains("foreign") || mediaType.contains("nondistributable");
    }
}
