package io.gatehouse.registry.mirror;

import io.gatehouse.registry.TestDatabase;

/** {@link MirrorApiHttpTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class MirrorApiHttpOnPostgresTest extends MirrorApiHttpTest {
}
