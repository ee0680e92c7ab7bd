package io.gatehouse.registry;

import io.gatehouse.registry.config.RegistryConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** One in-process registry on a free loopback port per test class, with a raw HTTP client. */
abstract class ServerTestBase {
    @TempDir
    static Path dataDir;
    static RegistryServer server;
    static RegistryClient client;
    private static final AtomicInteger REPO = new AtomicInteger();

    @BeforeAll
    static void startServer() {
        server = RegistryServer.builder(TestDatabase.forTesting(dataDir)).build().start();
        client = new RegistryClient(server.baseUrl());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    /** A fresh repository name per test, so tests don't see each other's content. */
    static String repo() {
        return "test/repo" + REPO.incrementAndGet();
    }
}
