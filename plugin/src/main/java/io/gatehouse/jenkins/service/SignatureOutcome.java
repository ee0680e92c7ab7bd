package io.gatehouse.jenkins.service;

/**
 * The signed image digest, the digest of the signature artifact stored as its referrer, and the key id;
 * {@code alreadySigned} when a valid signature by the same key for the same identity was there and nothing was written.
 */
public record SignatureOutcome(String imageDigest, String signatureDigest, String keyId, boolean alreadySigned) {
    public SignatureOutcome(String imageDigest, String signatureDigest, String keyId) {
        this(imageDigest, signatureDigest, keyId, false);
    }
}
