package io.gatehouse.registry.storage;

import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.cluster.ClusterLocks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-digest locks. Committing a blob (move into place + database row) and GC deleting it (row + file) take the same
 * lock, so GC can never remove the file of a blob a concurrent upload has just committed.
 *
 * <p>Within a process the locks are striped {@link ReentrantLock}s. With replicas ({@link #DigestLocks(ClusterLocks)})
 * each also takes the cluster lock {@code blob:<digest>} (a PostgreSQL advisory lock), since the upload and the GC may
 * run on two replicas; the stripe first, so that threads of one replica queue in memory rather than on the database.
 */
public final class DigestLocks {
    private final ReentrantLock[] stripes = new ReentrantLock[256];
    private final ClusterLocks cluster;

    /** Locks within this process only (a single node). */
    public DigestLocks() {
        this(null);
    }

    /** Locks across the replicas sharing {@code cluster} (null: this process only). */
    public DigestLocks(ClusterLocks cluster) {
        this.cluster = cluster;
        for (int i = 0; i < stripes.length; i++) stripes[i] = new ReentrantLock();
    }

    public Lock lockFor(Digest digest) {
        ReentrantLock stripe = stripes[Integer.parseInt(digest.hex().substring(0, 2), 16)];
        return cluster == null ? stripe : new Both(stripe, cluster, "blob:" + digest);
    }

    /** The stripe, then the cluster-wide lock; lock() and unlock() only (what the callers use). */
    private static final class Both implements Lock {
        private final ReentrantLock stripe;
        private final ClusterLocks cluster;
        private final String name;
        private ClusterLocks.Held held;

        Both(ReentrantLock stripe, ClusterLocks cluster, String name) {
            this.stripe = stripe;
            this.cluster = cluster;
            this.name = name;
        }

        @Override
        public void lock() {
            stripe.lock();
            try {
                held = cluster.lock(name);
            } catch (RuntimeException e) {
                stripe.unlock();
                throw e;
            }
        }

        @Override
        public void unlock() {
            try {
                if (held != null) held.close();
            } finally {
                held = null;
                stripe.unlock();
            }
        }

        @Override
        public void lockInterruptibly() {
            throw new UnsupportedOperationException("lock() only");
        }

        @Override
        public boolean tryLock() {
            throw new UnsupportedOperationException("lock() only");
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) {
            throw new UnsupportedOperationException("lock() only");
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("lock() only");
        }
    }
}
