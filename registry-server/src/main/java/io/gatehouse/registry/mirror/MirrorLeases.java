package io.gatehouse.registry.mirror;

import io.gatehouse.registry.cluster.Faults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeat of the mirror runs under way on this replica, and the end of those whose replica stopped. Every third
 * of {@code mirror.lease} it renews the lease of each run it holds, then marks INTERRUPTED any run (of any replica)
 * whose lease has ended: a replica killed in the middle of a run is so recorded within {@code mirror.lease} plus a
 * third of it, by whichever replica looks first. (The run's target is free again as soon as the replica dies: its
 * {@code mirror:<target>} advisory lock goes with its database connection.)
 */
public final class MirrorLeases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorLeases.class);

    /** The default {@code mirror.lease}. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

    private final MirrorRuns runs;
    private final String node;
    private final Duration lease;
    private final Clock clock;
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private volatile boolean failing;

    /**
     * @param node  this replica's id (recorded as the run's holder)
     * @param lease how long a run stays RUNNING without renewal
     */
    public MirrorLeases(MirrorRuns runs, String node, Duration lease, Clock clock) {
        this.runs = runs;
        this.node = node;
        this.lease = lease;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gatehouse-mirror-leases");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, lease.toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    public String node() {
        return node;
    }

    /** The end of a lease taken or renewed now. */
    public long leaseUntil() {
        return clock.millis() + lease.toMillis();
    }

    /** Starts renewing run {@code id} (just recorded with {@link #leaseUntil()} by this replica). */
    public void hold(long id) {
        held.add(id);
    }

    /** Stops renewing run {@code id} (it finished, whatever the outcome). */
    public void release(long id) {
        held.remove(id);
    }

    /** One heartbeat; a failure (database away) is logged once and the next beat tries again. */
    void beat() {
        try {
            long until = leaseUntil();
            for (long id : held) {
                if (!runs.renew(id, node, until)) {
                    // another replica ended it (this one could not renew in time): the run's own outcome, once it
                    // has one, is still recorded by MirrorRuns.finish
                    LOG.warn("mirror run {} was marked interrupted while still running here (its lease had ended)", id);
                }
            }
            int ended = runs.interruptExpired(clock.millis(), node);
            if (ended > 0) LOG.info("{} mirror run(s) of a stopped replica marked interrupted", ended);
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) LOG.warn("could not renew or check mirror run leases: {}", Faults.describe(e));
            failing = true;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
