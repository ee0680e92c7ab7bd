package io.gatehouse.registry.metadata;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway runs at start only when there is something to migrate (it cost a second and a half of CPU per restart);
 * whenever the history differs from the shipped scripts it still runs and brings the schema up to date.
 */
class MigrationsTest {
    @TempDir
    Path dir;

    @Test
    void theShippedVersionsAreReadFromTheScriptNames() {
        assertThat(Migrations.shippedVersions("db/migration")).contains("1", "20", "40", "80").doesNotContainNull();
        assertThat(Migrations.shippedVersions("db/vulndb")).containsExactly("1");
        assertThat(Migrations.shippedVersions("db/no-such-folder")).isNull();
    }

    @Test
    void aNewDatabaseIsMigratedAndThenCountsAsCurrent() {
        try (Database db = Database.open(dir.resolve("a.db"), 2)) {
            assertThat(Migrations.isCurrent(db.dataSource(), "db/migration")).isTrue();
        }
    }

    @Test
    void aDatabaseMissingAMigrationIsNotCurrentAndIsMigratedOnTheNextOpen() {
        Path file = dir.resolve("b.db");
        try (Database db = Database.open(file, 2)) {
            // as if the registry had last run before V82, the newest migration, existed: its columns gone, its
            // history row too (an upgrade; an older gap would be out of order, which Flyway refuses)
            Jdbi jdbi = db.jdbi();
            jdbi.useHandle(h -> {
                h.execute("ALTER TABLE uploads DROP COLUMN hash_state");
                h.execute("ALTER TABLE uploads DROP COLUMN store_state");
                h.execute("DELETE FROM flyway_schema_history WHERE version = '82'");
            });
            assertThat(Migrations.isCurrent(db.dataSource(), "db/migration")).isFalse();
        }
        try (Database db = Database.open(file, 2)) {
            assertThat(Migrations.isCurrent(db.dataSource(), "db/migration")).isTrue();
            int rows = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM uploads WHERE hash_state IS NOT NULL OR store_state IS NOT NULL")
                    .mapTo(Integer.class).one());
            assertThat(rows).isZero(); // the columns are back
        }
    }

    @Test
    void aFailedMigrationInTheHistoryIsLeftToFlyway() {
        try (Database db = Database.open(dir.resolve("c.db"), 2)) {
            db.jdbi().useHandle(h -> h.execute("UPDATE flyway_schema_history SET success = 0 WHERE version = '80'"));
            assertThat(Migrations.isCurrent(db.dataSource(), "db/migration")).isFalse();
        }
    }
}
