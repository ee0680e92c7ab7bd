package io.gatehouse.registry.auth;

import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditQuery;
import io.gatehouse.registry.config.RegistryConfig;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.gatehouse.registry.auth.Http.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client address that login throttling and the audit log use, on the real registry: the peer itself unless
 * the peer is a trusted proxy ({@code server.trusted_proxies}), then the right-most untrusted address it reports.
 */
class ClientAddressTest {

    @TempDir
    Path dir;

    private static List<AuditEvent> failedLogins(SecuredRegistry reg) {
        return reg.auth().auditLog().query(new AuditQuery(null, AuditEvent.LOGIN_FAILED, null, null, null, 100, 0));
    }

    @Test
    void forwardingHeadersFromAnUntrustedPeerAreIgnored() {
        try (SecuredRegistry reg = new SecuredRegistry(dir, false, c -> c, 3)) {
            Http http = new Http(reg.base);
            for (int i = 0; i < 3; i++) {
                // a new account and a new claimed address each time: only the real address can be counted
                assertThat(http.send("GET", "/v2/", basic("nobody" + i, "wrong-password"), null, null,
                        "X-Forwarded-For", "203.0.113." + i).status()).isEqualTo(401);
            }
            assertThat(http.send("GET", "/auth/token?service=gatehouse", basic("fresh", "wrong-password"), null, null,
                    "X-Forwarded-For", "203.0.113.99", "Forwarded", "for=198.51.100.1").status()).isEqualTo(429);
            assertThat(failedLogins(reg)).hasSize(3).allSatisfy(e -> assertThat(e.sourceAddress()).isEqualTo("127.0.0.1"));
        }
    }

    @Test
    void behindATrustedProxyEachClientCountsOnItsOwn() {
        try (SecuredRegistry reg = new SecuredRegistry(dir, false, c -> c.with("server.trusted_proxies", "127.0.0.1"), 3)) {
            Http http = new Http(reg.base);
            for (int i = 0; i < 3; i++) {
                assertThat(http.send("GET", "/v2/", basic("guess" + i, "wrong-password"), null, null,
                        "X-Forwarded-For", "198.51.100.7").status()).isEqualTo(401);
            }
            // That client is at its limit, even when it prepends an address of its choice (the proxy appends the real one).
            assertThat(http.send("GET", "/v2/", basic("guess9", "wrong-password"), null, null,
                    "X-Forwarded-For", "192.0.2.1, 198.51.100.7").status()).isEqualTo(429);
            assertThat(http.send("GET", "/auth/token?service=gatehouse", basic("guess9", "wrong-password"), null, null,
                    "X-Forwarded-For", "198.51.100.7").status()).isEqualTo(429);
            // Another client behind the same proxy is not.
            assertThat(http.send("GET", "/v2/", basic("guess9", "wrong-password"), null, null,
                    "X-Forwarded-For", "198.51.100.8").status()).isEqualTo(401);
            assertThat(http.send("GET", "/v2/", basic("guess10", "wrong-password"), null, null,
                    "Forwarded", "for=\"[2001:db8::17]:4711\";proto=https").status()).isEqualTo(401);
            assertThat(failedLogins(reg)).extracting(AuditEvent::sourceAddress)
                    .containsOnly("198.51.100.7", "198.51.100.8", "[2001:db8:0:0:0:0:0:17]"); // Jetty's form of IPv6 peers

            // The management API's audit entries name the client too.
            assertThat(http.json("POST", "/api/v1/orgs", SecuredRegistry.admin(), "{\"name\":\"proxied\"}").status()).isEqualTo(201);
            String created = "{\"name\":\"viaproxy\"}";
            assertThat(http.send("POST", "/api/v1/orgs", SecuredRegistry.admin(), "application/json", created,
                    "X-Forwarded-For", "198.51.100.9").status()).isEqualTo(201);
            List<AuditEvent> orgs = reg.auth().auditLog().query(new AuditQuery(null, "org.create", null, null, null, 10, 0));
            assertThat(orgs).extracting(AuditEvent::sourceAddress).containsExactlyInAnyOrder("127.0.0.1", "198.51.100.9");
        }
    }

    @Test
    void theRightMostUntrustedAddressIsTheClient() throws Exception {
        ClientAddresses c = new ClientAddresses(List.of("10.0.0.0/8", "192.0.2.10"));
        InetAddress proxy = InetAddress.getByName("10.1.2.3");
        assertThat(client(c, proxy, "X-Forwarded-For", "1.1.1.1, 2.2.2.2, 10.0.0.5")).isEqualTo("2.2.2.2");
        assertThat(client(c, proxy, "X-Forwarded-For", "2.2.2.2:5555")).isEqualTo("2.2.2.2");
        // Garbage (or a host name) where an address belongs: the proxy that reported it stands for the client.
        assertThat(client(c, proxy, "X-Forwarded-For", "1.1.1.1, proxy.example, 10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(client(c, proxy, "X-Forwarded-For", "999.1.1.1")).isEqualTo("10.1.2.3");
        assertThat(client(c, proxy, "Forwarded", "for=unknown")).isEqualTo("10.1.2.3");
        assertThat(client(c, proxy, "Forwarded", "for=3.3.3.3;by=10.0.0.1, for=192.0.2.10")).isEqualTo("3.3.3.3");
        // Only trusted peers are asked.
        assertThat(client(c, InetAddress.getByName("192.0.2.11"), "X-Forwarded-For", "4.4.4.4")).isEqualTo("192.0.2.11");
        assertThat(client(c, proxy, "X-Forwarded-For", "")).isEqualTo("10.1.2.3");
        assertThatThrownBy(() -> new ClientAddresses(List.of("proxy.example"))).hasMessageContaining("server.trusted_proxies");
        assertThatThrownBy(() -> new ClientAddresses(List.of("10.0.0.0/x"))).hasMessageContaining("server.trusted_proxies");
    }

    private static String client(ClientAddresses c, InetAddress peer, String header, String value) {
        return c.client(peer, HttpFields.build().add(header, value)).getHostAddress();
    }

    @Test
    void theSettingIsAListInYamlOrCommaSeparatedInTheEnvironment() throws Exception {
        assertThat(RegistryConfig.defaults().trustedProxies()).isEmpty();
        Path yaml = dir.resolve("gatehouse.yaml");
        Files.writeString(yaml, """
                server:
                  trusted_proxies:
                    - 10.0.0.0/8
                    - 192.0.2.10
                """);
        assertThat(RegistryConfig.load(yaml, Map.of()).trustedProxies()).containsExactly("10.0.0.0/8", "192.0.2.10");
        assertThat(RegistryConfig.load(yaml, Map.of("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1, fd00::/8")).trustedProxies())
                .containsExactly("127.0.0.1", "fd00::/8");
    }
}
