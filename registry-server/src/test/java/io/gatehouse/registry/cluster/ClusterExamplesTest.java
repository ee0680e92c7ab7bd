package io.gatehouse.registry.cluster;

import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster examples we ship (src-examples/registry/) load and mean what docs/deployment.md says. */
class ClusterExamplesTest {
    static final Path EXAMPLES = Path.of("..", "src-examples", "registry");

    @Test
    void theReplicaConfigurationLoadsAndNamesOnlyDeclaredSettings() {
        RegistryConfig c = RegistryConfig.load(EXAMPLES.resolve("gatehouse-replica.yaml"), Map.of());
        assertThat(c.setting("storage.database")).startsWith("jdbc:postgresql://");
        assertThat(c.setting("storage.driver")).isEqualTo("s3");
        assertThat(c.setting("server.public_url")).isEqualTo("https://registry.example.internal");
        assertThat(c.durationSetting("scan.lease")).isEqualTo(Duration.ofSeconds(60));
        // every key of the shipped file is a declared setting (a typo there would teach users the typo)
        assertThat(RegistryConfig.unknownNames(c.values().keySet(), java.util.Set.of())).isEmpty();
        // and no secret is in it: they come from the environment or credential files
        assertThat(c.values().keySet()).noneMatch(k -> k.contains("password") || k.contains("secret"));
    }

    @Test
    void theHaproxyConfigurationIsValid(@TempDir Path dir) throws Exception {
        Path haproxy = ExternalTools.require("haproxy");
        // the TLS certificate of the example is the operator's; the rest is checked as shipped
        String cfg = Files.readString(EXAMPLES.resolve("haproxy.cfg")).replace(" ssl crt /etc/haproxy/registry.pem alpn http/1.1", "");
        Path copy = dir.resolve("haproxy.cfg");
        Files.writeString(copy, cfg);
        Process p = new ProcessBuilder(haproxy.toString(), "-c", "-f", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(cfg).contains("option httpchk GET /readyz").contains("balance roundrobin").doesNotContain("cookie ").doesNotContain("stick-table").doesNotContain("stick on");
    }
}
