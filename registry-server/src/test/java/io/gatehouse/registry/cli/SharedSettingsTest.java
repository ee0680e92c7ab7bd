package io.gatehouse.registry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.registry.auth.AuthConfig;
import io.gatehouse.registry.auth.AuthFixture;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.scan.TestData;
import io.gatehouse.testing.FreePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #13: `vulndb` and `scan` used ./data/vulndb.sqlite whatever `serve` was told, so an import after
 * `serve -c gatehouse.yaml` filled a database the registry never read. They now resolve settings as serve does.
 */
class SharedSettingsTest {
    @TempDir
    Path dir;

    @Test
    void vulndbImportWithServesSettingsFillsTheRunningRegistrysDatabase() throws Exception {
        Path data = dir.resolve("registry-data");
        int port = FreePort.pick();
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), "server:\n  host: 127.0.0.1\n  port: " + port
                + "\nstorage:\n  data_dir: " + data + "\ngc:\n  interval: 0\n");
        Path log = dir.resolve("serve.log");
        Process serve = Cli.start(Map.of(AuthConfig.ADMIN_PASSWORD_ENV, AuthFixture.ADMIN_PASSWORD), log,
                "serve", "-c", yaml.toString());
        try {
            Http http = new Http("http://127.0.0.1:" + port);
            String admin = Http.basic("admin", AuthFixture.ADMIN_PASSWORD);
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                assertThat(serve.isAlive()).as(() -> readLog(log)).isTrue();
                return http.get("/v2/", null).status() == 401;
            });

            // the same -c as serve: into <data_dir>/vulndb.sqlite, and the registry answers with it
            Cli.Run imported = Cli.run("vulndb", "import", "-c", yaml.toString(), TestData.path("/vuln/ghsa").toString());
            assertThat(imported.code()).as(imported.err()).isZero();
            String version = imported.out().strip().replaceAll(".*database version ", "");
            JsonNode vulndb = http.json("GET", "/api/v1/vulndb", admin, null).json();
            assertThat(vulndb.path("advisories").asLong()).isEqualTo(6);
            assertThat(vulndb.path("version").asText()).isEqualTo(version);

            // the environment, in a JVM of its own as a user runs it: the same file, and each result said once
            Cli.Run again = Cli.java(Map.of("GATEHOUSE_DATA_DIR", data.toString()), "vulndb", "import",
                    TestData.path("/vuln/ghsa/GHSA-jfh8-c2jp-5v3q.json").toString());
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(again.out().lines().toList()).as(again.out()).hasSize(1);
            assertThat(again.err()).isEmpty();
            Cli.Run info = Cli.run("vulndb", "info", "--config", yaml.toString());
            assertThat(info.out()).contains(data.resolve("vulndb.sqlite").toString())
                    .contains(again.out().strip().replaceAll(".*database version ", "")).contains("advisories: 6");
        } finally {
            serve.destroy();
            serve.waitFor();
        }
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
