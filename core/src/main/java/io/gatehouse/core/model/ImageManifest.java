package io.gatehouse.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image manifest: OCI {@code application/vnd.oci.image.manifest.v1+json} or Docker schema 2. Artifacts (signatures,
 * SBOMs, scan reports) are image manifests with an {@code artifactType} and usually a {@code subject}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageManifest(
        @JsonProperty("schemaVersion") int schemaVersion,
        @JsonProperty("mediaType") String mediaType,
        @JsonProperty("artifactType") String artifactType,
        @JsonProperty("config") Descriptor config,
        @JsonProperty("layers") List<Descriptor> layers,
        @JsonProperty("subject") Descriptor subject,
        @JsonProperty("annotations") Map<String, String> annotations) {

    public ImageManifest {
        if (config == null) throw new InvalidManifestException("image manifest has no config descriptor");
        layers = layers == null ? List.of() : List.copyOf(layers);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** Config first, then layers: the blobs that must exist before this manifest may be pushed. */
    public List<Descriptor> blobs() {
        List<Descriptor> all = new ArrayList<>(layers.size() + 1);
        all.add(config);
        all.addAll(layers);
        return all;
    }

    public byte[] toJson() {
        return Manifest.write(this);
    }
}
