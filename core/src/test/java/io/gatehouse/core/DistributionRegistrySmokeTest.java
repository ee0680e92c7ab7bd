package io.gatehouse.core;

import io.gatehouse.testing.DistributionRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The reference registry the integration tests lean on starts and answers the version check. */
class DistributionRegistrySmokeTest {
    @Test
    void startsAndAnswersV2(@TempDir Path dir) throws Exception {
        try (DistributionRegistry r = DistributionRegistry.start(dir)) {
            HttpURLConnection c = (HttpURLConnection) URI.create(r.url() + "/v2/").toURL().openConnection();
            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(c.getHeaderField("Docker-Distribution-API-Version")).isEqualTo("registry/2.0");
        }
    }
}
