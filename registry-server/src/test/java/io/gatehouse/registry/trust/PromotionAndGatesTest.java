package io.gatehouse.registry.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.policy.Policy;
import io.gatehouse.core.policy.PolicyDocuments;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.core.report.Finding;
import io.gatehouse.core.report.ScanReport;
import io.gatehouse.core.report.Severity;
import io.gatehouse.core.sign.CosignSignature;
import io.gatehouse.core.sign.KeyFormatException;
import io.gatehouse.core.sign.Keys;
import io.gatehouse.core.sign.SignatureManifest;
import io.gatehouse.core.sign.SigningKey;
import io.gatehouse.core.sign.SimpleSigningPayload;
import io.gatehouse.registry.RegistryClient;
import io.gatehouse.registry.RegistryServer;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.testing.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The trust capability end to end on our registry over HTTP: a scan report stored as a referrer, promotion refused
 * while a CVE is over the threshold and allowed once it is allowlisted, the promoted image signed by the registry
 * and accepted by skopeo under a sigstoreSigned policy, protected repositories, immutable tags and pull gates with
 * readable reasons, untrusted or replayed signatures.
 */
class PromotionAndGatesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static RegistryServer server;
    static Trust trust;
    static RegistryClient http;

    @BeforeAll
    static void start() {
        AtomicReference<Trust> ref = new AtomicReference<>();
        server = RegistryServer.builder(io.gatehouse.registry.TestDatabase.forTesting(dir.resolve("data")))
                .contentGate(s -> {
                    Trust t = Trust.create(s, new ReferrerScanReports(s.content()), true);
                    ref.set(t);
                    return t.gate();
                }).build().start();
        trust = ref.get();
        http = new RegistryClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /** Stores a real ScanReport as an OCI artifact referring to the image, as the scanner does. */
    static void pushReport(String repo, Digest image, Instant finished, Finding... findings) throws Exception {
        pushReportWith(http, null, repo, image, finished, findings);
    }

    /** The same through any registry client, with an Authorization header (null for none). */
    static void pushReportWith(RegistryClient c, String auth, String repo, Digest image, Instant finished, Finding... findings) throws Exception {
        ScanReport report = ScanReport.of(image.toString(), repo, null, "db-test", "test", finished.minusSeconds(5), finished, List.of(findings));
        byte[] body = JSON.writeValueAsBytes(report);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        Digest b = pushBlob(c, auth, repo, body);
        Digest e = pushBlob(c, auth, repo, empty);
        byte[] subject = c.send("GET", "/v2/" + repo + "/manifests/" + image, null, headers(auth, "Accept", MediaTypes.OCI_MANIFEST)).body();
        String m = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\"" + ScanReport.MEDIA_TYPE
                + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + e + "\",\"size\":2},\"layers\":[{\"mediaType\":\""
                + ScanReport.MEDIA_TYPE + "\",\"digest\":\"" + b + "\",\"size\":" + body.length + "}],\"subject\":{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + image + "\",\"size\":" + subject.length + "}}";
        byte[] mb = m.getBytes(StandardCharsets.UTF_8);
        var put = c.send("PUT", "/v2/" + repo + "/manifests/" + Digest.sha256(mb), mb, headers(auth, "Content-Type", MediaTypes.OCI_MANIFEST));
        assertThat(put.statusCode()).as(new String(put.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    }

    /** Pushes a one-layer image with an Authorization header (null for none); returns its digest. */
    static Digest pushImageWith(RegistryClient c, String auth, String repo, String tag) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + System.nanoTime() + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer " + repo + ":" + tag).getBytes(StandardCharsets.UTF_8);
        Digest cd = pushBlob(c, auth, repo, config);
        Digest ld = pushBlob(c, auth, repo, layer);
        byte[] m = RegistryClient.imageManifest(cd, config.length, List.of(ld), List.of((long) layer.length), null, null, 0);
        var put = c.send("PUT", "/v2/" + repo + "/manifests/" + tag, m, headers(auth, "Content-Type", MediaTypes.OCI_MANIFEST));
        assertThat(put.statusCode()).isEqualTo(201);
        return Digest.sha256(m);
    }

    private static Digest pushBlob(RegistryClient c, String auth, String repo, byte[] data) {
        Digest d = Digest.sha256(data);
        var r = c.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, data, headers(auth, "Content-Type", "application/octet-stream"));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        return d;
    }

    private static String[] headers(String auth, String... more) {
        if (auth == null) return more;
        String[] h = java.util.Arrays.copyOf(more, more.length + 2);
        h[more.length] = "Authorization";
        h[more.length + 1] = auth;
        return h;
    }

    static Finding critical(String id) {
        return new Finding(id, List.of(), "openssl", "3.0.1", null, "deb", null, null, null, "3.0.2", Severity.CRITICAL,
                "debian", null, null, null, null, "osv");
    }

    static Policy promotionPolicy(String allowlist) {
        return PolicyDocuments.parse("""
                {"schemaVersion": 1, "name": "to-prod",
                 "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}, "allowlist": [%s]}, "report": {"maxAge": "P1D"}},
                 "promotion": {"targetRepository": "prod/app", "tagTemplate": "%%n-%%d7"}}
                """.formatted(allowlist));
    }

    @Test
    void promotionIsRefusedOverTheThresholdThenAllowedOnceAllowlistedAndSignedForSkopeo() throws Exception {
        Digest image = http.pushImage("team/app", "1.0", "app layer".getBytes(StandardCharsets.UTF_8));
        pushReport("team/app", image, Instant.now(), critical("CVE-2024-6387"));
        trust.gates().set("prod/app", new RepositoryGates.Settings(true, true, null), "test");

        Promoter.Result refused = trust.promoter().promote("team/app", "1.0", promotionPolicy(""), Trust.SYSTEM);
        assertThat(refused.promoted()).isFalse();
        assertThat(refused.verdict().explain()).contains("FAIL vulnerabilities.critical", "CVE-2024-6387 in openssl");
        String tag = "1.0-" + image.hex().substring(0, 7);
        assertThat(http.get("/v2/prod/app/manifests/" + tag).statusCode()).isEqualTo(404);

        Promoter.Result ok = trust.promoter().promote("team/app", "1.0",
                promotionPolicy("{\"id\": \"CVE-2024-6387\", \"reason\": \"sshd not in this image's entrypoint\", \"expires\": \"2099-12-31\"}"), Trust.SYSTEM);
        assertThat(ok.promoted()).as(ok.verdict().explain()).isTrue();
        assertThat(ok.targetTag()).isEqualTo(tag);
        HttpResponse<byte[]> promoted = http.get("/v2/prod/app/manifests/" + tag, "Accept", MediaTypes.OCI_MANIFEST);
        assertThat(promoted.statusCode()).isEqualTo(200);
        assertThat(Digest.sha256(promoted.body())).isEqualTo(image);
        // provenance: who, which policy, which source
        List<JsonNode> prov = trust.promoter().provenance("prod/app", image);
        assertThat(prov).singleElement().satisfies(p -> {
            assertThat(p.path("policy").asText()).isEqualTo("to-prod");
            assertThat(p.path("sourceRepository").asText()).isEqualTo("team/app");
            assertThat(p.path("promotedBy").asText()).isEqualTo("gatehouse-trust");
            assertThat(p.path("signedBy").asText()).isEqualTo(trust.registryKey().keyId());
        });
        // the registry's signature verifies once its key is trusted
        trust.keys().add(TrustedKeys.globalScope(), "registry", trust.registryKey().publicKey().toPem(), "test");
        assertThat(trust.signatures().verify("prod/app", image).keyIds()).containsExactly(trust.registryKey().keyId());
        assertThat(trust.signatures().verify("team/app", image).isSigned()).isFalse();

        // skopeo (containers/image) accepts the promoted image under a policy requiring the registry's key…
        Path skopeo = ExternalTools.requireSigstoreSkopeo();
        Path registriesD = Files.createDirectories(dir.resolve("registries.d"));
        Files.writeString(registriesD.resolve("gh.yaml"), "docker:\n  " + server.registryHost() + ":\n    use-sigstore-attachments: true\n");
        Path policy = Files.writeString(dir.resolve("policy.json"), "{\"default\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\""
                + dir.resolve("data/trust/signing.pub") + "\"}]}");
        assertThat(skopeoCopy(skopeo, policy, registriesD, server.registryHost() + "/prod/app:" + tag, "promoted")).isZero();
        // …and refuses the unsigned source image
        assertThat(skopeoCopy(skopeo, policy, registriesD, server.registryHost() + "/team/app:1.0", "source")).isNotZero();

        // the target is protected: a direct push is refused, promotion is the way in
        HttpResponse<byte[]> direct = http.putManifest("prod/app", "direct", promoted.body(), MediaTypes.OCI_MANIFEST);
        assertThat(direct.statusCode()).isEqualTo(403);
        assertThat(RegistryClient.errorCode(direct)).isEqualTo("DENIED");
        assertThat(new String(direct.body(), StandardCharsets.UTF_8)).contains("protected");
    }

    private static int skopeoCopy(Path skopeo, Path policy, Path registriesD, String source, String name) throws Exception {
        Path log = dir.resolve("skopeo-" + name + ".log");
        Process p = new ProcessBuilder(skopeo.toString(), "copy", "--policy", policy.toString(), "--registries.d", registriesD.toString(),
                "--src-tls-verify=false", "docker://" + source, "dir:" + dir.resolve("out-" + name))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void pullGateNamesTheBlockingCvesAndTheMissingSignature() throws Exception {
        Digest image = http.pushImage("gated/app", "2.0", "gated layer".getBytes(StandardCharsets.UTF_8));
        pushReport("gated/app", image, Instant.now(), critical("CVE-2023-4911"), critical("CVE-2024-3094"));
        SigningKey ci = Keys.generate();
        trust.keys().add(TrustedKeys.orgScope("gated"), "ci", ci.publicKey().toPem(), "test");
        trust.gates().set("gated/app", new RepositoryGates.Settings(false, false, PolicyDocuments.parse("""
                {"schemaVersion": 1, "name": "pull-gate",
                 "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}, "signatures": {"anyOf": ["%s"]}}}
                """.formatted(ci.keyId()))), "test");

        HttpResponse<byte[]> r = http.get("/v2/gated/app/manifests/2.0", "Accept", MediaTypes.OCI_MANIFEST);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(RegistryClient.errorCode(r)).isEqualTo("DENIED");
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("blocked by policy pull-gate", "CVE-2023-4911", "CVE-2024-3094", "signatures.anyOf", "no valid signature");
        // a real client shows the reason: skopeo prints the registry's error message
        Path skopeo = ExternalTools.require("skopeo");
        Path log = dir.resolve("skopeo-gated.log");
        Process p = new ProcessBuilder(skopeo.toString(), "inspect", "--tls-verify=false", "docker://" + server.registryHost() + "/gated/app:2.0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(Files.readString(log)).contains("CVE-2023-4911", "CVE-2024-3094");
        // the referrers (the report) stay readable, so users can see why
        assertThat(server.content().referrers("gated/app", image, ScanReport.MEDIA_TYPE)).hasSize(1);

        // a signature by an untrusted key, and one replayed from another repository, do not count
        signWith(Keys.generate(), "gated/app", image, server.registryHost() + "/gated/app");
        signWith(ci, "gated/app", image, server.registryHost() + "/other/app");
        var result = trust.signatures().verify("gated/app", image);
        assertThat(result.isSigned()).isFalse();
        assertThat(result.rejected()).extracting(x -> x.reason()).anySatisfy(s -> assertThat(s).contains("any trusted key"))
                .anySatisfy(s -> assertThat(s).contains("replayed"));
        // a real signature by the trusted key satisfies that condition; the CVEs still block
        signWith(ci, "gated/app", image, server.registryHost() + "/gated/app:2.0");
        assertThat(trust.signatures().verify("gated/app", image).keyIds()).containsExactly(ci.keyId());
        String after = new String(http.get("/v2/gated/app/manifests/2.0", "Accept", MediaTypes.OCI_MANIFEST).body(), StandardCharsets.UTF_8);
        assertThat(after).contains("CVE-2023-4911").doesNotContain("signatures.anyOf");
    }

    /** Signs through HTTP like a client would (cosign layout), so the gate sees an ordinary push. */
    private static void signWith(SigningKey key, String repo, Digest image, String identity) {
        CosignSignature sig = CosignSignature.sign(key, new SimpleSigningPayload(identity, image, null));
        byte[] existing = null;
        HttpResponse<byte[]> cur = http.get("/v2/" + repo + "/manifests/" + SignatureManifest.tagFor(image), "Accept", MediaTypes.OCI_MANIFEST);
        if (cur.statusCode() == 200) existing = cur.body();
        var a = SignatureManifest.append(existing, image, sig, null);
        for (var b : a.blobs()) http.pushBlob(repo, b.content());
        assertThat(http.putManifest(repo, a.tag(), a.manifest(), a.mediaType()).statusCode()).isEqualTo(201);
    }

    @Test
    void immutableTagsNeverMove() {
        trust.gates().set("fixed/app", new RepositoryGates.Settings(false, true, null), "test");
        Digest first = http.pushImage("fixed/app", "1.0", "one".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> http.pushImage("fixed/app", "1.0", "two".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("403").hasMessageContaining("immutable");
        assertThat(Digest.sha256(http.get("/v2/fixed/app/manifests/1.0", "Accept", MediaTypes.OCI_MANIFEST).body())).isEqualTo(first);
        http.pushImage("fixed/app", "1.1", "two".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void trustedKeysRefuseUnsupportedFormatsAndBadScopes() {
        assertThatThrownBy(() -> trust.keys().add("global", "rsa", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----\n", "t"))
                .isInstanceOf(KeyFormatException.class);
        assertThatThrownBy(() -> trust.keys().add("team", "x", Keys.generate().publicKey().toPem(), "t")).isInstanceOf(IllegalArgumentException.class);
        SigningKey k = Keys.generate();
        var e = trust.keys().add(TrustedKeys.repoScope("keys/app"), "one", k.publicKey().toPem(), "t");
        assertThat(e.keyId()).isEqualTo(k.keyId());
        assertThat(trust.keys().forRepository("keys/app")).extracting(x -> x.keyId()).contains(k.keyId());
        assertThat(trust.keys().forRepository("keys/other")).extracting(x -> x.keyId()).doesNotContain(k.keyId());
        assertThat(trust.keys().remove(TrustedKeys.repoScope("keys/app"), k.keyId())).isTrue();
    }

    @Test
    void policiesAreVersionedAndValidatedOnSave() {
        String v1 = "{\"schemaVersion\":1,\"name\":\"versioned\",\"conditions\":{\"report\":{\"maxAge\":\"P1D\"}}}";
        String v2 = "{\"schemaVersion\":1,\"name\":\"versioned\",\"conditions\":{\"report\":{\"maxAge\":\"P2D\"}}}";
        assertThat(trust.policies().save(v1, "alice").version()).isEqualTo(1);
        assertThat(trust.policies().save(v2, "bob").version()).isEqualTo(2);
        assertThat(trust.policies().latest("versioned").orElseThrow().policy().conditions().report().maxAge()).isEqualTo("P2D");
        assertThat(trust.policies().version("versioned", 1).orElseThrow().createdBy()).isEqualTo("alice");
        assertThatThrownBy(() -> trust.policies().save("{\"schemaVersion\":1,\"name\":\"versioned\",\"conditions\":{\"report\":{}}}", "eve"))
                .isInstanceOf(io.gatehouse.core.policy.PolicyValidationException.class).hasMessageContaining("$.conditions.report");
        assertThat(trust.policies().versions("versioned")).hasSize(2);
    }

    @Test
    void automaticPromotionRunsWhenTheScanReportArrivesAndRespectsImmutableTargets() throws Exception {
        var executor = java.util.concurrent.Executors.newSingleThreadExecutor();
        var results = new java.util.concurrent.CopyOnWriteArrayList<Promoter.Result>();
        server.addListener(trust.autoPromotion(executor, results::add));
        try {
            trust.policies().save("""
                    {"schemaVersion": 1, "name": "auto-release",
                     "conditions": {"vulnerabilities": {"maxCounts": {"critical": 0}}},
                     "promotion": {"targetRepository": "released/app", "tagTemplate": "%n"}}
                    """, "test");
            trust.policies().attachAutoPromotion("auto/app", "auto-release", "test");
            trust.gates().set("released/app", new RepositoryGates.Settings(true, true, null), "test");

            Digest clean = http.pushImage("auto/app", "3.0", "clean".getBytes(StandardCharsets.UTF_8));
            pushReport("auto/app", clean, Instant.now());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> results.size() == 1);
            assertThat(results.get(0).promoted()).isTrue();
            assertThat(http.get("/v2/released/app/manifests/3.0", "Accept", MediaTypes.OCI_MANIFEST).statusCode()).isEqualTo(200);

            // a vulnerable image is not promoted; the verdict says why
            Digest vulnerable = http.pushImage("auto/app", "3.1", "vulnerable".getBytes(StandardCharsets.UTF_8));
            pushReport("auto/app", vulnerable, Instant.now(), critical("CVE-2021-44228"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> results.size() == 2);
            assertThat(results.get(1).promoted()).isFalse();
            assertThat(results.get(1).verdict().explain()).contains("CVE-2021-44228");

            // a different image tagged 3.0 in the source cannot move the immutable 3.0 in the target
            Digest other = http.pushImage("auto/app", "3.0", "rebuilt".getBytes(StandardCharsets.UTF_8));
            pushReport("auto/app", other, Instant.now());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> results.size() == 3);
            assertThat(results.get(2).promoted()).isFalse();
            assertThat(results.get(2).verdict().explain()).contains("FAIL promotion.targetTag", "immutable");
            assertThat(Digest.sha256(http.get("/v2/released/app/manifests/3.0", "Accept", MediaTypes.OCI_MANIFEST).body())).isEqualTo(clean);
        } finally {
            executor.shutdownNow();
        }
    }
}
