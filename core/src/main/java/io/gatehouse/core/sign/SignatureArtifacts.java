package io.gatehouse.core.sign;

import io.gatehouse.core.reference.Digest;

import java.util.List;

/**
 * Everything to write to a registry for a signature, computed without any network access: the blobs (config and
 * payload) first, then the manifest under {@link #tag()}. {@code changed} is false when the signature was already
 * there (same payload and same signature), so nothing needs to be written.
 */
public record SignatureArtifacts(String tag, String mediaType, byte[] manifest, Digest manifestDigest, List<Blob> blobs, boolean changed) {
    public SignatureArtifacts {
        blobs = List.copyOf(blobs);
    }

    public record Blob(Digest digest, String mediaType, byte[] content) {
    }
}
