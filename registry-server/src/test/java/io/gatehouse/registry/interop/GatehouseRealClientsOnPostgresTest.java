package io.gatehouse.registry.interop;

import io.gatehouse.registry.TestDatabase;

/** {@link GatehouseRealClientsTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class GatehouseRealClientsOnPostgresTest extends GatehouseRealClientsTest {
}
