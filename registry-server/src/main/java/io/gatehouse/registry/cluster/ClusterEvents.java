package io.gatehouse.registry.cluster;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Tells every replica (this one included) that something cached may have changed: a grant, a repository's gate
 * settings, a deleted manifest. Messages are hints to drop cached answers, never data: a replica that may have missed
 * some (its listening connection broke) is told {@link #RESET} instead, which subscribers answer by dropping
 * everything. {@link LocalClusterEvents} for a single node, {@link PostgresClusterEvents} (LISTEN/NOTIFY) for replicas
 * sharing a PostgreSQL database.
 *
 * <p>The bound ({@link #bound()}): a message published after a commit on one replica has reached every other
 * replica's subscribers, or they have been reset, within that long.
 */
public interface ClusterEvents extends AutoCloseable {

    /** The topic subscribers of every topic receive when messages may have been lost; the message is empty. */
    String RESET = "reset";

    /** Delivers {@code message} on {@code topic} to the subscribers of every replica; call it after the change committed. */
    void publish(String topic, String message);

    /**
     * Calls {@code subscriber} with each message on {@code topic} (from any replica, this one included) and with an
     * empty message whenever a {@link #RESET} is due. Subscribers must be quick and must not throw.
     */
    void subscribe(String topic, Consumer<String> subscriber);

    /** How long after {@link #publish} every replica's subscribers have run (or were reset), at most. */
    Duration bound();

    @Override
    void close();
}
