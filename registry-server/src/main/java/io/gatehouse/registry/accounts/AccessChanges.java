package io.gatehouse.registry.accounts;

import io.gatehouse.registry.cluster.ClusterEvents;
import io.gatehouse.registry.cluster.LocalClusterEvents;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells caches that accounts, memberships, grants or visibility changed. The stores fire it after every committed
 * write, so a permission taken away takes effect on the next request (tokens already issued keep their short life).
 * With replicas the change goes out on the {@link ClusterEvents} too, and a change made on another replica (or a
 * reset, when its news may have been lost) empties this one's caches: a grant revoked anywhere is refused everywhere
 * within the cluster's bound.
 */
public final class AccessChanges {
    static final String TOPIC = "access";

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ClusterEvents cluster;

    /** Within this process only. */
    public AccessChanges() {
        this(new LocalClusterEvents());
    }

    public AccessChanges(ClusterEvents cluster) {
        this.cluster = cluster;
        cluster.subscribe(TOPIC, message -> {
            for (Runnable l : listeners) l.run();
        });
    }

    public void subscribe(Runnable listener) {
        listeners.add(listener);
    }

    /** After a committed change: every replica's listeners run (this one's before this returns). */
    public void fire() {
        cluster.publish(TOPIC, "");
    }
}
