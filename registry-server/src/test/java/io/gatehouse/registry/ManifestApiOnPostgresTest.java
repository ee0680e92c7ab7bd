package io.gatehouse.registry;

/** {@link ManifestApiTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class ManifestApiOnPostgresTest extends ManifestApiTest {
}
