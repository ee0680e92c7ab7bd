package io.gatehouse.registry.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Named mutual exclusion across every replica: garbage collection ({@code gc}), one mirror run per target
 * ({@code mirror:<repository>}), a blob's commit against its deletion ({@code blob:<digest>}).
 * {@link LocalClusterLocks} within one process; {@link PostgresClusterLocks} with PostgreSQL advisory locks, which the
 * database releases by itself when the holding replica dies (its connection closes), so a killed replica never leaves
 * a lock behind.
 *
 * <p>Not reentrant: a thread holding a name and asking for it again waits for itself (or, with {@link #tryLock}, is refused).
 */
public interface ClusterLocks {

    /** A held lock; {@link #close()} releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** The lock if nobody holds it now, else empty (without waiting). */
    Optional<Held> tryLock(String name);

    /** Waits for the lock. */
    Held lock(String name);

    /** A name's 64-bit key for PostgreSQL's advisory locks: the first 8 bytes of its SHA-256 (a collision only makes two names share a lock). */
    static long key(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            long k = 0;
            for (int i = 0; i < 8; i++) k = (k << 8) | (d[i] & 0xff);
            return k;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
