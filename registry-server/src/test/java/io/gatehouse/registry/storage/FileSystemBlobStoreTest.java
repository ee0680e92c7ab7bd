package io.gatehouse.registry.storage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** The blob store contract on the local filesystem (the default driver). */
class FileSystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    static Path dir;
    static FileSystemBlobStore store;

    @BeforeAll
    static void open() throws IOException {
        store = new FileSystemBlobStore(dir, false);
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Override
    BlobStore otherReplica() {
        try {
            return new FileSystemBlobStore(dir, false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
