package io.gatehouse.registry.cluster;

import java.util.Collection;
import java.util.function.Consumer;

/**
 * Read-after-write for what replicas cache of data any of them may change (today: which digest a tag names).
 *
 * <p>A replica answers from its cache only while it holds a read lease ({@link #generation()} is not negative). A
 * writer, after its change committed and before it acknowledges it to its client, calls {@link #changed}: every
 * replica holding a lease drops the changed keys, and {@code changed} returns once each has said so or its lease has
 * run out. So once a push was acknowledged no replica serves the tag's older digest, which a bound on invalidation
 * delay alone (LISTEN/NOTIFY within a second) could not promise; while a replica cannot renew its lease (its
 * listener lost the database, it missed a message) it reads the database instead of its cache.
 *
 * <p>{@link LocalReadLeases} for a single node (its writer drops its own cache; nothing to wait for),
 * {@link PostgresReadLeases} for replicas on one PostgreSQL database.
 */
public interface ReadLeases extends AutoCloseable {

    /**
     * Whether this replica may answer from its cache now: a negative number when not; otherwise a generation that
     * changes whenever everything cached before must be forgotten (entries loaded under another generation are
     * stale). Read it before loading an entry and keep the entry with it.
     */
    long generation();

    /**
     * Calls {@code dropped} with each key another replica (or this one) changed, and with {@code null} when every
     * key must be dropped. Quick, must not throw.
     */
    void subscribe(Consumer<String> dropped);

    /**
     * After a change to {@code keys} committed: tells every replica, and returns once every replica holding a lease
     * has dropped them or its lease has run out (a few seconds at most, for a replica that died holding one).
     *
     * @throws ClusterUnavailableException when the other replicas could not be told (the database is unreachable):
     *                                     the change is committed, but must not be acknowledged as visible everywhere
     */
    void changed(Collection<String> keys);

    @Override
    void close();
}
