package io.gatehouse.jenkins.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.reference.RepositoryName;
import io.gatehouse.core.remote.Credentials;
import io.gatehouse.core.remote.RegistryClient;
import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.core.report.Severity;
import io.gatehouse.core.sign.SignatureStore;
import io.gatehouse.jenkins.TestRegistries;
import io.gatehouse.jenkins.service.ConnectionSettings;
import io.gatehouse.jenkins.service.ImageArgument;
import io.gatehouse.jenkins.service.RegistryAuth;
import io.gatehouse.jenkins.service.RegistryGatehouseService;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.auth.AuthWiring;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.mirror.Mirrors;
import io.gatehouse.registry.trust.Trust;
import io.gatehouse.testing.DistributionRegistry;
import io.gatehouse.testing.ModelTestImages;
import io.gatehouse.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The registries the controller's builds talk to, on loopback: our registry wired as its Main wires it (access control,
 * trust/promotion, server-side mirrors; a service account {@code jenkins} that is a system administrator) holding
 * three scanned images, and CNCF Distribution with htpasswd as the public upstream to mirror from.
 *
 * <p>The images' scan reports are stored the way our registry stores them on push (an OCI referrer of the image with
 * artifact type {@link ScanReport#MEDIA_TYPE}), with findings we choose: {@code team/app:clean} (none),
 * {@code team/app:critical} (a CRITICAL CVE with a fix), {@code team/app:unknown} (only findings without a severity,
 * as Debian changelog data gives). scanImage reads them, the registry judges promotions by them.
 */
public final class E2ERegistry implements AutoCloseable {
    public static final String UPSTREAM_USER = "mirror";
    public static final String UPSTREAM_PASSWORD = "upstream-s3cret-pw";
    public static final String CRITICAL_CVE = "CVE-2024-9999";

    private final List<AutoCloseable> started = new ArrayList<>();
    public final RegistryServer server;
    public final DistributionRegistry upstream;
    /** Token of the service account {@code jenkins} (a system administrator: publishes policies). */
    public final String token;
    public final String cleanDigest;
    public final String criticalDigest;
    public final String unknownDigest;
    public final String upstreamDigest;

    public E2ERegistry(Path dir) throws IOException {
        upstream = DistributionRegistry.startWithBasicAuth(dir.resolve("upstream"), UPSTREAM_USER, UPSTREAM_PASSWORD);
        started.add(upstream);
        RegistryClient upstreamClient = RegistryClient.builder(upstream.hostPort())
                .credentials(Credentials.basic(UPSTREAM_USER, UPSTREAM_PASSWORD)).build();
        ModelTestImages.Image base = ModelTestImages.image("linux/amd64", ModelTestImages.randomLayer(20_000, 71));
        for (String tag : List.of("1.0", "1.1", "edge")) {
            base.push(upstreamClient, RepositoryName.of("library/base"), tag);
        }
        upstreamDigest = base.manifest().digest().toString();

        RegistryConfig config = RegistryConfig.forTesting(Files.createDirectories(dir.resolve("ours")));
        RegistryServer.Builder b = RegistryServer.builder(config);
        AuthWiring w = TestRegistries.installAuth(b, config);
        Trust.install(b, s -> w.module().api(), s -> w.module().auditLog());
        Mirrors.install(b, s -> w.module().api(), s -> w.module().auditLog(), s -> w.module().tokens());
        server = b.build().start();
        started.add(server);
        token = w.module().accounts().createServiceAccount("jenkins", "Jenkins CI", null, true, "e2e").token();

        SignatureStore store = service().signatureStore();
        TestImages.Image clean = TestImages.image(81);
        TestImages.Image critical = TestImages.image(82);
        TestImages.Image unknown = TestImages.image(83);
        push(store, "team/app", "clean", clean);
        push(store, "team/app", "critical", critical);
        push(store, "team/app", "unknown", unknown);
        push(store, "team/app", null, report(clean, List.of()));
        push(store, "team/app", null, report(critical, List.of(finding(CRITICAL_CVE, "openssl", "3.0.1", "3.0.2", Severity.CRITICAL))));
        push(store, "team/app", null, report(unknown, List.of(finding("CVE-2023-1111", "libc6", "2.36-9", null, Severity.UNKNOWN),
                finding("CVE-2023-2222", "zlib1g", "1:1.2.13", null, Severity.UNKNOWN))));
        cleanDigest = clean.manifest().digest();
        criticalDigest = critical.manifest().digest();
        unknownDigest = unknown.manifest().digest();
    }

    public String url() {
        return server.baseUrl();
    }

    public String host() {
        return server.registryHost();
    }

    public RegistryGatehouseService service() {
        return new RegistryGatehouseService(new ConnectionSettings(URI.create(server.baseUrl()), null, false, Duration.ofSeconds(10)),
                new RegistryAuth("jenkins", token.toCharArray()));
    }

    /** The digest a tag resolves to in our registry, or null when it does not exist. */
    public String digestOf(String image) {
        try {
            return service().resolveDigest(ImageArgument.parse(image, host()));
        } catch (IOException notThere) {
            return null;
        }
    }

    private static Finding finding(String id, String pkg, String installed, String fixed, Severity severity) {
        return new Finding(id, List.of(), pkg, installed, null, "deb", null, null, null, fixed, severity, "e2e", null, null, null, null, "e2e");
    }

    private static TestImages.Image report(TestImages.Image image, List<Finding> findings) throws IOException {
        Instant now = Instant.now();
        ScanReport r = ScanReport.of(image.manifest().digest(), "team/app", null, "e2e-db", "e2e", now.minusSeconds(5), now, findings);
        return TestImages.artifact(ScanReport.MEDIA_TYPE, image.manifest(), ScanReport.MEDIA_TYPE, new ObjectMapper().writeValueAsBytes(r));
    }

    private static void push(SignatureStore store, String repo, String tag, TestImages.Image image) throws IOException {
        List<TestImages.Blob> blobs = new ArrayList<>(image.layers());
        blobs.add(image.config());
        for (TestImages.Blob blob : blobs) {
            store.putBlob(repo, Digest.parse(blob.digest()), blob.bytes());
        }
        store.putManifest(repo, tag == null ? image.manifest().digest() : tag, image.manifest().mediaType(), image.manifest().bytes());
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
