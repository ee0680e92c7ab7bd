package io.gatehouse.registry.interop;

import io.gatehouse.testing.DistributionRegistry;

import java.nio.file.Path;

/**
 * The real-client tests against CNCF Distribution: the reference. If a test fails here, the harness (or the
 * installed client) is wrong, not our registry; if it passes here and fails in {@link GatehouseRealClientsTest},
 * ours behaves differently from Distribution.
 */
class DistributionRealClientsTest extends RealClientsContract {
    @Override
    protected Target startRegistry(Path dir) {
        DistributionRegistry d = DistributionRegistry.start(dir);
        return new Target() {
            @Override
            public String url() {
                return d.url();
            }

            @Override
            public void close() {
                d.close();
            }
        };
    }
}
