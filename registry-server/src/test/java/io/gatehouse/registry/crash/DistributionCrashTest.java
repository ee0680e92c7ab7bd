package io.gatehouse.registry.crash;

import io.gatehouse.testing.DistributionRegistry;

import java.nio.file.Path;

/**
 * The crash test against CNCF Distribution, the reference: proves the harness. Distribution signs its upload
 * state with a per-process random secret unless {@code http.secret} is configured, so after a restart it answers
 * an old upload URL with an error and the client restarts the upload; that is the behaviour recorded here.
 * Distribution 2.8 was seen (CI, 2026-12-04) to leave a tag of an index answering 404 after kill -9 during small
 * pushes: the reference's own crash gap, printed rather than asserted, while Gatehouse's run asserts it never happens.
 */
class DistributionCrashTest extends CrashContract {
    @Override
    protected Server start(Path dataDir, Path workDir) {
        DistributionRegistry d = DistributionRegistry.start(workDir);
        return new Server() {
            @Override
            public String url() {
                return d.url();
            }

            @Override
            public void kill9() {
                d.killForcibly();
            }
        };
    }

    @Override
    protected boolean resumesAfterRestart() {
        return false;
    }

    @Override
    protected boolean mayLeaveDanglingTagsAfterKill() {
        return true;
    }
}
