package io.gatehouse.registry.audit;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.auth.SecuredRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change and its audit record commit together or not at all (issue #17): with the audit table refusing inserts,
 * pushes and deletes answer 503 UNAVAILABLE with the spec's error body and change nothing; once it accepts them
 * again the same push succeeds and is recorded. (A management API change, committed before its record, is spooled
 * instead: see {@link AuditSpoolTest}.)
 */
class AuditFailureTest {
    private static final String REPO = "audit/app";

    @TempDir
    Path dir;

    @Test
    void contentChangesAreRefusedAndLeftUndoneWhileTheAuditLogCannotBeWritten() {
        try (SecuredRegistry reg = new SecuredRegistry(dir, false)) {
            String admin = SecuredRegistry.admin();
            RegistryClient c = new RegistryClient(reg.base);
            Digest v1 = reg.pushImage(REPO, "v1", admin);
            byte[] config = "{\"architecture\":\"arm64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
            Digest cd = SecuredRegistry.pushBlob(c, REPO, config, admin);
            byte[] manifest = RegistryClient.imageManifest(cd, config.length, List.of(), List.of(), null, null, 0);

            reg.server.jdbi().useHandle(h -> h.execute("CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
                    + "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END"));

            HttpResponse<byte[]> put = c.send("PUT", "/v2/" + REPO + "/manifests/v2", manifest,
                    "Content-Type", MediaTypes.OCI_MANIFEST, "Authorization", admin);
            assertThat(put.statusCode()).isEqualTo(503);
            assertThat(RegistryClient.errorCode(put)).isEqualTo("UNAVAILABLE");
            assertThat(c.get("/v2/" + REPO + "/manifests/v2", "Authorization", admin).statusCode()).isEqualTo(404);
            assertThat(manifestStored(reg, Digest.sha256(manifest))).isFalse();

            HttpResponse<byte[]> untag = c.send("DELETE", "/v2/" + REPO + "/manifests/v1", null, "Authorization", admin);
            assertThat(untag.statusCode()).isEqualTo(503);
            assertThat(RegistryClient.errorCode(untag)).isEqualTo("UNAVAILABLE");
            HttpResponse<byte[]> delete = c.send("DELETE", "/v2/" + REPO + "/manifests/" + v1, null, "Authorization", admin);
            assertThat(delete.statusCode()).isEqualTo(503);
            HttpResponse<byte[]> unlink = c.send("DELETE", "/v2/" + REPO + "/blobs/" + cd, null, "Authorization", admin);
            assertThat(unlink.statusCode()).isEqualTo(503);
            HttpResponse<byte[]> still = c.get("/v2/" + REPO + "/manifests/v1", "Authorization", admin);
            assertThat(still.statusCode()).isEqualTo(200);
            assertThat(still.headers().firstValue("Docker-Content-Digest")).hasValue(v1.toString());
            assertThat(c.head("/v2/" + REPO + "/blobs/" + cd, "Authorization", admin).statusCode()).isEqualTo(200);

            // a refused content change is not queued: it did not happen, so there is nothing to record
            assertThat(dir.resolve("audit").resolve("spool.jsonl")).doesNotExist();

            reg.server.jdbi().useHandle(h -> h.execute("DROP TRIGGER audit_down"));
            assertThat(c.send("PUT", "/v2/" + REPO + "/manifests/v2", manifest, "Content-Type", MediaTypes.OCI_MANIFEST,
                    "Authorization", admin).statusCode()).isEqualTo(201);
            List<AuditEvent> pushes = reg.auth().auditLog().query(new AuditQuery(null, AuditEvent.MANIFEST_PUSH,
                    REPO + "@" + Digest.sha256(manifest), null, null, 10, 0));
            assertThat(pushes).hasSize(1);
            assertThat(pushes.get(0).actor()).isEqualTo("admin");
        }
    }

    private static boolean manifestStored(SecuredRegistry reg, Digest d) {
        return reg.server.jdbi().withHandle(h -> h.createQuery("SELECT 1 FROM manifests WHERE digest = ?").bind(0, d.toString())
                .mapTo(Integer.class).findOne().isPresent());
    }
}
