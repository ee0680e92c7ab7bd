package io.gatehouse.jenkins.service;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An HTTP proxy, as Jenkins' "Manage Jenkins → System → HTTP Proxy Configuration" ({@code hudson.ProxyConfiguration})
 * describes it: host and port, an optional Basic login, and the hosts to reach directly (regular expressions, as
 * {@code ProxyConfiguration.getNoProxyHostPatterns()} makes them from the "No Proxy Host" lines). {@link #NONE}:
 * connect directly. A value with equals(): the shared HTTP client is rebuilt exactly when this changes.
 * {@link #toString()} never shows the password.
 */
public record ProxySettings(String host, int port, String username, String password, List<String> noProxyPatterns)
        implements java.io.Serializable {
    public static final ProxySettings NONE = new ProxySettings(null, 0, null, null, List.of());

    public ProxySettings {
        noProxyPatterns = noProxyPatterns == null ? List.of() : List.copyOf(noProxyPatterns);
    }

    public boolean isDirect() {
        return host == null || host.isBlank();
    }

    /** Whether {@code host} is to be reached without the proxy (a "No Proxy Host" pattern matches it). */
    public boolean bypasses(String targetHost) {
        return isDirect() || noProxyPatterns.stream().anyMatch(p -> Pattern.compile(p).matcher(targetHost).matches());
    }

    @Override
    public String toString() {
        return isDirect() ? "direct" : host + ":" + port + (username == null ? "" : " as " + username + "/****")
                + (noProxyPatterns.isEmpty() ? "" : " except " + noProxyPatterns);
    }
}
