package io.gatehouse.registry.interop;

import io.gatehouse.registry.TestDatabase;

/** {@link AuthenticatedClientsTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class AuthenticatedClientsOnPostgresTest extends AuthenticatedClientsTest {
}
