package io.gatehouse.registry.cluster;

import io.gatehouse.registry.auth.LoginThrottle;
import io.gatehouse.registry.scan.service.ScanIndex;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one suite every implementation of the cluster seams passes: {@link ClusterEvents}, {@link ClusterLocks},
 * {@link ReadLeases}, login throttling {@link LoginThrottle.Counts} and the scan job claims of {@link ScanIndex}.
 * "Node 0" and "node 1" are two replicas: two objects on one PostgreSQL database, or the same in-process object for a
 * single node (where there is nobody else, the contract must hold all the same).
 */
abstract class ClusterSeamsContract {

    abstract ClusterEvents events(int node);

    abstract ClusterLocks locks(int node);

    abstract LoginThrottle.Counts counts(int node);

    abstract ScanIndex scans(int node);

    abstract ReadLeases readLeases(int node);

    /** Waits until node holds its read lease (a PostgreSQL replica renews it once its listener is connected). */
    void awaitLease(int node) {
        await().atMost(Duration.ofSeconds(60)).until(() -> readLeases(node).generation() >= 0);
    }

    /** The database behind {@link #scans}, to set up jobs. */
    abstract Jdbi jdbi();

    /** Waits until node's events would receive what is published now (a PostgreSQL listener connects first). */
    void awaitListening(int node) {
    }

    @Test
    void aMessageReachesEveryNodeAndThePublisherAtOnce() {
        awaitListening(0);
        awaitListening(1);
        String topic = "t-" + UUID.randomUUID();
        List<String> here = new CopyOnWriteArrayList<>();
        List<String> there = new CopyOnWriteArrayList<>();
        events(0).subscribe(topic, here::add);
        events(1).subscribe(topic, there::add);
        events(0).publish(topic, "team/app@sha256:1");
        assertThat(here).contains("team/app@sha256:1"); // before publish returned
        await().atMost(events(1).bound().plusSeconds(20)).untilAsserted(() -> assertThat(there).contains("team/app@sha256:1"));
    }

    @Test
    void onlyOneNodeHoldsALockAtATime() {
        String name = "gc-" + UUID.randomUUID();
        Optional<ClusterLocks.Held> first = locks(0).tryLock(name);
        assertThat(first).isPresent();
        assertThat(locks(1).tryLock(name)).isEmpty();
        assertThat(locks(0).tryLock(name)).as("not reentrant").isEmpty();
        assertThat(locks(1).tryLock(name + "-other")).hasValueSatisfying(ClusterLocks.Held::close);
        first.get().close();
        first.get().close(); // twice is harmless
        Optional<ClusterLocks.Held> second = locks(1).tryLock(name);
        assertThat(second).isPresent();
        second.get().close();
    }

