package io.gatehouse.registry.auth;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.InetAddressSet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one place that decides a request's client address, for login throttling and the audit log: a Jetty request
 * customizer, so that {@code Request.getRemoteAddr} answers the client everywhere (the token endpoint, /v2, the
 * management API).
 *
 * <p>The client is the direct peer, unless the peer is a trusted proxy ({@code server.trusted_proxies}: addresses
 * and CIDR ranges). Then the forwarding chain is read from the right — {@code X-Forwarded-For}, or RFC 7239
 * {@code Forwarded: for=} when there is no {@code X-Forwarded-For} — skipping trusted proxies, and the first
 * untrusted address is the client. Everything left of it was written by the client and is ignored, so a client
 * cannot choose its address by sending the headers itself; without trusted proxies the headers are never read.
 * An entry that is not an IP address (garbage, {@code unknown}, an obfuscated node) ends the walk at the trusted
 * proxy that reported it, which then stands for the client (stricter throttling, never a chosen address).
 */
public final class ClientAddresses implements HttpConfiguration.Customizer {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final InetAddressSet trusted = new InetAddressSet();

    /**
     * @param trustedProxies IP addresses and CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}) of the reverse proxies
     *                       in front of the registry; empty: no proxy, headers are ignored
     * @throws IllegalArgumentException for an entry that is neither
     */
    public ClientAddresses(List<String> trustedProxies) {
        for (String p : trustedProxies) {
            String entry = p.strip();
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            boolean validBits = slash < 0 || entry.substring(slash + 1).matches("\\d{1,3}");
            // Checked as a literal first: Jetty would resolve a host name through DNS.
            if (literal(address) == null || !validBits) {
                throw new IllegalArgumentException("server.trusted_proxies: not an IP address or CIDR range: '" + entry + "'");
            }
            trusted.add(entry);
        }
    }

    /** Whether the peer is one of the trusted reverse proxies (whose connections carry many clients). */
    public boolean isTrustedProxy(InetAddress peer) {
        return peer != null && !trusted.isEmpty() && trusted.test(peer);
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        if (trusted.isEmpty()) return request;
        InetAddress peer = literal(node(Request.getRemoteAddr(request)));
        InetAddress client = client(peer, request.getHeaders());
        if (client == null || client.equals(peer)) return request;
        InetSocketAddress remote = new InetSocketAddress(client, 0);
        ConnectionMetaData meta = new ConnectionMetaData.Wrapper(request.getConnectionMetaData()) {
            @Override
            public SocketAddress getRemoteSocketAddress() {
                return remote;
            }
        };
        return new Request.Wrapper(request) {
            @Override
            public ConnectionMetaData getConnectionMetaData() {
                return meta;
            }
        };
    }

    /** The client behind {@code peer} per the forwarding headers (see the class comment). */
    InetAddress client(InetAddress peer, HttpFields headers) {
        List<String> chain = forwardedFor(headers);
        InetAddress current = peer;
        for (int i = chain.size() - 1; i >= 0 && current != null && trusted.test(current); i--) {
            InetAddress next = literal(node(chain.get(i)));
            if (next == null) break;
            current = next;
        }
        return current;
    }

    /** The forwarding chain, client first: X-Forwarded-For, or Forwarded's {@code for=} values when there is none. */
    private static List<String> forwardedFor(HttpFields headers) {
        List<String> out = new ArrayList<>();
        List<String> xff = headers.getValuesList("X-Forwarded-For");
        if (!xff.isEmpty()) {
            for (String line : xff) for (String e : line.split(",")) out.add(e.strip());
            return out;
        }
        for (String line : headers.getValuesList("Forwarded")) {
            for (String element : line.split(",")) {
                String forNode = "";
                for (String pair : element.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) forNode = pair.substring(eq + 1).strip();
                }
                out.add(forNode);
            }
        }
        return out;
    }

    /** The address part of a node: {@code "[2001:db8::1]:4711"}, {@code 192.0.2.1:80}, {@code 2001:db8::1}. */
    private static String node(String s) {
        if (s == null) return "";
        String n = s.strip();
        if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) n = n.substring(1, n.length() - 1);
        if (n.startsWith("[")) {
            int close = n.indexOf(']');
            return close < 0 ? "" : n.substring(1, close);
        }
        int colon = n.indexOf(':');
        return colon >= 0 && colon == n.lastIndexOf(':') ? n.substring(0, colon) : n;
    }

    /** An IP address written as a literal, or null (never a DNS lookup: anything else is refused before parsing). */
    static InetAddress literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) return null;
        if (IPV4.matcher(s).matches()) {
            // getByName would take an out-of-range "999.1.1.1" for a host name and ask DNS
            for (String octet : s.split("\\.")) if (Integer.parseInt(octet) > 255) return null;
        } else if (!IPV6.matcher(s).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }
}
