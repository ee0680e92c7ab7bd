package io.gatehouse.core.sign;

import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/** An ECDSA P-256 key pair that signs. {@link #toString()} never shows the private part. */
public final class SigningKey {
    private final ECPrivateKey privateKey;
    private final TrustedKey publicKey;

    SigningKey(ECPrivateKey privateKey, ECPublicKey publicKey) {
        this.privateKey = Objects.requireNonNull(privateKey);
        this.publicKey = TrustedKey.of(Objects.requireNonNull(publicKey));
    }

    ECPrivateKey privateKey() {
        return privateKey;
    }

    /** The public half, as verifiers would trust it. */
    public TrustedKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return publicKey.keyId();
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + "]";
    }
}
