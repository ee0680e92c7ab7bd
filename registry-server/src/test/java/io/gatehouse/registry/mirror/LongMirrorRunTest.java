package io.gatehouse.registry.mirror;

import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.Http;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ModelTestImages;
import io.gatehouse.testing.RegistryProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mirror run that takes longer than the server's idle timeout (a slow upstream; real ones take minutes for big
 * images against the 30 s default) still answers its report on the connection that asked: Jetty does not count a
 * request being worked on as an idle connection. Were it closed, the caller would lose the report, and an HTTP client
 * that retries would start a second run, refused with 409 MIRROR_RUNNING while the first holds the target.
 */
class LongMirrorRunTest {
    @TempDir
    static Path dir;
    static DistributionRegistry upstream;
    static RegistryProxy slow;
    static RegistryServer server;
    static Http http;
    static String admin = SecuredRegistry.admin();

    @BeforeAll
    static void start() throws Exception {
        upstream = DistributionRegistry.start(dir.resolve("dist"));
        RegistryClient client = RegistryClient.builder(upstream.hostPort()).build();
        ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(5_000)).push(client, RepositoryName.of("library/app"), "1.0");
        // every manifest request waits 1.5 s (the latch is never released): the run outlasts the 1 s idle timeout
        slow = RegistryProxy.start(upstream.url()).rule(RegistryProxy.stallManifests(new CountDownLatch(1), Duration.ofMillis(1_500)));
        server = MirrorRegistry.start(io.gatehouse.registry.TestDatabase.forTesting(Files.createDirectories(dir.resolve("ours")))
                .with("server.idle_timeout", "1s")).server();
        http = new Http(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (slow != null) slow.close();
        if (upstream != null) upstream.close();
    }

    @Test
    void aRunLongerThanTheIdleTimeoutAnswersItsReport() {
        Http.Reply r = http.json("POST", "/api/v1/mirrors/mirror/app", admin,
                "{\"upstream\": \"%s/library/app\", \"tags\": \"1\\\\.0\"}".formatted(slow.hostPort()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("report").path("tags").findValuesAsText("status")).containsExactly("COPIED");
    }
}
