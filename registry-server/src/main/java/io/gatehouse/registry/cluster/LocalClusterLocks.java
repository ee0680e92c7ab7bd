package io.gatehouse.registry.cluster;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Named locks within one process (a single-node registry). */
public final class LocalClusterLocks implements ClusterLocks {
    private final Set<String> held = new HashSet<>();

    @Override
    public synchronized Optional<Held> tryLock(String name) {
        if (!held.add(name)) return Optional.empty();
        return Optional.of(release(name));
    }

    @Override
    public synchronized Held lock(String name) {
        boolean interrupted = false;
        while (!held.add(name)) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // like ReentrantLock.lock(): keep waiting, restore the flag after
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return release(name);
    }

    private Held release(String name) {
        return new Held() {
            private boolean open = true;

            @Override
            public void close() {
                synchronized (LocalClusterLocks.this) {
                    if (!open) return;
                    open = false;
                    held.remove(name);
                    LocalClusterLocks.this.notifyAll();
                }
            }
        };
    }
}
