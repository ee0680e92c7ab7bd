package io.gatehouse.core.sign;

import io.gatehouse.core.reference.Digest;

import java.util.Map;

/** A signature that checked out: by which trusted key, for which reference, with which (untrusted, informative) extras. */
public record VerifiedSignature(String keyId, String dockerReference, Digest payloadDigest, Map<String, Object> optional) {
}
