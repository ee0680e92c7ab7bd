package io.gatehouse.registry.interop;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.OpenAccess;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.S3ProxyServer;

import java.nio.file.Path;

/**
 * The real-client tests (skopeo, podman, docker manifest inspect: pushes, chunked pushes, pulls, mounts, index
 * copies) against our registry with storage.driver: s3 on S3Proxy.
 */
class S3RealClientsTest extends RealClientsContract {
    @Override
    protected Target startRegistry(Path dir) {
        S3ProxyServer s3proxy = S3ProxyServer.start(dir.resolve("s3proxy"));
        RegistryConfig config = RegistryConfig.forTesting(dir.resolve("data"));
        for (var e : s3proxy.registrySettings(s3proxy.createBucket("registry")).entrySet()) config = config.with(e.getKey(), e.getValue());
        RegistryServer server;
        try {
            server = RegistryServer.builder(config).accessController(new OpenAccess()).build().start();
        } catch (RuntimeException e) {
            s3proxy.close();
            throw e;
        }
        return new Target() {
            @Override
            public String url() {
                return server.baseUrl();
            }

            @Override
            public void close() {
                server.close();
                s3proxy.close();
            }
        };
    }
}
