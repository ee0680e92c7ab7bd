package io.gatehouse.core.sign;

import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.Objects;

/** A public key a verifier trusts, with its id ({@link KeyIds}). */
public record TrustedKey(String keyId, ECPublicKey key) {
    public TrustedKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(key, "key");
    }

    public static TrustedKey of(ECPublicKey key) {
        return new TrustedKey(KeyIds.of(key), key);
    }

    /** SubjectPublicKeyInfo PEM ({@code PUBLIC KEY}), the form cosign.pub has. */
    public String toPem() {
        return Pem.encode("PUBLIC KEY", key.getEncoded());
    }

    @Override
    public String toString() {
        return "TrustedKey[" + keyId + "]";
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
