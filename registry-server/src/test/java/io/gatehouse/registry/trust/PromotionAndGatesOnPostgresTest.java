package io.gatehouse.registry.trust;

import io.gatehouse.registry.TestDatabase;

/** {@link PromotionAndGatesTest} with the registry's metadata on PostgreSQL ({@link TestDatabase.OnPostgres}). */
@TestDatabase.OnPostgres
class PromotionAndGatesOnPostgresTest extends PromotionAndGatesTest {
}
