package io.gatehouse.registry.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** One process, no other replica: a message reaches the subscribers before {@link #publish} returns. */
public final class LocalClusterEvents implements ClusterEvents {
    private static final Logger LOG = LoggerFactory.getLogger(LocalClusterEvents.class);
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();

    @Override
    public void publish(String topic, String message) {
        deliver(subscribers, topic, message);
    }

    @Override
    public void subscribe(String topic, Consumer<String> subscriber) {
        subscribers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(subscriber);
    }

    @Override
    public Duration bound() {
        return Duration.ZERO;
    }

    @Override
    public void close() {
    }

    /** Calls the subscribers of {@code topic}, or of every topic for a reset; one failing subscriber does not stop the others. */
    static void deliver(Map<String, List<Consumer<String>>> subscribers, String topic, String message) {
        if (RESET.equals(topic)) {
            subscribers.values().forEach(list -> list.forEach(s -> call(s, "")));
            return;
        }
        List<Consumer<String>> list = subscribers.get(topic);
        if (list != null) list.forEach(s -> call(s, message));
    }

    private static void call(Consumer<String> s, String message) {
        try {
            s.accept(message);
        } catch (RuntimeException e) {
            LOG.warn("a cluster event subscriber failed: {}", e.toString(), e);
        }
    }
}
