package io.gatehouse.core.policy;

import io.gatehouse.core.reference.Digest;

import java.util.Objects;
import java.util.Set;

/**
 * The facts about one image a policy is evaluated against.
 *
 * @param tag             the source tag, or null for an image addressed by digest only
 * @param scan            the newest scan report of this digest, or null when it has not been scanned
 * @param signatureKeyIds ids of trusted keys with a valid signature on this image in this repository
 *                        (io.gatehouse.core.sign.VerificationResult#keyIds)
 */
public record PolicyInput(String repository, String tag, Digest digest, ScanFacts scan, Set<String> signatureKeyIds) {
    public PolicyInput {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(digest, "digest");
        signatureKeyIds = signatureKeyIds == null ? Set.of() : Set.copyOf(signatureKeyIds);
    }
}
