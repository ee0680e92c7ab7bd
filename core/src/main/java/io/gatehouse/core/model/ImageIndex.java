package io.gatehouse.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** An image index (OCI) or manifest list (Docker): one entry per platform, or the referrers of a subject. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageIndex(
        @JsonProperty("schemaVersion") int schemaVersion,
        @JsonProperty("mediaType") String mediaType,
        @JsonProperty("artifactType") String artifactType,
        @JsonProperty("manifests") List<Descriptor> manifests,
        @JsonProperty("subject") Descriptor subject,
        @JsonProperty("annotations") Map<String, String> annotations) {

    public ImageIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static ImageIndex of(String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
        return new ImageIndex(2, mediaType, null, manifests, null, annotations);
    }

    /** An empty OCI index: what the referrers API answers when nothing refers to a digest. */
    public static ImageIndex empty() {
        return of(MediaTypes.OCI_INDEX, List.of(), null);
    }

    public ImageIndex withManifests(List<Descriptor> m) {
        return new ImageIndex(schemaVersion, mediaType, artifactType, m, subject, annotations);
    }

    public ImageIndex withAnnotations(Map<String, String> a) {
        return new ImageIndex(schemaVersion, mediaType, artifactType, manifests, subject, a);
    }

    public byte[] toJson() {
        return Manifest.write(this);
    }
}
