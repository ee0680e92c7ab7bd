package io.gatehouse.registry.cluster;

import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Named locks as PostgreSQL session-level advisory locks ({@code pg_advisory_lock}), each held on a connection of its
 * own from the coordination pool for as long as the lock is held. A replica that dies (kill -9, lost network) loses its
 * connections, and the database releases their locks: no lease to wait out, nothing to clean up.
 *
 * <p>The connections come from a pool separate from the metadata pool on purpose: the work done under a lock (a blob's
 * database row) needs a metadata connection of its own, and with one shared pool every connection could be holding a
 * lock while waiting for another one to do the work.
 */
public final class PostgresClusterLocks implements ClusterLocks {
    private final DataSource dataSource;

    public PostgresClusterLocks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<Held> tryLock(String name) {
        return acquire(name, true);
    }

    @Override
    public Held lock(String name) {
        return acquire(name, false).orElseThrow();
    }

    private Optional<Held> acquire(String name, boolean tryOnly) {
        long key = ClusterLocks.key(name);
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw new ClusterUnavailableException("cannot take the cluster lock " + name + ": " + e.getMessage(), e);
        }
        try (PreparedStatement ps = c.prepareStatement(tryOnly ? "SELECT pg_try_advisory_lock(?)" : "SELECT pg_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                // pg_try_advisory_lock answers whether it took the lock; pg_advisory_lock returns (void) once it has
                if (tryOnly && !rs.getBoolean(1)) {
                    c.close();
                    return Optional.empty();
                }
            }
        } catch (SQLException e) {
            discard(c);
            throw new ClusterUnavailableException("cannot take the cluster lock " + name + ": " + e.getMessage(), e);
        }
        return Optional.of(new Held() {
            private boolean open = true;

            @Override
            public synchronized void close() {
                if (!open) return;
                open = false;
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    ps.setLong(1, key);
                    ps.execute();
                    c.close();
                } catch (SQLException e) {
                    // the connection is broken, and with it the lock is gone already; never give it back to the pool
                    discard(c);
                }
            }
        });
    }

    private void discard(Connection c) {
        if (dataSource instanceof HikariDataSource h) {
            h.evictConnection(c);
        } else {
            try {
                c.close();
            } catch (SQLException ignored) {
                // gone
            }
        }
    }
}
