package io.gatehouse.registry.trust;

import io.gatehouse.registry.TestDatabase;

/** {@link TrustApiHttpTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class TrustApiHttpOnPostgresTest extends TrustApiHttpTest {
}
