package io.gatehouse.registry;

/** {@link BlobApiTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class BlobApiOnPostgresTest extends BlobApiTest {
}
