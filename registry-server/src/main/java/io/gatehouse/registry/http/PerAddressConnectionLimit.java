package io.gatehouse.registry.http;

import org.eclipse.jetty.io.Connection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps the connections one client address may hold open: one more is closed as soon as it opens, before it can send
 * a byte. Jetty's {@code ConnectionLimit} and {@code NetworkConnectionLimit} count all clients together, so one
 * client holding many slow connections would lock everybody out; its {@code DoSHandler} limits request rates, which
 * a client that never finishes a request does not touch. Added to a connector as an event listener, Jetty calls it for every
 * connection the connector opens and closes.
 */
public final class PerAddressConnectionLimit implements Connection.Listener {
    private final int max;
    private final java.util.function.Predicate<InetAddress> exempt;
    private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** Each open connection's address: a closed endpoint no longer tells it (onClosed would see null). */
    private final ConcurrentHashMap<Connection, InetAddress> addresses = new ConcurrentHashMap<>();

    public PerAddressConnectionLimit(int max) {
        this(max, a -> false);
    }

    /**
     * @param exempt addresses not capped: the trusted reverse proxies, whose connections carry every client behind
     *               them (the proxy limits per client; capping it would lock everybody out at once)
     */
    public PerAddressConnectionLimit(int max, java.util.function.Predicate<InetAddress> exempt) {
        if (max < 1) throw new IllegalArgumentException("max must be at least 1");
        this.max = max;
        this.exempt = exempt;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = addressOf(connection);
        if (address == null || exempt.test(address)) return;
        // Every opened connection is counted and every closed one uncounted, including those closed right here.
        addresses.put(connection, address);
        int now = open.merge(address, 1, Integer::sum);
        if (now > max) connection.getEndPoint().close();
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = addresses.remove(connection);
        if (address == null) return;
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1); // no entry left behind for a gone client
    }

    private static InetAddress addressOf(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress isa ? isa.getAddress() : null;
    }
}
