package io.gatehouse.registry.metadata;

import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;

/** {@link SqlMetadataStore} on SQLite: one process, one writer at a time. */
public final class SqliteMetadataStore extends SqlMetadataStore {

    /**
     * One writer at a time, queued in Java: SQLite allows a single writer anyway, and its busy handler backs off
     * in sleeps of up to 100 ms, which under concurrent pushes costs far more than a fair in-process queue.
     */
    private final ReentrantLock writeLock = new ReentrantLock(true);

    public SqliteMetadataStore(Jdbi jdbi, Clock clock) {
        super(jdbi, clock, Dialect.SQLITE);
    }

    @Override
    <T> T inWrite(HandleCallback<T, RuntimeException> work) {
        writeLock.lock();
        try {
            return jdbi.inTransaction(work);
        } finally {
            writeLock.unlock();
        }
    }
}
