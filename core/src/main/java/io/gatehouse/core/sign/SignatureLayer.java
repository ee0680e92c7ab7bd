package io.gatehouse.core.sign;

import io.gatehouse.core.reference.Digest;

import java.util.Map;

/** One layer of a {@code .sig} manifest: a payload blob and its annotations (signature, and whatever else cosign adds). */
public record SignatureLayer(String mediaType, Digest digest, long size, Map<String, String> annotations) {
    public SignatureLayer {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public String signature() {
        return annotations.get(SignatureManifest.SIGNATURE_ANNOTATION);
    }
}
