package io.gatehouse.registry.scan;

import io.gatehouse.registry.TestDatabase;

/** {@link RegistryScanTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class RegistryScanOnPostgresTest extends RegistryScanTest {
}
