package io.gatehouse.registry;

import io.gatehouse.core.model.MediaTypes;
import io.gatehouse.core.reference.Digest;
import io.gatehouse.registry.auth.AccessController;
import io.gatehouse.registry.auth.Decision;
import io.gatehouse.registry.auth.Principal;
import io.gatehouse.registry.auth.Scope;
import io.gatehouse.registry.config.RegistryConfig;
import io.gatehouse.registry.content.ContentGate;
import io.gatehouse.registry.content.OciError;
import io.gatehouse.registry.content.RegistryEvents;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.Writer;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.gatehouse.registry.RegistryClient.errorCode;
import static io.gatehouse.registry.RegistryClient.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Health, metrics, TLS, and the seams other capabilities plug into: access control, gates, events, mounts. */
class OperationsTest {
    @TempDir
    Path dir;

    @Test
    void healthReadinessAndMetrics() {
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            assertThat(c.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(c.get("/readyz").statusCode()).isEqualTo(200);
            c.pushImage("metrics/app", "1", "metric layer".getBytes(StandardCharsets.UTF_8));
            c.get("/v2/metrics/app/manifests/1");
            String metrics = new String(c.get("/metrics").body(), StandardCharsets.UTF_8);
            assertThat(metrics).contains("gatehouse_http_requests_seconds_count{method=\"GET\",route=\"manifest\",status=\"200\"}");
            assertThat(metrics).contains("gatehouse_http_requests_seconds_sum");
            assertThat(metrics).contains("gatehouse_bytes_received_bytes_total");
            assertThat(metrics).contains("gatehouse_bytes_sent_bytes_total");
            assertThat(metrics).containsPattern("gatehouse_storage_bytes [1-9]");
            assertThat(c.get("/nothing-here").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void accessControllerIsAskedOnEveryRouteAndItsRefusalIsSentAsIs() {
        List<Scope> asked = new ArrayList<>();
        AccessController onlyPublic = new AccessController() {
            @Override
            public Decision authorize(String authorization, String remoteAddress, Scope required) {
                synchronized (asked) {
                    asked.add(required);
                }
                if ("Bearer good".equals(authorization)) return new Decision.Allowed(new Principal("alice", Principal.Kind.USER, false));
                if (required.type().equals(Scope.REPOSITORY) && required.name().startsWith("public/")
                        && required.actions().equals(java.util.Set.of(Scope.PULL))) {
                    return new Decision.Allowed(Principal.ANONYMOUS);
                }
                if (required.equals(Scope.catalog())) return new Decision.Allowed(Principal.ANONYMOUS);
                return new Decision.Denied(401, "UNAUTHORIZED", "authentication required",
                        Map.of("WWW-Authenticate", "Bearer realm=\"http://auth/token\",service=\"gatehouse\",scope=\"" + required + "\""));
            }

            @Override
            public boolean mayRead(Principal principal, String repository) {
                return !principal.isAnonymous() || repository.startsWith("public/");
            }
        };
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).accessController(onlyPublic).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            HttpResponse<byte[]> base = c.get("/v2/");
            assertThat(base.statusCode()).isEqualTo(401);
            assertThat(base.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer realm=");
            assertThat(base.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
            assertThat(errorCode(base)).isEqualTo("UNAUTHORIZED");

            HttpResponse<byte[]> push = c.send("POST", "/v2/private/app/blobs/uploads/", null);
            assertThat(push.statusCode()).isEqualTo(401);
            assertThat(push.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("repository:private/app:pull,push");

            // an authorised client pushes to both
            byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
            for (String repo : new String[]{"public/app", "private/app"}) {
                Digest d = Digest.sha256(layer);
                HttpResponse<byte[]> r = c.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, layer, "Authorization", "Bearer good");
                assertThat(r.statusCode()).isEqualTo(201);
            }
            // anonymous: may pull public, not private; the catalog hides private
            assertThat(c.head("/v2/public/app/blobs/" + Digest.sha256(layer)).statusCode()).isEqualTo(200);
            assertThat(c.head("/v2/private/app/blobs/" + Digest.sha256(layer)).statusCode()).isEqualTo(401);
            assertThat(c.send("DELETE", "/v2/public/app/blobs/" + Digest.sha256(layer), null).statusCode()).isEqualTo(401);
            List<String> repos = new ArrayList<>();
            json(c.get("/v2/_catalog")).path("repositories").forEach(n -> repos.add(n.asText()));
            assertThat(repos).containsExactly("public/app");
            // a cross-repository mount from a repository the caller may not read becomes a plain upload session
            HttpResponse<byte[]> mount = c.send("POST", "/v2/public/app/blobs/uploads/?mount=" + Digest.sha256(layer) + "&from=private/app",
                    null, "Authorization", "Bearer good");
            assertThat(mount.statusCode()).isEqualTo(201);
            synchronized (asked) {
                assertThat(asked).contains(Scope.repository("private/app", Scope.PULL));
                assertThat(asked).contains(Scope.repository("public/app", Scope.DELETE));
            }
        }
    }

    @Test
    void contentGateRefusesPushesAndPullsWithItsOwnError() {
        ContentGate gate = new ContentGate() {
            @Override
            public Optional<OciError> beforeManifestPush(Principal principal, String repository, String reference, byte[] manifest, String mediaType) {
                return repository.startsWith("protected/")
                        ? Optional.of(new OciError(403, "DENIED", "protected repository: promote instead", Map.of("repository", repository)))
                        : Optional.empty();
            }

            @Override
            public Optional<OciError> beforeManifestPull(Principal principal, String repository, Digest digest) {
                return repository.equals("blocked/app")
                        ? Optional.of(new OciError(403, "DENIED", "blocked by vulnerabilities", List.of("CVE-2021-44228")))
                        : Optional.empty();
            }
        };
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).contentGate(gate).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            Digest m = c.pushImage("blocked/app", "1", "vulnerable".getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> pull = c.get("/v2/blocked/app/manifests/1");
            assertThat(pull.statusCode()).isEqualTo(403);
            assertThat(errorCode(pull)).isEqualTo("DENIED");
            assertThat(json(pull).path("errors").path(0).path("detail").path(0).asText()).isEqualTo("CVE-2021-44228");
            assertThat(c.head("/v2/blocked/app/manifests/1").statusCode()).isEqualTo(200); // HEAD is not gated
            assertThat(m).isNotNull();

            byte[] manifest = server.content().getManifest("blocked/app", m).orElseThrow().bytes();
            HttpResponse<byte[]> push = c.putManifest("protected/app", "1", manifest, MediaTypes.OCI_MANIFEST);
            assertThat(push.statusCode()).isEqualTo(403);
            assertThat(json(push).path("errors").path(0).path("detail").path("repository").asText()).isEqualTo("protected/app");
            // a trusted internal writer (promotion) bypasses the gate through the Java API
            server.content().mountBlob("blocked/app", "protected/app", Digest.parse(configDigest(manifest)));
            server.content().mountBlob("blocked/app", "protected/app", Digest.sha256("vulnerable".getBytes(StandardCharsets.UTF_8)));
            var pushed = server.content().putManifest("protected/app", "1", List.of(), manifest, MediaTypes.OCI_MANIFEST,
                    Principal.ANONYMOUS, false);
            assertThat(pushed.digest()).isEqualTo(m);
        }
    }

    private static String configDigest(byte[] manifest) {
        try {
            return RegistryClient.JSON.readTree(manifest).path("config").path("digest").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eventsAreToldAfterEachChange() {
        List<String> seen = new ArrayList<>();
        RegistryEvents listener = new RegistryEvents() {
            @Override
            public void manifestPushed(String repository, Digest digest, String mediaType, String tag, Digest subject, String artifactType,
                                       Principal principal) {
                seen.add("pushed " + repository + " " + tag + " " + (subject != null) + " " + artifactType);
            }

            @Override
            public void manifestDeleted(String repository, Digest digest, Principal principal) {
                seen.add("deleted " + repository);
            }

            @Override
            public void tagDeleted(String repository, String tag, Principal principal) {
                seen.add("untagged " + repository + " " + tag);
            }

            @Override
            public void blobDeleted(String repository, Digest digest, Principal principal) {
                seen.add("blob " + repository);
            }
        };
        RegistryEvents broken = new RegistryEvents() {
            @Override
            public void manifestPushed(String repository, Digest digest, String mediaType, String tag, Digest subject, String artifactType,
                                       Principal principal) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).listener(broken).listener(listener).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            Digest m = c.pushImage("events/app", "v1", "e".getBytes(StandardCharsets.UTF_8));
            c.send("DELETE", "/v2/events/app/manifests/v1", null);
            c.send("DELETE", "/v2/events/app/manifests/" + m, null);
            Digest b = c.pushBlob("events/app", "b".getBytes(StandardCharsets.UTF_8));
            c.send("DELETE", "/v2/events/app/blobs/" + b, null);
            assertThat(seen).containsExactly("pushed events/app v1 false " + MediaTypes.OCI_CONFIG, "untagged events/app v1",
                    "deleted events/app", "blob events/app");
        }
    }

    @Test
    void mountedHandlersServeTheirPrefix() {
        Handler hello = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap(("api " + Request.getPathInContext(request)).getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
        try (RegistryServer server = RegistryServer.builder(RegistryConfig.forTesting(dir)).mount("/api/v1", hello)
                .mount("/auth", s -> hello).build().start()) {
            RegistryClient c = new RegistryClient(server.baseUrl());
            assertThat(new String(c.get("/api/v1/users").body(), StandardCharsets.UTF_8)).isEqualTo("api /api/v1/users");
            assertThat(new String(c.get("/auth/token").body(), StandardCharsets.UTF_8)).isEqualTo("api /auth/token");
            assertThat(c.get("/api/v10").statusCode()).isEqualTo(404);
            assertThat(c.get("/v2/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void tlsFromPemFiles() throws Exception {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(256);
        KeyPair kp = kpg.generateKeyPair();
        X500Name name = new X500Name("CN=127.0.0.1");
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis() + 3_600_000), name, kp.getPublic())
                .addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                        new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                                org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        Path certFile = dir.resolve("tls.crt");
        Path keyFile = dir.resolve("tls.key");
        try (Writer w = Files.newBufferedWriter(certFile); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(cert);
        }
        // PKCS#8, as openssl 3 writes it
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        RegistryConfig config = RegistryConfig.forTesting(dir.resolve("data"))
                .with("server.tls.certificate", certFile.toString()).with("server.tls.key", keyFile.toString());
        try (RegistryServer server = RegistryServer.builder(config).build().start()) {
            assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[]{new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {
                }

                public void checkServerTrusted(X509Certificate[] c, String a) {
                    if (!c[0].equals(cert)) throw new IllegalStateException("unexpected certificate");
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            HttpClient http = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }
}
