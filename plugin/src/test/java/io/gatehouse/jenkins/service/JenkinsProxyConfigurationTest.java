package io.gatehouse.jenkins.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jenkins' HTTP proxy configuration, as {@link ProxySettings}, is honoured by the plugin's HTTP client: requests to
 * our registry go through a forward proxy on loopback (with its Basic login after a 407), a "No Proxy Host" pattern
 * goes direct, and the one shared client is rebuilt exactly when the proxy settings change.
 */
class JenkinsProxyConfigurationTest {
    @TempDir
    static Path dir;
    static RegistryServer server;
    static ForwardProxy proxy;
    static final String LOGIN = "Basic " + Base64.getEncoder().encodeToString("proxyuser:proxy-pw-77".getBytes(StandardCharsets.UTF_8));

    @BeforeAll
    static void start() throws IOException {
        server = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start();
        proxy = new ForwardProxy(LOGIN);
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static ConnectionSettings settings(ProxySettings p) {
        return new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(10), p);
    }

    @Test
    void callsGoThroughTheProxyWithItsLogin() {
        proxy.seen.clear();
        ProxySettings p = new ProxySettings("127.0.0.1", proxy.port(), "proxyuser", "proxy-pw-77", List.of());
        Check c = new RegistryGatehouseService(settings(p), RegistryAuth.ANONYMOUS).testConnection();
        assertThat(c.kind()).as(c.message()).isEqualTo(Check.Kind.OK);
        assertThat(proxy.seen).extracting(ForwardProxy.Seen::requestLine).contains("GET " + server.baseUrl() + "/v2/ HTTP/1.1");
        assertThat(proxy.seen).extracting(ForwardProxy.Seen::proxyAuthorization).contains(LOGIN);
        assertThat(p.toString()).doesNotContain("proxy-pw-77");
    }

    @Test
    void aWrongProxyLoginIsAnErrorNotALoop() {
        proxy.seen.clear();
        ProxySettings p = new ProxySettings("127.0.0.1", proxy.port(), "proxyuser", "wrong", List.of());
        Check c = new RegistryGatehouseService(settings(p), RegistryAuth.ANONYMOUS).testConnection();
        assertThat(c.kind()).isEqualTo(Check.Kind.ERROR);
        assertThat(c.message()).contains("407").doesNotContain("wrong");
        assertThat(proxy.seen).hasSize(2); // once without, once with the login; then it gives up
    }

    @Test
    void aNoProxyHostPatternGoesDirect() {
        proxy.seen.clear();
        // as ProxyConfiguration.getNoProxyHostPatterns() turns "127.0.0.*" into a regular expression
        ProxySettings p = new ProxySettings("127.0.0.1", proxy.port(), "proxyuser", "proxy-pw-77", List.of("127\\.0\\.0\\..*"));
        Check c = new RegistryGatehouseService(settings(p), RegistryAuth.ANONYMOUS).testConnection();
        assertThat(c.kind()).as(c.message()).isEqualTo(Check.Kind.OK);
        assertThat(proxy.seen).isEmpty();
    }

    @Test
    void oneSharedClientRebuiltWhenTheProxyConfigurationChanges() {
        ProxySettings a = new ProxySettings("proxy.example.com", 3128, null, null, List.of());
        var first = HttpClients.base(a);
        assertThat(HttpClients.base(new ProxySettings("proxy.example.com", 3128, null, null, List.of()))).isSameAs(first);
        // per-call clients (TLS, timeouts) share its connection pool and dispatcher
        var derived = HttpClients.build(new ConnectionSettings(URI.create("https://registry.example.com"), null, false, Duration.ofSeconds(3), a));
        assertThat(derived.connectionPool()).isSameAs(first.connectionPool());
        assertThat(derived.dispatcher()).isSameAs(first.dispatcher());

        var changed = HttpClients.base(new ProxySettings("proxy.example.com", 8080, null, null, List.of()));
        assertThat(changed).isNotSameAs(first);
        assertThat(HttpClients.base(ProxySettings.NONE)).isNotSameAs(changed);
    }
}
