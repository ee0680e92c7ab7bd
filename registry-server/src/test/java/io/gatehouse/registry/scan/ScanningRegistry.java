package io.gatehouse.registry.scan;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.scan.inventory.ScanLimits;
import io.gatehouse.registry.scan.service.ScanIndex;
import io.gatehouse.registry.scan.service.ScanService;
import io.gatehouse.registry.scan.service.ScanStatus;
import io.gatehouse.registry.scan.vulndb.VulnDb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A running registry that scans on push, and a client that pushes images of given layers to it over HTTP. */
final class ScanningRegistry implements AutoCloseable {
    final RegistryServer server;
    final ScanService scans;
    final RegistryClient client;

    ScanningRegistry(Path dir, VulnDb db, ScanLimits limits) {
        server = RegistryServer.builder(io.gatehouse.registry.TestDatabase.forTesting(dir)).build().start();
        scans = new ScanService(server.content(), new ScanIndex(server.jdbi()),
                new ScanEngine(db, limits, Clock.systemUTC()), Clock.systemUTC(), 2, true, Duration.ZERO);
        server.addListener(scans);
        client = new RegistryClient(server.baseUrl());
    }

    /** Pushes an OCI image of these layer blobs over HTTP; returns its manifest digest. */
    Digest push(String repo, String tag, byte[]... layers) {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}"
                .getBytes(StandardCharsets.UTF_8);
        Digest c = client.pushBlob(repo, config);
        List<Digest> ds = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (byte[] l : layers) {
            ds.add(client.pushBlob(repo, l));
            sizes.add((long) l.length);
        }
        byte[] m = RegistryClient.imageManifest(c, config.length, ds, sizes, null, null, 0);
        assertThat(client.putManifest(repo, tag, m, MediaTypes.OCI_MANIFEST).statusCode()).isEqualTo(201);
        return Digest.sha256(m);
    }

    ScanStatus awaitFinished(String repo, Digest d) {
        await().atMost(Duration.ofSeconds(60)).until(() -> scans.status(repo, d).map(ScanStatus::finished)
                .orElse(false));
        return scans.status(repo, d).orElseThrow();
    }

    @Override
    public void close() {
        scans.close();
        server.close();
    }
}
