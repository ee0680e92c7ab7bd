package io.gatehouse.registry.metadata;

import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.time.Clock;

/**
 * {@link SqlMetadataStore} on PostgreSQL, shared by every replica: no process-wide lock (writers on other replicas
 * would not see it); write transactions run at READ COMMITTED and lock the rows whose existence they rely on
 * (a manifest's blobs and children, FOR SHARE) and the rows they delete conditionally (GC, FOR UPDATE first, so
 * that the delete's conditions are evaluated after the other side committed).
 */
public final class PostgresMetadataStore extends SqlMetadataStore {

    public PostgresMetadataStore(Jdbi jdbi, Clock clock) {
        super(jdbi, clock, Dialect.POSTGRESQL);
    }

    @Override
    <T> T inWrite(HandleCallback<T, RuntimeException> work) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, work);
    }
}
