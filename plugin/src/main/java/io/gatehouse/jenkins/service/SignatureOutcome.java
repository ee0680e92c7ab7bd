package io.gatehouse.jenkins.service;

/** The signed image digest, the digest of the signature artifact stored as its referrer, and the key id. */
public record SignatureOutcome(String imageDigest, String signatureDigest, String keyId) {
}
