package io.gatehouse.registry.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * How this registry process coordinates with the others sharing its database, chosen by the database: SQLite is one
 * node (events and locks in memory: exactly what a single-node registry always did); PostgreSQL means any number of
 * replicas (LISTEN/NOTIFY, advisory locks). Nothing to configure. (The signing keys every replica must share live in
 * the database whatever its kind: {@code metadata/SigningKeys}.)
 *
 * <p>{@link #shared()} tells the capabilities that cache or own work whether another process may change the database
 * under them (content: tags cached under read leases; scanning: claims under a lease; throttling: counts in the database).
 */
public final class Cluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    private final boolean shared;
    private final String node;
    private final ClusterEvents events;
    private final ClusterLocks locks;
    private final ReadLeases readLeases;
    private final HikariDataSource coordination;

    private Cluster(boolean shared, String node, ClusterEvents events, ClusterLocks locks, ReadLeases readLeases,
                    HikariDataSource coordination) {
        this.shared = shared;
        this.node = node;
        this.events = events;
        this.locks = locks;
        this.readLeases = readLeases;
        this.coordination = coordination;
    }

    /** A single node: in-memory events and locks. */
    public static Cluster single() {
        return new Cluster(false, nodeId(), new LocalClusterEvents(), new LocalClusterLocks(), new LocalReadLeases(), null);
    }

    /** The coordination for the database behind {@code dataSource}: replicas on PostgreSQL, a single node otherwise. */
    public static Cluster forDatabase(DataSource dataSource) {
        if (!isPostgres(dataSource)) return single();
        if (dataSource instanceof HikariDataSource h && h.getConnectionTimeout() > CONNECTION_TIMEOUT_MS) {
            // With the database away, a request waits this long for a connection before it is answered 503 (GET and
            // HEAD wait twice, around their one retry): seconds, not Hikari's default half minute, so that clients and
            // the balancer's health checks hear of the outage while it lasts.
            h.getHikariConfigMXBean().setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        }
        String node = nodeId();
        HikariDataSource pool = coordinationPool(dataSource);
        try {
            PostgresClusterEvents events = new PostgresClusterEvents(pool, node);
            LOG.info("cluster mode (PostgreSQL): replica {}; caches follow the other replicas within {} ms, tags under read leases",
                    node, events.bound().toMillis());
            return new Cluster(true, node, events, new PostgresClusterLocks(pool), new PostgresReadLeases(pool, events, node), pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** How long a replica waits for a database connection before it gives up on a request (503). */
    static final long CONNECTION_TIMEOUT_MS = 5_000;

    /** Replicas (PostgreSQL), or a single node (SQLite). */
    public boolean shared() {
        return shared;
    }

    /** This process's id among the replicas: host, pid and a random part (a restarted replica is a new one). */
    public String node() {
        return node;
    }

    public ClusterEvents events() {
        return events;
    }

    public ClusterLocks locks() {
        return locks;
    }

    /** What lets a replica cache tags and still never serve one older than an acknowledged push elsewhere. */
    public ReadLeases readLeases() {
        return readLeases;
    }

    static boolean isPostgres(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new ClusterUnavailableException("cannot reach the database: " + e.getMessage(), e);
        }
    }

    /**
     * A small pool beside the metadata pool, on the same database and credentials, for what holds a connection for a
     * while: the events listener (one for good) and advisory locks (one each while held).
     */
    private static HikariDataSource coordinationPool(DataSource dataSource) {
        HikariConfig c = new HikariConfig();
        if (dataSource instanceof HikariDataSource h) {
            h.copyStateTo(c);
        } else {
            c.setDataSource(dataSource);
        }
        c.setPoolName("gatehouse-coordination");
        c.setMaximumPoolSize(16);
        c.setMinimumIdle(1);
        // a lock or the listener waits for the database, not for a free connection: fail fast into a 503
        c.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        c.setMetricRegistry(null);
        c.setHealthCheckRegistry(null);
        return new HikariDataSource(c);
    }

    private static String nodeId() {
        return hostName() + "/" + ProcessHandle.current().pid() + "/" + randomSuffix();
    }

    /**
     * The machine's name as the kernel has it: {@code InetAddress.getLocalHost()} also resolves it, which on a host
     * whose name is in no DNS or hosts file waits for the resolver's timeout before the registry can start.
     */
    static String hostName() {
        try {
            String h = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) return h;
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String randomSuffix() {
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        return HexFormat.of().formatHex(r);
    }

    @Override
    public void close() {
        readLeases.close();
        events.close();
        if (coordination != null) coordination.close();
    }
}