    @Test
    void lockWaitsForTheHolderToRelease() throws Exception {
        String name = "blob:sha256:" + UUID.randomUUID();
        ClusterLocks.Held held = locks(0).lock(name);
        AtomicBoolean acquired = new AtomicBoolean();
        CountDownLatch asked = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            asked.countDown();
            try (ClusterLocks.Held h = locks(1).lock(name)) {
                acquired.set(true);
            }
        });
        waiter.start();
        asked.await();
        Thread.sleep(300);
        assertThat(acquired).isFalse();
        held.close();
        waiter.join(30_000);
        assertThat(acquired).isTrue();
    }

    @Test
    void parallelLoginAttemptsAreAdmittedUpToTheLimitAcrossNodes() throws Exception {
        String account = "u:" + UUID.randomUUID();
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis()); // what a database keeps
        Duration window = Duration.ofMinutes(5);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<Instant>>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int node = i % 2;
                String address = "a:10.0.0." + i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return counts(node).admit(account, 5, address, 50, UUID.randomUUID().toString(), now, window);
                }));
            }
            go.countDown();
            int admitted = 0;
            for (Future<Optional<Instant>> f : answers) {
                Optional<Instant> until = f.get(60, TimeUnit.SECONDS);
                if (until.isEmpty()) {
                    admitted++;
                } else {
                    assertThat(until.get()).isEqualTo(now.plus(window));
                }
            }
            assertThat(admitted).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
        assertThat(counts(1).blockedUntil(account, 5, "a:10.9.9.9", 50, now, window)).contains(now.plus(window));
        // the window moves on
        Instant later = now.plus(window).plusSeconds(1);
        assertThat(counts(1).blockedUntil(account, 5, "a:10.9.9.9", 50, later, window)).isEmpty();
    }

    @Test
    void aRightPasswordClearsTheAccountButOnlyItsOwnSlotOfTheAddress() {
        String account = "u:" + UUID.randomUUID();
        String address = "a:" + UUID.randomUUID();
        Instant now = Instant.now();
        Duration window = Duration.ofMinutes(5);
        String good = null;
        for (int i = 0; i < 3; i++) {
            String slot = UUID.randomUUID().toString();
            assertThat(counts(i % 2).admit(account, 3, address, 3, slot, now, window)).isEmpty();
            good = slot;
        }
        assertThat(counts(0).admit(account, 3, "a:elsewhere", 50, "x", now, window)).isPresent();
        counts(1).succeeded(account, address, good);
        assertThat(counts(0).blockedUntil(account, 3, "a:elsewhere", 50, now, window)).isEmpty();
        // the address keeps its two failures: one more is admitted, then it is blocked
        assertThat(counts(0).admit("u:other", 3, address, 3, "y", now, window)).isEmpty();
        assertThat(counts(1).admit("u:other2", 3, address, 3, "z", now, window)).isPresent();
    }

    @Test
    void everyQueuedScanIsClaimedByExactlyOneWorkerOfAnyNode() throws Exception {
        String repo = "claims/" + UUID.randomUUID().toString().substring(0, 8);
        long t = 1_000;
        for (int i = 0; i < 12; i++) {
            assertThat(scans(0).queue(repo, "sha256:" + i, "tester", t + i)).isTrue();
        }
        assertThat(scans(1).queue(repo, "sha256:0", "tester", t)).as("already queued").isFalse();
        List<String> claimed = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int node = w % 2;
                done.add(pool.submit(() -> {
                    long now = System.currentTimeMillis();
                    while (true) {
                        Optional<ScanIndex.Claim> c;
                        try {
                            c = scans(node).claimNext("node" + node, now, now + 60_000);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            continue;
                        }
                        if (c.isEmpty()) break;
                        if (c.get().repository().equals(repo)) claimed.add(c.get().digest());
                    }
                }));
            }
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(failures).hasValue(0);
        assertThat(claimed).hasSize(12).doesNotHaveDuplicates();
        assertThat(scans(0).status(repo, "sha256:3")).hasValueSatisfying(s -> assertThat(s.state().name()).isEqualTo("RUNNING"));
    }

    @Test
    void aScanWhoseLeaseEndedIsTakenOverAndItsOldHolderCannotFinishIt() {
        String repo = "lease/" + UUID.randomUUID().toString().substring(0, 8);
        // nothing else may be claimable for this test's claims to be about its own job
        jdbi().useHandle(h -> h.execute("UPDATE scan_job SET status = 'DONE' WHERE status IN ('QUEUED', 'RUNNING')"));
        scans(0).queue(repo, "sha256:a", "tester", 1);
        long now = System.currentTimeMillis();
        Optional<ScanIndex.Claim> dead = scans(0).claimNext("dead-replica", now, now + 1_000);
        assertThat(dead).contains(new ScanIndex.Claim(repo, "sha256:a"));
        assertThat(scans(1).claimNext("live-replica", now + 500, now + 60_000)).as("lease still running").isEmpty();
        assertThat(scans(0).renew("dead-replica", repo, "sha256:a", now + 1_000)).isTrue();
        Optional<ScanIndex.Claim> taken = scans(1).claimNext("live-replica", now + 2_000, now + 62_000);
        assertThat(taken).contains(new ScanIndex.Claim(repo, "sha256:a"));
        assertThat(scans(0).renew("dead-replica", repo, "sha256:a", now + 3_000)).isFalse();
        scans(0).finished("dead-replica", repo, "sha256:a", io.gatehouse.registry.scan.service.ScanStatus.State.FAILED, "late", now + 3_000);
        assertThat(scans(1).status(repo, "sha256:a")).hasValueSatisfying(s -> assertThat(s.state().name()).isEqualTo("RUNNING"));
        scans(1).finished("live-replica", repo, "sha256:a", io.gatehouse.registry.scan.service.ScanStatus.State.DONE, null, now + 4_000);
        assertThat(scans(0).status(repo, "sha256:a")).hasValueSatisfying(s -> assertThat(s.state().name()).isEqualTo("DONE"));
    }

    @Test
    void aChangeIsDroppedByEveryNodeHoldingALeaseBeforeChangedReturns() {
        awaitLease(0);
        awaitLease(1);
        List<String> here = new CopyOnWriteArrayList<>();
        List<String> there = new CopyOnWriteArrayList<>();
        readLeases(0).subscribe(k -> here.add(String.valueOf(k)));
        readLeases(1).subscribe(k -> there.add(String.valueOf(k)));
        String key = "leases/" + UUID.randomUUID().toString().substring(0, 8) + ":latest";
        readLeases(0).changed(List.of(key, key + "-2"));
        // no waiting here: that is the point
        assertThat(here).contains(key, key + "-2");
        assertThat(there).contains(key, key + "-2");
        assertThat(readLeases(1).generation()).as("still caching").isGreaterThanOrEqualTo(0);
        readLeases(1).changed(List.of()); // nothing changed, nothing to say
    }

    @Test
    void aGenerationStaysWhileTheLeaseIsHeld() {
        awaitLease(1);
        long g = readLeases(1).generation();
        readLeases(0).changed(List.of("leases/same:" + UUID.randomUUID().toString().substring(0, 8)));
        assertThat(readLeases(1).generation()).as("a key dropped, not everything").isEqualTo(g);
    }
}
