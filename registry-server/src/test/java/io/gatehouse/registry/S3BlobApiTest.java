package io.gatehouse.registry;

import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every blob API test of {@link BlobApiTest} (monolithic, chunked, sha512, ranges, mounts, truncated chunks, a
 * 24 MiB blob in 5 MiB parts) against a registry with storage.driver: s3 on S3Proxy.
 */
class S3BlobApiTest extends BlobApiTest {
    static S3ProxyServer s3proxy;

    /** Supersedes {@link ServerTestBase#startServer()}: the same tests, blobs in S3. */
    @BeforeAll
    static void startServer() {
        s3proxy = S3ProxyServer.start(dataDir.resolve("s3proxy"));
        server = RegistryServer.builder(onS3(RegistryConfig.forTesting(dataDir.resolve("registry")), s3proxy, s3proxy.createBucket("blobs")))
                .build().start();
        client = new RegistryClient(server.baseUrl());
    }

    @AfterAll
    static void stopS3Proxy() {
        if (server != null) server.close();
        if (s3proxy != null) s3proxy.close();
    }

    static RegistryConfig onS3(RegistryConfig config, S3ProxyServer s3proxy, String bucket) {
        for (var e : s3proxy.registrySettings(bucket).entrySet()) config = config.with(e.getKey(), e.getValue());
        return config;
    }
}
