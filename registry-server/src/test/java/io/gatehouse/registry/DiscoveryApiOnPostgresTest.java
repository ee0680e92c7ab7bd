package io.gatehouse.registry;

/** {@link DiscoveryApiTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class DiscoveryApiOnPostgresTest extends DiscoveryApiTest {
}
