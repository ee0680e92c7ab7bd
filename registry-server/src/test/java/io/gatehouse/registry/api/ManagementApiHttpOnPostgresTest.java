package io.gatehouse.registry.api;

import io.gatehouse.registry.TestDatabase;

/** {@link ManagementApiHttpTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class ManagementApiHttpOnPostgresTest extends ManagementApiHttpTest {
}
