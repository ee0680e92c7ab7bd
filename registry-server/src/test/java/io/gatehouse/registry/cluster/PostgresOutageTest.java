package io.gatehouse.registry.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.OpenAccess;
import io.gatehouse.registry.config.RegistryConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Item 5 of the cluster work: the registry on a real PostgreSQL that is stopped (pg_ctl stop -m fast, which ends every
 * connection as a restart or failover does) while requests come in, and started again. While it is away every answer
 * is 503 UNAVAILABLE with Retry-After and the distribution-spec body, never a 500 and never a stack trace in the log;
 * a push refused meanwhile left nothing half done; when it is back the registry serves again by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresOutageTest {
    Path dir;
    PostgresServer pg;
    RegistryServer server;
    RegistryClient client;

    @BeforeAll
    void start() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("gatehouse-outage-");
        pg = PostgresServer.launch();
        RegistryConfig config = RegistryConfig.forTesting(dir.resolve("data"))
                .with("storage.database", pg.jdbcUrl())
                .with("storage.database_user", pg.user());
        server = RegistryServer.builder(config).accessController(new OpenAccess()).build().start();
        client = new RegistryClient(server.baseUrl());
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) server.close();
        if (pg != null) pg.close();
        if (dir != null) {
            try (var all = java.nio.file.Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aDatabaseOutageIsA503WithRetryAfterAndServiceResumesByItself() throws Exception {
        assertThat(server.cluster().shared()).as("PostgreSQL makes a replica").isTrue();
        byte[] layer = "layer before the outage".getBytes(StandardCharsets.UTF_8);
        Digest before = client.pushImage("outage/app", "1", layer);

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        // clients keep pulling through the whole outage
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger fiveHundreds = new AtomicInteger();
        ExecutorService pullers = Executors.newFixedThreadPool(2);
        List<Future<?>> loops = List.of(pullers.submit(() -> pull(running, fiveHundreds)), pullers.submit(() -> pull(running, fiveHundreds)));
        try {
            pg.stop();
            HttpResponse<byte[]> get = client.get("/v2/outage/app/manifests/1", "Accept", MediaTypes.OCI_MANIFEST);
            assertUnavailable(get);
            byte[] manifest = RegistryClient.imageManifest(Digest.sha256("{}".getBytes()), 2, List.of(Digest.sha256(layer)),
                    List.of((long) layer.length), null, null, 0);
            HttpResponse<byte[]> put = client.putManifest("outage/app", "1", manifest, MediaTypes.OCI_MANIFEST);
            assertUnavailable(put);
            assertUnavailable(client.send("POST", "/v2/outage/app/blobs/uploads/", null));
            assertThat(client.head("/v2/outage/app/blobs/" + Digest.sha256(layer)).statusCode()).isEqualTo(503);
            assertThat(client.get("/readyz").statusCode()).isEqualTo(503);
            assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
        } finally {
            pg.start();
        }
        // back by itself: the pool opens new connections, the listener listens again
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(client.get("/readyz").statusCode()).isEqualTo(200));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(client.get("/v2/outage/app/manifests/1", "Accept", MediaTypes.OCI_MANIFEST).statusCode()).isEqualTo(200));
        running.set(false);
        for (Future<?> f : loops) f.get();
        pullers.shutdown();
        root.detachAppender(logs);

        // the refused push left nothing: the tag still names the image from before
        HttpResponse<byte[]> after = client.get("/v2/outage/app/manifests/1", "Accept", MediaTypes.OCI_MANIFEST);
        assertThat(after.headers().firstValue("Docker-Content-Digest")).contains(before.toString());
        Digest next = client.pushImage("outage/app", "2", "layer after the outage".getBytes(StandardCharsets.UTF_8));
        assertThat(client.get("/v2/outage/app/manifests/2", "Accept", MediaTypes.OCI_MANIFEST).headers().firstValue("Docker-Content-Digest"))
                .contains(next.toString());

        assertThat(fiveHundreds).as("500 answers during the outage").hasValue(0);
        assertThat(List.copyOf(logs.list)).as("no stack trace logged for an outage")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getThrowableProxy() != null
                        && e.getLoggerName().startsWith("io.gatehouse"));
    }

    private void pull(AtomicBoolean running, AtomicInteger fiveHundreds) {
        while (running.get()) {
            int s = client.get("/v2/outage/app/manifests/1", "Accept", MediaTypes.OCI_MANIFEST).statusCode();
            if (s == 500) fiveHundreds.incrementAndGet();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void assertUnavailable(HttpResponse<byte[]> r) {
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        assertThat(RegistryClient.errorCode(r)).isEqualTo("UNAVAILABLE");
    }
}
