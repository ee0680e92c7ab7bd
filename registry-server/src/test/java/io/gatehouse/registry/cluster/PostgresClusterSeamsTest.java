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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
    static final PostgresReadLeases[] leases = new PostgresReadLeases[2];

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.launch();
        // the tables these seams use, as the migrations create them (V60 scan jobs, V90 cluster coordination)
        pg.execute(resource("db/migration/postgresql/V60__scan.sql"), resource("db/migration/common/V90__cluster.sql"),
                resource("db/migration/postgresql/V92__read_leases.sql"));
        for (int i = 0; i < 2; i++) {
            pools[i] = pool(i);
            jdbis[i] = Jdbi.create(pools[i]);
            events[i] = new PostgresClusterEvents(pools[i], "node" + i);
            locks[i] = new PostgresClusterLocks(pools[i]);
            leases[i] = new PostgresReadLeases(pools[i], events[i], "node" + i);
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
            if (leases[i] != null) leases[i].close();
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

    @Override
    ReadLeases readLeases(int node) {
        return leases[node];
    }

    @Test
    void aReplicaThatMissesAnAnnouncementDropsEverythingBeforeAWriterGoesOn() throws Exception {
        HikariDataSource pool = pool(7);
        PostgresClusterEvents deafEvents = new PostgresClusterEvents(pool, "deaf");
        PostgresReadLeases deaf = new PostgresReadLeases(pool, deafEvents, "deaf");
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> deaf.generation() >= 0);
            List<String> dropped = new CopyOnWriteArrayList<>();
            deaf.subscribe(k -> dropped.add(String.valueOf(k)));
            // its listener thread hangs in a subscriber: announcements wait behind it, unheard
            deafEvents.subscribe("stall", m -> {
                stalled.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            events(0).publish("stall", "now");
            assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
            long generation = deaf.generation();
            readLeases(0).changed(List.of("deaf/app:latest"));
            assertThat(dropped).as("it could not hear the key, so it dropped everything").contains("null")
                    .doesNotContain("deaf/app:latest");
            assertThat(deaf.generation()).as("entries loaded before are stale").isNotEqualTo(generation);
        } finally {
            release.countDown();
            deaf.close();
            deafEvents.close();
            pool.close();
        }
    }

    @Test
    void aDeadReplicasLeaseHoldsAWriterUntilItHasRunOut() {
        HikariDataSource pool = pool(8);
        PostgresClusterEvents doomedEvents = new PostgresClusterEvents(pool, "doomed");
        PostgresReadLeases doomed = new PostgresReadLeases(pool, doomedEvents, "doomed");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> doomed.generation() >= 0);
            pool.close(); // as a killed replica's connections close: it renews nothing and acknowledges nothing
            readLeases(0).changed(List.of("doomed/app:latest"));
            Boolean ranOut = jdbi().withHandle(h -> h.createQuery("SELECT until < (extract(epoch from clock_timestamp()) * 1000)::bigint"
                    + " FROM cache_lease WHERE node = 'doomed'").mapTo(Boolean.class).one());
            assertThat(ranOut).as("the writer went on only once the dead replica's lease had run out").isTrue();
            assertThat(doomed.generation()).as("and the dead replica believed it had run out before that").isNegative();
        } finally {
            doomed.close();
            doomedEvents.close();
        }
    }

    @Test
    void aReplicaThatLeavesIsNotWaitedFor() {
        HikariDataSource pool = pool(6);
        PostgresClusterEvents events = new PostgresClusterEvents(pool, "leaving");
        PostgresReadLeases leaving = new PostgresReadLeases(pool, events, "leaving");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> leaving.generation() >= 0);
        } finally {
            leaving.close();
            events.close();
            pool.close();
        }
        int rows = jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM cache_lease WHERE node = 'leaving'")
                .mapTo(Integer.class).one());
        assertThat(rows).isZero();
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
