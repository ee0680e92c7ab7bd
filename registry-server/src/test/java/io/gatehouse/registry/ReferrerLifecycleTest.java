package io.gatehouse.registry;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.audit.AuditEvent;
import io.gatehouse.registry.audit.AuditQuery;
import io.gatehouse.registry.auth.SecuredRegistry;
import io.gatehouse.registry.config.RegistryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import static io.gatehouse.registry.RegistryClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scan reports, SBOMs and signatures do not outlive their image (issue #13): deleting a manifest deletes the
 * manifests whose subject it is, and theirs, each audited; gc.keep_orphan_referrers keeps them; GC collects the
 * orphans that deletes left before.
 */
class ReferrerLifecycleTest {
    private static final String REPO = "team/app";
    private static final String ADMIN = SecuredRegistry.admin();
    /** Scan on push adds the scanner's own referrers at a time of its choosing: these tests push theirs by hand. */
    private static final UnaryOperator<RegistryConfig> NO_SCAN = cfg -> cfg.with("scan.on_push", "false");

    @TempDir
    Path dir;

    @Test
    void deletingAnImageDeletesItsReferrersAndTheirReferrersEachAudited() throws Exception {
        try (SecuredRegistry reg = new SecuredRegistry(Files.createDirectories(dir.resolve("reg")), false, NO_SCAN, 1000)) {
            RegistryClient c = new RegistryClient(reg.base);
            Digest image = reg.pushImage(REPO, "1.0", ADMIN);
            Digest report = pushReferrer(c, image, "application/vnd.example.scan-report", null);
            Digest signature = pushReferrer(c, report, "application/vnd.example.sig", "report-sig");
            Digest unrelated = reg.pushImage(REPO, "2.0", ADMIN);
            Digest kept = pushReferrer(c, unrelated, "application/vnd.example.sbom", null);
            assertThat(referrers(c, image)).containsExactly(report.toString());

            assertThat(c.send("DELETE", "/v2/" + REPO + "/manifests/" + image, null, "Authorization", ADMIN).statusCode()).isEqualTo(202);

            assertThat(referrers(c, image)).isEmpty();
            assertThat(referrers(c, report)).isEmpty();
            assertThat(manifestStatus(c, report.toString())).isEqualTo(404);
            assertThat(manifestStatus(c, signature.toString())).isEqualTo(404);
            assertThat(manifestStatus(c, "report-sig")).isEqualTo(404);
            // another image's referrers are untouched
            assertThat(referrers(c, unrelated)).containsExactly(kept.toString());
            assertThat(manifestStatus(c, kept.toString())).isEqualTo(200);
            // the cascade is in the audit log, attributed to who deleted the image
            for (Digest d : List.of(image, report, signature)) {
                List<AuditEvent> deletes = reg.auth().auditLog().query(new AuditQuery(null, AuditEvent.MANIFEST_DELETE,
                        REPO + "@" + d, null, null, 10, 0));
                assertThat(deletes).as("audit of the delete of %s", d).singleElement().extracting(AuditEvent::actor).isEqualTo("admin");
            }
        }
    }

    @Test
    void keepOrphanReferrersLeavesThemListedAndServedUntilTheSettingIsOffAndGcRuns() throws Exception {
        Path data = Files.createDirectories(dir.resolve("keep"));
        Digest image;
        Digest report;
        Digest signature;
        try (SecuredRegistry reg = new SecuredRegistry(data, false, cfg -> NO_SCAN.apply(cfg).with("gc.keep_orphan_referrers", "true"), 1000)) {
            RegistryClient c = new RegistryClient(reg.base);
            image = reg.pushImage(REPO, "1.0", ADMIN);
            report = pushReferrer(c, image, "application/vnd.example.scan-report", null);
            signature = pushReferrer(c, report, "application/vnd.example.sig", null);
            assertThat(c.send("DELETE", "/v2/" + REPO + "/manifests/" + image, null, "Authorization", ADMIN).statusCode()).isEqualTo(202);

            assertThat(manifestStatus(c, image.toString())).isEqualTo(404);
            assertThat(referrers(c, image)).containsExactly(report.toString());
            assertThat(manifestStatus(c, report.toString())).isEqualTo(200);
            assertThat(reg.server.gc().manifestsDeleted()).isZero();
            assertThat(manifestStatus(c, signature.toString())).isEqualTo(200);
        }
        // the orphans left from before: the next GC with the default setting collects them, a referrer of a referrer too
        UnaryOperator<RegistryConfig> defaults = cfg -> NO_SCAN.apply(cfg).with("gc.grace_period", "0s");
        try (SecuredRegistry reg = new SecuredRegistry(data, false, defaults, 1000)) {
            RegistryClient c = new RegistryClient(reg.base);
            assertThat(reg.server.gc().manifestsDeleted()).isEqualTo(2);
            assertThat(referrers(c, image)).isEmpty();
            assertThat(manifestStatus(c, report.toString())).isEqualTo(404);
            assertThat(manifestStatus(c, signature.toString())).isEqualTo(404);
            assertThat(reg.auth().auditLog().query(new AuditQuery("system:gc", AuditEvent.MANIFEST_DELETE, null, null, null, 10, 0)))
                    .extracting(AuditEvent::target).containsExactlyInAnyOrder(REPO + "@" + report, REPO + "@" + signature);
        }
    }

    @Test
    void aBadKeepSettingStopsTheStart() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                RegistryConfig.forTesting(dir).with("gc.keep_orphan_referrers", "sometimes").validated()))
                .hasMessageContaining("gc.keep_orphan_referrers");
    }

    private static Digest pushReferrer(RegistryClient c, Digest subject, String artifactType, String tag) {
        byte[] config = ("{\"n\":" + System.nanoTime() + "}").getBytes(StandardCharsets.UTF_8);
        Digest cd = SecuredRegistry.pushBlob(c, REPO, config, ADMIN);
        byte[] m = RegistryClient.imageManifest(cd, config.length, List.of(), List.of(), artifactType, subject, 500);
        Digest d = Digest.sha256(m);
        HttpResponse<byte[]> r = c.send("PUT", "/v2/" + REPO + "/manifests/" + (tag != null ? tag : d.toString()), m,
                "Content-Type", MediaTypes.OCI_MANIFEST, "Authorization", ADMIN);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        return d;
    }

    private static List<String> referrers(RegistryClient c, Digest subject) {
        HttpResponse<byte[]> r = c.get("/v2/" + REPO + "/referrers/" + subject, "Authorization", ADMIN);
        assertThat(r.statusCode()).isEqualTo(200);
        return json(r).path("manifests").findValuesAsText("digest");
    }

    private static int manifestStatus(RegistryClient c, String reference) {
        return c.get("/v2/" + REPO + "/manifests/" + reference, "Authorization", ADMIN, "Accept", MediaTypes.OCI_MANIFEST).statusCode();
    }
}
