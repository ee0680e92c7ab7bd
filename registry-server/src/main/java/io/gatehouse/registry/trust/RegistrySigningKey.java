package io.gatehouse.registry.trust;

import io.gatehouse.core.sign.Keys;
import io.gatehouse.core.sign.SigningKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The registry's own signing key (content trust for promoted images): generated at first start and kept in the
 * data directory ({@code trust/signing.key}, PKCS#8, readable by the owner only), with its public half beside it
 * ({@code trust/signing.pub}) for users' policy.json {@code keyPath} and for policies' key ids.
 */
public final class RegistrySigningKey {
    private RegistrySigningKey() {
    }

    /**
     * The key shared by every replica, in the database ({@code signing_keys}, name {@code registry}); a registry that
     * kept it in {@code trust/signing.key} before moves it there. The public half is (re)written to
     * {@code trust/signing.pub} of this replica's data directory, where users' policy.json files point.
     */
    public static SigningKey loadOrCreate(org.jdbi.v3.core.Jdbi jdbi, Path dataDir) {
        Path dir = dataDir.resolve("trust");
        String pem = io.gatehouse.registry.metadata.SigningKeys.loadOrCreate(jdbi, "registry", dir.resolve("signing.key"),
                () -> Keys.toPkcs8Pem(Keys.generate()), java.time.Clock.systemUTC());
        SigningKey k = Keys.readPrivateKey(pem, null);
        try {
            Files.createDirectories(dir);
            Path pub = dir.resolve("signing.pub");
            String publicPem = k.publicKey().toPem();
            if (!Files.exists(pub) || !Files.readString(pub).equals(publicPem)) Files.writeString(pub, publicPem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the registry's public key to " + dir, e);
        }
        return k;
    }

    public static SigningKey loadOrCreate(Path dataDir) {
        Path dir = dataDir.resolve("trust");
        Path key = dir.resolve("signing.key");
        try {
            if (Files.exists(key)) return Keys.readPrivateKey(Files.readString(key), null);
            Files.createDirectories(dir);
            SigningKey k = Keys.generate();
            Path tmp = dir.resolve("signing.key.tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: rely on the data directory's own protection
            }
            Files.writeString(tmp, Keys.toPkcs8Pem(k));
            Files.move(tmp, key, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(dir.resolve("signing.pub"), k.publicKey().toPem());
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the registry signing key in " + dir, e);
        }
    }
}
