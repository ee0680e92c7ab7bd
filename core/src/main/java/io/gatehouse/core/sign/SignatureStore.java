package io.gatehouse.core.sign;

import io.gatehouse.core.reference.Digest;

import java.io.IOException;
import java.util.Optional;

/**
 * The few registry operations signing and verification need, so the signing code depends on no particular client:
 * the core RegistryClient (io.gatehouse.core.remote), the registry's own storage, or a test helper implement it.
 * {@code repository} is the path inside the registry ({@code team/app}).
 */
public interface SignatureStore {
    /** A manifest by tag or digest: its media type and exact bytes; empty when the registry answers 404. */
    Optional<Manifest> getManifest(String repository, String reference) throws IOException;

    /** A small blob (signature payloads, a few hundred bytes); null when absent. */
    byte[] getBlob(String repository, Digest digest) throws IOException;

    /** Uploads a small blob; a no-op when the registry already has it. */
    void putBlob(String repository, Digest digest, byte[] content) throws IOException;

    void putManifest(String repository, String reference, String mediaType, byte[] content) throws IOException;

    record Manifest(String mediaType, byte[] content) {
    }
}
