package io.gatehouse.core.sign;

/** A signature layer that did not verify, with the reason (shown to users: it names no secret). */
public record RejectedSignature(String payloadDigest, String reason) {
}
