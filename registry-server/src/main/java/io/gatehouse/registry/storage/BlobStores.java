package io.gatehouse.registry.storage;

import io.gatehouse.registry.config.RegistryConfig;

import java.io.IOException;

/** Opens the blob store storage.driver names. */
public final class BlobStores {
    private BlobStores() {
    }

    public static BlobStore open(RegistryConfig config) throws IOException {
        return switch (config.setting("storage.driver").strip()) {
            case "s3" -> new S3BlobStore(S3Settings.from(config), config.dataDir());
            case "filesystem" -> new FileSystemBlobStore(config.dataDir(), config.fsync());
            default -> throw new IllegalArgumentException("storage.driver: expected filesystem or s3");
        };
    }
}
