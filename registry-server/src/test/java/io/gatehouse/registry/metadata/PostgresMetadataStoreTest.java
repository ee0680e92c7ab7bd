package io.gatehouse.registry.metadata;

import io.gatehouse.testing.PostgresCluster;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link MetadataStoreContract} on PostgreSQL 15: a fresh database per test in the JVM's throwaway cluster, reached
 * over TCP with the superuser's password.
 */
class PostgresMetadataStoreTest extends MetadataStoreContract {

    /** Copies of a migrated template (a Flyway run per test cost seconds); the first test class run migrates it. */
    @Override
    Database open() {
        PostgresCluster pg = PostgresCluster.shared();
        return Database.openPostgres(io.gatehouse.registry.TestDatabase.migratedDatabase(), pg.user(), pg.password(), 4);
    }

    @Test
    void anEmptyDatabaseIsMigratedByFlyway() {
        PostgresCluster pg = PostgresCluster.shared();
        try (Database fresh = Database.openPostgres(pg.createDatabase(), pg.user(), pg.password(), 2)) {
            assertThat(Migrations.isCurrent(fresh.dataSource(), Dialect.POSTGRESQL.migrationFolders())).isTrue();
            assertThat(fresh.metadataStore(clock).listRepositories(null, 10)).isEmpty();
        }
    }

    @Override
    Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Test
    void aWrongPasswordIsOneLineThatDoesNotQuoteIt() {
        PostgresCluster pg = PostgresCluster.shared();
        assertThatThrownBy(() -> Database.openPostgres(pg.url("postgres"), pg.user(), "not-the-password-4711", 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot connect to the database jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres: ")
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("not-the-password-4711")
                .hasMessageNotContaining("\n");
    }

    @Test
    void reopeningAMigratedDatabaseSkipsFlyway() {
        String url = db.dataSource() instanceof com.zaxxer.hikari.HikariDataSource h ? h.getJdbcUrl() : null;
        assertThat(Migrations.isCurrent(db.dataSource(), Dialect.POSTGRESQL.migrationFolders())).isTrue();
        PostgresCluster pg = PostgresCluster.shared();
        try (Database again = Database.openPostgres(url, pg.user(), pg.password(), 2)) {
            int applied = again.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM flyway_schema_history WHERE success")
                    .mapTo(Integer.class).one());
            assertThat(applied).isEqualTo(Migrations.shippedVersions(Dialect.COMMON_MIGRATIONS).size()
                    + Migrations.shippedVersions("db/migration/postgresql").size());
        }
    }
}
