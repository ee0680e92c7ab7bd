package io.gatehouse.core.sign;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * Key ids: {@code sha256:<hex>} of the DER SubjectPublicKeyInfo. Stable whatever PEM wrapping or comments a
 * user's file has, computable by anyone with openssl
 * ({@code openssl pkey -pubin -in k.pub -outform DER | sha256sum}), and it names a key without revealing anything.
 */
public final class KeyIds {
    private KeyIds() {
    }

    public static String of(PublicKey key) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
