package io.gatehouse.registry.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gatehouse.registry.auth.DatabaseCounts;
import io.gatehouse.registry.auth.LoginThrottle;
import io.gatehouse.registry.scan.service.ScanIndex;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas on one real PostgreSQL 15 (a throwaway cluster): each has its own connection pools, so events cross
 * through LISTEN/NOTIFY and locks are the database's advisory locks. The shared contract, then what only a database
 * that can go away shows: a listener that lost its connection resets its subscribers, and a dead replica's lock is
 * released by the database.
 */
class PostgresClusterSeamsTest extends ClusterSeamsContract {
    static PostgresServer pg;
    static final HikariDataSource[] pools = new HikariDataSource[2];
    static final Jdbi[] jdbis = new Jdbi[2];
    static final PostgresClusterEvents[] events = new PostgresClusterEvents[2];
    static final PostgresClusterLocks[] locks = new PostgresClusterLocks[2];

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.launch();
        // the tables these seams use, as the migrations create them (V60 scan jobs, V90 cluster coordination)
        pg.execute(resource("db/migration/postgresql/V60__scan.sql"), resource("db/migration/common/V90__cluster.sql"));
        for (int i = 0; i < 2; i++) {
            pools[i] = pool(i);
            jdbis[i] = Jdbi.create(pools[i]);
            events[i] = new PostgresClusterEvents(pools[i], "node" + i);
            locks[i] = new PostgresClusterLocks(pools[i]);
        }
    }

    static HikariDataSource pool(int i) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(pg.jdbcUrl());
        c.setUsername(pg.user());
        c.setPoolName("test-node" + i);
        c.setMaximumPoolSize(12);
        c.setConnectionTimeout(5_000);
        return new HikariDataSource(c);
    }

    static String resource(String name) throws Exception {
        try (InputStream in = PostgresClusterSeamsTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (int i = 0; i < 2; i++) {
            if (events[i] != null) events[i].close();
            if (pools[i] != null) pools[i].close();
        }
        if (pg != null) pg.close();
    }

    @Override
    ClusterEvents events(int node) {
        return events[node];
    }

    @Override
    void awaitListening(int node) {
        await().atMost(Duration.ofSeconds(60)).until(events[node]::listening);
    }

    @Override
    ClusterLocks locks(int node) {
        return locks[node];
    }

    @Override
    LoginThrottle.Counts counts(int node) {
        return new DatabaseCounts(jdbis[node], true);
    }

    @Override
    ScanIndex scans(int node) {
        return new ScanIndex(jdbis[node], true);
    }

    @Override
    Jdbi jdbi() {
        return jdbis[0];
    }

    @Test
    void aDeadReplicasLocksAreReleasedByTheDatabase() {
        HikariDataSource doomed = pool(9);
        try {
            Optional<ClusterLocks.Held> held = new PostgresClusterLocks(doomed).tryLock("gc");
            assertThat(held).isPresent();
            assertThat(locks(0).tryLock("gc")).isEmpty();
        } finally {
            doomed.close(); // its connections close, as a killed replica's do
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Optional<ClusterLocks.Held> mine = locks(0).tryLock("gc");
            assertThat(mine).isPresent();
            mine.get().close();
        });
    }

    /** Runs last in effect (it restarts the database): a listener that lost the database resets, and listens again. */
    @Test
    void aListenerThatLostTheDatabaseResetsItsSubscribersAndComesBack() throws Exception {
        awaitListening(1);
        List<String> resets = new CopyOnWriteArrayList<>();
        List<String> heard = new CopyOnWriteArrayList<>();
        events(1).subscribe("restart-topic", m -> (m.isEmpty() ? resets : heard).add(m));
        pg.stop();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(resets).isNotEmpty());
            assertThat(events[1].listening()).isFalse();
            // publishing while the database is away fails quietly (the change itself is what fails with 503)
            events(0).publish("restart-topic", "lost");
        } finally {
            pg.start();
        }
        awaitListening(0);
        awaitListening(1);
        int before = resets.size();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            events(0).publish("restart-topic", "after");
            assertThat(heard).contains("after");
        });
        assertThat(resets.size()).isGreaterThanOrEqualTo(before);
    }
}
