package io.gatehouse.registry.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Read leases on PostgreSQL: a row per replica in {@code cache_lease} (until when it may cache, by the database's
 * clock; the newest change epoch it has dropped) and a sequence {@code cache_epoch} numbering changes.
 *
 * <p>A writer, after its commit, takes the next epoch, announces {@code epoch + keys} over {@link ClusterEvents}
 * (LISTEN/NOTIFY), and polls until no other replica with a running lease has seen less than that epoch. A replica's
 * listener drops the keys and its keeper thread writes the epoch as seen, at once.
 *
 * <p>Why no replica can serve a stale entry after a writer returned: a replica renews its lease only when it has seen
 * every epoch the sequence had handed out when it looked, so one that missed a message (a lost connection, a lost
 * notification) stops renewing, and the writer waits for its lease to end. It believes its own lease
 * {@link #MARGIN} shorter than the database does, counted from before the renewal was sent. To get back it
 * <em>catches up</em>: it reads the sequence, then starts a new {@link #generation()} (entries loaded before are
 * ignored), then marks everything up to what it read as seen; each of those changes committed before the read, so
 * entries loaded in the new generation hold them. After a listener reset this is done before the lease is renewed.
 * A writer whose epoch or poll the database refuses waits a whole {@link #LEASE} (no lease it could not see survives
 * that), or, when it could not even take an epoch, fails with {@link ClusterUnavailableException}: the change is
 * committed but was not announced, and the client's retry announces it.
 */
public final class PostgresReadLeases implements ReadLeases {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresReadLeases.class);

    /** How long a renewed lease runs (a replica killed holding one delays changes this long at most). */
    static final Duration LEASE = Duration.ofSeconds(3);
    /** How often a lease is renewed. */
    static final Duration RENEW = Duration.ofMillis(500);
    /** How much shorter a replica believes its lease than the database (clock drift, the renewal's own trip). */
    static final Duration MARGIN = Duration.ofMillis(700);
    /** How long a replica waits for a message it is missing before it catches up by dropping everything. */
    static final Duration CATCH_UP_AFTER = Duration.ofSeconds(1);
    /** The topic of change announcements. */
    static final String TOPIC = "read-lease";
    /** NOTIFY payloads are limited to 8000 bytes: a change of more keys is announced as "everything". */
    private static final int MAX_MESSAGE = 6000;

    private static final String NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

    private final DataSource dataSource;
    private final PostgresClusterEvents events;
    private final String node;
    private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong seen = new AtomicLong();
    private final Semaphore wake = new Semaphore(0);
    private final Object state = new Object();
    private final Thread keeper;
    // guarded by state for writes; read without it on the request path
    private volatile long generation = 1;
    private volatile boolean held;
    private volatile long validUntilNanos;
    private boolean catchUpDue = true;
    // keeper thread only
    private long behindSinceNanos;
    private long lastPruneNanos;
    private volatile boolean closed;

    public PostgresReadLeases(DataSource dataSource, PostgresClusterEvents events, String node) {
        this.dataSource = dataSource;
        this.events = events;
        this.node = node;
        events.subscribe(TOPIC, this::heard);
        this.keeper = new Thread(this::keep, "gatehouse-read-lease");
        keeper.setDaemon(true);
        keeper.start();
    }

    @Override
    public long generation() {
        long g = generation;
        if (!held || validUntilNanos - System.nanoTime() <= 0) return -1;
        return g;
    }

    @Override
    public void subscribe(Consumer<String> dropped) {
        subscribers.add(dropped);
    }

    @Override
    public void changed(Collection<String> keys) {
        if (keys.isEmpty()) return;
        long started = System.nanoTime();
        long epoch;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT nextval('cache_epoch')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            epoch = rs.getLong(1);
        } catch (SQLException e) {
            throw new ClusterUnavailableException("cannot tell the other replicas of a change: " + e.getMessage(), e);
        }
        StringBuilder message = new StringBuilder().append(epoch);
        for (String k : keys) message.append('\n').append(k);
        // delivered here at once (this replica drops the keys and has seen the epoch), then to the others
        events.publish(TOPIC, message.length() > MAX_MESSAGE ? epoch + "\n*" : message.toString());
        awaitSeen(epoch, started);
    }

    private void awaitSeen(long epoch, long started) {
        long deadline = started + LEASE.plus(CATCH_UP_AFTER).plus(RENEW.multipliedBy(2)).toNanos();
        long pause = 1;
        while (true) {
            int behind;
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM cache_lease WHERE node <> ? AND seen < ? AND until > " + NOW_MS)) {
                ps.setString(1, node);
                ps.setLong(2, epoch);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    behind = rs.getInt(1);
                }
            } catch (SQLException e) {
                // Nobody can renew a lease without the database either: once LEASE has passed, none we could not see runs.
                LOG.warn("cannot read the other replicas' read leases ({}); waiting for them to run out", e.getMessage());
                sleepNanos(started + LEASE.toNanos() - System.nanoTime());
                return;
            }
            if (behind == 0) return;
            if (System.nanoTime() - deadline > 0) {
                LOG.warn("{} replica(s) still hold a read lease without having seen change {}; going on", behind, epoch);
                return;
            }
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(pause));
            pause = Math.min(pause * 2, 16);
        }
    }

    // the listener's thread: a change announced by any replica (this one at once), or a reset (messages may be lost)
    private void heard(String message) {
        if (message.isEmpty()) {
            synchronized (state) {
                catchUpDue = true;
                held = false;
            }
            wake.release();
            return;
        }
        int nl = message.indexOf('\n');
        long epoch;
        try {
            epoch = Long.parseLong(nl < 0 ? message : message.substring(0, nl));
        } catch (NumberFormatException e) {
            return; // not ours
        }
        if (nl >= 0) {
            String keys = message.substring(nl + 1);
            if (keys.equals("*")) {
                drop(null);
            } else {
                for (String k : keys.split("\n")) drop(k);
            }
        }
        seen.accumulateAndGet(epoch, Math::max);
        wake.release();
    }

    private void drop(String key) {
        for (Consumer<String> s : subscribers) {
            try {
                s.accept(key);
            } catch (RuntimeException e) {
                LOG.warn("a cache could not drop {}: {}", key, e.toString());
            }
        }
    }

    private void keep() {
        while (!closed) {
            try {
                keepOnce();
            } catch (RuntimeException e) {
                LOG.warn("read lease not renewed: {}", e.toString());
            }
            try {
                wake.tryAcquire(RENEW.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void keepOnce() {
        if (!events.listening()) {
            synchronized (state) {
                catchUpDue = true;
                held = false;
            }
            return;
        }
        boolean catchUp;
        synchronized (state) {
            catchUp = catchUpDue;
            catchUpDue = false;
        }
        try (Connection c = dataSource.getConnection()) {
            long handedOut;
            try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM cache_epoch");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                handedOut = rs.getLong(1);
            }
            long now = System.nanoTime();
            boolean behind = seen.get() < handedOut;
            if (!behind) {
                behindSinceNanos = 0;
            } else if (behindSinceNanos == 0) {
                behindSinceNanos = now;
            }
            if (catchUp || (behind && now - behindSinceNanos > CATCH_UP_AFTER.toNanos())) {
                if (behind && !catchUp) LOG.info("read lease: a change announcement did not arrive; dropping every cached tag");
                synchronized (state) {
                    generation++;
                }
                drop(null);
                seen.accumulateAndGet(handedOut, Math::max);
                behind = false;
                behindSinceNanos = 0;
            }
            long sent = System.nanoTime();
            int rows;
            try (PreparedStatement ps = c.prepareStatement("UPDATE cache_lease SET seen = greatest(seen, ?), until = "
                    + (behind ? "until" : NOW_MS + " + " + LEASE.toMillis()) + " WHERE node = ?")) {
                ps.setLong(1, seen.get());
                ps.setString(2, node);
                rows = ps.executeUpdate();
            }
            if (rows == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO cache_lease (node, seen, until) VALUES (?, ?, "
                        + (behind ? "0" : NOW_MS + " + " + LEASE.toMillis()) + ")")) {
                    ps.setString(1, node);
                    ps.setLong(2, seen.get());
                    ps.executeUpdate();
                }
            }
            if (!behind) {
                synchronized (state) {
                    // a reset heard while renewing wins: the next round catches up first
                    if (!catchUpDue) {
                        validUntilNanos = sent + LEASE.minus(MARGIN).toNanos();
                        held = true;
                    }
                }
            }
            if (lastPruneNanos == 0 || now - lastPruneNanos > Duration.ofMinutes(10).toNanos()) {
                lastPruneNanos = now;
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM cache_lease WHERE until < " + NOW_MS + " - 3600000")) {
                    ps.executeUpdate(); // replicas gone for an hour
                }
            }
        } catch (SQLException e) {
            if (catchUp) {
                synchronized (state) {
                    catchUpDue = true; // not done: the next round
                }
            }
            // the lease runs out by itself; requests read the database (or get 503 while it is away)
            LOG.debug("read lease not renewed: {}", e.getMessage());
        }
    }

    private static void sleepNanos(long nanos) {
        if (nanos <= 0) return;
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether this replica holds its lease now (for tests). */
    boolean held() {
        return generation() >= 0;
    }

    @Override
    public void close() {
        closed = true;
        keeper.interrupt();
        try {
            keeper.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (state) {
            held = false;
        }
        // leaving: nobody need wait for this replica's lease to run out
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM cache_lease WHERE node = ?")) {
            ps.setString(1, node);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.debug("read lease not given back: {}", e.getMessage());
        }
    }
}
