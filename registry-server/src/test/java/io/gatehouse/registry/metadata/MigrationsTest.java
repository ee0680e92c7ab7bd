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
    static final java.util.List<String> SQLITE = Dialect.SQLITE.migrationFolders();

    @TempDir
    Path dir;

    @Test
    void theShippedVersionsAreReadFromTheScriptNames() {
        assertThat(Migrations.shippedVersions("db/migration/sqlite")).contains("1", "20", "40", "80").doesNotContainNull();
        assertThat(Migrations.shippedVersions(Dialect.COMMON_MIGRATIONS)).contains("82");
        assertThat(Migrations.shippedVersions("db/vulndb")).containsExactly("1");
        assertThat(Migrations.shippedVersions("db/no-such-folder")).isNull();
    }

    @Test
    void aNewDatabaseIsMigratedAndThenCountsAsCurrent() {
        try (Database db = Database.open(dir.resolve("a.db"), 2)) {
            assertThat(Migrations.isCurrent(db.dataSource(), SQLITE)).isTrue();
            // the common scripts count: without them the history would not match
            assertThat(Migrations.isCurrent(db.dataSource(), "db/migration/sqlite")).isFalse();
        }
    }

    /**
     * Both dialects ship the same versions (a version is one change, written per dialect where SQL differs), and the
     * SQLite scripts of versions released before PostgreSQL support are byte for byte what existing databases
     * recorded (Flyway compares checksums when a new version arrives).
     */
    @Test
    void theDialectsShipTheSameVersions() {
        assertThat(Migrations.shippedVersions("db/migration/postgresql"))
                .containsExactlyInAnyOrderElementsOf(Migrations.shippedVersions("db/migration/sqlite"));
        assertThat(Migrations.shippedVersions("db/migration/sqlite")).doesNotContainAnyElementsOf(Migrations.shippedVersions(Dialect.COMMON_MIGRATIONS));
    }

    @Test
    void aDatabaseMissingAMigrationIsNotCurrentAndIsMigratedOnTheNextOpen() {
        Path file = dir.resolve("b.db");
        try (Database db = Database.open(file, 2)) {
            // as if the registry had last run before V90, V91 and V92, the newest migrations, existed: their tables and
            // columns gone, their history rows too (an upgrade; an older gap would be out of order, which Flyway refuses)
            Jdbi jdbi = db.jdbi();
            jdbi.useHandle(h -> {
                h.execute("DROP INDEX mirror_runs_running");
                h.execute("ALTER TABLE mirror_runs DROP COLUMN claimed_by");
                h.execute("ALTER TABLE mirror_runs DROP COLUMN lease_until");
                h.execute("DROP TABLE login_attempts");
                h.execute("ALTER TABLE scan_job DROP COLUMN claimed_by");
                h.execute("ALTER TABLE scan_job DROP COLUMN lease_until");
                h.execute("DELETE FROM flyway_schema_history WHERE version IN ('90', '91', '92')"); // V92 creates nothing on SQLite
            });
            assertThat(Migrations.isCurrent(db.dataSource(), SQLITE)).isFalse();
        }
        try (Database db = Database.open(file, 2)) {
            assertThat(Migrations.isCurrent(db.dataSource(), SQLITE)).isTrue();
            int rows = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM scan_job WHERE lease_until IS NOT NULL").mapTo(Integer.class).one());
            assertThat(rows).isZero(); // the column is back
            int mirrorRows = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM mirror_runs WHERE lease_until IS NOT NULL").mapTo(Integer.class).one());
            assertThat(mirrorRows).isZero();
            int attempts = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM login_attempts").mapTo(Integer.class).one());
            assertThat(attempts).isZero();
        }
    }

    @Test
    void aFailedMigrationInTheHistoryIsLeftToFlyway() {
        try (Database db = Database.open(dir.resolve("c.db"), 2)) {
            db.jdbi().useHandle(h -> h.execute("UPDATE flyway_schema_history SET success = 0 WHERE version = '80'"));
            assertThat(Migrations.isCurrent(db.dataSource(), SQLITE)).isFalse();
        }
    }
}
