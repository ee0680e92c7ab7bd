package io.gatehouse.registry.storage;

import io.gatehouse.registry.config.RegistryConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The storage.s3.* settings. Credentials: {@code accessKey} with a secret (storage.s3.secret_key, better its
 * variable GATEHOUSE_S3_SECRET_KEY, or storage.s3.secret_key_file), or neither, for the AWS default chain
 * (environment, profile, container or instance role). The secret is never part of {@link #toString()} or a message.
 */
public record S3Settings(String bucket, String region, URI endpoint, boolean pathStyle, String prefix, String accessKey,
                         String secretKey, boolean redirect, Duration redirectExpiry, int partSize) {

    /** S3's smallest part (all but the last); also the smallest useful local buffer. */
    public static final int MIN_PART_SIZE = 5 << 20;

    public S3Settings {
        if (bucket == null || bucket.isBlank()) throw new IllegalArgumentException("storage.s3.bucket: required with storage.driver: s3");
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("storage.s3.access_key and a secret (GATEHOUSE_S3_SECRET_KEY or storage.s3.secret_key_file) "
                    + "must be given together, or neither for the AWS default credential chain");
        }
        if (partSize < MIN_PART_SIZE) throw new IllegalArgumentException("storage.s3.part_size: at least " + MIN_PART_SIZE + " bytes (S3's minimum)");
        prefix = normalizePrefix(prefix);
    }

    private static String normalizePrefix(String p) {
        if (p == null) return "";
        String t = p.strip();
        while (t.startsWith("/")) t = t.substring(1);
        if (!t.isEmpty() && !t.endsWith("/")) t = t + "/";
        return t;
    }

    /** Reads the storage.s3.* settings; only meaningful with storage.driver: s3. */
    public static S3Settings from(RegistryConfig config) {
        String endpoint = config.setting("storage.s3.endpoint").strip();
        String accessKey = config.setting("storage.s3.access_key").strip();
        String secret = config.setting("storage.s3.secret_key");
        String secretFile = config.setting("storage.s3.secret_key_file").strip();
        if (!secretFile.isEmpty()) {
            if (secret != null && !secret.isEmpty()) {
                throw new IllegalArgumentException("storage.s3.secret_key and storage.s3.secret_key_file: give one, not both");
            }
            try {
                secret = Files.readString(Path.of(secretFile)).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("storage.s3.secret_key_file: cannot read " + secretFile + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        URI uri = null;
        if (!endpoint.isEmpty()) {
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("storage.s3.endpoint: not a URL: " + endpoint);
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("storage.s3.endpoint: expected http://host[:port] or https://host[:port], got " + endpoint);
            }
        }
        return new S3Settings(config.setting("storage.s3.bucket").strip(), config.setting("storage.s3.region").strip(), uri,
                config.booleanSetting("storage.s3.path_style"), config.setting("storage.s3.prefix"),
                accessKey.isEmpty() ? null : accessKey, secret == null || secret.isEmpty() ? null : secret,
                config.booleanSetting("storage.s3.redirect"), positive(config.durationSetting("storage.s3.redirect_expiry")),
                config.intSetting("storage.s3.part_size", MIN_PART_SIZE, 1 << 30));
    }

    private static Duration positive(Duration d) {
        if (d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("storage.s3.redirect_expiry: more than 0 and at most 7 days (S3's limit for presigned URLs)");
        }
        return d;
    }

    @Override
    public String toString() {
        return "S3Settings[bucket=" + bucket + ", region=" + region + ", endpoint=" + endpoint + ", pathStyle=" + pathStyle
                + ", prefix=" + prefix + ", accessKey=" + (accessKey == null ? "default chain" : accessKey)
                + ", secretKey=" + (secretKey == null ? "none" : "***") + ", redirect=" + redirect + ", partSize=" + partSize + "]";
    }
}
