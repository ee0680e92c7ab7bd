package io.gatehouse.registry.cluster;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Cluster events over PostgreSQL {@code LISTEN/NOTIFY}: {@link #publish} sends {@code pg_notify} (delivered to every
 * listening session once it commits, in commit order), one thread per replica listens on a connection of its own.
 *
 * <p>Why the bound holds: the listener waits at most {@link #POLL} for notifications, then proves its connection alive
 * with a query. When that fails (database restarted, network cut) messages may be lost, so it resets every subscriber,
 * and keeps resetting them every {@link #POLL} until it listens again; after reconnecting it resets once more (what was
 * sent while it was away is gone). A replica therefore never holds a cached answer older than about two polls without
 * having been told or reset.
 */
public final class PostgresClusterEvents implements ClusterEvents {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresClusterEvents.class);
    static final String CHANNEL = "gatehouse_cluster";
    /** How long the listener waits for notifications before checking its connection. */
    static final Duration POLL = Duration.ofMillis(500);

    private final DataSource dataSource;
    private final String node;
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private final Thread listener;
    private volatile boolean closed;
    private volatile boolean listening;

    /**
     * @param dataSource where the listening and publishing connections come from (the coordination pool: the listener
     *                   keeps one for good)
     * @param node       this replica's id: its own notifications, delivered locally at once, are skipped when they come back
     */
    public PostgresClusterEvents(DataSource dataSource, String node) {
        this.dataSource = dataSource;
        this.node = node;
        this.listener = new Thread(this::listen, "gatehouse-cluster-events");
        listener.setDaemon(true);
        listener.start();
    }

    @Override
    public void publish(String topic, String message) {
        // here first: this replica's own caches must not wait for the round trip
        LocalClusterEvents.deliver(subscribers, topic, message);
        String payload = node + "\n" + topic + "\n" + (message == null ? "" : message);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, payload);
            ps.execute();
        } catch (SQLException e) {
            // The change itself committed; the other replicas will not hear of it from us. Their listeners are on the
            // same database: if it is unreachable for them too they reset on their own; if only our connection failed,
            // their caches keep the old answer until their own expiry. Say so loudly rather than fail the request.
            LOG.warn("could not tell the other replicas about a change ({}): their caches expire on their own: {}", topic, e.getMessage());
        }
    }

    @Override
    public void subscribe(String topic, Consumer<String> subscriber) {
        subscribers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(subscriber);
    }

    @Override
    public Duration bound() {
        return POLL.multipliedBy(2);
    }

    /** Whether the listener is connected right now (for /readyz and tests). */
    public boolean listening() {
        return listening;
    }

    private void listen() {
        boolean warned = false;
        while (!closed) {
            Connection c = null;
            try {
                c = dataSource.getConnection();
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening = true;
                // whatever was published before we listened (at start, or while we were away) is lost to us
                reset();
                if (warned) LOG.info("listening to the other replicas again");
                warned = false;
                while (!closed) {
                    PGNotification[] ns = pg.getNotifications((int) POLL.toMillis());
                    if (ns != null) for (PGNotification n : ns) receive(n.getParameter());
                    try (Statement st = c.createStatement()) {
                        st.execute("SELECT 1"); // a dead connection fails here rather than wait silently
                    }
                }
                try (Statement st = c.createStatement()) {
                    st.execute("UNLISTEN *");
                }
                c.close();
                c = null;
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (!warned && !closed) {
                    LOG.warn("not listening to the other replicas ({}); caches are emptied every {} ms until the database answers",
                            e.getMessage(), POLL.toMillis());
                    warned = true;
                }
                if (c != null) discard(c);
                c = null;
                reset();
                try {
                    Thread.sleep(POLL.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        listening = false;
    }

    private void receive(String payload) {
        int a = payload.indexOf('\n');
        int b = a < 0 ? -1 : payload.indexOf('\n', a + 1);
        if (b < 0) return;
        if (payload.substring(0, a).equals(node)) return; // ours, delivered when published
        LocalClusterEvents.deliver(subscribers, payload.substring(a + 1, b), payload.substring(b + 1));
    }

    private void reset() {
        LocalClusterEvents.deliver(subscribers, RESET, "");
    }

    private void discard(Connection c) {
        // a connection that may still LISTEN, or is broken, must not go back to the pool
        if (dataSource instanceof HikariDataSource h) {
            h.evictConnection(c);
        } else {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already gone
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.interrupt();
        try {
            listener.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
