package io.gatehouse.registry.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;

/**
 * The registry's ES256 token-signing key: generated on first start and kept as a JWK in the database (shared by
 * replicas, {@link #loadOrCreate(org.jdbi.v3.core.Jdbi, Path)}), or for tools and tests in a file of the data directory
 * ({@code auth/token-signing-key.json}, owner-only permissions), so tokens survive restarts.
 *
 * <p>The key id is computed like docker's libtrust does (the first 240 bits of the SHA-256 of the DER public key,
 * base32 in twelve groups of four), which is what tools reading Distribution's tokens expect to see.
 */
public final class TokenKeys {

    private final ECKey key;

    private TokenKeys(ECKey key) {
        this.key = key;
    }

    public static TokenKeys loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve("auth").resolve("token-signing-key.json");
        try {
            if (Files.exists(file)) {
                return new TokenKeys(ECKey.parse(Files.readString(file, StandardCharsets.UTF_8)));
            }
            ECKey fresh = generate();
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "key", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the data directory's own permissions must protect it
            }
            Files.writeString(tmp, fresh.toJSONString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return new TokenKeys(fresh);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token signing key in " + file.getParent(), e);
        } catch (ParseException e) {
            throw new IllegalStateException("the token signing key file " + file + " is not a valid JWK", e);
        }
    }

    /**
     * The key shared by every replica, in the database ({@code signing_keys}, name {@code token}); a registry that
     * kept it in {@code <dataDir>/auth/token-signing-key.json} before moves it there, so its tokens stay valid.
     */
    public static TokenKeys loadOrCreate(org.jdbi.v3.core.Jdbi jdbi, Path dataDir) {
        Path legacy = dataDir.resolve("auth").resolve("token-signing-key.json");
        String jwk = io.gatehouse.registry.metadata.SigningKeys.loadOrCreate(jdbi, "token", legacy,
                () -> generate().toJSONString(), java.time.Clock.systemUTC());
        try {
            return new TokenKeys(ECKey.parse(jwk));
        } catch (ParseException e) {
            throw new IllegalStateException("the token signing key in the database is not a valid JWK", e);
        }
    }

    /** A key that lives only in memory (tests, and tokens nobody must trust across restarts). */
    public static TokenKeys ephemeral() {
        return new TokenKeys(generate());
    }

    private static ECKey generate() {
        try {
            ECKey k = new ECKeyGenerator(Curve.P_256).generate();
            return new ECKey.Builder(k).keyID(libtrustKeyId(k)).build();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key", e);
        }
    }

    static String libtrustKeyId(ECKey k) throws JOSEException {
        try {
            byte[] der = k.toECPublicKey().getEncoded();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            String b32 = base32(java.util.Arrays.copyOf(digest, 30));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 48; i += 4) {
                if (i > 0) sb.append(':');
                sb.append(b32, i, i + 4);
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base32(byte[] data) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder sb = new StringBuilder();
        int buffer = 0, bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        return sb.toString();
    }

    public ECKey privateKey() {
        return key;
    }

    public ECKey publicKey() {
        return key.toPublicJWK();
    }

    public String keyId() {
        return key.getKeyID();
    }
}
