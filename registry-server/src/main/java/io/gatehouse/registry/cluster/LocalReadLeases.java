package io.gatehouse.registry.cluster;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** One node: it always holds the lease, and a change is dropped from its own cache before {@link #changed} returns. */
public final class LocalReadLeases implements ReadLeases {
    private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();

    @Override
    public long generation() {
        return 0;
    }

    @Override
    public void subscribe(Consumer<String> dropped) {
        subscribers.add(dropped);
    }

    @Override
    public void changed(Collection<String> keys) {
        for (String k : keys) for (Consumer<String> s : subscribers) s.accept(k);
    }

    @Override
    public void close() {
    }
}
