package io.gatehouse.core.reference;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image-spec defines it: {@code algorithm ":" encoded}.
 * Only the registered algorithms sha256 and sha512 are accepted, because a registry
 * must be able to verify every digest it is given.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

    private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512_HEX = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        switch (algorithm) {
            case "sha256" -> {
                if (!SHA256_HEX.matcher(hex).matches()) throw new InvalidDigestException("sha256 digest must be 64 lowercase hex characters");
            }
            case "sha512" -> {
                if (!SHA512_HEX.matcher(hex).matches()) throw new InvalidDigestException("sha512 digest must be 128 lowercase hex characters");
            }
            default -> throw new InvalidDigestException("unsupported digest algorithm: " + truncate(algorithm));
        }
    }

    /** Parses {@code sha256:<hex>}; throws {@link InvalidDigestException} with a readable reason. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Digest parse(String text) {
        if (text == null || text.isEmpty()) throw new InvalidDigestException("digest is empty");
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) throw new InvalidDigestException("digest must be algorithm:hex, got " + truncate(text));
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** True when {@code text} is a well-formed digest of a supported algorithm. */
    public static boolean isDigest(String text) {
        try {
            parse(text);
            return true;
        } catch (InvalidDigestException e) {
            return false;
        }
    }

    public static Digest sha256(byte[] data) {
        return of("sha256", data);
    }

    public static Digest of(String algorithm, byte[] data) {
        MessageDigest md = newMessageDigest(algorithm);
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest(data)));
    }

    /** A fresh MessageDigest for this digest's algorithm, for hashing while streaming. */
    public MessageDigest newMessageDigest() {
        return newMessageDigest(algorithm);
    }

    public static MessageDigest newMessageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.toUpperCase(Locale.ROOT).replace("SHA", "SHA-"));
        } catch (NoSuchAlgorithmException e) {
            throw new InvalidDigestException("unsupported digest algorithm: " + truncate(algorithm));
        }
    }

    /** Wraps a finished MessageDigest's output. */
    public static Digest fromBytes(String algorithm, byte[] digest) {
        return new Digest(algorithm, HexFormat.of().formatHex(digest));
    }

    /** The form cosign uses for its tags: {@code sha256-<hex>}. */
    public String toTagForm() {
        return algorithm + "-" + hex;
    }

    @JsonValue
    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }

    private static String truncate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
