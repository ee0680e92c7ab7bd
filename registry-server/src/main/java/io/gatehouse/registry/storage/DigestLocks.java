package io.gatehouse.registry.storage;

import io.gatehouse.core.reference.Digest;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped per-digest locks. Committing a blob (move into place + database row) and GC deleting it (row + file)
 * take the same lock, so GC can never remove the file of a blob a concurrent upload has just committed.
 */
public final class DigestLocks {
    private final ReentrantLock[] stripes = new ReentrantLock[256];

    public DigestLocks() {
        for (int i = 0; i < stripes.length; i++) stripes[i] = new ReentrantLock();
    }

    public ReentrantLock lockFor(Digest digest) {
        return stripes[Integer.parseInt(digest.hex().substring(0, 2), 16)];
    }
}
