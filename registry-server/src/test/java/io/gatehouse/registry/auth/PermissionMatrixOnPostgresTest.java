package io.gatehouse.registry.auth;

import io.gatehouse.registry.TestDatabase;

/** {@link PermissionMatrixTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class PermissionMatrixOnPostgresTest extends PermissionMatrixTest {
}
