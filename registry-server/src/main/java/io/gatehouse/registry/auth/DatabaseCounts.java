package io.gatehouse.registry.auth;

import io.gatehouse.registry.cluster.ClusterLocks;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Login throttling counts in the database (table {@code login_attempts}, migration V90), shared by every replica.
 * {@link #admit} is one transaction that first takes the two keys' transaction-scoped advisory locks on PostgreSQL
 * (in a fixed order, so two callers never wait for each other crosswise); on SQLite every write transaction is
 * already exclusive (BEGIN IMMEDIATE). Either way no two attempts count against the same key at once, so parallel
 * guesses on different replicas cannot all slip under the limit.
 */
public final class DatabaseCounts implements LoginThrottle.Counts {
    private final Jdbi jdbi;
    private final boolean postgres;

    public DatabaseCounts(Jdbi jdbi, boolean postgres) {
        this.jdbi = jdbi;
        this.postgres = postgres;
    }

    @Override
    public Optional<Instant> admit(String accountKey, int maxPerAccount, String addressKey, int maxPerAddress, String slot,
                                   Instant now, Duration window) {
        long from = now.minus(window).toEpochMilli();
        return jdbi.inTransaction(h -> {
            if (postgres) {
                String first = accountKey.compareTo(addressKey) <= 0 ? accountKey : addressKey;
                String second = first.equals(accountKey) ? addressKey : accountKey;
                for (String key : new String[]{first, second}) {
                    h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?)) locked")
                            .bind(0, ClusterLocks.key("login:" + key)).mapTo(Integer.class).one();
                }
            }
            // everything that left the window, of every key: the table holds only live counts
            h.createUpdate("DELETE FROM login_attempts WHERE at <= ?").bind(0, from).execute();
            Optional<Instant> until = LoginThrottle.later(until(h, accountKey, maxPerAccount, window),
                    until(h, addressKey, maxPerAddress, window));
            if (until.isPresent()) return until;
            for (String key : new String[]{accountKey, addressKey}) {
                h.createUpdate("INSERT INTO login_attempts (throttle_key, slot, at) VALUES (?, ?, ?)")
                        .bind(0, key).bind(1, slot).bind(2, now.toEpochMilli()).execute();
            }
            return Optional.<Instant>empty();
        });
    }

    @Override
    public Optional<Instant> blockedUntil(String accountKey, int maxPerAccount, String addressKey, int maxPerAddress,
                                          Instant now, Duration window) {
        long from = now.minus(window).toEpochMilli();
        return jdbi.withHandle(h -> LoginThrottle.later(until(h, accountKey, maxPerAccount, window, from),
                until(h, addressKey, maxPerAddress, window, from)));
    }

    @Override
    public void succeeded(String accountKey, String addressKey, String slot) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM login_attempts WHERE throttle_key = ?").bind(0, accountKey).execute();
            h.createUpdate("DELETE FROM login_attempts WHERE throttle_key = ? AND slot = ?").bind(0, addressKey).bind(1, slot).execute();
        });
    }

    // after the prune: every row of the key is inside the window
    private static Optional<Instant> until(Handle h, String key, int max, Duration window) {
        return until(h, key, max, window, Long.MIN_VALUE);
    }

    private static Optional<Instant> until(Handle h, String key, int max, Duration window, long after) {
        return h.createQuery("SELECT count(*), min(at) FROM login_attempts WHERE throttle_key = ? AND at > ?")
                .bind(0, key).bind(1, after)
                .map((rs, ctx) -> rs.getLong(1) >= max ? Optional.of(Instant.ofEpochMilli(rs.getLong(2)).plus(window)) : Optional.<Instant>empty())
                .one();
    }
}
