package io.gatehouse.registry.accounts;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells caches that accounts, memberships, grants or visibility changed. The stores fire it after every committed
 * write, so a permission taken away takes effect on the next request (tokens already issued keep their short life).
 */
public final class AccessChanges {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public void subscribe(Runnable listener) {
        listeners.add(listener);
    }

    public void fire() {
        for (Runnable l : listeners) l.run();
    }
}
