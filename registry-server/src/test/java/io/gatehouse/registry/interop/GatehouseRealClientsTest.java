package io.gatehouse.registry.interop;

import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.OpenAccess;
import io.gatehouse.registry.config.RegistryConfig;

import java.nio.file.Path;

/** The real-client tests against our registry, in process on a free loopback port, open access (no auth yet). */
class GatehouseRealClientsTest extends RealClientsContract {
    @Override
    protected Target startRegistry(Path dir) {
        RegistryServer server = RegistryServer.builder(io.gatehouse.registry.TestDatabase.forTesting(dir))
                .accessController(new OpenAccess()).build().start();
        return new Target() {
            @Override
            public String url() {
                return server.baseUrl();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
