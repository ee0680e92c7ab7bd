package io.gatehouse.registry.metadata;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link MetadataStoreContract} on SQLite, the embedded default. */
class SqliteMetadataStoreTest extends MetadataStoreContract {
    @TempDir
    Path dir;

    @Override
    Database open() {
        return Database.open(dir.resolve("gatehouse.db"), 4);
    }

    @Override
    Dialect dialect() {
        return Dialect.SQLITE;
    }
}
