package io.gatehouse.registry;

import io.gatehouse.registry.config.RegistryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        RegistryConfig c = RegistryConfig.defaults();
        assertThat(c.port()).isEqualTo(5000);
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.database()).isEqualTo(Path.of("./data/gatehouse.db"));
        assertThat(c.maxManifestBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(c.tlsEnabled()).isFalse();
    }

    @Test
    void yamlThenEnvironment() throws Exception {
        Path yaml = dir.resolve("gatehouse.yaml");
        Files.writeString(yaml, """
                server:
                  port: 6000
                  host: 127.0.0.1
                storage:
                  data_dir: /srv/gatehouse
                gc:
                  interval: 6h
                  grace_period: PT30M
                  delete_untagged: yes
                auth:
                  anonymous_pull: true
                """);
        RegistryConfig c = RegistryConfig.load(yaml, Map.of("GATEHOUSE_PORT", "7000", "GATEHOUSE_ADMIN_PASSWORD", "s3cret"));
        assertThat(c.port()).isEqualTo(7000);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/gatehouse"));
        assertThat(c.database()).isEqualTo(Path.of("/srv/gatehouse/gatehouse.db"));
        assertThat(c.gcInterval()).isEqualTo(Duration.ofHours(6));
        assertThat(c.gcGracePeriod()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.gcDeleteUntagged()).isTrue();
        // settings owned by other capabilities
        assertThat(c.booleanSetting("auth.anonymous_pull")).isTrue();
        assertThat(c.setting("auth.admin_password")).isEqualTo("s3cret");
        assertThat(c.setting("auth.service")).isEqualTo("gatehouse");
    }

    @Test
    void badValuesSayWhich() {
        assertThatThrownBy(() -> RegistryConfig.load(null, Map.of("GATEHOUSE_PORT", "http")))
                .hasMessageContaining("server.port");
        assertThatThrownBy(() -> RegistryConfig.load(null, Map.of("GATEHOUSE_GC_INTERVAL", "soon")))
                .hasMessageContaining("gc.interval");
        assertThatThrownBy(() -> RegistryConfig.load(null, Map.of("GATEHOUSE_TLS_CERT", "/x.pem")))
                .hasMessageContaining("together");
    }

    @Test
    void helpListsEverySetting() {
        java.io.StringWriter out = new java.io.StringWriter();
        io.gatehouse.registry.cli.GatehouseCommand.commandLine().getSubcommands().get("serve").usage(new java.io.PrintWriter(out));
        for (RegistryConfig.Setting s : RegistryConfig.SETTINGS) {
            assertThat(out.toString()).contains(s.key()).contains(s.env());
        }
    }

    @Test
    void slowClientLimits() {
        RegistryConfig d = RegistryConfig.defaults();
        assertThat(d.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(d.minRequestDataRate()).isEqualTo(1024);
        assertThat(d.maxConnectionsPerAddress()).isEqualTo(512);
        RegistryConfig c = RegistryConfig.load(null, java.util.Map.of("GATEHOUSE_IDLE_TIMEOUT", "10s",
                "GATEHOUSE_MIN_REQUEST_DATA_RATE", "0", "GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS", "0"));
        assertThat(c.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(c.minRequestDataRate()).isZero();
        assertThat(c.maxConnectionsPerAddress()).isZero();
        assertThatThrownBy(() -> d.with("server.idle_timeout", "0")).hasMessageContaining("server.idle_timeout");
        assertThatThrownBy(() -> d.with("server.max_connections_per_address", "-1")).hasMessageContaining("server.max_connections_per_address");
    }
}
