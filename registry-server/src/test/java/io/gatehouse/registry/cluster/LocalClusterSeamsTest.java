package io.gatehouse.registry.cluster;

import io.gatehouse.registry.auth.DatabaseCounts;
import io.gatehouse.registry.auth.LoginThrottle;
import io.gatehouse.registry.metadata.Database;
import io.gatehouse.registry.scan.service.ScanIndex;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A single node: in-process events and locks, and the database parts (login counts, scan claims)
 * on SQLite; the same contract as {@link PostgresClusterSeamsTest}.
 */
class LocalClusterSeamsTest extends ClusterSeamsContract {
    @TempDir
    static Path dir;
    static Database db;
    static final LocalClusterEvents EVENTS = new LocalClusterEvents();
    static final LocalClusterLocks LOCKS = new LocalClusterLocks();
    static final LocalReadLeases LEASES = new LocalReadLeases();
    static ScanIndex scans;
    static DatabaseCounts counts;

    @BeforeAll
    static void open() {
        db = Database.open(dir.resolve("gatehouse.db"), 4);
        scans = new ScanIndex(db.jdbi(), false);
        counts = new DatabaseCounts(db.jdbi(), false);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    ClusterEvents events(int node) {
        return EVENTS;
    }

    @Override
    ClusterLocks locks(int node) {
        return LOCKS;
    }

    @Override
    LoginThrottle.Counts counts(int node) {
        return counts;
    }

    @Override
    ScanIndex scans(int node) {
        return scans;
    }

    @Override
    ReadLeases readLeases(int node) {
        return LEASES;
    }

    @Override
    Jdbi jdbi() {
        return db.jdbi();
    }

    /** The in-memory counts of a single node pass the same suite. */
    @Nested
    class InMemoryCounts extends ClusterSeamsContract {
        final LoginThrottle.MemoryCounts memory = new LoginThrottle.MemoryCounts(Duration.ofMinutes(5));

        @Override
        ClusterEvents events(int node) {
            return EVENTS;
        }

        @Override
        ClusterLocks locks(int node) {
            return LOCKS;
        }

        @Override
        ReadLeases readLeases(int node) {
            return LEASES;
        }

        @Override
        LoginThrottle.Counts counts(int node) {
            return memory;
        }

        @Override
        ScanIndex scans(int node) {
            return scans;
        }

        @Override
        Jdbi jdbi() {
            return db.jdbi();
        }
    }
}
