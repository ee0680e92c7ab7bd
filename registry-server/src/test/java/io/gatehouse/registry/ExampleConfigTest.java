package io.gatehouse.registry;

import io.gatehouse.registry.config.RegistryConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The example configuration we ship to users (src-examples/registry/gatehouse.yaml) loads and means what it says. */
class ExampleConfigTest {

    @Test
    void shippedExampleLoads() {
        Path example = Path.of("..", "src-examples", "registry", "gatehouse.yaml");
        RegistryConfig c = RegistryConfig.load(example, Map.of());
        assertThat(c.port()).isEqualTo(5000);
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/gatehouse"));
        assertThat(c.tlsEnabled()).isTrue();
        assertThat(c.gcInterval()).isEqualTo(Duration.ofHours(6));
        assertThat(c.gcDeleteUntagged()).isTrue();
        assertThat(c.booleanSetting("auth.enabled")).isTrue();
        assertThat(c.intSetting("scan.workers", 1, 64)).isEqualTo(2);
        assertThat(c.durationSetting("scan.rescan_interval")).isEqualTo(Duration.ofSeconds(5));
        // every key of the shipped file is a declared setting (a typo there would teach users the typo)
        assertThat(RegistryConfig.unknownNames(c.values().keySet(), java.util.Set.of())).isEmpty();
    }
}
