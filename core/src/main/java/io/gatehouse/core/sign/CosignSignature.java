package io.gatehouse.core.sign;

import io.gatehouse.core.reference.Digest;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.Objects;

/**
 * One signature as cosign stores it: the payload bytes (a layer blob) and the base64 ASN.1 DER ECDSA signature over
 * SHA-256(payload) (the {@code dev.cosignproject.cosign/signature} annotation of that layer).
 */
public record CosignSignature(byte[] payload, String base64Signature) {
    public CosignSignature {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(base64Signature, "base64Signature");
    }

    /** Signs {@code payload} with ECDSA P-256 / SHA-256, the algorithm cosign and containers/image verify. */
    public static CosignSignature sign(SigningKey key, SimpleSigningPayload payload) {
        byte[] bytes = payload.toJson();
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key.privateKey());
            s.update(bytes);
            return new CosignSignature(bytes, Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed", e);
        }
    }

    /** True when the signature is valid for the payload under {@code key}. Malformed signatures are simply invalid. */
    public boolean verifiesWith(TrustedKey key) {
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(base64Signature.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key.key());
            s.update(payload);
            return s.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    public Digest payloadDigest() {
        return Digest.sha256(payload);
    }
}
