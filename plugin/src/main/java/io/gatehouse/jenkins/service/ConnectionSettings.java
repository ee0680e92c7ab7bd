package io.gatehouse.jenkins.service;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the registry is and how to talk TLS to it. {@code caCertificatePem} (may be null) is trusted in addition
 * to the JDK's roots; {@code insecure} turns TLS verification off entirely (the global configuration warns);
 * {@code proxy} is Jenkins' HTTP proxy configuration (used on the controller only).
 */
public record ConnectionSettings(URI registryUrl, String caCertificatePem, boolean insecure, Duration connectTimeout, ProxySettings proxy)
        implements java.io.Serializable {
    public ConnectionSettings {
        Objects.requireNonNull(registryUrl, "registryUrl");
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(30) : connectTimeout;
        proxy = proxy == null ? ProxySettings.NONE : proxy;
    }

    /** Without a proxy (connect directly). */
    public ConnectionSettings(URI registryUrl, String caCertificatePem, boolean insecure, Duration connectTimeout) {
        this(registryUrl, caCertificatePem, insecure, connectTimeout, ProxySettings.NONE);
    }

    /**
     * The same without the controller's proxy: for an agent, which has its own network path, and which must not
     * receive the proxy password either.
     */
    public ConnectionSettings forAgent() {
        return new ConnectionSettings(registryUrl, caCertificatePem, insecure, connectTimeout, ProxySettings.NONE);
    }

    /** host[:port] as it appears in image references ("registry.example.com:5000/team/app"). */
    public String registryHost() {
        return registryUrl.getPort() < 0 ? registryUrl.getHost() : registryUrl.getHost() + ":" + registryUrl.getPort();
    }
}
