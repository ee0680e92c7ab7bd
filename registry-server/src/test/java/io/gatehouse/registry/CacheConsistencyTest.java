package io.gatehouse.registry;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.config.RegistryConfig;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifest and tag caches never disagree with the database: concurrent PUTs of different manifests to one tag,
 * deletes of those manifests and reads racing with both, over real HTTP. After each round what GET and HEAD serve
 * is what the tag row holds, and after a restart (empty caches) every tag still serves the same image.
 */
class CacheConsistencyTest {
    private static final String REPO = "race/app";
    private static final int WRITERS = 8;
    private static final int ROUNDS = 40;

    @TempDir
    Path dir;

    @Test
    void concurrentPutsDeletesAndReadsOfOneTagLeaveTheCacheEqualToTheDatabase() throws Exception {
        Map<String, Optional<String>> servedTags = new LinkedHashMap<>();
        List<byte[]> manifests = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            byte[] layer = "one layer".getBytes(StandardCharsets.UTF_8);
            Digest ld = c.pushBlob(REPO, layer);
            for (int i = 0; i < WRITERS; i++) {
                byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"variant\":\"v" + i + "\"}").getBytes(StandardCharsets.UTF_8);
                Digest cd = c.pushBlob(REPO, config);
                manifests.add(RegistryClient.imageManifest(cd, config.length, List.of(ld), List.of((long) layer.length), null, null, 0));
            }
            // one client (one connection pool) per writer and reader for the whole test, as real clients keep theirs
            List<RegistryClient> writerClients = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) writerClients.add(new RegistryClient(server.baseUrl()));
            List<RegistryClient> readerClients = List.of(new RegistryClient(server.baseUrl()), new RegistryClient(server.baseUrl()));
            for (int round = 0; round < ROUNDS; round++) {
                String tag = "t" + round;
                boolean withDeletes = round % 2 == 1;
                CyclicBarrier start = new CyclicBarrier(WRITERS + 2);
                AtomicBoolean writing = new AtomicBoolean(true);
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (int i = 0; i < WRITERS; i++) {
                    byte[] m = manifests.get(i);
                    byte[] other = manifests.get((i + 1) % WRITERS);
                    RegistryClient w = writerClients.get(i);
                    writers.add(CompletableFuture.runAsync(() -> {
                        await(start);
                        w.putManifest(REPO, tag, m, MediaTypes.OCI_MANIFEST);
                        // delete another writer's manifest (and with it the tag, if it points there) while it is pushed
                        if (withDeletes) w.send("DELETE", "/v2/" + REPO + "/manifests/" + Digest.sha256(other), null);
                    }, pool));
                }
                List<CompletableFuture<Void>> readers = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    int reader = r;
                    RegistryClient rc = readerClients.get(r);
                    readers.add(CompletableFuture.runAsync(() -> {
                        await(start);
                        while (writing.get()) {
                            rc.head("/v2/" + REPO + "/manifests/" + tag);
                            rc.head("/v2/" + REPO + "/manifests/" + Digest.sha256(manifests.get((reader * 3 + 1) % WRITERS)));
                        }
                    }, pool));
                }
                CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                writing.set(false);
                CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

                Optional<String> row = tagRow(server.jdbi(), tag);
                Optional<String> got = served(c, "GET", tag);
                Optional<String> headed = served(c, "HEAD", tag);
                if (!got.equals(row) || !headed.equals(row)) {
                    problems.add(tag + ": database " + row + ", GET " + got + ", HEAD " + headed);
                }
                for (byte[] m : manifests) {
                    String d = Digest.sha256(m).toString();
                    boolean stored = manifestRow(server.jdbi(), d);
                    Optional<String> byDigest = served(c, "GET", d);
                    if (byDigest.isPresent() != stored) problems.add(tag + ": manifest " + d + " stored " + stored + ", served " + byDigest);
                }
                servedTags.put(tag, row);
            }
            // later rounds deleted manifests that earlier tags pointed at: what every tag serves now is its row now
            for (String tag : servedTags.keySet()) {
                Optional<String> row = tagRow(server.jdbi(), tag);
                Optional<String> got = served(c, "GET", tag);
                if (!got.equals(row)) problems.add(tag + " at the end: database " + row + ", GET " + got);
                servedTags.put(tag, row);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(problems).isEmpty();
        // a restart empties the caches: the same tags serve the same images, without a push in between
        try (RegistryServer again = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            RegistryClient c = new RegistryClient(again.baseUrl());
            for (Map.Entry<String, Optional<String>> e : servedTags.entrySet()) {
                assertThat(served(c, "GET", e.getKey())).as("tag %s after a restart", e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    private static Optional<String> served(RegistryClient c, String method, String reference) {
        HttpResponse<byte[]> r = c.send(method, "/v2/" + REPO + "/manifests/" + reference, null,
                "Accept", MediaTypes.OCI_MANIFEST);
        if (r.statusCode() == 404) return Optional.empty();
        assertThat(r.statusCode()).as("%s %s", method, reference).isEqualTo(200);
        String header = r.headers().firstValue("Docker-Content-Digest").orElseThrow();
        if (method.equals("GET")) assertThat(Digest.sha256(r.body()).toString()).isEqualTo(header);
        return Optional.of(header);
    }

    private static Optional<String> tagRow(Jdbi jdbi, String tag) {
        return jdbi.withHandle(h -> h.createQuery("SELECT t.manifest_digest FROM tags t JOIN repositories r ON r.id = t.repository_id "
                + "WHERE r.name = ? AND t.name = ?").bind(0, REPO).bind(1, tag).mapTo(String.class).findOne());
    }

    private static boolean manifestRow(Jdbi jdbi, String digest) {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1 FROM manifests m JOIN repositories r ON r.id = m.repository_id "
                + "WHERE r.name = ? AND m.digest = ?").bind(0, REPO).bind(1, digest).mapTo(Integer.class).findOne().isPresent());
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
